/**
 * Runs the report's queries against a Prometheus that evaluates our recording rules and assembles
 * one row per model and serving target, one per GPU, and capacity hints.
 */
import { PrometheusClient, type SeriesResult } from '../probe/prom-client.js';
import { objectiveBounds } from '../rules/slo.js';
import { type HistogramName, S, type SloHistogram, histogramCount } from '../rules/series.js';
import type { Slo } from '../config/types.js';
import { type CapacityFinding, findCapacity } from './capacity.js';
import { attainmentOver, avgOver, boundOver, CAPACITY_SERIES, GPU_KEY, gpuAvg, gpuMax, maxOver, quantileOver, ratioOver, TARGET_KEY } from './queries.js';

export interface Peak {
  avg: number | null;
  max: number | null;
}

export interface Quantiles {
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
}

export interface SloResult {
  threshold_seconds: number;
  /** The bucket bound the attainment is read at (the largest engine bound <= threshold). */
  bound_seconds: number | null;
  /** Share of requests (ITL: tokens) at or under the bound. */
  attainment: number | null;
  /** p99 objective: met when at least 99% are under the bound. */
  met: boolean | null;
}

export interface TargetReport {
  engine: string;
  model_name: string;
  instance: string;
  job: string;
  host: string;
  requests_per_second: number | null;
  tokens: { prompt_per_second: number | null; generation_per_second: number | null; generation_peak_per_second: number | null };
  latency_seconds: Record<'ttft' | 'itl' | 'tpot' | 'e2e', Quantiles | null>;
  failed_share: number | null;
  aborted_share: number | null;
  queue: { waiting: Peak; running: Peak };
  kv_cache_usage: Peak;
  preemptions: { per_second: number | null; total: number | null };
  prefix_cache_hit_rate: number | null;
  slo: Record<'ttft' | 'itl' | 'e2e', SloResult>;
  capacity: CapacityFinding | null;
  hints: string[];
}

export interface GpuReport {
  instance: string;
  job: string;
  host: string;
  gpu: string;
  utilization: Peak;
  sm_active: Peak;
  dram_active: Peak;
  memory_used_bytes: Peak;
  memory_total_bytes: number | null;
  power_watts: Peak;
  temperature_celsius: Peak;
}

export interface Report {
  prometheus_url: string;
  window: { since: string; seconds: number; start: number; end: number };
  slo: Slo;
  targets: TargetReport[];
  gpus: GpuReport[];
}

export interface ReportOptions {
  prometheusUrl: string;
  since: string;
  sinceSeconds: number;
  /** Unix seconds; default now. */
  end?: number;
  slo: Slo;
}

type Vector = Map<string, { labels: Record<string, string>; value: number | null }>;

const keyOf = (labels: Record<string, string>, key: readonly string[]): string => key.map((k) => labels[k] ?? '').join('\u0000');

function toVector(series: SeriesResult[], key: readonly string[]): Vector {
  const out: Vector = new Map();
  for (const s of series) {
    const v = s.value ? Number(s.value[1]) : NaN;
    out.set(keyOf(s.metric, key), { labels: s.metric, value: Number.isFinite(v) ? v : null });
  }
  return out;
}

const QUANTILES: [keyof Quantiles, number][] = [['p50', 0.5], ['p90', 0.9], ['p95', 0.95], ['p99', 0.99]];
const LATENCIES: [keyof TargetReport['latency_seconds'], HistogramName][] = [['ttft', 'ttft_seconds'], ['itl', 'itl_seconds'], ['tpot', 'tpot_seconds'], ['e2e', 'e2e_seconds']];
const SLOS: [keyof TargetReport['slo'], SloHistogram, keyof Slo][] = [['ttft', 'ttft_seconds', 'ttftP99Seconds'], ['itl', 'itl_seconds', 'itlP99Seconds'], ['e2e', 'e2e_seconds', 'e2eP99Seconds']];

