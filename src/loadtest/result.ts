/**
 * The run's figures with `vllm bench serve`'s definitions and --json field names: TPOT per request =
 * (E2E − TTFT)/(output − 1), only for outputs of more than one token; ITL pooled over all chunk gaps;
 * throughputs over the run's duration, from completed requests only; goodput = completed requests
 * meeting every SLO, per second (a one-token output counts as TPOT 0 there, as in vLLM).
 */
import type { RequestResult } from './request.js';
import type { LoadRun } from './run.js';
import { percentileKey, summarize } from './stats.js';

/** SLOs of goodput in milliseconds, vLLM's --goodput keys. */
export interface GoodputSlo {
  ttft?: number;
  tpot?: number;
  e2el?: number;
}

export const METRICS = ['ttft', 'tpot', 'itl', 'e2el'] as const;
export type MetricName = (typeof METRICS)[number];

export type LoadResult = Record<string, number | string | boolean | Record<string, number> | null> & {
  duration: number;
  completed: number;
  failed: number;
  interrupted: number;
  total_input_tokens: number;
  total_output_tokens: number;
  request_throughput: number;
  request_goodput: number;
  output_throughput: number;
  total_token_throughput: number;
  goodput_slo_ms: Record<string, number>;
  errors: Record<string, number>;
};

export const tpotOf = (r: RequestResult): number | undefined => (r.outputTokens > 1 ? (r.e2e - r.ttft) / (r.outputTokens - 1) : undefined);

export function loadResult(run: LoadRun, slo: GoodputSlo, percentiles: readonly number[], extra: Record<string, number | string | null> = {}): LoadResult {
  const done = run.results.filter((r) => r.ok).sort((a, b) => a.start - b.start);
  const interrupted = run.results.filter((r) => !r.ok && r.error === 'interrupted').length;
  const failedOnes = run.results.filter((r) => !r.ok && r.error !== 'interrupted');
  const errors: Record<string, number> = {};
  for (const r of failedOnes) errors[r.error ?? 'unknown'] = (errors[r.error ?? 'unknown'] ?? 0) + 1;
  const input = done.reduce((a, r) => a + r.promptTokens, 0);
  const output = done.reduce((a, r) => a + r.outputTokens, 0);
  const d = run.duration > 0 ? run.duration : 1e-9;
  const good = done.filter((r) => (slo.ttft === undefined || r.ttft * 1000 <= slo.ttft) && (slo.tpot === undefined || (tpotOf(r) ?? 0) * 1000 <= slo.tpot) && (slo.e2el === undefined || r.e2e * 1000 <= slo.e2el)).length;
  const values: Record<MetricName, number[]> = {
    ttft: done.map((r) => r.ttft),
    tpot: done.flatMap((r) => (tpotOf(r) === undefined ? [] : [tpotOf(r)!])),
    itl: done.flatMap((r) => r.itl),
    e2el: done.map((r) => r.e2e),
  };
  const result: LoadResult = {
    ...extra,
    duration: run.duration,
    completed: done.length,
    failed: failedOnes.length,
    interrupted,
    // Not vllm bench serve's: the longest this client's event loop was held up, by which every
    // client-side latency may be inflated (a busy machine).
    client_stall_ms: run.clientStallMs,
    total_input_tokens: input,
    total_output_tokens: output,
    request_throughput: done.length / d,
    request_goodput: good / d,
    output_throughput: output / d,
    total_token_throughput: (input + output) / d,
    goodput_slo_ms: { ...slo } as Record<string, number>,
    errors,
  };
  for (const m of METRICS) {
    const s = summarize(values[m], percentiles);
    result[`mean_${m}_ms`] = s.mean * 1000;
    result[`median_${m}_ms`] = s.median * 1000;
    result[`std_${m}_ms`] = s.std * 1000;
    for (const p of percentiles) result[`p${percentileKey(p)}_${m}_ms`] = s.percentiles[percentileKey(p)]! * 1000;
  }
  return result;
}
