/**
 * The report against the project's own emulated engine (src/demo, the seeded serving simulation) and
 * DCGM exporter, scraped by a real Prometheus (each release of test/support/versions.ts: 2.42, 2.53,
 * 3.5) with the generated config and our rules. Five minutes of history are backfilled by stepping
 * the simulation (with that release's promtool); afterwards it advances with the wall clock. Expected
 * numbers come from the simulation's own totals: the report's rates must be the 5-minute rates of
 * what the simulation did, averaged over the window.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/demo/index.js';
import { parseExposition } from '../../src/engines/exposition.js';
import type { Io } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import type { Report } from '../../src/report/collect.js';
import { PROMETHEUS_RELEASES } from '../support/versions.js';
import { type RunningPrometheus, startPrometheus, waitFor } from '../integration/support/prometheus.js';
import { type Family, openMetricsFromSnapshots } from './emulators.js';
import { writePrometheusDir } from './prometheus-dir.js';

const HISTORY = 600;
const LIVE = 20;

interface Totals {
  at: number;
  finished: number;
  generation: number;
  prefixQueries: number;
  prefixHits: number;
  kv: number;
}

function families(text: string): Family[] {
  return parseExposition(text).families.map((f) => ({
    name: f.type === 'counter' && !f.name.endsWith('_total') && f.samples.some((s) => s.name === `${f.name}_total`) ? `${f.name}_total` : f.name,
    type: (f.type === 'counter' || f.type === 'histogram' ? f.type : 'gauge') as Family['type'],
    help: f.help ?? '',
    samples: f.samples.map((s) => ({ name: s.name, labels: Object.entries(s.labels), value: s.value })),
  }));
}

for (const release of PROMETHEUS_RELEASES) describe(`report against the demo emulators and real ${release.name}`, () => {
  const PROMETHEUS = release.path('prometheus');
  const PROMTOOL = release.path('promtool');
  if (!PROMETHEUS || !PROMTOOL) {
    it.skip(`needs ${!PROMETHEUS ? release.missing('prometheus') : release.missing('promtool')}`, () => {});
    return;
  }
  let dir: string;
  let prom: RunningPrometheus;
  let engine: Emulator;
  let gpu: Emulator;
  let ticker: NodeJS.Timeout | undefined;
  const totals: Totals[] = [];
  let report: Report;
  let windowStart = 0;

  const snapshot = (at: number): void => {
    const sim = engine.sims[0]!;
    totals.push({
      at,
      finished: Object.values(sim.totals.finished).reduce((a, b) => a + b, 0),
      generation: sim.totals.generationTokens,
      prefixQueries: sim.totals.prefixQueries,
      prefixHits: sim.totals.prefixHits,
      kv: sim.kvUsage,
    });
  };

  /** The value of a total at time t (the last snapshot at or before t). */
  const at = (t: number, key: keyof Totals): number => {
    let v = totals[0]![key];
    for (const s of totals) if (s.at <= t) v = s[key];
    return v;
  };
  /** Mean over the live window of the 5-minute rate of a total. */
  const expectedRate = (key: keyof Totals): number => {
    const live = totals.filter((s) => s.at >= windowStart);
    return live.reduce((a, s) => a + (at(s.at, key) - at(s.at - 300, key)) / 300, 0) / live.length;
  };

  beforeAll(async () => {
    ({ dir } = await writePrometheusDir({ targets: [{ name: 'llama', engine: 'vllm', url: 'http://10.0.0.7:8000' }], gpu: 'dcgm', scrapeInterval: '1s' }, 'cvm-report-demo-'));

    const start = Math.floor(Date.now() / 1000) - HISTORY;
    engine = await startEmulator({ kind: 'vllm-v1', realTime: false, seed: 11, arrivalRate: 6, startTime: start });
    gpu = await startEmulator({ kind: 'dcgm', realTime: false, follow: [engine], gpus: 1, hostname: 'gpu-node-1' });
    const vllmTargets = JSON.parse(readFileSync(join(dir, 'prometheus/targets/vllm.json'), 'utf8')) as { targets: string[]; labels: Record<string, string> }[];
    const target = vllmTargets[0]!;
    target.targets = [new URL(engine.url).host];
    writeFileSync(join(dir, 'prometheus/targets/vllm.json'), JSON.stringify([target]));
    const gpuTargets = JSON.parse(readFileSync(join(dir, 'prometheus/targets/gpu.json'), 'utf8')) as { targets: string[]; labels: Record<string, string> }[];
    writeFileSync(join(dir, 'prometheus/targets/gpu.json'), JSON.stringify([{ ...gpuTargets[0]!, targets: [new URL(gpu.url).host] }]));
    writeFileSync(join(dir, 'prometheus/targets/node.json'), '[]');

    // History: step the simulation 5 s at a time and keep each page as Prometheus would have stored it.
    const snapshots: { at: number; families: Family[] }[] = [];
    for (let t = start + 5; t <= Date.now() / 1000 - 3; t += 5) {
      engine.advance(5);
      gpu.advance(5);
      snapshot(t);
      snapshots.push({ at: t, families: families(engine.metricsText()) });
    }
    const relabel = (l: [string, string][]): [string, string][] => [...l.map(([k, v]): [string, string] => [k === 'engine' ? 'dp_rank' : k, v]), ['job', 'vllm'], ...Object.entries(target.labels)];
    writeFileSync(join(dir, 'history.om'), `${openMetricsFromSnapshots(snapshots, relabel)}# EOF\n`);
    execFileSync(PROMTOOL!, ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'history.om'), join(dir, 'tsdb')], { stdio: 'pipe' });

    prom = await startPrometheus({ binary: PROMETHEUS!, configFile: join(dir, 'prometheus/prometheus.yml'), storage: join(dir, 'tsdb') });
    windowStart = Date.now() / 1000;
    ticker = setInterval(() => {
      engine.advance(1);
      gpu.advance(1);
      snapshot(Date.now() / 1000);
    }, 1000);
    await waitFor('rules over the backfilled history', async () => ((await prom.client.query('llm:generation_tokens:rate5m')).series.length ? true : undefined));
    await new Promise((r) => setTimeout(r, Math.max(0, (windowStart + LIVE) * 1000 - Date.now())));
    const since = `${Math.floor(Date.now() / 1000 - windowStart)}s`;
    const stdout: string[] = [];
    const io: Io = { out: (l) => stdout.push(l), err: () => {}, isTTY: false, env: {} };
    expect(await main(['report', '--prometheus-url', prom.url, '--since', since, '--format', 'json'], io)).toBe(0);
    report = JSON.parse(stdout.join('\n')) as Report;
    // The window the report used, for the expected values.
    windowStart = report.window.start;
  }, 120_000);

  afterAll(async () => {
    if (ticker) clearInterval(ticker);
    await prom?.stop();
    await engine?.stop();
    await gpu?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reports the simulated request rate and generation throughput', () => {
    expect(report.targets).toHaveLength(1);
    const t = report.targets[0]!;
    expect(t).toMatchObject({ instance: 'llama', engine: 'vllm', model_name: 'meta-llama/Llama-3.1-8B-Instruct' });
    const req = expectedRate('finished');
    const gen = expectedRate('generation');
    expect(req).toBeGreaterThan(1);
    expect(Math.abs(t.requests_per_second! / req - 1)).toBeLessThan(0.05);
    expect(Math.abs(t.tokens.generation_per_second! / gen - 1)).toBeLessThan(0.05);
  });

  it('reports the simulated prefix-cache hit rate and KV usage', () => {
    const t = report.targets[0]!;
    const live = totals.filter((s) => s.at >= windowStart);
    const hits = live.map((s) => (at(s.at, 'prefixHits') - at(s.at - 300, 'prefixHits')) / (at(s.at, 'prefixQueries') - at(s.at - 300, 'prefixQueries')));
    expect(t.prefix_cache_hit_rate!).toBeCloseTo(hits.reduce((a, b) => a + b, 0) / hits.length, 2);
    const kvs = totals.filter((s) => s.at >= windowStart - 2).map((s) => s.kv);
    expect(t.kv_cache_usage.max!).toBeLessThanOrEqual(Math.max(...kvs) + 1e-9);
    expect(t.kv_cache_usage.avg!).toBeGreaterThanOrEqual(Math.min(...kvs) - 1e-9);
    // Latency percentiles exist for every histogram the V1 emulator exposes, TPOT included.
    for (const h of ['ttft', 'itl', 'tpot', 'e2e'] as const) expect(t.latency_seconds[h]!.p99).toBeGreaterThan(0);
  });

  it('reports the emulated GPU on the same host', () => {
    expect(report.gpus).toHaveLength(1);
    const g = report.gpus[0]!;
    expect(g.host).toBe('10.0.0.7');
    expect(g.utilization.max!).toBeGreaterThan(0);
    expect(g.utilization.max!).toBeLessThanOrEqual(1);
    expect(g.memory_total_bytes!).toBeGreaterThan(g.memory_used_bytes.max!);
  });
});