export async function collectReport(o: ReportOptions, client = new PrometheusClient(o.prometheusUrl)): Promise<Report> {
  const end = o.end ?? Math.floor(Date.now() / 1000);
  const w = o.since;
  // Queries run later, a few at a time (see runAll), so a failure leaves no stray requests behind.
  const t = (expr: string) => (): Promise<Vector> => client.query(expr, end).then((r) => toVector(r.series, TARGET_KEY));
  const g = (expr: string) => (): Promise<Vector> => client.query(expr, end).then((r) => toVector(r.series, GPU_KEY));

  const jobs: Record<string, () => Promise<Vector>> = {
    requests: t(avgOver(S.requestsFinished, w)),
    prompt: t(avgOver(S.promptTokens, w)),
    generation: t(avgOver(S.generationTokens, w)),
    generationPeak: t(maxOver(S.generationTokens, w)),
    failed: t(ratioOver(S.requestsServerErrors, S.requestsFinished, w)),
    aborted: t(ratioOver(`${S.requestsFinished}{finished_reason="abort"}`, S.requestsFinished, w)),
    waitingAvg: t(avgOver(S.requestsWaiting, w)),
    waitingMax: t(maxOver(S.requestsWaiting, w)),
    runningAvg: t(avgOver(S.requestsRunning, w)),
    runningMax: t(maxOver(S.requestsRunning, w)),
    kvAvg: t(`max by (${TARGET_KEY.join(', ')}) (avg_over_time(${S.kvCacheUsage}[${w}]))`),
    kvMax: t(maxOver(S.kvCacheUsage, w)),
    preemptions: t(avgOver(S.preemptions, w)),
    prefixHit: t(`(${ratioOver(S.prefixCacheHit, S.prefixCacheQueried, w)}) or max by (${TARGET_KEY.join(', ')}) (avg_over_time(${S.prefixCacheHitRatio}[${w}]))`),
  };
  for (const [name, h] of LATENCIES) for (const [q, qv] of QUANTILES) jobs[`${name}.${q}`] = t(quantileOver(h, qv, w));
  for (const [name, h, field] of SLOS) {
    const bounds = objectiveBounds(h, o.slo[field]);
    jobs[`slo.${name}`] = t(attainmentOver(h, bounds, w));
    jobs[`slo.${name}.bound`] = t(boundOver(h, bounds, w));
    jobs[`slo.${name}.count`] = t(avgOver(histogramCount(h), w));
  }
  const gpuJobs: Record<string, () => Promise<Vector>> = {};
  for (const [name, series] of [['util', S.gpuUtilization], ['sm', S.gpuSmActive], ['dram', S.gpuDramActive], ['mem', S.gpuMemoryUsed], ['power', S.gpuPower], ['temp', S.gpuTemperature]] as const) {
    gpuJobs[`${name}.avg`] = g(gpuAvg(series, w));
    gpuJobs[`${name}.max`] = g(gpuMax(series, w));
  }
  gpuJobs['memTotal.max'] = g(gpuMax(S.gpuMemoryTotal, w));

  const v = await runAll(jobs);
  const gv = await runAll(gpuJobs);

  const step = Math.max(1, Math.round(o.sinceSeconds / 300));
  const range = async (expr: string): Promise<Map<string, [number, number][]>> => {
    const r = await client.queryRange(expr, end - o.sinceSeconds, end, step);
    return new Map(r.series.map((s) => [keyOf(s.metric, TARGET_KEY), (s.values ?? []).map(([ts, x]) => [ts, Number(x)] as [number, number])]));
  };
  const [tokensRange, requestsRange, waitingRange] = await Promise.all([range(CAPACITY_SERIES.tokens), range(CAPACITY_SERIES.requests), range(CAPACITY_SERIES.waiting)]);

  // Every model/target that any serving query saw.
  const keys = new Map<string, Record<string, string>>();
  for (const name of ['requests', 'prompt', 'generation', 'runningMax', 'waitingMax', 'kvMax']) for (const [k, e] of v[name]!) keys.set(k, e.labels);
  const val = (name: string, k: string): number | null => v[name]?.get(k)?.value ?? null;

  const targets: TargetReport[] = [...keys].map(([k, labels]) => {
    const engine = labels.engine ?? '';
    const latency = Object.fromEntries(LATENCIES.map(([name]) => {
      const qs = Object.fromEntries(QUANTILES.map(([q]) => [q, val(`${name}.${q}`, k)])) as unknown as Quantiles;
      return [name, Object.values(qs).some((x) => x !== null) ? qs : null];
    })) as TargetReport['latency_seconds'];
    const slo = Object.fromEntries(SLOS.map(([name, , field]) => {
      const threshold = o.slo[field];
      const attainment = val(`slo.${name}`, k);
      return [name, { threshold_seconds: threshold, bound_seconds: val(`slo.${name}.bound`, k), attainment, met: attainment === null ? null : attainment >= 0.99 }];
    })) as TargetReport['slo'];
    const perSecond = val('preemptions', k);
    const row: TargetReport = {
      engine,
      model_name: labels.model_name ?? '',
      instance: labels.instance ?? '',
      job: labels.job ?? '',
      host: labels.host ?? '',
      requests_per_second: val('requests', k),
      tokens: { prompt_per_second: val('prompt', k), generation_per_second: val('generation', k), generation_peak_per_second: val('generationPeak', k) },
      latency_seconds: latency,
      failed_share: val('failed', k),
      aborted_share: val('aborted', k),
      queue: { waiting: { avg: val('waitingAvg', k), max: val('waitingMax', k) }, running: { avg: val('runningAvg', k), max: val('runningMax', k) } },
      kv_cache_usage: { avg: val('kvAvg', k), max: val('kvMax', k) },
      preemptions: { per_second: perSecond, total: perSecond === null ? null : perSecond * o.sinceSeconds },
      prefix_cache_hit_rate: val('prefixHit', k),
      slo,
      capacity: findCapacity(tokensRange.get(k) ?? [], requestsRange.get(k) ?? [], waitingRange.get(k) ?? []),
      hints: [],
    };
    row.hints = hintsFor(row);
    return row;
  });
  targets.sort((a, b) => a.model_name.localeCompare(b.model_name) || a.instance.localeCompare(b.instance));

  const gkeys = new Map<string, Record<string, string>>();
  for (const vec of Object.values(gv)) for (const [k, e] of vec) gkeys.set(k, e.labels);
  const gval = (name: string, k: string): number | null => gv[name]?.get(k)?.value ?? null;
  const peak = (name: string, k: string): Peak => ({ avg: gval(`${name}.avg`, k), max: gval(`${name}.max`, k) });
  const gpus: GpuReport[] = [...gkeys].map(([k, l]) => ({
    instance: l.instance ?? '', job: l.job ?? '', host: l.host ?? '', gpu: l.gpu ?? '',
    utilization: peak('util', k), sm_active: peak('sm', k), dram_active: peak('dram', k), memory_used_bytes: peak('mem', k),
    memory_total_bytes: gval('memTotal.max', k), power_watts: peak('power', k), temperature_celsius: peak('temp', k),
  }));
  gpus.sort((a, b) => a.host.localeCompare(b.host) || a.instance.localeCompare(b.instance) || Number(a.gpu) - Number(b.gpu));

  return { prometheus_url: o.prometheusUrl, window: { since: o.since, seconds: o.sinceSeconds, start: end - o.sinceSeconds, end }, slo: o.slo, targets, gpus };
}

