/**
 * End-to-end support: real Docker Engine, real Compose (v1 unless CVM_COMPOSE says otherwise), local
 * images built from Debian's binaries, and helpers the tests run on this machine: the CLI in-process,
 * a webhook receiver for Alertmanager, small HTTP servers bound where containers can reach them.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { main } from '../../src/cli/main.js';
import { bridgeGateway as dockerBridgeGateway } from '../../src/stack/demo-fleet.js';
import { IN_CI, REPO_ROOT, which } from '../support/env.js';

export const LOCAL_IMAGE_FLAGS = [
  '--image', 'prometheus=cvm-local/prometheus:test',
  '--image', 'alertmanager=cvm-local/alertmanager:test',
  '--image', 'node-exporter=cvm-local/node-exporter:test',
];

/** Why the e2e tests cannot run here, or undefined. In CI a missing piece is an error, not a skip. */
export async function dockerSkipReason(): Promise<string | undefined> {
  const missing = ['docker', 'docker-compose'].filter((t) => !which(t));
  let reason: string | undefined = missing.length ? `${missing.join(', ')} not installed (apt-get install -y docker.io docker-compose)` : undefined;
  if (!reason) {
    try {
      await new Docker().ping();
    } catch (err) {
      reason = `Docker Engine not reachable (${(err as Error).message}); start it: dockerd >/tmp/dockerd.log 2>&1 &`;
    }
  }
  if (reason && IN_CI) throw new Error(`e2e: ${reason} — .ci/run must install and start Docker`);
  if (reason) console.warn(`skipped e2e: ${reason}`);
  return reason;
}

export function buildLocalImages(from: { binDir?: string; tag?: string } = {}): void {
  const env = { ...process.env, ...(from.binDir ? { CVM_BIN_DIR: from.binDir } : {}), ...(from.tag ? { CVM_IMAGE_TAG: from.tag } : {}) };
  execFileSync('sh', [join(REPO_ROOT, 'scripts/local-images.sh')], { stdio: 'pipe', env });
}

/** Prometheus 3.5 / Alertmanager 0.33 (Debian unstable's binaries, from .ci/newer-tools.sh) in images built the same way. */
export const SID_IMAGES = ['prometheus=cvm-local/prometheus:sid', 'alertmanager=cvm-local/alertmanager:sid', 'node-exporter=cvm-local/node-exporter:sid'];
export const SID_IMAGE_FLAGS = SID_IMAGES.flatMap((i) => ['--image', i]);

export interface CliRun {
  code: number;
  out: string[];
  err: string[];
  text: string;
}

/** The CLI in this process, on Compose v1 unless CVM_COMPOSE is set in the environment. */
export async function cli(argv: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    isTTY: false,
    env: { ...process.env, CVM_COMPOSE: process.env.CVM_COMPOSE ?? 'v1', ...env },
  });
  return { code, out, err, text: [...out, ...err].join('\n') };
}

/** The Docker bridge gateway: where host.docker.internal (host-gateway) leads from a container. */
export async function bridgeGateway(): Promise<string> {
  return (await dockerBridgeGateway(new Docker())) ?? '0.0.0.0';
}

export interface Served {
  port: number;
  server: Server;
  close(): Promise<void>;
}

export async function serve(host: string, handler: (req: IncomingMessage, res: ServerResponse) => void, port = 0): Promise<Served> {
  const server = createServer(handler);
  await new Promise<void>((r, j) => {
    server.once('error', j);
    server.listen(port, host, () => r());
  });
  return {
    port: (server.address() as AddressInfo).port,
    server,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

/** Alertmanager's webhook payload (version 4), the parts the tests read. */
export interface WebhookPayload {
  receiver: string;
  status: 'firing' | 'resolved';
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[];
  groupLabels: Record<string, string>;
}

export class WebhookReceiver {
  readonly received: WebhookPayload[] = [];
  private served?: Served;

  async start(host: string): Promise<number> {
    this.served = await serve(host, (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        try {
          this.received.push(JSON.parse(body) as WebhookPayload);
        } catch {
          // not a webhook payload; ignore
        }
        res.writeHead(200).end('ok');
      });
    });
    return this.served.port;
  }

  /** Resolves with the first firing alert matching `pred`, or rejects after timeoutMs. */
  async waitFor(pred: (labels: Record<string, string>) => boolean, timeoutMs: number): Promise<Record<string, string>> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const p of this.received) for (const a of p.alerts) if (a.status === 'firing' && pred(a.labels)) return a.labels;
      await new Promise((r) => setTimeout(r, 1000));
    }
    throw new Error(`no matching alert reached the webhook within ${timeoutMs / 1000}s; got: ${JSON.stringify(this.received.flatMap((p) => p.alerts.map((a) => a.labels.alertname)))}`);
  }

  stop(): Promise<void> {
    return this.served?.close() ?? Promise.resolve();
  }
}

export async function promQuery(prometheusUrl: string, expr: string, time?: number): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const params = new URLSearchParams({ query: expr, ...(time ? { time: String(time) } : {}) });
  const res = await fetch(`${prometheusUrl}/api/v1/query?${params}`);
  const body = (await res.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  return body.data.result;
}

export async function waitUntil<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? ` (${(last as Error).message})` : ''}`);
}

/** A port nothing listens on right now (the kernel's pick). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const s = await serve(host, () => {});
  const port = s.port;
  await s.close();
  return port;
}

/** Flags that give a stack its own free host ports, so tests do not collide with anything. */
export async function portFlags(): Promise<string[]> {
  return ['--prometheus-port', String(await freePort()), '--alertmanager-port', String(await freePort()), '--grafana-port', String(await freePort())];
}

/**
 * One generated stack at a time on this machine: node-exporter binds host port 9100, so e2e files
 * that vitest runs in parallel workers take turns. A directory is the lock (mkdir is atomic); a lock
 * whose owner died is taken over.
 */
const LOCK_DIR = join(tmpdir(), 'cvm-e2e-docker.lock');

export async function acquireStackLock(timeoutMs = 900_000): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(join(LOCK_DIR, 'pid'), String(process.pid));
      return () => rmSync(LOCK_DIR, { recursive: true, force: true });
    } catch {
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(LOCK_DIR, 'pid'), 'utf8'));
      } catch {
        // being created right now
      }
      let alive = true;
      if (Number.isInteger(owner) && owner > 0) {
        try {
          process.kill(owner, 0);
        } catch {
          alive = false;
        }
      }
      if (!alive) rmSync(LOCK_DIR, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`another e2e run holds ${LOCK_DIR}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
