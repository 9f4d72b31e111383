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
  histogramSum,
  MODEL_HISTOGRAMS,
  MODEL_QUANTILES,
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

/** Mean of a raw histogram over the window: rate of its sum over rate of its count. */
const meanOf = (s: EngineShapes, h: string): string => `${s.counterRate(`${h}_sum`)} / (${s.counterRate(`${h}_count`)} > 0)`;

/** A normalised series of one engine: rules of an engine's group read only its own. */
const of = (series: string, engine: Engine, matchers = ''): string => `${series}{engine="${engine}"${matchers && `, ${matchers}`}}`;
const mean = (h: HistogramName, engine: Engine): string => `${of(histogramSum(h), engine)} / (${of(histogramCount(h), engine)} > 0)`;

/**
 * Decode phase from request latencies: every finished request's E2E less its TTFT is the time from
 * its first to its last token. The two histograms are observed at different moments (first token,
 * finish), so over a window with a burst of new requests the difference can dip below 0: clamped.
 */
const decodeSeconds = (engine: Engine): string => `clamp_min(${of(histogramSum('e2e_seconds'), engine)} - ${of(histogramSum('ttft_seconds'), engine)}, 0)`;
const decodeFromLatencies = (engine: Engine): string => `${decodeSeconds(engine)} / (${of(histogramCount('e2e_seconds'), engine)} > 0)`;

/** Mean time per output token after the first: decode seconds over output tokens less one per request. */
const tpotFromLatencies = (engine: Engine): string =>
  `${decodeSeconds(engine)} / ((${of(S.generationTokens, engine)} - ${of(histogramCount('e2e_seconds'), engine)}) > 0)`;

const rec = (record: string, engine: Engine, variants: string[], on: readonly string[] = L): RecordingRule => ({
  record,
  expr: firstOf(variants, on),
  labels: { engine },
});

/** Bucket, count and sum rates of every latency histogram: first, as the rules after them read them. */
function histogramRules(engine: Engine, shapes: EngineShapes): RecordingRule[] {
  const rules: RecordingRule[] = [];
  for (const h of Object.keys(HISTOGRAMS) as HistogramName[]) {
    const names = histogramSources(engine, h);
    if (names.length === 0) continue;
    const schedulerSide = engine === 'sglang' && h === 'queue_seconds';
    const rate = (m: string) => (schedulerSide ? schedulerCounterRate(m) : shapes.counterRate(m));
    rules.push(rec(histogramBucket(h), engine, names.map((n) => (schedulerSide ? schedulerBucketRate(n) : shapes.bucketRate(n)))));
    rules.push(rec(histogramCount(h), engine, names.map((n) => rate(`${n}_count`))));
    rules.push(rec(histogramSum(h), engine, names.map((n) => rate(`${n}_sum`))));
  }
  return rules;
}

/**
 * vLLM's HTTP metrics (prometheus_fastapi_instrumentator) carry handler/method/status, no model:
 * the model comes from the target's engine metrics. The instrumentator groups status codes by
 * default ("5xx"); "5.." also matches a server that reports them ungrouped ("503").
 */
const http5xx = `sum by (job, instance, host) (rate(http_requests_total{handler=~"/v1/.+", status=~"5.."}[${W}])) * on (job, instance, host) group_left (model_name) group by ${LB} (vllm:num_requests_running)`;

const DEFERRED = 'vllm:num_requests_waiting_by_reason{reason="deferred"}';

