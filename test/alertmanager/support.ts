/**
 * What the alertmanager suites share: a stack's alertmanager/ folder written on its own (config and
 * templates only, so these suites need no rules), a real Alertmanager on a free loopback port with
 * its own storage, stopped by pid, and local stand-ins for Slack, Teams, PagerDuty, webhooks and SMTP.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { notificationTemplates, TEMPLATES_DIR } from '../../src/notify/index.js';
import { renderAlertmanagerConfig } from '../../src/render/alertmanager.js';
import { toYaml } from '../../src/render/files.js';
import type { StackSpec } from '../../src/config/types.js';
import { freePort, waitFor } from '../integration/support/prometheus.js';

/** Writes <dir>/alertmanager.yml and <dir>/templates/*.tmpl as render() does; returns the config path. */
export function writeAlertmanagerDir(spec: StackSpec, config: Record<string, unknown> = renderAlertmanagerConfig(spec), dir = mkdtempSync(join(tmpdir(), 'cvm-am-'))): string {
  mkdirSync(join(dir, TEMPLATES_DIR), { recursive: true });
  for (const [name, text] of notificationTemplates(spec.urls.grafana)) writeFileSync(join(dir, TEMPLATES_DIR, name), text);
  writeFileSync(join(dir, 'alertmanager.yml'), toYaml(config));
  return join(dir, 'alertmanager.yml');
}

export interface Captured {
  path: string;
  body: string;
  /** Date.now() when the request had arrived whole. */
  at: number;
}

/** One HTTP server standing in for every receiver endpoint; answers each the way Alertmanager expects. */
export async function captureServer(): Promise<{ url: string; received: Captured[]; close: () => Promise<void> }> {
  const received: Captured[] = [];
  const server: Server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += String(d)));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body, at: Date.now() });
      // Slack's incoming webhooks answer "ok"; Alertmanager 0.26+ checks it.
      if (req.url?.startsWith('/slack')) res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      else if (req.url?.startsWith('/pagerduty')) res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"success","message":"Event processed"}');
      else res.writeHead(200).end('1');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, received, close: () => new Promise((r) => server.close(() => r())) };
}

/** Just enough SMTP (no TLS, no auth) to take Alertmanager's mails; each message's DATA is kept. */
export async function smtpServer(): Promise<{ address: string; mails: string[]; close: () => Promise<void> }> {
  const mails: string[] = [];
  const server: TcpServer = createTcpServer((socket) => {
    let buffer = '';
    let data: string[] | undefined;
    socket.write('220 localhost ESMTP test\r\n');
    socket.on('data', (chunk) => {
      buffer += String(chunk);
      let nl: number;
      while ((nl = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        if (data) {
          if (line === '.') {
            mails.push(data.join('\r\n'));
            data = undefined;
            socket.write('250 queued\r\n');
          } else data.push(line.startsWith('..') ? line.slice(1) : line);
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250-localhost\r\n250 8BITMIME\r\n');
        else if (verb === 'DATA') {
          data = [];
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { address: `127.0.0.1:${(server.address() as { port: number }).port}`, mails, close: () => new Promise((r) => server.close(() => r())) };
}

/** Quoted-printable soft breaks and escapes undone, so a test can read a mail body. */
export function decodeQuotedPrintable(text: string): string {
  return Buffer.from(text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
}

export interface RunningAlertmanager {
  url: string;
  log: () => string;
  stop: () => Promise<void>;
}

/** `headers` authenticate the readiness check (a --web.config.file with basic auth); `port`, if the caller must know it first. */
/** Clustering is off unless `extraArgs` give a --cluster.listen-address (an HA pair's test). */
export async function startAlertmanager(binary: string, configFile: string, extraArgs: string[] = [], opts: { headers?: Record<string, string>; port?: number } = {}): Promise<RunningAlertmanager> {
  const port = opts.port ?? (await freePort());
  const storage = mkdtempSync(join(tmpdir(), 'cvm-am-data-'));
  let log = '';
  const child: ChildProcess = spawn(binary, [`--config.file=${configFile}`, `--storage.path=${storage}`, `--web.listen-address=127.0.0.1:${port}`, ...(extraArgs.some((a) => a.startsWith('--cluster.listen-address')) ? [] : ['--cluster.listen-address=']), ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (log += String(d)));
  child.stderr!.on('data', (d) => (log += String(d)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.pid && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(child.pid, 'SIGTERM');
      await exited;
    }
  };
  try {
    await waitFor('Alertmanager ready', async () => {
      if (child.exitCode !== null) throw new Error(`Alertmanager exited ${child.exitCode}: ${log}`);
      return (await fetch(`${url}/-/ready`, { headers: opts.headers ?? {} }).catch(() => undefined))?.ok ? true : undefined;
    }, 30_000, 200);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, log: () => log, stop };
}

/** Posts alerts to Alertmanager's API v2 as Prometheus does. */
export async function postAlerts(amUrl: string, alerts: Record<string, unknown>[]): Promise<void> {
  const res = await fetch(`${amUrl}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
  if (!res.ok) throw new Error(`POST /api/v2/alerts: HTTP ${res.status} ${await res.text()}`);
}
