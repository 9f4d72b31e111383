/**
 * Recording rules that normalise vLLM (V0, V1 old and new names) and SGLang (colon and
 * router-rewritten underscore names) into the llm: series of series.ts.
 *
 * Rank handling: vLLM reports one series per data-parallel engine (its `engine` label is renamed
 * `dp_rank` at scrape time) and only one process per TP group, so counts are summed over ranks.
 * SGLang schedulers can all report (--enable-metrics-for-all-schedulers): TP/PP/EP ranks repeat the
 * same batch, so scheduler series take the max per dp_rank first and then sum over dp_rank; the
 * volatile `pid` label disappears in the same aggregation. Ratios take the max, never the sum.
 */
import type { Engine } from '../config/types.js';
import { histogramSources } from './buckets.js';
import { by, firstOf } from './promql.js';
import {
  HISTOGRAMS,
  type HistogramName,
  QUANTILE_VALUE,
  RATE_WINDOW,
  S,
  histogramBucket,
  histogramCount,
  histogramQuantile,
  MODEL_HISTOGRAMS,
  MODEL_LABELS,
  modelBucket,
  modelQuantile,
} from './series.js';
import type { RecordingRule, RuleGroup } from './types.js';

/** Labels every llm: series is aggregated to (the rule adds `engine`). */
export const TARGET_LABELS = ['job', 'instance', 'host', 'model_name'] as const;
const L = TARGET_LABELS;
const LB = by(L);
const LLE = by([...L, 'le']);
const W = RATE_WINDOW;

/** Shapes one raw metric into a per-target series; `m` is the raw name (with selector if any). */
interface EngineShapes {
  gauge(m: string, agg: 'sum' | 'max'): string;
  counterRate(m: string, w?: string, extraBy?: readonly string[]): string;
  bucketRate(m: string, w?: string, le?: string): string;
  /** Scheduler-side histograms repeat per TP rank in SGLang. */
  scheduler: boolean;
}

const vllmShapes: EngineShapes = {
  gauge: (m, agg) => `${agg} by ${LB} (${m})`,
  counterRate: (m, w = W, extraBy = []) => `sum by ${by([...L, ...extraBy])} (rate(${m}[${w}]))`,
  bucketRate: (m, w = W, le) => `sum by ${LLE} (rate(${m}_bucket${le ? `{${le}}` : ''}[${w}]))`,
  scheduler: false,
};

/** SGLang: one value per DP rank (max over TP/PP/EP duplicates and pid), then summed over DP ranks. */
const perDp = (agg: string, inner: string, extra: readonly string[] = []): string =>
  `${agg} by ${by([...L, ...extra])} (max by ${by([...L, ...extra, 'dp_rank'])} (${inner}))`;

const sglangShapes: EngineShapes = {
  gauge: (m, agg) => (agg === 'sum' ? perDp('sum', `${m}{priority=""}`) : `max by ${LB} (${m}{priority=""})`),
  counterRate: (m, w = W, extraBy = []) => `sum by ${by([...L, ...extraBy])} (rate(${m}[${w}]))`,
  bucketRate: (m, w = W, le) => `sum by ${LLE} (rate(${m}_bucket${le ? `{${le}}` : ''}[${w}]))`,
  scheduler: true,
};

const schedulerBucketRate = (m: string, w = W): string => perDp('sum', `rate(${m}_bucket[${w}])`, ['le']);
const schedulerCounterRate = (m: string, w = W): string => perDp('sum', `rate(${m}[${w}])`);

/** Mean of a histogram over the window: rate of its sum over rate of its count. */
const meanOf = (s: EngineShapes, h: string): string => `${s.counterRate(`${h}_sum`)} / (${s.counterRate(`${h}_count`)} > 0)`;

/**
 * Decode phase from request latencies: every finished request's E2E less its TTFT is the time from
 * its first to its last token. The two histograms are observed at different moments (first token,
 * finish), so over a window with a burst of new requests the difference can dip below 0: clamped.
 */
const decodeSeconds = (s: EngineShapes, e2e: string, ttft: string): string => `clamp_min(${s.counterRate(`${e2e}_sum`)} - ${s.counterRate(`${ttft}_sum`)}, 0)`;

const decodeFromLatencies = (s: EngineShapes, e2e: string, ttft: string): string => `${decodeSeconds(s, e2e, ttft)} / (${s.counterRate(`${e2e}_count`)} > 0)`;

/** Mean time per output token after the first: decode seconds over output tokens less one per request. */
const tpotFromLatencies = (s: EngineShapes, e2e: string, ttft: string, generated: string): string =>
  `${decodeSeconds(s, e2e, ttft)} / ((${s.counterRate(generated)} - ${s.counterRate(`${e2e}_count`)}) > 0)`;

