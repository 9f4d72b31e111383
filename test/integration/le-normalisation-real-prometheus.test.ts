/**
 * Histogram bounds printed as integers, against real Prometheus (each release of
 * test/support/versions.ts: 2.42, 2.53, 3.5) with the generated config and rules. Python's
 * prometheus_client prints le="2.0"; Go and Rust clients (and the hand-written SGLang capture in
 * ../shared/fixtures) print le="2". Prometheus 2 stores what the target printed; Prometheus 3
 * normalises classic-histogram `le` at scrape time (le="2" is stored as "2.0"). The SLO rules and
 * the report match bucket bounds by `le` string, so both targets below, which differ only in how
 * they print `le`, must give the same, exact results on every release:
 *   TTFT: 90% in (1, 2], 10% in (4, 6]; the 2.5 s SLO is read at the engine bound 2 -> 10% violate.
 *   E2E:  80% in (20, 40], 20% in (60, 80]; the 60 s SLO is read at the bound 60 -> 20% violate.
 * Only the file_sd target lists are pointed at the loopback targets.
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { SGLANG_E2E_BUCKETS, SGLANG_TTFT_BUCKETS } from '../../src/engines/sglang.js';
import type { Report } from '../../src/report/collect.js';
import { pythonFloat } from '../../src/rules/promql.js';
import { instanceQuantile } from '../../src/rules/series.js';
import { PROMETHEUS_RELEASES } from '../support/versions.js';
import { type RunningPrometheus, startPrometheus, waitFor } from './support/prometheus.js';
import { type StaticTarget, serveMetrics } from './support/static-targets.js';
import { type TestStack, pointTargets, renderTestStack } from './support/test-stack.js';

const MODEL = 'Qwen/Qwen2.5-7B-Instruct';
/** Requests per second each target reports. */
const RATE = 10;
const FORMATS = { 'sgl-python': pythonFloat, 'sgl-integer': (b: number) => String(b) } as const;
type Instance = keyof typeof FORMATS;

/** An SGLang /metrics page after `k` seconds of traffic, with bounds printed by `le`. */
function sglangPage(k: number, le: (b: number) => string): string {
  const n = RATE * k;
  const lines: string[] = [];
  const histogram = (name: string, bounds: readonly number[], share: (b: number) => number, meanSeconds: number) => {
    lines.push(`# HELP ${name} Histogram of ${name}.`, `# TYPE ${name} histogram`);
    for (const b of bounds) lines.push(`${name}_bucket{le="${le(b)}",model_name="${MODEL}"} ${share(b) * n}`);
    lines.push(`${name}_bucket{le="+Inf",model_name="${MODEL}"} ${n}`, `${name}_sum{model_name="${MODEL}"} ${meanSeconds * n}`, `${name}_count{model_name="${MODEL}"} ${n}`);
  };
  lines.push('# HELP sglang:num_running_reqs The number of running requests.', '# TYPE sglang:num_running_reqs gauge', `sglang:num_running_reqs{model_name="${MODEL}"} 8`);
  lines.push('# HELP sglang:num_queue_reqs The number of requests in the waiting queue.', '# TYPE sglang:num_queue_reqs gauge', `sglang:num_queue_reqs{model_name="${MODEL}"} 0`);
  histogram('sglang:time_to_first_token_seconds', SGLANG_TTFT_BUCKETS, (b) => (b >= 6 ? 1 : b >= 2 ? 0.9 : 0), 1.9);
  histogram('sglang:e2e_request_latency_seconds', SGLANG_E2E_BUCKETS, (b) => (b >= 80 ? 1 : b >= 40 ? 0.8 : 0), 40);
  return `${lines.join('\n')}\n`;
}

/** The expression of a generated recording rule, by its record name. */
function ruleExpr(stack: TestStack, record: string): string {
  const dir = join(stack.dir, 'prometheus/rules');
  for (const f of readdirSync(dir)) {
    const doc = parse(readFileSync(join(dir, f), 'utf8')) as { groups: { rules: { record?: string; expr: string }[] }[] };
    for (const g of doc.groups) for (const r of g.rules) if (r.record === record) return r.expr;
  }
  throw new Error(`no generated rule records ${record}`);
}