/** Runs named queries with bounded concurrency; the first failure stops the rest from starting. */
async function runAll(jobs: Record<string, () => Promise<Vector>>, concurrency = 6): Promise<Record<string, Vector>> {
  const entries = Object.entries(jobs);
  const out: Record<string, Vector> = {};
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < entries.length) {
      const [name, job] = entries[next++]!;
      try {
        out[name] = await job();
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: concurrency }, worker));
  const rejected = results.find((r) => r.status === 'rejected');
  if (rejected) throw (rejected as PromiseRejectedResult).reason;
  return out;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** Plain advice from what the numbers show; each hint names the number it rests on. */
export function hintsFor(r: TargetReport): string[] {
  const hints: string[] = [];
  const c = r.capacity;
  if (c?.queue_started_at !== undefined && c.queue_started_at !== null) {
    hints.push(
      `Requests started queueing at about ${fmt(c.requests_at_queue_start)} req/s (${fmt(c.tokens_at_queue_start)} tok/s); the highest throughput with an empty queue was ${fmt(c.best_tokens_without_queue)} tok/s: plan capacity below that for this traffic mix.`,
    );
  } else if (c && c.peak_tokens_per_second !== null && c.peak_tokens_per_second > 0) {
    hints.push(`No queueing in the window: ${fmt(c.peak_tokens_per_second)} tok/s were served without waiting, so capacity is above that.`);
  }
  if ((r.kv_cache_usage.max ?? 0) >= 0.9) hints.push(`KV cache reached ${pct(r.kv_cache_usage.max!)}: batches are limited by KV memory (more GPU memory, a shorter max context, or fewer concurrent sequences).`);
  if ((r.preemptions.total ?? 0) >= 1) hints.push(`About ${Math.round(r.preemptions.total!)} preemptions: the KV cache ran out mid-request; lower --max-num-seqs or give the cache more memory.`);
  for (const [name, s] of Object.entries(r.slo)) {
    if (s.met === false) hints.push(`${name.toUpperCase()} p99 objective (${s.threshold_seconds} s) missed: ${pct(s.attainment!)} of ${name === 'itl' ? 'tokens' : 'requests'} were at or under ${s.bound_seconds} s.`);
  }
  if ((r.failed_share ?? 0) > 0.01) hints.push(`${pct(r.failed_share!)} of finished requests failed with a server error (HTTP 5xx or finished_reason=error).`);
  return hints;
}

function fmt(x: number | null): string {
  return x === null ? '-' : x >= 100 ? x.toFixed(0) : x.toFixed(2);
}
