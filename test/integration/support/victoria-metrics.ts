/** The real VictoriaMetrics single-node binary (Debian's victoria-metrics) on a free loopback port. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor, watchProcess } from './prometheus.js';

export interface RunningVictoriaMetrics {
  url: string;
  stop: () => Promise<void>;
  log: () => string;
}

/** Fresh samples queryable at once (no latency offset, no cache); `extraArgs` such as auth or dedup flags. */
export async function startVictoriaMetrics(binary: string, extraArgs: string[] = []): Promise<RunningVictoriaMetrics> {
  const port = await freePort();
  const storage = mkdtempSync(join(tmpdir(), 'cvm-vm-'));
  const child: ChildProcess = spawn(binary, [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${storage}`, '-retentionPeriod=1d', '-search.latencyOffset=0s', '-search.disableCache', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { output, exited } = watchProcess(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor('VictoriaMetrics ready', async () => {
    if (exited()) throw new Error(`victoria-metrics exited:\n${output().slice(-2000)}`);
    return (await fetch(`${url}/health`)).ok ? true : undefined;
  }, 30_000, 200);
  return {
    url,
    log: output,
    stop: async () => {
      if (!exited() && child.pid) {
        process.kill(child.pid, 'SIGTERM');
        await new Promise<void>((r) => child.once('exit', () => r()));
      }
      rmSync(storage, { recursive: true, force: true });
    },
  };
}