function vllmRules(): RecordingRule[] {
  const s = vllmShapes;
  const finished = `sum by ${LB} (${of(S.requestsFinished, 'vllm')})`;
  const tagged = (series: string, source: string) => `label_replace(${series}, "source", "${source}", "", "")`;
  return [
    ...histogramRules('vllm', s),
    rec(S.requestsRunning, 'vllm', [s.gauge('vllm:num_requests_running', 'sum')]),
    rec(S.requestsWaiting, 'vllm', [s.gauge('vllm:num_requests_waiting', 'sum')]),
    // Engine state, so that stall alerts leave a deliberately idle engine alone. Newer vLLM breaks
    // the queue down by reason (the reasons sum to num_requests_waiting); "deferred" are requests
    // held back by a transient constraint: KV transfer on a P/D decode node, LoRA budget, a blocked
    // status. Without the breakdown (older vLLM) every waiting request waits for capacity.
    rec(S.requestsWaitingDeferred, 'vllm', [s.gauge(DEFERRED, 'sum')]),
    rec(S.requestsWaitingCapacity, 'vllm', [`${of(S.requestsWaiting, 'vllm')} - ${of(S.requestsWaitingDeferred, 'vllm')}`, of(S.requestsWaiting, 'vllm')]),
    // awake = 0 at every sleep level (/sleep); one asleep DP engine counts (they sleep together).
    // vLLM < 0.11 has no sleep state: no series, and the alerts treat the engine as awake.
    rec(S.engineAsleep, 'vllm', [`max by ${LB} (vllm:engine_sleep_state{sleep_state="awake"} == bool 0)`]),
    rec(S.kvCacheUsage, 'vllm', [s.gauge('vllm:kv_cache_usage_perc', 'max'), s.gauge('vllm:gpu_cache_usage_perc', 'max')]),
    rec(S.promptTokens, 'vllm', [s.counterRate('vllm:prompt_tokens_total')]),
    rec(S.generationTokens, 'vllm', [s.counterRate('vllm:generation_tokens_total')]),
    rec(S.requestsFinished, 'vllm', [s.counterRate('vllm:request_success_total', W, ['finished_reason'])]),
    // V1 pre-creates every finished_reason, V0 only those seen: no abort/error series means none happened.
    // Aborts are the client's doing (disconnect, Stop, timeout): their own series, never an error.
    rec(S.requestsAborted, 'vllm', [`sum by ${LB} (${of(S.requestsFinished, 'vllm', 'finished_reason="abort"')})`, `${finished} * 0`]),
    rec(S.httpServerErrors, 'vllm', [http5xx]),
    // Server errors: the engine's finished_reason="error", or HTTP 5xx of the OpenAI API (errors
    // before or outside the engine). One failed request can show in both: the larger counts.
    rec(S.requestsServerErrors, 'vllm', [
      `max by ${LB} (${tagged(of(S.requestsFinished, 'vllm', 'finished_reason="error"'), 'engine')} or ${tagged(of(S.httpServerErrors, 'vllm'), 'http')})`,
      `${finished} * 0`,
    ]),
    rec(S.preemptions, 'vllm', [s.counterRate('vllm:num_preemptions_total')]),
    rec(S.prefixCacheQueried, 'vllm', [s.counterRate('vllm:prefix_cache_queries_total'), s.counterRate('vllm:gpu_prefix_cache_queries_total')]),
    rec(S.prefixCacheHit, 'vllm', [s.counterRate('vllm:prefix_cache_hits_total'), s.counterRate('vllm:gpu_prefix_cache_hits_total')]),
    rec(S.prefixCacheHitRatio, 'vllm', [
      `${of(S.prefixCacheHit, 'vllm')} / (${of(S.prefixCacheQueried, 'vllm')} > 0)`,
      // V0 sets it to -1 while prefix caching is off (Ray capture): no ratio then.
      `avg by ${LB} (vllm:gpu_prefix_cache_hit_rate >= 0)`,
    ]),
    rec(S.iterationTokensMean, 'vllm', [meanOf(s, 'vllm:iteration_tokens_total')]),
    rec(S.prefillSecondsMean, 'vllm', [mean('prefill_seconds', 'vllm')]),
    rec(S.decodeSecondsMean, 'vllm', [mean('decode_seconds', 'vllm'), decodeFromLatencies('vllm')]),
    rec(S.tpotMean, 'vllm', [tpotFromLatencies('vllm')]),
    // process_* carry no model_name; keep those of targets that expose vLLM metrics.
    rec(S.processMemory, 'vllm', [`sum by (job, instance, host) (process_resident_memory_bytes and on (job, instance) vllm:num_requests_running)`], ['job', 'instance', 'host']),
    // A restart: the process start time changed; without process metrics (DP > 1), a counter went back.
    rec(S.engineRestarts, 'vllm', [
      `group by ${LB} (vllm:num_requests_running) * on (job, instance) group_left () max by (job, instance) (changes(process_start_time_seconds[${W}]))`,
      `max by ${LB} (resets(vllm:prompt_tokens_total[${W}]))`,
    ]),
    ...vllmNewestRules(),
  ];
}

