/**
 * SGLang's /metrics surface by generation. Facts from ../shared/research/metrics.md §3–4 and the
 * captures in ../shared/fixtures (docs production_metrics sample, PRs #7720, #4444, #1853, smg #813).
 * The server always emits `sglang:` names; routers (sgl-router / SMG) re-export them as `sglang_`.
 */
import type { EngineFamily, MetricDef, MetricType, OptionalGroup, Unit } from './types.js';

const COLLECTOR = 'sgl-project/sglang python/sglang/srt/observability/metrics_collector.py @44cedc2b; scheduler_metrics_mixin.py @44cedc2b';
const OLD_COLLECTOR = 'sgl-project/sglang python/sglang/srt/metrics/collector.py @00ae9c15';
const NEWEST = 'sgl-project/sglang metrics_collector.py, newest revision (public copy 54493583113, repository unattributed; research §3.3)';
/** KV-transfer histograms of the newest collector (P/D disaggregation). */
export const SGLANG_KV_TRANSFER_BUCKETS = {
  speed_gb_s: [0.1, 0.5, 1, 5, 10, 25, 50, 100, 200, 400],
  latency_ms: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000],
  total_mb: [1, 5, 10, 50, 100, 500, 1000, 5000, 10000],
} as const;
const DOCS = 'sgl-project/sglang docs/references/production_metrics.md (real, older-format sample)';

export const SGLANG_TTFT_BUCKETS = [0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8, 10, 20, 40, 60, 80, 100, 200, 400] as const;
export const SGLANG_ITL_BUCKETS = [0.002, 0.004, 0.006, 0.008, 0.01, 0.015, 0.02, 0.025, 0.03, 0.035, 0.04, 0.06, 0.08, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 2.0, 4.0, 6.0, 8.0] as const;
export const SGLANG_E2E_BUCKETS = [0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8, 10, 20, 40, 60, 80, 100, 200, 400, 600, 1200, 1800, 2400] as const;
/** Newest collector: 0.001, 0.005, 0.010, 0.050 added after 0.0 (the DataDog capture has le="0.001"). */
export const SGLANG_QUEUE_BUCKETS = [0.0, 0.001, 0.005, 0.01, 0.05, 0.1, 0.2, 0.5, 1, 2, 3, 4, 5, 10, 15, 20, 30, 40, 50, 60, 70, 80, 90, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1200, 1400, 1600, 1800, 2000, 2500, 3000] as const;
/** Queue-time buckets up to @44cedc2b. */
export const SGLANG_OLD_QUEUE_BUCKETS = [0.0, 0.1, 0.2, 0.5, 1, 2, 3, 4, 5, 10, 15, 20, 30, 40, 50, 60, 70, 80, 90, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1200, 1400, 1600, 1800, 2000, 2500, 3000] as const;
/** The docs sample's (older) buckets. */
export const SGLANG_OLD_TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 15.0, 20.0, 25.0, 30.0] as const;
export const SGLANG_OLD_E2E_BUCKETS = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0] as const;
export const SGLANG_OLD_TPOT_BUCKETS = [0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5] as const;

/**
 * Default buckets of sglang:prompt_tokens_histogram and sglang:generation_tokens_histogram at
 * @44cedc2b (TokenizerMetricsCollector, default_bucket_prompt_tokens for both; --prompt-tokens-buckets
 * and --generation-tokens-buckets override them).
 */
export const SGLANG_TOKENS_BUCKETS = [100, 300, 500, 700, 1000, 1500, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000, 12000, 15000, 20000, 22000, 25000, 30000, 35000, 40000, 66000, 99000, 132000, 300000, 600000, 900000, 1100000] as const;
const TOKENS_HISTOGRAM_NOTE =
  'only with --collect-tokens-histogram up to @44cedc2b (server_args.py: "Collect prompt/generation tokens histogram."); the newest collector always registers them, with 35 default bounds 100 … 1100000 (12500, 17500 … added)';

