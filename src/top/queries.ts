/**
 * What `top` asks Prometheus: instant queries of the normalised series (src/rules/series.ts) the
 * overview dashboard reads, all evaluated at one instant so a frame is one consistent picture.
 */
import { type HistogramName, S, histogramBucket, modelSloBadRatio } from '../rules/series.js';

/** Per model: the model: series carry (engine, model_name, job); a model is one engine's. */
const BY_MODEL = 'by (engine, model_name)';

/** The overview's P99 stats: each model's instances' buckets summed at this instant. */
function p99(h: HistogramName): string {
  return `max ${BY_MODEL} (histogram_quantile(0.99, sum by (engine, model_name, job, le) (${histogramBucket(h)})))`;
}

export const TOP_QUERIES = {
  /** Every target Prometheus scrapes: 1 up, 0 down. */
  up: 'up',
  alerts: 'ALERTS{alertstate="firing"}',
  instances: `count ${BY_MODEL} (${S.requestsRunning})`,
  /** The overview's QPS stat: finished requests per second, all finish reasons. */
  requestsPerSecond: `sum ${BY_MODEL} (${S.requestsFinished})`,
  outputTokensPerSecond: `sum ${BY_MODEL} (${S.generationTokens})`,
  ttftP99Seconds: p99('ttft_seconds'),
  itlP99Seconds: p99('itl_seconds'),
  e2eP99Seconds: p99('e2e_seconds'),
  /** The availability SLI: server errors / requests over 5m. */
  errorRatio: `max ${BY_MODEL} (${modelSloBadRatio('availability', '5m')})`,
  kvUsageMax: `max ${BY_MODEL} (${S.kvCacheUsage})`,
  /** The overview's GPU stat: the GPUs of the machines serving models (serving and GPU targets share `host`). */
  gpuUtilisationServing: `avg(${S.gpuUtilization} and on (host) ${S.requestsRunning})`,
  gpuUtilByHost: `avg by (host) (${S.gpuUtilization})`,
  gpuCountByHost: `count by (host) (${S.gpuUtilization})`,
} as const;

export type TopQuery = keyof typeof TOP_QUERIES;