/** MFU counters are per GPU already: the mean over ranks, never the sum. */
const perGpuRate = (m: string): string => `avg by ${LB} (rate(${m}[${W}]))`;

/** Optional features of newer vLLM (issue 11); every series is absent where the feature is off. */
function vllmNewestRules(): RecordingRule[] {
  const s = vllmShapes;
  return [
    // Cached prompt tokens, local and external (a P/D prefill node, LMCache); before the counter, local hits only.
    rec(S.promptTokensCached, 'vllm', [
      s.counterRate('vllm:prompt_tokens_cached_total'),
      s.counterRate('vllm:prompt_tokens_by_source_total{source=~"local_cache_hit|external_kv_transfer"}'),
      of(S.prefixCacheHit, 'vllm'),
    ]),
    rec(S.promptTokensBySource, 'vllm', [s.counterRate('vllm:prompt_tokens_by_source_total', W, ['source'])], [...L, 'source']),
    rec(S.specDecodeSteps, 'vllm', [s.counterRate('vllm:spec_decode_num_drafts_total')]),
    rec(S.specDecodeDraftTokens, 'vllm', [s.counterRate('vllm:spec_decode_num_draft_tokens_total')]),
    rec(S.specDecodeAcceptedTokens, 'vllm', [s.counterRate('vllm:spec_decode_num_accepted_tokens_total')]),
    rec(S.specDecodeAcceptedByPosition, 'vllm', [s.counterRate('vllm:spec_decode_num_accepted_tokens_per_pos_total', W, ['position'])], [...L, 'position']),
    rec(S.specDecodeAcceptanceRatio, 'vllm', [
      `${of(S.specDecodeAcceptedTokens, 'vllm')} / (${of(S.specDecodeDraftTokens, 'vllm')} > 0)`,
      `avg by ${LB} (vllm:spec_decode_draft_acceptance_rate)`,
    ]),
    // NIXL (P/D): failed transfers on the decode side, KV that expired on the prefill side.
    rec(S.kvTransferFailures, 'vllm', [s.counterRate('vllm:nixl_num_failed_transfers_total')]),
    rec(S.kvTransferExpired, 'vllm', [s.counterRate('vllm:nixl_num_kv_expired_reqs_total')]),
    rec(S.kvTransferSecondsMean, 'vllm', [meanOf(s, 'vllm:nixl_xfer_time_seconds')]),
    rec(S.kvTransferBytes, 'vllm', [s.counterRate('vllm:nixl_bytes_transferred_sum')]),
    rec(S.kvOffloadBytes, 'vllm', [s.counterRate('vllm:kv_offload_total_bytes_total', W, ['transfer_type'])], [...L, 'transfer_type']),
    rec(S.kvOffloadBusy, 'vllm', [s.counterRate('vllm:kv_offload_total_time_total', W, ['transfer_type'])], [...L, 'transfer_type']),
    rec(S.estimatedFlops, 'vllm', [perGpuRate('vllm:estimated_flops_per_gpu_total')]),
    rec(S.estimatedMemoryBytes, 'vllm', [`${perGpuRate('vllm:estimated_read_bytes_per_gpu_total')} + ${perGpuRate('vllm:estimated_write_bytes_per_gpu_total')}`]),
    rec(S.requestsCorrupted, 'vllm', [s.counterRate('vllm:corrupted_requests_total')]),
    // lora_requests_info: a new label set per change, valued with the time of the update; the newest is current.
    rec(S.loraAdapters, 'vllm', [`group by (job, instance, host, max_lora, running_lora_adapters, waiting_lora_adapters) (topk by (job, instance, host) (1, vllm:lora_requests_info))`], ['job', 'instance', 'host']),
  ];
}