/** Labels of SchedulerMetricsCollector series (dp_rank with DP attention, priority with priority scheduling). */
export const SGLANG_SCHEDULER_LABELS = ['model_name', 'engine_type', 'tp_rank', 'pp_rank', 'moe_ep_rank'];
export const SGLANG_SCHEDULER_OPTIONAL_LABELS = ['dp_rank', 'priority'];
/** TokenizerMetricsCollector (request-level) series; newer versions add engine_type and custom labels. */
export const SGLANG_TOKENIZER_LABELS = ['model_name'];

interface Extra {
  help?: string;
  buckets?: readonly number[];
  optional?: OptionalGroup;
  source?: string;
  note?: string;
  labels?: string[];
  deprecated?: string;
  labelValues?: Record<string, readonly string[]>;
  from?: string;
}

function make(base: string[], optionalLabels: string[], src: string) {
  return (name: string, type: MetricType, unit: Unit, x: Extra = {}): MetricDef => {
    const def: MetricDef = { name, type, unit, labels: [...base, ...(x.labels ?? [])], source: x.source ?? src };
    if (optionalLabels.length) def.optionalLabels = optionalLabels;
    if (x.help) def.help = x.help;
    if (x.buckets) def.buckets = x.buckets;
    if (x.optional) def.optional = x.optional;
    if (x.note) def.note = x.note;
    if (x.deprecated) def.deprecated = x.deprecated;
    if (x.labelValues) def.labelValues = x.labelValues;
    if (x.from) def.versions = { from: x.from };
    return def;
  };
}

const sched = make(SGLANG_SCHEDULER_LABELS, SGLANG_SCHEDULER_OPTIONAL_LABELS, COLLECTOR);
const tok = make(SGLANG_TOKENIZER_LABELS, ['engine_type', 'priority'], COLLECTOR);

const PID_NOTE = 'no multiprocess_mode: prometheus_client adds a volatile `pid` label (aggregate with max without (pid))';

