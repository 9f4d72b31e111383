/**
 * What can be told about each engine from outside: its /metrics (metrics switched off?), its clock
 * (the HTTP Date header), and for servers on this machine whether they listen beyond 127.0.0.1
 * (Prometheus in Docker reaches them through host.docker.internal, not loopback).
 */
import { Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Target } from '../config/types.js';
import { detect } from '../engines/detect.js';
import { fail, type Finding, ok, warn } from './finding.js';

/** The Date header has 1 s resolution; beyond a few seconds, logs, traces and alerts stop lining up. */
const SKEW_WARN_S = 5;

function canConnect(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (v: boolean) => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('error', () => done(false));
    s.connect(port, host, () => done(true));
  });
}

/** This machine's addresses other than loopback (docker0's included: host.docker.internal is one of them). */
function ownAddresses(): string[] {
  return Object.values(networkInterfaces()).flat().filter((a) => a && !a.internal && a.family === 'IPv4').map((a) => a!.address);
}

async function bindingCheck(t: Target): Promise<Finding | undefined> {
  if (!t.local) return undefined;
  const port = Number(new URL(t.url).port) || (t.scheme === 'https' ? 443 : 80);
  const check = `binding ${t.name}`;
  const others = ownAddresses();
  if (others.length === 0) return ok(check, 'this machine has no address but loopback: cannot be told');
  for (const a of others) if (await canConnect(a, port)) return ok(check, `listens beyond 127.0.0.1 (reached on ${a}:${port})`);
  if (await canConnect('127.0.0.1', port)) {
    return fail(check, `port ${port} answers on 127.0.0.1 only, so Prometheus in Docker (host.docker.internal) cannot reach it`, `restart the ${t.engine === 'sglang' ? 'SGLang' : 'vLLM'} server with --host 0.0.0.0`);
  }
  return undefined; // not running at all: the metrics check says so
}

async function serverVersion(t: Target): Promise<string | undefined> {
  const path = t.engine === 'vllm' ? '/version' : '/get_server_info';
  try {
    const res = await fetch(new URL(path, t.url), { signal: AbortSignal.timeout(2000) });
    const v = ((await res.json()) as { version?: unknown }).version;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

async function metricsChecks(t: Target, token: string | undefined, now: () => number): Promise<Finding[]> {
  const url = new URL(t.metricsPath, t.url);
  const name = t.engine === 'sglang' ? 'SGLang' : 'vLLM';
  const sent = now();
  let res: Response;
  let body: string;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(5000), headers: token ? { authorization: `Bearer ${token}` } : {} });
    body = await res.text();
  } catch (err) {
    const why = ((err as Error).cause as Error | undefined)?.message ?? (err as Error).message;
    return [fail(`metrics ${t.name}`, `cannot reach ${url.href} from this machine (${why})`, `start the server, or check the address and firewall (it must listen on ${t.local ? '0.0.0.0' : 'an address this machine reaches'})`)];
  }
  const received = now();
  const out: Finding[] = [];
  const date = Date.parse(res.headers.get('date') ?? '');
  if (Number.isNaN(date)) out.push(ok(`clock ${t.name}`, 'the server sends no Date header: cannot be told'));
  else {
    const skew = (date - (sent + received) / 2) / 1000;
    out.push(Math.abs(skew) > SKEW_WARN_S
      ? warn(`clock ${t.name}`, `its clock is ${Math.abs(skew).toFixed(0)} s ${skew > 0 ? 'ahead of' : 'behind'} this machine's (HTTP Date)`, 'run NTP (chrony or systemd-timesyncd) on both machines')
      : ok(`clock ${t.name}`, `within ${SKEW_WARN_S} s of this machine's (HTTP Date)`));
  }
  const check = `metrics ${t.name}`;
  const report = detect(body);
  const version = await serverVersion(t);
  const ver = version ? ` ${version}` : '';
  if (t.engine === 'sglang' && (res.status === 404 || report.producer !== 'sglang')) {
    out.push(warn(check, `SGLang${ver} at ${url.href} serves no sglang metrics (HTTP ${res.status})`, 'restart the server with --enable-metrics'));
  } else if (t.engine === 'vllm' && res.ok && report.producer !== 'vllm') {
    out.push(warn(check, `vLLM${ver} at ${url.href} exposes no vllm:* series`, 'restart the server without --disable-log-stats (and check that the URL is the API server port)'));
  } else if (!res.ok) {
    out.push(fail(check, `${url.href} answers HTTP ${res.status}`, res.status === 401 || res.status === 403 ? 'give the target its API key (bearerTokenFile in the config)' : 'check the URL points at the server\'s /metrics'));
  } else {
    out.push(ok(check, `${name}${ver}: ${report.stats.families} metric families, ${report.stats.samples} samples`));
  }
  return out;
}

export async function engineChecks(targets: readonly Target[], tokens: Record<string, string>, now: () => number = Date.now): Promise<Finding[]> {
  const per = await Promise.all(targets.map(async (t) => {
    const binding = await bindingCheck(t);
    return [...(binding ? [binding] : []), ...(await metricsChecks(t, t.bearerTokenEnv ? tokens[t.bearerTokenEnv] : undefined, now))];
  }));
  return per.flat();
}
