/**
 * Starts a real Prometheus on a free loopback port with its own config directory and TSDB, and
 * stops it by pid. Used by the probe and integration tests and by bench/dashboard-cost.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrometheusClient } from '../../../src/probe/prom-client.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningPrometheus {
  url: string;
  pid: number;
  client: PrometheusClient;
  storage: string;
  /** Everything Prometheus printed, for failure messages. */
  log: () => string;
  stop: () => Promise<void>;
}

export interface StartOptions {
  binary: string;
  /** prometheus.yml path; rule files and file_sd targets resolve relative to its directory. */
  configFile: string;
  /** Existing TSDB directory (e.g. backfilled blocks); a fresh temp dir otherwise. */
  storage?: string;
  extraArgs?: string[];
  readyTimeoutMs?: number;
  /** Listen here (a config that scrapes Prometheus itself must know it); a free port otherwise. */
  port?: number;
  /** Sent with every request of `client` (basic auth of a --web.config.file). */
  headers?: Record<string, string>;
}

/** A spawned server's output (for failure messages) and whether it has exited. */
export function watchProcess(child: ChildProcess): { output: () => string; exited: () => boolean } {
  let output = '';
  child.stdout?.on('data', (d) => (output += String(d)));
  child.stderr?.on('data', (d) => (output += String(d)));
  let exited = false;
  child.once('exit', () => (exited = true));
  return { output: () => output, exited: () => exited };
}

export async function startPrometheus(opts: StartOptions): Promise<RunningPrometheus> {
  const port = opts.port ?? (await freePort());
  const ownStorage = opts.storage === undefined;
  const storage = opts.storage ?? mkdtempSync(join(tmpdir(), 'cvm-tsdb-'));
  const args = [
    `--config.file=${opts.configFile}`,
    `--storage.tsdb.path=${storage}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-lifecycle',
    ...(opts.extraArgs ?? []),
  ];
  const child: ChildProcess = spawn(opts.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const watched = watchProcess(child);

  const url = `http://127.0.0.1:${port}`;
  const client = new PrometheusClient(url, undefined, opts.headers);
  const stop = async () => {
    if (!watched.exited() && child.pid) {
      process.kill(child.pid, 'SIGTERM');
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          if (!watched.exited() && child.pid) process.kill(child.pid, 'SIGKILL');
          resolve();
        }, 10_000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    if (ownStorage) rmSync(storage, { recursive: true, force: true });
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  while (!(await client.ready())) {
    if (watched.exited()) throw new Error(`prometheus exited before it was ready:\n${watched.output().slice(-3000)}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready after ${opts.readyTimeoutMs ?? 60_000} ms:\n${watched.output().slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, pid: child.pid!, client, storage, log: watched.output, stop };
}

/** Polls `check` until it returns a value (not undefined) or the timeout passes. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