export const SGLANG: EngineFamily = {
  id: 'sglang',
  producer: 'sglang',
  kind: 'engine',
  title: 'SGLang (current `sglang:` names)',
  versions: { from: '0.4.5' },
  versionText: 'SGLang 2025–2026: inter_token_latency_seconds, scheduler series labelled tp_rank/pp_rank (+moe_ep_rank, dp_rank)',
  commonLabels: ['model_name'],
  exposition: { createdSeries: false, numberFormat: 'python', sortedLabels: true },
  source: `${COLLECTOR}; PR #7720 (real PP scrape); aibrix #1614; smg PR #813`,
  notes: [
    'metrics are off unless the server runs with --enable-metrics (404 on /metrics otherwise)',
    'multiprocess registry: no *_created series; histogram samples may come _sum first',
    'only attn_tp_rank 0 schedulers emit unless --enable-metrics-for-all-schedulers',
    'gauges refresh on prefill batches and every --decode-log-interval (40) decode steps',
  ],
  metrics: [
    sched('sglang:num_running_reqs', 'gauge', 'requests', { help: 'The number of running requests.' }),
    sched('sglang:num_queue_reqs', 'gauge', 'requests', { help: 'The number of requests in the waiting queue.' }),
    sched('sglang:num_grammar_queue_reqs', 'gauge', 'requests', { optional: 'grammar' }),
    sched('sglang:num_used_tokens', 'gauge', 'tokens', { help: 'The number of used tokens.' }),
    sched('sglang:token_usage', 'gauge', 'ratio', { help: 'The token usage.', note: '0-1; newest: max(full, swa, mamba)' }),
    sched('sglang:kv_cache_usage_perc', 'gauge', 'ratio', { help: "The KV cache usage (0.0-1.0): max usage across the KV cache pools (full and SWA attention), excluding the Mamba state pool. Equivalent of vLLM's gpu_cache_usage_perc.", source: DOCS, note: 'documented; not found in the collector code read — verify' }),
    sched('sglang:gen_throughput', 'gauge', 'tokens_per_second', { help: 'The generation throughput (token/s).' }),
    sched('sglang:cache_hit_rate', 'gauge', 'ratio', { help: 'The prefix cache hit rate.', note: 'last prefill batch only' }),
    sched('sglang:max_total_num_tokens', 'gauge', 'tokens'),
    sched('sglang:utilization', 'gauge', 'ratio'),
    sched('sglang:spec_accept_length', 'gauge', 'tokens', { optional: 'spec_decode' }),
    sched('sglang:spec_accept_rate', 'gauge', 'ratio', { optional: 'spec_decode' }),
    sched('sglang:num_retracted_reqs', 'gauge', 'requests', { labels: ['pid'], note: PID_NOTE }),
    sched('sglang:num_paused_reqs', 'gauge', 'requests', { labels: ['pid'], note: PID_NOTE }),
    sched('sglang:engine_startup_time', 'gauge', 'seconds'),
    sched('sglang:engine_load_weights_time', 'gauge', 'seconds'),
    sched('sglang:is_cuda_graph', 'gauge', 'count'),
    sched('sglang:new_token_ratio', 'gauge', 'ratio'),
    sched('sglang:num_retracted_requests_total', 'counter', 'requests', { note: 'newer versions' }),
    sched('sglang:realtime_tokens_total', 'counter', 'tokens', { help: 'Total number of tokens processed (updated on each log interval). mode: prefill_compute, prefill_cache, decode.', labels: ['mode'], labelValues: { mode: ['prefill_compute', 'prefill_cache', 'decode'] } }),
    sched('sglang:cuda_graph_passes_total', 'counter', 'count', { help: 'Total number of forward passes categorized by CUDA graph.', labels: ['mode'], labelValues: { mode: ['decode_cuda_graph', 'decode_none', 'prefill_cuda_graph', 'prefill_none'] } }),
    sched('sglang:gpu_execution_seconds_total', 'counter', 'seconds', { labels: ['category'], deprecated: 'renamed sglang:forward_execution_seconds_total in the newest revision' }),
    sched('sglang:forward_execution_seconds_total', 'counter', 'seconds', { labels: ['category'], source: NEWEST, note: 'renamed from gpu_execution_seconds_total; category e.g. extend, decode (sglang tests); one report says it stayed 0 on some builds (unverified)' }),
    sched('sglang:queue_time_seconds', 'histogram', 'seconds', { help: 'Request queue time in seconds.', buckets: SGLANG_QUEUE_BUCKETS, from: '0.4.5', source: `sgl-project/sglang PR #4444 (merged 2025-03-15, after 0.4.4); buckets: ${NEWEST}`, note: 'absent from the docs sample; up to @44cedc2b the buckets lacked 0.001, 0.005, 0.01, 0.05 (SGLANG_OLD_QUEUE_BUCKETS)' }),
    sched('sglang:full_token_usage', 'gauge', 'ratio', { optional: 'hybrid_model', source: NEWEST, note: 'full-attention pool usage 0-1; token_usage is max(full, swa, mamba) in the newest revision' }),
    sched('sglang:swa_token_usage', 'gauge', 'ratio', { optional: 'hybrid_model', source: `${COLLECTOR}; ${NEWEST}`, note: 'sliding-window-attention pool usage 0-1 (hybrid SWA models)' }),
    sched('sglang:mamba_usage', 'gauge', 'ratio', { optional: 'hybrid_model', source: `${COLLECTOR}; ${NEWEST}`, note: 'Mamba state pool usage 0-1 (hybrid Mamba models); kv_cache_usage_perc excludes it' }),
    sched('sglang:scheduler_aborts_total', 'counter', 'requests', { help: 'Total number of aborted requests by reason.', labels: ['reason'], source: NEWEST, note: 'newest; reason values e.g. running_timeout, queue_full, waiting_timeout, user_abort (a design note, public copy 54632261331: unverified against the code)' }),
    sched('sglang:num_bootstrap_failed_reqs_total', 'counter', 'requests', { help: 'The number of bootstrap failed requests.', optional: 'pd_disaggregation', source: `${COLLECTOR}; ${NEWEST}`, note: 'P/D: the handshake between the prefill and decode servers failed' }),
    sched('sglang:num_transfer_failed_reqs_total', 'counter', 'requests', { help: 'The number of transfer failed requests.', optional: 'pd_disaggregation', source: `${COLLECTOR}; ${NEWEST}`, note: 'P/D: the KV cache transfer of the request failed' }),
    sched('sglang:num_prefill_bootstrap_queue_reqs', 'gauge', 'requests', { optional: 'pd_disaggregation', source: NEWEST, note: 'renamed from num_prefill_prealloc_queue_reqs' }),
    sched('sglang:num_prefill_inflight_queue_reqs', 'gauge', 'requests', { optional: 'pd_disaggregation', source: `${COLLECTOR}; ${NEWEST}`, note: 'prefill done, KV being sent' }),
    sched('sglang:num_decode_prealloc_queue_reqs', 'gauge', 'requests', { help: 'The number of requests in the decode prealloc queue.', optional: 'pd_disaggregation', source: `${COLLECTOR}; ${NEWEST}` }),
    sched('sglang:num_decode_transfer_queue_reqs', 'gauge', 'requests', { help: 'The number of requests in the decode transfer queue.', optional: 'pd_disaggregation', source: `${COLLECTOR}; ${NEWEST}` }),
    sched('sglang:kv_transfer_speed_gb_s', 'histogram', 'gigabytes_per_second', { help: 'Histogram of KV cache transfer speed in GB/s.', optional: 'pd_disaggregation', buckets: SGLANG_KV_TRANSFER_BUCKETS.speed_gb_s, source: NEWEST, note: 'a histogram in the newest revision; a gauge (mostrecent) up to @44cedc2b' }),
    sched('sglang:kv_transfer_bootstrap_ms', 'histogram', 'milliseconds', { optional: 'pd_disaggregation', source: NEWEST, note: 'a histogram in the newest revision (bounds 1 … 2500; the list between is unverified), a gauge up to @44cedc2b' }),
    sched('sglang:kv_transfer_alloc_ms', 'histogram', 'milliseconds', { optional: 'pd_disaggregation', source: NEWEST, note: 'allocation wait; as kv_transfer_bootstrap_ms' }),
    sched('sglang:kv_transfer_total_mb', 'histogram', 'megabytes', { optional: 'pd_disaggregation', buckets: SGLANG_KV_TRANSFER_BUCKETS.total_mb, source: NEWEST, note: 'a histogram in the newest revision, a gauge up to @44cedc2b (whose HELP says tokens; MB vs MiB unverified)' }),
    sched('sglang:estimated_flops_per_gpu_total', 'counter', 'count', { optional: 'mfu', source: `${COLLECTOR}; research §3.3`, note: '--enable-mfu-metrics' }),
    sched('sglang:estimated_read_bytes_per_gpu_total', 'counter', 'bytes', { optional: 'mfu', source: `${COLLECTOR}; research §3.3` }),
    sched('sglang:estimated_write_bytes_per_gpu_total', 'counter', 'bytes', { optional: 'mfu', source: `${COLLECTOR}; research §3.3` }),
    sched('sglang:lora_pool_slots_used', 'gauge', 'count', { optional: 'lora', source: `${COLLECTOR}; research §3.3` }),
    sched('sglang:lora_pool_slots_total', 'gauge', 'count', { optional: 'lora', source: `${COLLECTOR}; research §3.3` }),
    sched('sglang:per_stage_req_latency_seconds', 'histogram', 'seconds', { labels: ['stage'], note: 'exponential buckets 0.001 × 1.62^k, 30 buckets' }),
    sched('sglang:num_prefill_prealloc_queue_reqs', 'gauge', 'requests', { help: 'The number of requests in the prefill prealloc queue.', optional: 'pd_disaggregation', deprecated: 'renamed sglang:num_prefill_bootstrap_queue_reqs in the newest revision' }),
    sched('sglang:kv_transfer_latency_ms', 'histogram', 'milliseconds', { help: 'Histogram of KV cache transfer latency in ms.', optional: 'pd_disaggregation', buckets: SGLANG_KV_TRANSFER_BUCKETS.latency_ms, source: NEWEST, note: "a histogram in the newest revision; a gauge (mostrecent, HELP 'The transfer latency of the KV cache in ms.') up to @44cedc2b" }),
    sched('sglang:lora_pool_utilization', 'gauge', 'ratio', { optional: 'lora' }),
    tok('sglang:prompt_tokens_total', 'counter', 'tokens', { help: 'Number of prefill tokens processed.' }),
    tok('sglang:generation_tokens_total', 'counter', 'tokens', { help: 'Number of generation tokens processed.' }),
    tok('sglang:cached_tokens_total', 'counter', 'tokens', { help: 'Number of cached prompt tokens.', note: 'absent from the docs sample (older SGLang; first release unverified); `cache_source` label (device|host|storage_*|total) from @44cedc2b' }),
    tok('sglang:num_requests_total', 'counter', 'requests'),
    tok('sglang:num_aborted_requests_total', 'counter', 'requests', { help: 'Number of requests aborted.', note: 'newer versions (absent from the docs sample; first release unverified)' }),
    tok('sglang:num_so_requests_total', 'counter', 'requests', { optional: 'grammar' }),
    tok('sglang:spec_verify_calls_total', 'counter', 'count', { help: 'Number of speculative decoding verification calls.', optional: 'spec_decode', source: NEWEST, note: 'request-level (tokenizer) counter: verify passes summed over requests; generation_tokens_total / spec_verify_calls_total = mean acceptance length (tokens per verify, bonus token included)' }),
    tok('sglang:time_to_first_token_seconds', 'histogram', 'seconds', { help: 'Histogram of time to first token in seconds.', buckets: SGLANG_TTFT_BUCKETS }),
    tok('sglang:inter_token_latency_seconds', 'histogram', 'seconds', { buckets: SGLANG_ITL_BUCKETS, note: '_sum += interval but buckets and _count += new tokens: _count counts tokens' }),
    tok('sglang:e2e_request_latency_seconds', 'histogram', 'seconds', { help: 'Histogram of End-to-end request latency in seconds', buckets: SGLANG_E2E_BUCKETS }),
    tok('sglang:prompt_tokens_histogram', 'histogram', 'tokens', { help: 'Histogram of prompt token length.', optional: 'tokens_histogram', buckets: SGLANG_TOKENS_BUCKETS, note: TOKENS_HISTOGRAM_NOTE }),
    tok('sglang:generation_tokens_histogram', 'histogram', 'tokens', { help: 'Histogram of generation token length.', optional: 'tokens_histogram', buckets: SGLANG_TOKENS_BUCKETS, note: `${TOKENS_HISTOGRAM_NOTE}; the generation histogram defaults to the prompt list too` }),
    {
      name: 'sglang:func_latency_seconds',
      type: 'histogram',
      unit: 'seconds',
      labels: ['name'],
      help: 'Function latency in seconds',
      source: DOCS,
      note: 'labelled by function name, no model_name',
    },
  ],
};