const rec = (record: string, engine: Engine, variants: string[], on: readonly string[] = L): RecordingRule => ({
  record,
  expr: firstOf(variants, on),
  labels: { engine },
});

/** Colon names as the server emits them, then the `sglang_` names a router re-exports. */
const sgl = (colonName: string): string[] => [colonName, colonName.replace(/^sglang:/, 'sglang_')];

function histogramRules(engine: Engine, shapes: EngineShapes): RecordingRule[] {
  const rules: RecordingRule[] = [];
  for (const h of Object.keys(HISTOGRAMS) as HistogramName[]) {
    const names = histogramSources(engine, h);
    if (names.length === 0) continue;
    const schedulerSide = engine === 'sglang' && h === 'queue_seconds';
    rules.push(rec(histogramBucket(h), engine, names.map((n) => (schedulerSide ? schedulerBucketRate(n) : shapes.bucketRate(n)))));
    rules.push(
      rec(
        histogramCount(h),
        engine,
        names.map((n) => (schedulerSide ? schedulerCounterRate(`${n}_count`) : shapes.counterRate(`${n}_count`))),
      ),
    );
  }
  return rules;
}

/**
 * vLLM's HTTP metrics (prometheus_fastapi_instrumentator) carry handler/method/status, no model:
 * the model comes from the target's engine metrics. The instrumentator groups status codes by
 * default ("5xx"); "5.." also matches a server that reports them ungrouped ("503").
 */
const http5xx = `label_replace(sum by (job, instance, host) (rate(http_requests_total{handler=~"/v1/.+", status=~"5.."}[${W}])) * on (job, instance, host) group_left (model_name) group by ${LB} (vllm:num_requests_running), "source", "http", "", "")`;
const finishReasonErrors = `label_replace(${vllmShapes.counterRate('vllm:request_success_total{finished_reason="error"}')}, "source", "engine", "", "")`;

const DEFERRED = 'vllm:num_requests_waiting_by_reason{reason="deferred"}';

function vllmRules(): RecordingRule[] {
  const s = vllmShapes;
  const finishedSum = s.counterRate('vllm:request_success_total');
  return [
    rec(S.requestsRunning, 'vllm', [s.gauge('vllm:num_requests_running', 'sum')]),
    rec(S.requestsWaiting, 'vllm', [s.gauge('vllm:num_requests_waiting', 'sum')]),
    // Engine state, so that stall alerts leave a deliberately idle engine alone. Newer vLLM breaks
    // the queue down by reason (the reasons sum to num_requests_waiting); "deferred" are requests
    // held back by a transient constraint: KV transfer on a P/D decode node, LoRA budget, a blocked
    // status. Without the breakdown (older vLLM) every waiting request waits for capacity.
    rec(S.requestsWaitingDeferred, 'vllm', [s.gauge(DEFERRED, 'sum')]),
    rec(S.requestsWaitingCapacity, 'vllm', [`${s.gauge('vllm:num_requests_waiting', 'sum')} - ${s.gauge(DEFERRED, 'sum')}`, s.gauge('vllm:num_requests_waiting', 'sum')]),
    // awake = 0 at every sleep level (/sleep); one asleep DP engine counts (they sleep together).
    // vLLM < 0.11 has no sleep state: no series, and the alerts treat the engine as awake.
    rec(S.engineAsleep, 'vllm', [`max by ${LB} (vllm:engine_sleep_state{sleep_state="awake"} == bool 0)`]),
    rec(S.kvCacheUsage, 'vllm', [s.gauge('vllm:kv_cache_usage_perc', 'max'), s.gauge('vllm:gpu_cache_usage_perc', 'max')]),
    rec(S.promptTokens, 'vllm', [s.counterRate('vllm:prompt_tokens_total')]),
    rec(S.generationTokens, 'vllm', [s.counterRate('vllm:generation_tokens_total')]),
    rec(S.requestsFinished, 'vllm', [s.counterRate('vllm:request_success_total', W, ['finished_reason'])]),
    // V1 pre-creates every finished_reason, V0 only those seen: no abort/error series means none happened.
    // Aborts are the client's doing (disconnect, Stop, timeout): their own series, never an error.
    rec(S.requestsAborted, 'vllm', [s.counterRate('vllm:request_success_total{finished_reason="abort"}'), `${finishedSum} * 0`]),
    // Server errors: the engine's finished_reason="error", or HTTP 5xx of the OpenAI API (errors
    // before or outside the engine). One failed request can show in both: the larger counts.
    rec(S.requestsServerErrors, 'vllm', [`max by ${LB} (${finishReasonErrors} or ${http5xx})`, `${finishedSum} * 0`]),
    rec(S.preemptions, 'vllm', [s.counterRate('vllm:num_preemptions_total')]),
    rec(S.prefixCacheQueried, 'vllm', [s.counterRate('vllm:prefix_cache_queries_total'), s.counterRate('vllm:gpu_prefix_cache_queries_total')]),
    rec(S.prefixCacheHit, 'vllm', [s.counterRate('vllm:prefix_cache_hits_total'), s.counterRate('vllm:gpu_prefix_cache_hits_total')]),
    rec(S.prefixCacheHitRatio, 'vllm', [
      `${s.counterRate('vllm:prefix_cache_hits_total')} / (${s.counterRate('vllm:prefix_cache_queries_total')} > 0)`,
      `${s.counterRate('vllm:gpu_prefix_cache_hits_total')} / (${s.counterRate('vllm:gpu_prefix_cache_queries_total')} > 0)`,
      // V0 sets it to -1 while prefix caching is off (Ray capture): no ratio then.
      `avg by ${LB} (vllm:gpu_prefix_cache_hit_rate >= 0)`,
    ]),
    rec(S.iterationTokensMean, 'vllm', [meanOf(s, 'vllm:iteration_tokens_total')]),
    rec(S.prefillSecondsMean, 'vllm', [meanOf(s, 'vllm:request_prefill_time_seconds')]),
    rec(S.decodeSecondsMean, 'vllm', [meanOf(s, 'vllm:request_decode_time_seconds'), decodeFromLatencies(s, 'vllm:e2e_request_latency_seconds', 'vllm:time_to_first_token_seconds')]),
    rec(S.tpotMean, 'vllm', [tpotFromLatencies(s, 'vllm:e2e_request_latency_seconds', 'vllm:time_to_first_token_seconds', 'vllm:generation_tokens_total')]),
    // process_* carry no model_name; keep those of targets that expose vLLM metrics.
    rec(S.processMemory, 'vllm', [`sum by (job, instance, host) (process_resident_memory_bytes and on (job, instance) vllm:num_requests_running)`], ['job', 'instance', 'host']),
    ...histogramRules('vllm', s),
  ];
}

