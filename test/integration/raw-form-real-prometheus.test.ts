/**
 * The raw-query form (import --raw) against the recorded form, on real Prometheus: a generated stack
 * with its rules scrapes emulated vLLM V1 and SGLang servers, an emulated DCGM exporter and the real
 * node exporter at 1s; then every query of every dashboard runs twice at one instant, as provisioned
 * (reading our recorded series) and inlined (reading only the engines' and exporters' own series),
 * and the two must return the same series with the same values.
 *
 * "The same values", within 5 %: a recorded sample was written by its rule up to one evaluation
 * interval (1s here) before the instant, while the raw form computes at the instant itself. The
 * emulators are stopped a few seconds before the comparison, so gauges read the same value both
 * ways and windows of minutes over the counters change by far less than that in a second.
 * Queries over the 30-day SLO window also compare sums over different sample grids (rule
 * evaluations against a subquery's steps): their ratios are what the panels show, within 5 % too.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { panelQueries, type Dashboard } from '../../src/dashboards/index.js';
import { type Emulator, startEmulator } from '../../src/demo/index.js';
import { readStackArtefacts, stackDefinitions } from '../../src/grafana-client/import.js';
import { substitute, type VariableValue } from '../../src/probe/grafana-vars.js';
import type { SeriesResult } from '../../src/probe/prom-client.js';
import { inlineRecorded } from '../../src/rules/inline.js';
import { requireTool } from '../support/env.js';
import { PROMETHEUS_RELEASES } from '../support/versions.js';
import { type RunningPrometheus, startPrometheus, waitFor } from './support/prometheus.js';
import { type TestStack, pointTargets, renderTestStack, startNodeExporter } from './support/test-stack.js';

const NODE_EXPORTER = requireTool('prometheus-node-exporter', 'apt-get install -y prometheus-node-exporter');
const TOLERANCE = 0.05;
/** The resolution of the raw form's 30-day subqueries (src/rules/inline.ts: at most 8,640 steps). */
const SLO_SUBQUERY_STEP = 300;
const WINDOW = { rangeSeconds: 3600, stepSeconds: 15, scrapeIntervalSeconds: 1 };

function byLabels(series: SeriesResult[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of series) {
    const { __name__: _, ...labels } = s.metric;
    out.set(JSON.stringify(Object.entries(labels).sort()), Number(s.value?.[1]));
  }
  return out;
}

const close = (a: number, b: number) => (Number.isNaN(a) && Number.isNaN(b)) || a === b || Math.abs(a - b) <= 1e-9 + TOLERANCE * Math.max(Math.abs(a), Math.abs(b));

const RUNNABLE = PROMETHEUS_RELEASES.filter((r) => r.path('prometheus'));