/** Layouts of the older collector that a real sample shows (the docs sample: TTFT …, 1.0, 2.5, 5.0, …). */
const OLD_LATENCY_BUCKETS: Record<string, readonly number[]> = { 'sglang:time_to_first_token_seconds': SGLANG_OLD_TTFT_BUCKETS, 'sglang:queue_time_seconds': SGLANG_OLD_QUEUE_BUCKETS };
/** Names only the newest collector has (renamed, added, or histograms that were gauges). */
const NEWEST_ONLY = [
  'sglang:forward_execution_seconds_total',
  'sglang:num_prefill_bootstrap_queue_reqs',
  'sglang:scheduler_aborts_total',
  'sglang:spec_verify_calls_total',
  'sglang:full_token_usage',
  'sglang:kv_transfer_speed_gb_s',
  'sglang:kv_transfer_latency_ms',
  'sglang:kv_transfer_bootstrap_ms',
  'sglang:kv_transfer_alloc_ms',
  'sglang:kv_transfer_total_mb',
];

/**
 * The older collector's token histograms: shorter default lists (a stored copy of metrics/collector.py,
 * commit unattributed, has prompt 100 … 40000 and generation 100 … 10000), unverified per release.
 */
const OLD_TOKENS_HISTOGRAMS = ['sglang:prompt_tokens_histogram', 'sglang:generation_tokens_histogram'];
function oldTokensHistogram(m: MetricDef): MetricDef {
  const { buckets: _unverified, ...rest } = m;
  return { ...rest, note: 'only with --collect-tokens-histogram; default bounds shorter than @44cedc2b (prompt up to 40000, generation up to 10000 in a stored copy of the older collector: unverified per release)' };
}