function sglangRules(): RecordingRule[] {
  const s = sglangShapes;
  const each = (colon: string, f: (m: string) => string): string[] => sgl(colon).map(f);
  return [
    rec(S.requestsRunning, 'sglang', each('sglang:num_running_reqs', (m) => s.gauge(m, 'sum'))),
    rec(S.requestsWaiting, 'sglang', each('sglang:num_queue_reqs', (m) => s.gauge(m, 'sum'))),
    // SGLang's waiting queue holds only requests ready to run: a P/D decode node keeps those whose
    // KV is in transfer in its prealloc and transfer queues (sglang:num_decode_prealloc_queue_reqs,
    // num_decode_transfer_queue_reqs), outside num_queue_reqs. So all of it waits for capacity.
    // SGLang has no sleep-state metric (release_memory_occupation sets none; num_paused_reqs counts
    // requests paused by an async weight sync): no llm:engine_asleep:max, its engines count as awake.
    rec(S.requestsWaitingCapacity, 'sglang', each('sglang:num_queue_reqs', (m) => s.gauge(m, 'sum'))),
    rec(S.kvCacheUsage, 'sglang', [
      ...each('sglang:kv_cache_usage_perc', (m) => s.gauge(m, 'max')),
      ...each('sglang:token_usage', (m) => s.gauge(m, 'max')),
    ]),
    rec(S.promptTokens, 'sglang', each('sglang:prompt_tokens_total', (m) => s.counterRate(m))),
    rec(S.generationTokens, 'sglang', each('sglang:generation_tokens_total', (m) => s.counterRate(m))),
    // SGLang counts finished requests without a reason. Older SGLang has no num_requests_total,
    // but observes every finished request's E2E latency: its count is the same rate.
    rec(S.requestsFinished, 'sglang', [...sgl('sglang:num_requests_total'), ...sgl('sglang:e2e_request_latency_seconds_count')].map((m) => `label_replace(${s.counterRate(m)}, "finished_reason", "all", "", "")`)),
    // SGLang has no server-error counter: num_aborted_requests_total counts every abort (client
    // disconnects and the scheduler's own aborts alike) without a reason, and no HTTP status metric
    // exists (only sglang:http_requests_active). So its aborts are aborts and it has no error series.
    rec(S.requestsAborted, 'sglang', each('sglang:num_aborted_requests_total', (m) => s.counterRate(m))),
    rec(S.preemptions, 'sglang', each('sglang:num_retracted_requests_total', (m) => schedulerCounterRate(m))),
    rec(S.prefixCacheQueried, 'sglang', each('sglang:prompt_tokens_total', (m) => s.counterRate(m))),
    // A request counts its cached tokens once: by cache_source (device|host|storage_*) when the
    // scheduler gave details, else under "total"; older versions have no cache_source. So sum them all.
    rec(S.prefixCacheHit, 'sglang', each('sglang:cached_tokens_total', (m) => s.counterRate(m))),
    rec(S.prefixCacheHitRatio, 'sglang', [
      ...sgl('sglang:cached_tokens_total').map((m, i) => `${s.counterRate(m)} / (${s.counterRate(sgl('sglang:prompt_tokens_total')[i]!)} > 0)`),
      ...each('sglang:cache_hit_rate', (m) => `avg by ${LB} (${m}{priority=""})`),
    ]),
    // Forward passes and the tokens they computed (cached prompt tokens are not computed).
    rec(
      S.iterationTokensMean,
      'sglang',
      sgl('sglang:realtime_tokens_total').map((m, i) => {
        const tokens = perDp('sum', `sum without (mode) (rate(${m}{mode=~"prefill_compute|decode"}[${W}]))`);
        const passes = perDp('sum', `sum without (mode) (rate(${sgl('sglang:cuda_graph_passes_total')[i]!}[${W}]))`);
        return `${tokens} / (${passes} > 0)`;
      }),
    ),
    // No prefill histogram: TTFT less the scheduler's queue time (tokenisation stays in, a few ms).
    rec(
      S.prefillSecondsMean,
      'sglang',
      sgl('sglang:time_to_first_token_seconds').map((ttft, i) => {
        const queue = sgl('sglang:queue_time_seconds')[i]!;
        return `clamp_min(${meanOf(s, ttft)} - ${schedulerCounterRate(`${queue}_sum`)} / (${schedulerCounterRate(`${queue}_count`)} > 0), 0)`;
      }),
    ),
    rec(S.decodeSecondsMean, 'sglang', sgl('sglang:e2e_request_latency_seconds').map((e2e, i) => decodeFromLatencies(s, e2e, sgl('sglang:time_to_first_token_seconds')[i]!))),
    rec(
      S.tpotMean,
      'sglang',
      sgl('sglang:e2e_request_latency_seconds').map((e2e, i) =>
        tpotFromLatencies(s, e2e, sgl('sglang:time_to_first_token_seconds')[i]!, sgl('sglang:generation_tokens_total')[i]!),
      ),
    ),
    ...histogramRules('sglang', s),
  ];
}