describe('raw-query form equals the recorded form on real Prometheus', () => {
  for (const r of PROMETHEUS_RELEASES.filter((x) => !x.path('prometheus'))) it.skip(`${r.name}: needs ${r.missing('prometheus')}`, () => {});
  if (!NODE_EXPORTER || RUNNABLE.length === 0) {
    it.skip(`needs ${!NODE_EXPORTER ? 'prometheus-node-exporter' : 'a Prometheus binary'}`, () => {});
    return;
  }
  const emulators: Emulator[] = [];
  // One stack and Prometheus per release, all scraping the same emulators at once.
  const running = new Map<string, { stack: TestStack; prom: RunningPrometheus }>();
  let node: Awaited<ReturnType<typeof startNodeExporter>>;

  beforeAll(async () => {
    // Driven by the test's clock, so that it can stop them before comparing (below).
    const vllm = await startEmulator({ kind: 'vllm-v1', model: 'meta-llama/Llama-3.1-8B-Instruct', seed: 5, arrivalRate: 4, realTime: false });
    const sglang = await startEmulator({ kind: 'sglang', model: 'Qwen/Qwen2.5-32B-Instruct', seed: 6, arrivalRate: 4, features: ['tokens_histogram'], realTime: false });
    const gpu = await startEmulator({ kind: 'dcgm', gpus: 2, seed: 7, follow: [vllm, sglang], realTime: false });
    emulators.push(vllm, sglang, gpu);
    const clock = setInterval(() => emulators.forEach((e) => e.advance(1)), 1000);
    const dataFrom = Date.now() / 1000;
    try {
      node = await startNodeExporter(NODE_EXPORTER!);
      for (const release of RUNNABLE) {
        const stack = await renderTestStack({ targets: [{ name: 'vllm', engine: 'vllm', url: vllm.url }, { name: 'sglang', engine: 'sglang', url: sglang.url }], gpu: 'dcgm', scrapeInterval: '1s' }, 'rawform');
        const host = stack.spec.localHost;
        pointTargets(stack, 'vllm', { vllm: `127.0.0.1:${vllm.port}` });
        pointTargets(stack, 'sglang', { sglang: `127.0.0.1:${sglang.port}` });
        pointTargets(stack, 'gpu', { [host]: `127.0.0.1:${gpu.port}` });
        pointTargets(stack, 'node', { [host]: node.address });
        const prom = await startPrometheus({ binary: release.path('prometheus')!, configFile: stack.configFile });
        const config = parse(readFileSync(stack.configFile, 'utf8')) as { scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[] };
        for (const job of config.scrape_configs.filter((j) => j.job_name === 'prometheus')) job.static_configs![0]!.targets = [prom.url.replace('http://', '')];
        writeFileSync(stack.configFile, stringify(config));
        await fetch(`${prom.url}/-/reload`, { method: 'POST' });
        running.set(release.name, { stack, prom });
      }
      // A minute of traffic: every 5m rate has many samples, and the 1m SLO group has run.
      for (const { prom } of running.values())
        await waitFor('a minute of recorded SLO series', async () => ((await prom.client.query('count_over_time(llm:ttft_seconds_slo_good:rate5m[5m])')).series.some((x) => Number(x.value?.[1]) >= 2) ? true : undefined), 180_000, 2000);
      await new Promise((r) => setTimeout(r, 20_000));
      // The raw form reads the 30-day SLO window as a subquery at 300s steps (30d / 8,640), aligned to
      // multiples of 300s: until one step falls after the first samples, it has nothing to sum.
      const firstStep = Math.ceil((dataFrom + 15) / SLO_SUBQUERY_STEP) * SLO_SUBQUERY_STEP;
      while (Date.now() / 1000 < firstStep + 5) await new Promise((r) => setTimeout(r, 1000));
    } finally {
      // Frozen: gauges stop moving, so a rule's sample (written up to 1s before the instant) and the
      // raw form at the instant read the same scrape; rates then drift by well under a percent.
      clearInterval(clock);
    }
    await new Promise((r) => setTimeout(r, 5_000));
  }, 600_000);

  afterAll(async () => {
    for (const { stack, prom } of running.values()) {
      await prom.stop();
      rmSync(stack.dir, { recursive: true, force: true });
    }
    for (const e of emulators) await e.stop();
    await node?.stop();
  });

  for (const release of RUNNABLE) it(`every panel query returns the same series and values in both forms (${release.name})`, async () => {
    const { stack, prom } = running.get(release.name)!;
    const defs = stackDefinitions(readStackArtefacts(stack.dir), ['vllm', 'sglang']);
    const all = (d: Dashboard): Record<string, VariableValue> => Object.fromEntries(d.templating.list.map((v) => [v.name, { values: [], multi: v.multi, all: v.allValue ? { allValue: v.allValue } : {} }]));
    const at = Math.floor(Date.now() / 1000) - 2;
    const mismatches: string[] = [];
    let compared = 0;
    let withData = 0;
    for (const d of stack.dashboards as unknown as Dashboard[]) {
      const vars = all(d);
      for (const q of panelQueries(d)) {
        const where = `${d.title} / ${q.title} [${q.refId}]`;
        const recorded = byLabels((await prom.client.query(substitute(q.expr, WINDOW, vars), at)).series);
        const raw = byLabels((await prom.client.query(substitute(inlineRecorded(q.expr, defs, '1s'), WINDOW, vars), at)).series);
        compared++;
        if (recorded.size > 0) withData++;
        const keys = new Set([...recorded.keys(), ...raw.keys()]);
        for (const k of keys) {
          const [a, b] = [recorded.get(k), raw.get(k)];
          if (a === undefined || b === undefined) mismatches.push(`${where}: ${k} only in the ${a === undefined ? 'raw' : 'recorded'} form`);
          else if (!close(a, b)) mismatches.push(`${where}: ${k} recorded ${a}, raw ${b}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    // Not an empty comparison: most panels have data in this fleet.
    expect(compared).toBeGreaterThan(150);
    expect(withData / compared).toBeGreaterThan(0.7);
  }, 300_000);
});