/** Older SGLang (≈0.4.x, early 2025): time_per_output_token name, engine_type but no rank labels. */
export const SGLANG_LEGACY: EngineFamily = {
  id: 'sglang-legacy',
  producer: 'sglang',
  kind: 'engine',
  title: 'SGLang before the inter-token-latency rename',
  versions: { until: '0.4.5' },
  versionText: 'SGLang ≤ early 2025: sglang:time_per_output_token_seconds (renamed by PRs #3988/#4914); scheduler series without tp_rank',
  commonLabels: ['model_name'],
  exposition: { createdSeries: false, numberFormat: 'python', sortedLabels: true },
  source: `${OLD_COLLECTOR}; ${DOCS}; PR #4444 (real scrape); volcano-sh/kthena #1233`,
  metrics: [
    ...SGLANG.metrics
      .filter((m) => !['sglang:inter_token_latency_seconds', 'sglang:kv_cache_usage_perc', 'sglang:num_paused_reqs', 'sglang:num_retracted_requests_total', 'sglang:realtime_tokens_total', 'sglang:cuda_graph_passes_total', ...NEWEST_ONLY].includes(m.name))
      .map((m) => ({ ...m, labels: m.labels.filter((l) => !['tp_rank', 'pp_rank', 'moe_ep_rank'].includes(l)), optionalLabels: ['engine_type'], source: OLD_COLLECTOR }))
      .map((m) => (m.name in OLD_LATENCY_BUCKETS ? { ...m, buckets: OLD_LATENCY_BUCKETS[m.name] } : m))
      .map((m) => (OLD_TOKENS_HISTOGRAMS.includes(m.name) ? oldTokensHistogram(m) : m)),
    { name: 'sglang:time_per_output_token_seconds', type: 'histogram', unit: 'seconds', labels: ['model_name'], help: 'Histogram of time per output token in seconds.', buckets: SGLANG_OLD_TPOT_BUCKETS, source: DOCS, note: 'renamed sglang:inter_token_latency_seconds (PR #3988 added, #4914 removed the old name)' },
  ],
};