/** Rule groups for one engine: the normalisation itself (the SLOs read its series: slo.ts). */
export function engineRuleGroups(engine: Engine): RuleGroup[] {
  return [{ name: `llm-${engine}-normalise`, rules: engine === 'vllm' ? vllmRules() : sglangRules() }];
}

/** Engine-independent rules over the normalised series: quantiles and ratios. */
export function derivedLlmGroup(): RuleGroup {
  const rules: RecordingRule[] = [];
  for (const [h, def] of Object.entries(HISTOGRAMS) as [HistogramName, (typeof HISTOGRAMS)[HistogramName]][]) {
    for (const q of def.quantiles) {
      rules.push({ record: histogramQuantile(h, q), expr: `histogram_quantile(${QUANTILE_VALUE[q]}, ${histogramBucket(h)})` });
    }
  }
  // Fleet percentiles per model: instances' buckets summed first (engines keep separate layouts).
  for (const h of MODEL_HISTOGRAMS) {
    rules.push({ record: modelBucket(h), expr: `sum by ${by([...MODEL_LABELS, 'le'])} (${histogramBucket(h)})` });
    for (const q of HISTOGRAMS[h].quantiles) rules.push({ record: modelQuantile(h, q), expr: `histogram_quantile(${QUANTILE_VALUE[q]}, ${modelBucket(h)})` });
  }
  const withEngine = by(['engine', ...L]);
  const finished = `sum by ${withEngine} (${S.requestsFinished})`;
  rules.push(
    {
      record: S.requestsAbortedRatio,
      expr: `${S.requestsAborted} / on ${withEngine} (${finished} > 0)`,
    },
    // HTTP 5xx may never reach the engine: with more errors than finished requests, all failed.
    {
      record: S.requestsServerErrorRatio,
      expr: `clamp_max(${S.requestsServerErrors} / on ${withEngine} (${finished} > 0 or on ${withEngine} ${S.requestsServerErrors} > 0), 1)`,
    },
  );
  return { name: 'llm-derived', rules };
}