/** Optional features of the newest SGLang collector (issue 11). */
function sglangNewestRules(): RecordingRule[] {
  const s = sglangShapes;
  const pool = (m: string, name: string) => `label_replace(${s.gauge(m, 'max')}, "pool", "${name}", "", "")`;
  return [
    rec(S.promptTokensCached, 'sglang', [of(S.prefixCacheHit, 'sglang')]),
    // Verify passes, request-level: generated tokens over them is the mean acceptance length.
    rec(S.specDecodeSteps, 'sglang', [s.counterRate('sglang:spec_verify_calls_total')]),
    rec(S.specDecodeAcceptedTokens, 'sglang', [`clamp_min(${of(S.generationTokens, 'sglang')} - ${of(S.specDecodeSteps, 'sglang')}, 0)`]),
    rec(S.specDecodeAcceptanceRatio, 'sglang', [`avg by ${LB} (sglang:spec_accept_rate{priority=""})`]),
    // P/D: counted per request by every TP rank of a DP rank alike.
    rec(S.kvTransferFailures, 'sglang', [schedulerCounterRate('sglang:num_transfer_failed_reqs_total')]),
    rec(S.kvBootstrapFailures, 'sglang', [schedulerCounterRate('sglang:num_bootstrap_failed_reqs_total')]),
    // kv_transfer_latency_ms: a histogram in the newest collector, a last-value gauge before. TP
    // ranks repeat sum and count alike, so the mean needs no max over them.
    rec(S.kvTransferSecondsMean, 'sglang', [
      `${meanOf(s, 'sglang:kv_transfer_latency_ms')} / 1000`,
      `max by ${LB} (sglang:kv_transfer_latency_ms{priority=""}) / 1000`,
    ]),
    rec(S.pdBootstrapQueue, 'sglang', [s.gauge('sglang:num_prefill_bootstrap_queue_reqs', 'sum'), s.gauge('sglang:num_prefill_prealloc_queue_reqs', 'sum')]),
    rec(S.pdTransferQueue, 'sglang', [s.gauge('sglang:num_decode_transfer_queue_reqs', 'sum')]),
    rec(S.estimatedFlops, 'sglang', [perGpuRate('sglang:estimated_flops_per_gpu_total')]),
    rec(S.estimatedMemoryBytes, 'sglang', [`${perGpuRate('sglang:estimated_read_bytes_per_gpu_total')} + ${perGpuRate('sglang:estimated_write_bytes_per_gpu_total')}`]),
    rec(S.loraSlotsUsedRatio, 'sglang', [s.gauge('sglang:lora_pool_utilization', 'max')]),
    // Forward-pass seconds per second, categories together: the busy share of each DP rank, averaged.
    rec(S.forwardBusy, 'sglang', [
      perDp('avg', `sum without (category) (rate(sglang:forward_execution_seconds_total[${W}]))`),
      perDp('avg', `sum without (category) (rate(sglang:gpu_execution_seconds_total[${W}]))`),
    ]),
    rec(S.schedulerAborts, 'sglang', [perDp('sum', `rate(sglang:scheduler_aborts_total[${W}])`, ['reason'])], [...L, 'reason']),
    // Hybrid models: token_usage is the max over these pools; each on its own.
    rec(S.kvPoolUsage, 'sglang', [`${pool('sglang:full_token_usage', 'full')} or ${pool('sglang:swa_token_usage', 'swa')} or ${pool('sglang:mamba_usage', 'mamba')}`], [...L, 'pool']),
  ];
}