/** First-generation SGLang metrics (Nov 2024, PR #1853): label `name`, metrics later removed. */
export const SGLANG_GEN1: EngineFamily = {
  id: 'sglang-gen1',
  producer: 'sglang',
  kind: 'engine',
  title: 'SGLang first-generation metrics (label `name`)',
  versions: { until: '0.4' },
  versionText: 'SGLang 2024-11 (PR #1853): `name` label instead of model_name; outdated',
  commonLabels: ['name'],
  exposition: { createdSeries: false, numberFormat: 'python', sortedLabels: true },
  source: 'sgl-project/sglang PR #1853 (real sample); legacy examples/monitoring/grafana.json @f32b0841',
  metrics: [
    { name: 'sglang:max_total_num_tokens', type: 'gauge', unit: 'tokens', labels: ['name'], help: 'Maximum total number of tokens', source: 'PR #1853' },
    { name: 'sglang:max_prefill_tokens', type: 'gauge', unit: 'tokens', labels: ['name'], help: 'Maximum prefill tokens', source: 'PR #1853' },
    { name: 'sglang:max_running_requests', type: 'gauge', unit: 'requests', labels: ['name'], help: 'Maximum running requests', source: 'PR #1853' },
    { name: 'sglang:context_len', type: 'gauge', unit: 'tokens', labels: ['name'], help: 'Context length', source: 'PR #1853' },
    { name: 'sglang:prompt_tokens_total', type: 'counter', unit: 'tokens', labels: ['name'], help: 'Number of prefill tokens processed.', source: 'PR #1853' },
    { name: 'sglang:cached_token', type: 'gauge', unit: 'tokens', labels: ['name'], source: 'legacy grafana.json @f32b0841' },
  ],
};

export const SGLANG_FAMILIES = [SGLANG, SGLANG_LEGACY, SGLANG_GEN1] as const;

/** The router-rewritten form of a name: `sglang:x` → `sglang_x` (sgl-router / SMG /engine_metrics). */
export function underscoreName(name: string): string {
  return name.replace(/^sglang:/, 'sglang_');
}
