/**
 * The report's PromQL, over the normalised series of src/rules/series.ts only. Each query is evaluated
 * once, at the end of the window: rates are the recording rules' 5-minute rates averaged over the
 * window (avg_over_time), peaks their max_over_time, and latency quantiles come from the bucket rates
 * averaged over the window, i.e. the distribution of every request in it.
 */
import { leIn } from '../rules/promql.js';
import { type HistogramName, histogramBucket, histogramCount, S, type SloHistogram } from '../rules/series.js';

/** One row of the serving report: a model on one serving target. */
export const TARGET_KEY = ['engine', 'model_name', 'instance', 'job', 'host'] as const;
/** One row of the GPU report. */
export const GPU_KEY = ['instance', 'job', 'host', 'gpu'] as const;

const K = `(${TARGET_KEY.join(', ')})`;
const KLE = `(${[...TARGET_KEY, 'le'].join(', ')})`;
const G = `(${GPU_KEY.join(', ')})`;

export const avgOver = (series: string, w: string): string => `sum by ${K} (avg_over_time(${series}[${w}]))`;
export const maxOver = (series: string, w: string): string => `max by ${K} (max_over_time(${series}[${w}]))`;
export const ratioOver = (num: string, den: string, w: string): string => `${avgOver(num, w)} / (${avgOver(den, w)} > 0)`;

export function quantileOver(h: HistogramName, q: number, w: string): string {
  return `histogram_quantile(${q}, sum by ${KLE} (avg_over_time(${histogramBucket(h)}[${w}])))`;
}

/**
 * Share of observations at or under the SLO: the largest cumulative bucket among `bounds` (the
 * engine's bounds <= the SLO), over the count. The engine selector keeps each engine to its own bounds.
 */
/**
 * Share of observations within the objective: per target, the count at the largest of `bounds` its
 * layout has (cumulative buckets: the max over them), over all observations. `bounds` are the
 * objective's effective bounds (rules/slo.ts objectiveBounds): each layout has one of them.
 */
export function attainmentOver(h: SloHistogram, bounds: number[], w: string): string {
  const bucket = `${histogramBucket(h)}{${leIn(bounds)}}`;
  return `max by ${K} (avg_over_time(${bucket}[${w}])) / (${avgOver(histogramCount(h), w)} > 0)`;
}

/** The bound each target's attainment is measured at, as the value: the largest of `bounds` it has. */
export function boundOver(h: SloHistogram, bounds: number[], w: string): string {
  return `max by ${K} (${bounds.map((b) => `max by ${K} (count_over_time(${histogramBucket(h)}{${leIn([b])}}[${w}])) * 0 + ${b}`).join(' or ')})`;
}

export const gpuAvg = (series: string, w: string): string => `avg by ${G} (avg_over_time(${series}[${w}]))`;
export const gpuMax = (series: string, w: string): string => `max by ${G} (max_over_time(${series}[${w}]))`;

/** Per-target series the capacity analysis reads as ranges. */
export const CAPACITY_SERIES = {
  tokens: `sum by ${K} (${S.promptTokens}) + on ${K} sum by ${K} (${S.generationTokens})`,
  generationTokens: `sum by ${K} (${S.generationTokens})`,
  requests: `sum by ${K} (${S.requestsFinished})`,
  waiting: `max by ${K} (${S.requestsWaiting})`,
} as const;
