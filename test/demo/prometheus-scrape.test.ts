/**
 * Real Prometheus (each release of test/support/versions.ts) scrapes every emulator: targets up, no
 * sample rejected, series queryable.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { EMULATOR_KINDS, startEmulator, type Emulator } from '../../src/demo/emulator.js';
import { PROMETHEUS_RELEASES } from '../support/versions.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

for (const release of PROMETHEUS_RELEASES) describe(`real ${release.name} scrapes the emulators`, () => {
  const binary = release.path('prometheus');
  if (!binary) {
    it.skip(`needs ${release.missing('prometheus')}`, () => {});
    return;
  }
  it('all targets up, samples ingested, none rejected', async () => {
    const emus: Emulator[] = [];
    for (const kind of EMULATOR_KINDS) emus.push(await startEmulator({ kind, seed: 9, dpRanks: 2 }));
    cleanups.push(() => Promise.all(emus.map((e) => e.stop())).then(() => undefined));
    const dir = mkdtempSync(join(tmpdir(), 'cvm-emu-prom-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const config = {
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      scrape_configs: emus.map((e) => ({ job_name: e.kind, static_configs: [{ targets: [new URL(e.url).host] }] })),
    };
    writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
    const port = await freePort();
    const prom: ChildProcess = spawn(binary, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
    cleanups.push(() => {
      prom.kill('SIGTERM');
    });
    const api = async (q: string) => {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}`);
      return ((await res.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }).data.result;
    };
    let up: Awaited<ReturnType<typeof api>> = [];
    for (let i = 0; i < 80; i++) {
      await new Promise((r) => setTimeout(r, 250));
      up = await api('up == 1').catch(() => []);
      if (up.length === EMULATOR_KINDS.length) break;
    }
    expect(up.map((s) => s.metric.job).sort()).toEqual([...EMULATOR_KINDS].sort());
    await new Promise((r) => setTimeout(r, 1500));
    for (const kind of EMULATOR_KINDS) {
      const scraped = await api(`scrape_samples_scraped{job="${kind}"}`);
      expect(Number(scraped[0]!.value[1]), kind).toBeGreaterThan(20);
    }
    expect((await api('vllm:kv_cache_usage_perc')).map((s) => s.metric.engine).sort()).toEqual(['0', '0', '1', '1']);
    expect(await api('histogram_quantile(0.5, sum by (le) (vllm:time_to_first_token_seconds_bucket))')).toHaveLength(1);
    expect((await api('sglang:num_running_reqs')).map((s) => s.metric.dp_rank).sort()).toEqual(['0', '1']);
    expect((await api('DCGM_FI_DEV_GPU_UTIL')).length).toBe(1);
    expect((await api('nvidia_smi_utilization_gpu_ratio')).length).toBe(1);
  });
});