function sglangRules(): RecordingRule[] {
  const s = sglangShapes;
  return [
    ...histogramRules('sglang', s),
    rec(S.requestsRunning, 'sglang', [s.gauge('sglang:num_running_reqs', 'sum')]),
    rec(S.requestsWaiting, 'sglang', [s.gauge('sglang:num_queue_reqs', 'sum')]),
    // SGLang's waiting queue holds only requests ready to run: a P/D decode node keeps those whose
    // KV is in transfer in its prealloc and transfer queues (sglang:num_decode_prealloc_queue_reqs,
    // num_decode_transfer_queue_reqs), outside num_queue_reqs. So all of it waits for capacity.
    // SGLang has no sleep-state metric (release_memory_occupation sets none; num_paused_reqs counts
    // requests paused by an async weight sync): no llm:engine_asleep:max, its engines count as awake.
    rec(S.requestsWaitingCapacity, 'sglang', [of(S.requestsWaiting, 'sglang')]),
    rec(S.kvCacheUsage, 'sglang', [s.gauge('sglang:kv_cache_usage_perc', 'max'), s.gauge('sglang:token_usage', 'max')]),
    rec(S.promptTokens, 'sglang', [s.counterRate('sglang:prompt_tokens_total')]),
    // SGLang has no process metrics: a restart shows as its counters going back to 0.
    rec(S.engineRestarts, 'sglang', [`max by ${LB} (resets(sglang:prompt_tokens_total[${W}]))`]),
    rec(S.generationTokens, 'sglang', [s.counterRate('sglang:generation_tokens_total')]),
    // SGLang counts finished requests without a reason. Older SGLang has no num_requests_total,
    // but observes every finished request's E2E latency: its count is the same rate.
    rec(S.requestsFinished, 'sglang', [s.counterRate('sglang:num_requests_total'), of(histogramCount('e2e_seconds'), 'sglang')].map((m) => `label_replace(${m}, "finished_reason", "all", "", "")`)),
    // SGLang has no server-error counter: num_aborted_requests_total counts every abort (client
    // disconnects and the scheduler's own aborts alike) without a reason, and no HTTP status metric
    // exists (only sglang:http_requests_active). So its aborts are aborts and it has no error series.
    rec(S.requestsAborted, 'sglang', [s.counterRate('sglang:num_aborted_requests_total')]),
    rec(S.preemptions, 'sglang', [schedulerCounterRate('sglang:num_retracted_requests_total')]),
    rec(S.prefixCacheQueried, 'sglang', [of(S.promptTokens, 'sglang')]),
    // A request counts its cached tokens once: by cache_source (device|host|storage_*) when the
    // scheduler gave details, else under "total"; older versions have no cache_source. So sum them all.
    rec(S.prefixCacheHit, 'sglang', [s.counterRate('sglang:cached_tokens_total')]),
    rec(S.prefixCacheHitRatio, 'sglang', [`${of(S.prefixCacheHit, 'sglang')} / (${of(S.prefixCacheQueried, 'sglang')} > 0)`, `avg by ${LB} (sglang:cache_hit_rate{priority=""})`]),
    // Forward passes and the tokens they computed (cached prompt tokens are not computed).
    rec(S.iterationTokensMean, 'sglang', [
      `${perDp('sum', `sum without (mode) (rate(sglang:realtime_tokens_total{mode=~"prefill_compute|decode"}[${W}]))`)} / (${perDp('sum', `sum without (mode) (rate(sglang:cuda_graph_passes_total[${W}]))`)} > 0)`,
    ]),
    // No prefill histogram: TTFT less the scheduler's queue time (tokenisation stays in, a few ms).
    rec(S.prefillSecondsMean, 'sglang', [`clamp_min(${mean('ttft_seconds', 'sglang')} - ${mean('queue_seconds', 'sglang')}, 0)`]),
    rec(S.decodeSecondsMean, 'sglang', [decodeFromLatencies('sglang')]),
    rec(S.tpotMean, 'sglang', [tpotFromLatencies('sglang')]),
    ...sglangNewestRules(),
  ];
}

/** Rule groups for one engine: the normalisation itself (the SLOs read its series: slo.ts). */
export function engineRuleGroups(engine: Engine): RuleGroup[] {
  return [{ name: `llm-${engine}-normalise`, rules: engine === 'vllm' ? vllmRules() : sglangRules() }];
}

/**
 * Engine-independent rules over the normalised series: fleet percentiles per model, and ratios.
 * Percentiles per instance are computed when read (series.ts instanceQuantile).
 */
export function derivedLlmGroup(): RuleGroup {
  const rules: RecordingRule[] = [];
  // Fleet percentiles per model: instances' buckets summed first (engines keep separate layouts).
  for (const h of MODEL_HISTOGRAMS) {
    rules.push({ record: modelBucket(h), expr: `sum by ${by([...MODEL_LABELS, 'le'])} (${histogramBucket(h)})` });
    for (const q of MODEL_QUANTILES[h]) rules.push({ record: modelQuantile(h, q), expr: `histogram_quantile(${QUANTILE_VALUE[q]}, ${modelBucket(h)})` });
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
  // Speculative decoding: each verify step emits the accepted draft tokens plus one.
  const steps = `(${S.specDecodeSteps} > 0)`;
  rules.push(
    { record: S.promptTokensCachedRatio, expr: `${S.promptTokensCached} / on ${withEngine} (${S.promptTokens} > 0)` },
    { record: S.specDecodeAcceptanceLength, expr: `1 + ${S.specDecodeAcceptedTokens} / on ${withEngine} ${steps}` },
    { record: S.specDecodePositionAcceptance, expr: `${S.specDecodeAcceptedByPosition} / on ${withEngine} group_left () ${steps}` },
  );
  return { name: 'llm-derived', rules };
}