for (const release of PROMETHEUS_RELEASES) describe(`integer le bounds on real ${release.name}`, () => {
  const binary = release.path('prometheus');
  if (!binary) {
    it.skip(`needs ${release.missing('prometheus')}`, () => {});
    return;
  }
  let stack: TestStack;
  let prom: RunningPrometheus;
  const targets = new Map<Instance, StaticTarget>();
  let ticker: NodeJS.Timeout | undefined;
  const byInstance = async (expr: string): Promise<Record<string, number>> =>
    Object.fromEntries((await prom.client.query(expr)).series.map((s) => [s.metric.instance!, Number(s.value![1])]));

  beforeAll(async () => {
    const t0 = Date.now();
    for (const [instance, le] of Object.entries(FORMATS) as [Instance, (b: number) => string][]) targets.set(instance, await serveMetrics(sglangPage(0, le)));
    ticker = setInterval(() => {
      const k = Math.floor((Date.now() - t0) / 1000);
      for (const [instance, t] of targets) t.set(sglangPage(k, FORMATS[instance]));
    }, 200);
    stack = await renderTestStack({ targets: Object.keys(FORMATS).map((name, i) => ({ name, engine: 'sglang', url: `http://10.0.0.${9 + i}:30000` })), gpu: 'none', scrapeInterval: '1s' });
    pointTargets(stack, 'sglang', Object.fromEntries([...targets].map(([instance, t]) => [instance, t.address])));
    prom = await startPrometheus({ binary, configFile: stack.configFile });
    await waitFor('TTFT p99 of both targets', async () => (Object.keys(await byInstance(instanceQuantile('ttft_seconds', 'p99'))).length === 2 ? true : undefined), 60_000);
  });

  afterAll(async () => {
    if (ticker) clearInterval(ticker);
    await prom?.stop();
    for (const t of targets.values()) await t.close();
    if (stack) rmSync(stack.dir, { recursive: true, force: true });
  });

  it(`stores le as the target printed it on Prometheus 2, normalised to "2.0" on Prometheus 3`, async () => {
    const r = await prom.client.query('sglang:time_to_first_token_seconds_bucket{le=~"2|2\\\\.0"}');
    const stored = Object.fromEntries(r.series.map((s) => [s.metric.instance!, s.metric.le]));
    expect(stored).toEqual({ 'sgl-python': '2.0', 'sgl-integer': release.major >= 3 ? '2.0' : '2' });
  });

  it('counts the SLO misses of the generated rules at the integer bounds', async () => {
    // The good-request rule as generated, over the count: the share that missed the objective.
    const missed = (h: string) => `1 - (${ruleExpr(stack, `llm:${h}_slo_good:rate5m`)}) / ignoring (objective) llm:${h}_count:rate5m`;
    expect(await byInstance(missed('ttft_seconds'))).toEqual({ 'sgl-python': expect.closeTo(0.1, 9), 'sgl-integer': expect.closeTo(0.1, 9) });
    expect(await byInstance(missed('e2e_seconds'))).toEqual({ 'sgl-python': expect.closeTo(0.2, 9), 'sgl-integer': expect.closeTo(0.2, 9) });
  });

  it('gives the same latency quantiles for both', async () => {
    // p50 = 1 + (0.5 / 0.9) x (2 - 1); p99 = 4 + (0.09 / 0.1) x (6 - 4).
    expect(await byInstance(instanceQuantile('ttft_seconds', 'p50'))).toEqual({ 'sgl-python': expect.closeTo(1 + 0.5 / 0.9, 6), 'sgl-integer': expect.closeTo(1 + 0.5 / 0.9, 6) });
    expect(await byInstance(instanceQuantile('ttft_seconds', 'p99'))).toEqual({ 'sgl-python': expect.closeTo(5.8, 6), 'sgl-integer': expect.closeTo(5.8, 6) });
  });

  it('reports the same SLO attainment at the same bounds for both', async () => {
    await waitFor('bucket rates recorded for 5 s', async () => ((await prom.client.query('count_over_time(llm:ttft_seconds_bucket:rate5m{le="+Inf"}[10s]) >= 5')).series.length === 2 ? true : undefined), 30_000);
    const stdout: string[] = [];
    const err: string[] = [];
    const io: Io = { out: (l) => stdout.push(l), err: (l) => err.push(l), isTTY: false, env: {} };
    expect(await main(['report', '--prometheus-url', prom.url, '--since', '5s', '--format', 'json'], io), err.join('\n')).toBe(0);
    const report = JSON.parse(stdout.join('\n')) as Report;
    expect(report.targets.map((t) => t.instance).sort()).toEqual(['sgl-integer', 'sgl-python']);
    for (const t of report.targets) {
      expect(t.slo.ttft, t.instance).toMatchObject({ threshold_seconds: 2.5, bound_seconds: 2, met: false });
      expect(t.slo.ttft.attainment, t.instance).toBeCloseTo(0.9, 9);
      expect(t.slo.e2e, t.instance).toMatchObject({ threshold_seconds: 60, bound_seconds: 60, met: false });
      expect(t.slo.e2e.attainment, t.instance).toBeCloseTo(0.8, 9);
    }
  });
});
