/**
 * vLLM's /metrics surface by engine generation. Facts from ../shared/research/metrics.md §1 and the
 * real captures in ../shared/fixtures (DataDog vllm_metrics.txt, production-stack #617/#318, vllm #22227).
 */
import type { EngineFamily, MetricDef, MetricType, OptionalGroup, Unit } from './types.js';

const R = 'research/metrics.md';
const V0_SRC = 'vllm-project/vllm vllm/engine/metrics.py @00c33e81 (V0 ≈0.4) and late V0 (≈0.7); DataDog/integrations-core vllm/tests/fixtures/vllm_metrics.txt @e99474c0 (real V0 scrape)';
const V1_SRC = 'vllm-project/vllm vllm/v1/metrics/loggers.py @005a810b (≈0.10), @3168f587 (2026); docs/usage/metrics.md @044a0565';
const NIXL_SRC = 'vllm-project/vllm vllm/distributed/kv_transfer/kv_connector/v1/nixl_connector.py NixlPromMetrics (public copies 55681752949, 66501037835); docs/usage/metrics.md generated NIXL table';
const MFU_SRC = 'vllm-project/vllm vllm/v1/metrics/perf.py PerfMetricsProm (research §1.3 MFU metrics)';
const OFFLOAD_SRC = 'vllm-project/vllm OffloadingConnector metrics (KVConnectorPromMetrics: vllm:kv_offload_total_bytes / _total_time / _size with transfer_type; public copies 52285382311, 55822686148); newest revision keeps them as deprecated beside flat load/store names (public copies 55189966280, 54598407100)';
const V1_EARLY_SRC = 'vllm-project/vllm vllm/v1/metrics/loggers.py @a6f0308c (early V1 ≈0.8); production-stack #318 (real early-V1 scrape)';

// ---- buckets -------------------------------------------------------------------------------

/** V0 time-to-first-token buckets, as in the real V0 capture. */
export const V0_TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0] as const;
/** V0 time-per-output-token buckets (real V0 capture). */
export const V0_TPOT_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5] as const;
/** Oldest V0 end-to-end buckets (real V0 capture); later V0 used 0.3 … 60. */
export const V0_E2E_BUCKETS = [1.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0] as const;
/** Late V0 request-latency buckets (queue/prefill/decode/inference time). */
export const V0_LATE_LATENCY_BUCKETS = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0] as const;
export const V0_ITERATION_TOKENS_BUCKETS = [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8096] as const;

/** vllm/v1/metrics/buckets.py @139b1c3f (lists extended by PR #15202, 2025-03). */
export const V1_REQUEST_LATENCY_BUCKETS = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0] as const;
export const V1_TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0] as const;
export const V1_ITL_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0] as const;
export const V1_ITERATION_TOKENS_BUCKETS = [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384] as const;
export const REQUEST_PARAMS_N_BUCKETS = [1, 2, 5, 10, 20] as const;
export const V1_REQUEST_NUM_PREEMPTIONS_BUCKETS = [1, 2, 3, 4, 5, 10, 20] as const;
/** OffloadingConnector transfer sizes, bytes (KVConnectorPromMetrics of the OffloadingConnector). */
export const KV_OFFLOAD_SIZE_BUCKETS = [1e6, 5e6, 10e6, 20e6, 40e6, 60e6, 80e6, 100e6, 150e6, 200e6] as const;

/** `build_1_2_5_buckets(max_model_len)`: 1, 2, 5, 10, 20, 50 … up to max_model_len (token-count histograms). */
export function buckets125(maxValue: number): number[] {
  const out: number[] = [];
  for (let exp = 1; ; exp *= 10) {
    for (const m of [1, 2, 5]) {
      const v = m * exp;
      if (v > maxValue) return out;
      out.push(v);
    }
  }
}

// ---- builders ------------------------------------------------------------------------------

interface Extra {
  labels?: string[];
  help?: string;
  buckets?: readonly number[];
  optional?: OptionalGroup;
  source?: string;
  note?: string;
  from?: string;
  until?: string;
  hiddenFrom?: string;
  deprecated?: string;
  labelValues?: Record<string, readonly string[]>;
  noBaseLabels?: boolean;
  optionalLabels?: string[];
}

function metric(base: string[], src: string, name: string, type: MetricType, unit: Unit, x: Extra = {}): MetricDef {
  const labels = [...(x.noBaseLabels ? [] : base), ...(x.labels ?? [])];
  const def: MetricDef = { name, type, unit, labels, source: x.source ?? src };
  if (x.help) def.help = x.help;
  if (x.buckets) def.buckets = x.buckets;
  if (x.optional) def.optional = x.optional;
  if (x.note) def.note = x.note;
  if (x.from || x.until) def.versions = { ...(x.from ? { from: x.from } : {}), ...(x.until ? { until: x.until } : {}) };
  if (x.hiddenFrom) def.hiddenFrom = x.hiddenFrom;
  if (x.deprecated) def.deprecated = x.deprecated;
  if (x.labelValues) def.labelValues = x.labelValues;
  if (x.optionalLabels) def.optionalLabels = x.optionalLabels;
  return def;
}

const HELP = {
  running_v0: 'Number of requests currently running on GPU.',
  running_v1: 'Number of requests in model execution batches.',
  waiting: 'Number of requests waiting to be processed.',
  swapped: 'Number of requests swapped to CPU.',
  gpu_cache: 'GPU KV-cache usage. 1 means 100 percent usage.',
  cpu_cache: 'CPU KV-cache usage. 1 means 100 percent usage.',
  kv_cache: 'KV-cache usage. 1 means 100 percent usage.',
  preemptions: 'Cumulative number of preemption from the engine.',
  prompt_tokens: 'Number of prefill tokens processed.',
  generation_tokens: 'Number of generation tokens processed.',
  ttft: 'Histogram of time to first token in seconds.',
  tpot: 'Histogram of time per output token in seconds.',
  itl: 'Histogram of inter-token latency in seconds.',
  req_tpot: 'Histogram of time_per_output_token_seconds per request.',
  e2e: 'Histogram of end to end request latency in seconds.',
  queue: 'Histogram of time spent in WAITING phase for request.',
  inference: 'Histogram of time spent in RUNNING phase for request.',
  prefill: 'Histogram of time spent in PREFILL phase for request.',
  decode: 'Histogram of time spent in DECODE phase for request.',
  req_prompt: 'Number of prefill tokens processed.',
  req_gen: 'Number of generation tokens processed.',
  best_of: 'Histogram of the best_of request parameter.',
  n: 'Histogram of the n request parameter.',
  max_tokens: 'Histogram of the max_tokens request parameter.',
  max_gen: 'Histogram of maximum number of requested generation tokens.',
  success: 'Count of successfully processed requests.',
  iteration: 'Histogram of number of tokens per engine_step.',
  avg_prompt: 'Average prefill throughput in tokens/s.',
  avg_gen: 'Average generation throughput in tokens/s.',
  cache_config_v0: 'information of cache_config',
  cache_config: 'Information of the LLMEngine CacheConfig',
  prefix_q: 'Prefix cache queries, in terms of number of queried tokens.',
  prefix_h: 'Prefix cache hits, in terms of number of cached tokens.',
  waiting_by_reason:
    "Number of waiting requests by reason. Reason labels: 'capacity' = waiting for scheduling capacity; 'deferred' = deferred by transient constraints (LoRA budget, KV transfer, blocked status). Sum of all reasons equals vllm:num_requests_waiting.",
  sleep: 'Engine sleep state; awake = 0 means engine is sleeping; awake = 1 means engine is awake; weights_offloaded = 1 means sleep level 1; discard_all = 1 means sleep level 2.',
} as const;

const CACHE_CONFIG_V0_LABELS = ['block_size', 'cache_dtype', 'cpu_kvcache_space_bytes', 'enable_prefix_caching', 'gpu_memory_utilization', 'num_cpu_blocks', 'num_gpu_blocks', 'num_gpu_blocks_override', 'sliding_window', 'swap_space_bytes'];
const LORA_LABELS = ['max_lora', 'running_lora_adapters', 'waiting_lora_adapters'];
const FINISH_REASONS_V1 = ['stop', 'length', 'abort', 'error', 'repetition'] as const;

// ---- V0 ------------------------------------------------------------------------------------

/*
 * When V0 gained its later metrics (first release that has them), so that a server lacking one can
 * be dated older than it instead of being called faulty. The oldest V0 (@00c33e81, the DataDog
 * capture) has none of them. vLLM 0.6.3 was released 2024-10-14; PRs opened after it ship in 0.6.4
 * at the earliest.
 */
// Where the release is unverified the earliest possible one is kept: a server having the metric is never dated too new.
const V0_PREFIX_HIT_RATE = { from: '0.5.5', source: 'vllm PR #7606 (opened 2024-08-16, a week before 0.5.5: 0.5.5 at the earliest)' };
// PR #9659 added time_in_queue_requests and the model forward/execute times (PR #14135 tells the history).
const V0_PR_9659 = { from: '0.6.4', source: 'vllm PR #9659 (opened 2024-10-24); PR #14135' };
const V0_REQUEST_TIMES = { from: '0.6.4', source: 'vllm PR #4464, merged after #9659 (PR #14135); absent from the Ray capture of 2024-12' };
// Unverified which release: PR #8140 (opened 2024-09-04) or #4464 added it; #11031 changed it on 2024-12-09.
const V0_ITERATION_TOKENS = { from: '0.6.1', source: 'vllm PRs #8140 / #4464 (2024-09..11), changed by #11031 (2024-12-09); absent from the Ray capture of 2024-12' };

const v0 = (name: string, type: MetricType, unit: Unit, x?: Extra) => metric(['model_name'], V0_SRC, name, type, unit, x);

export const VLLM_V0: EngineFamily = {
  id: 'vllm-v0',
  producer: 'vllm',
  kind: 'engine',
  title: 'vLLM V0 engine',
  versions: { until: '0.11' },
  versionText: 'V0 engine (vllm/engine/metrics.py), ≈0.4 up to its removal; V1 became the default in 0.8',
  commonLabels: ['model_name'],
  exposition: { createdSeries: false, numberFormat: 'python', sortedLabels: true },
  source: V0_SRC,
  notes: ['prometheus_client.disable_created_metrics() is called: no *_created series', 'no `engine` label'],
  metrics: [
    v0('vllm:cache_config_info', 'gauge', 'info', { noBaseLabels: true, labels: CACHE_CONFIG_V0_LABELS, help: HELP.cache_config_v0, note: 'key set changes between versions; ≤0.5 was an Info named vllm:cache_config' }),
    v0('vllm:num_requests_running', 'gauge', 'requests', { help: HELP.running_v0 }),
    v0('vllm:num_requests_waiting', 'gauge', 'requests', { help: HELP.waiting }),
    v0('vllm:num_requests_swapped', 'gauge', 'requests', { help: HELP.swapped, deprecated: '0.8' }),
    v0('vllm:gpu_cache_usage_perc', 'gauge', 'ratio', { help: HELP.gpu_cache, note: '0-1 despite the name' }),
    v0('vllm:cpu_cache_usage_perc', 'gauge', 'ratio', { help: HELP.cpu_cache, deprecated: '0.8' }),
    v0('vllm:gpu_prefix_cache_hit_rate', 'gauge', 'ratio', { help: 'GPU prefix cache block hit rate.', optional: 'prefix_cache', deprecated: '0.8', ...V0_PREFIX_HIT_RATE, note: 'late V0; -1 while prefix caching is off (Ray capture, DataDog ray_vllm_metrics.txt)' }),
    v0('vllm:cpu_prefix_cache_hit_rate', 'gauge', 'ratio', { help: 'CPU prefix cache block hit rate.', optional: 'prefix_cache', deprecated: '0.8', ...V0_PREFIX_HIT_RATE }),
    v0('vllm:lora_requests_info', 'gauge', 'unix_timestamp', { noBaseLabels: true, labels: LORA_LABELS, optional: 'lora', note: 'value is the wall-clock time; no model_name' }),
    v0('vllm:num_preemptions_total', 'counter', 'count', { help: HELP.preemptions }),
    v0('vllm:prompt_tokens_total', 'counter', 'tokens', { help: HELP.prompt_tokens }),
    v0('vllm:generation_tokens_total', 'counter', 'tokens', { help: HELP.generation_tokens }),
    v0('vllm:iteration_tokens_total', 'histogram', 'tokens', { help: HELP.iteration, buckets: V0_ITERATION_TOKENS_BUCKETS, ...V0_ITERATION_TOKENS, note: 'a histogram despite the _total name (late V0; buckets are cudagraph sizes unless enforce_eager)' }),
    v0('vllm:time_to_first_token_seconds', 'histogram', 'seconds', { help: HELP.ttft, buckets: V0_TTFT_BUCKETS }),
    v0('vllm:time_per_output_token_seconds', 'histogram', 'seconds', { help: HELP.tpot, buckets: V0_TPOT_BUCKETS, note: 'one observation per output token (inter-token latency)' }),
    v0('vllm:e2e_request_latency_seconds', 'histogram', 'seconds', { help: HELP.e2e, buckets: V0_E2E_BUCKETS, note: 'later V0: 0.3 … 60' }),
    v0('vllm:request_queue_time_seconds', 'histogram', 'seconds', { ...V0_REQUEST_TIMES, help: HELP.queue, buckets: V0_LATE_LATENCY_BUCKETS, note: 'late V0 only' }),
    v0('vllm:request_inference_time_seconds', 'histogram', 'seconds', { ...V0_REQUEST_TIMES, help: HELP.inference, buckets: V0_LATE_LATENCY_BUCKETS, note: 'late V0 only' }),
    v0('vllm:request_prefill_time_seconds', 'histogram', 'seconds', { ...V0_REQUEST_TIMES, help: HELP.prefill, buckets: V0_LATE_LATENCY_BUCKETS, note: 'late V0 only' }),
    v0('vllm:request_decode_time_seconds', 'histogram', 'seconds', { ...V0_REQUEST_TIMES, help: HELP.decode, buckets: V0_LATE_LATENCY_BUCKETS, note: 'late V0 only' }),
    v0('vllm:time_in_queue_requests', 'histogram', 'seconds', { ...V0_PR_9659, deprecated: '0.8', note: 'duplicate of request_queue_time_seconds' }),
    v0('vllm:request_prompt_tokens', 'histogram', 'tokens', { help: HELP.req_prompt, note: 'buckets 1-2-5 up to max_model_len' }),
    v0('vllm:request_generation_tokens', 'histogram', 'tokens', { help: HELP.req_gen, note: 'buckets 1-2-5 up to max_model_len' }),
    v0('vllm:request_max_num_generation_tokens', 'histogram', 'tokens', { help: HELP.max_gen, ...V0_REQUEST_TIMES, note: 'late V0' }),
    v0('vllm:request_params_best_of', 'histogram', 'count', { help: HELP.best_of, buckets: REQUEST_PARAMS_N_BUCKETS, note: 'removed with best_of' }),
    v0('vllm:request_params_n', 'histogram', 'count', { help: HELP.n, buckets: REQUEST_PARAMS_N_BUCKETS }),
    v0('vllm:request_params_max_tokens', 'histogram', 'tokens', { help: HELP.max_tokens, from: '0.6.4', source: 'vllm PR #9881 (opened 2024-10-31, after 0.6.3)', note: 'late V0' }),
    v0('vllm:request_success_total', 'counter', 'requests', { help: HELP.success, labels: ['finished_reason'], note: 'V0 creates a reason series on its first event' }),
    v0('vllm:avg_prompt_throughput_toks_per_s', 'gauge', 'tokens_per_second', { help: HELP.avg_prompt, deprecated: '0.8' }),
    v0('vllm:avg_generation_throughput_toks_per_s', 'gauge', 'tokens_per_second', { help: HELP.avg_gen, deprecated: '0.8' }),
    v0('vllm:model_forward_time_milliseconds', 'histogram', 'milliseconds', { ...V0_PR_9659, deprecated: '0.8', note: 'only with --collect-detailed-traces' }),
    v0('vllm:model_execute_time_milliseconds', 'histogram', 'milliseconds', { ...V0_PR_9659, deprecated: '0.8', note: 'only with --collect-detailed-traces' }),
    v0('vllm:spec_decode_draft_acceptance_rate', 'gauge', 'ratio', { optional: 'spec_decode' }),
    v0('vllm:spec_decode_efficiency', 'gauge', 'ratio', { optional: 'spec_decode' }),
    v0('vllm:spec_decode_num_accepted_tokens_total', 'counter', 'tokens', { optional: 'spec_decode' }),
    v0('vllm:spec_decode_num_draft_tokens_total', 'counter', 'tokens', { optional: 'spec_decode' }),
    v0('vllm:spec_decode_num_emitted_tokens_total', 'counter', 'tokens', { optional: 'spec_decode' }),
  ],
};

// ---- V1 (shared by both name eras) ----------------------------------------------------------

const v1 = (name: string, type: MetricType, unit: Unit, x?: Extra) => metric(['model_name', 'engine'], V1_SRC, name, type, unit, x);

/** Metrics V1 exposes in both eras (before and after the 0.11 renames and the removals that followed). */
function v1Common(): MetricDef[] {
  return [
    v1('vllm:num_requests_running', 'gauge', 'requests', { help: HELP.running_v1 }),
    v1('vllm:num_requests_waiting', 'gauge', 'requests', { help: HELP.waiting }),
    v1('vllm:engine_sleep_state', 'gauge', 'count', { help: HELP.sleep, labels: ['sleep_state'], labelValues: { sleep_state: ['awake', 'weights_offloaded', 'discard_all'] } }),
    v1('vllm:lora_requests_info', 'gauge', 'unix_timestamp', { noBaseLabels: true, labels: LORA_LABELS, optional: 'lora', help: 'Running stats on lora requests.', note: 'value is the wall-clock time of the update; adapter names comma-joined in running_lora_adapters/waiting_lora_adapters; a new label set is a new series, so the newest value is the current one; no model_name/engine' }),
    v1('vllm:cache_config_info', 'gauge', 'info', { noBaseLabels: true, labels: ['block_size', 'cache_dtype', 'enable_prefix_caching', 'gpu_memory_utilization', 'num_gpu_blocks'], help: HELP.cache_config, note: 'labels are every CacheConfig.metrics_info() key (set varies by version) plus `engine` in newer V1; no model_name', optionalLabels: ['engine', 'calculate_kv_scales', 'cpu_kvcache_space_bytes', 'cpu_offload_gb', 'is_attention_free', 'kv_cache_size_tokens', 'num_cpu_blocks', 'num_gpu_blocks_override', 'prefix_caching_hash_algo', 'sliding_window', 'swap_space', 'swap_space_bytes'] }),
    v1('vllm:num_preemptions_total', 'counter', 'count', { help: HELP.preemptions, note: 'code name vllm:num_preemptions' }),
    v1('vllm:prompt_tokens_total', 'counter', 'tokens', { help: HELP.prompt_tokens }),
    v1('vllm:generation_tokens_total', 'counter', 'tokens', { help: HELP.generation_tokens }),
    v1('vllm:request_success_total', 'counter', 'requests', { help: HELP.success, labels: ['finished_reason'], labelValues: { finished_reason: FINISH_REASONS_V1 }, note: 'all reasons pre-created at start (older V1: stop, length, abort)' }),
    v1('vllm:iteration_tokens_total', 'histogram', 'tokens', { help: HELP.iteration, buckets: V1_ITERATION_TOKENS_BUCKETS, note: 'histogram despite the name' }),
    v1('vllm:time_to_first_token_seconds', 'histogram', 'seconds', { help: HELP.ttft, buckets: V1_TTFT_BUCKETS }),
    v1('vllm:e2e_request_latency_seconds', 'histogram', 'seconds', { help: HELP.e2e, buckets: V1_REQUEST_LATENCY_BUCKETS }),
    v1('vllm:request_queue_time_seconds', 'histogram', 'seconds', { help: HELP.queue, buckets: V1_REQUEST_LATENCY_BUCKETS }),
    v1('vllm:request_inference_time_seconds', 'histogram', 'seconds', { help: HELP.inference, buckets: V1_REQUEST_LATENCY_BUCKETS }),
    v1('vllm:request_prefill_time_seconds', 'histogram', 'seconds', { help: HELP.prefill, buckets: V1_REQUEST_LATENCY_BUCKETS }),
    v1('vllm:request_decode_time_seconds', 'histogram', 'seconds', { help: HELP.decode, buckets: V1_REQUEST_LATENCY_BUCKETS }),
    v1('vllm:request_prompt_tokens', 'histogram', 'tokens', { help: HELP.req_prompt, note: 'buckets 1-2-5 up to max_model_len' }),
    v1('vllm:request_generation_tokens', 'histogram', 'tokens', { help: HELP.req_gen, note: 'buckets 1-2-5 up to max_model_len' }),
    v1('vllm:request_max_num_generation_tokens', 'histogram', 'tokens', { help: HELP.max_gen, note: 'buckets 1-2-5 up to max_model_len' }),
    v1('vllm:request_params_n', 'histogram', 'count', { help: HELP.n, buckets: REQUEST_PARAMS_N_BUCKETS }),
    v1('vllm:request_params_max_tokens', 'histogram', 'tokens', { help: HELP.max_tokens, note: 'buckets 1-2-5 up to max_model_len' }),
    v1('vllm:spec_decode_num_drafts_total', 'counter', 'count', { optional: 'spec_decode', source: 'vllm/v1/spec_decode/metrics.py @016a8587', note: 'one per drafting step of a request; mean acceptance length = 1 + accepted / drafts (the docstring)' }),
    v1('vllm:spec_decode_num_draft_tokens_total', 'counter', 'tokens', { optional: 'spec_decode', source: 'vllm/v1/spec_decode/metrics.py @016a8587' }),
    v1('vllm:spec_decode_num_accepted_tokens_total', 'counter', 'tokens', { optional: 'spec_decode', source: 'vllm/v1/spec_decode/metrics.py @016a8587' }),
    v1('vllm:spec_decode_num_accepted_tokens_per_pos_total', 'counter', 'tokens', { optional: 'spec_decode', labels: ['position'], source: 'vllm/v1/spec_decode/metrics.py @016a8587', note: 'position "0" … k-1 (k = num_speculative_tokens); per position / drafts = acceptance rate at that position' }),
    v1('vllm:nixl_xfer_time_seconds', 'histogram', 'seconds', { optional: 'kv_connector', buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 5.0], source: `${R} §1.3 KV connector (NIXL)` }),
    v1('vllm:nixl_post_time_seconds', 'histogram', 'seconds', { optional: 'kv_connector', buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 5.0], source: `${R} §1.3 KV connector (NIXL)` }),
    v1('vllm:nixl_bytes_transferred', 'histogram', 'bytes', { optional: 'kv_connector', help: 'Histogram of bytes transferred per NIXL KV Cache transfers.', source: `${NIXL_SRC}; buckets: ${R} errata 2026-12-01 (nixl/stats.py)`, note: 'bounds 2^11 … 2^33 bytes (research errata; the step between them is unverified, so no bucket list here)' }),
    v1('vllm:nixl_num_descriptors', 'histogram', 'count', { optional: 'kv_connector', help: 'Histogram of number of descriptors per NIXL  KV Cache transfers.', source: `${NIXL_SRC}; buckets: ${R} errata 2026-12-01 (nixl/stats.py)`, note: 'bounds 10 … 50000 (research errata; the bounds between are unverified)' }),
    v1('vllm:nixl_num_failed_transfers_total', 'counter', 'count', { optional: 'kv_connector', help: 'Number of failed NIXL KV Cache transfers.', source: NIXL_SRC, note: 'counts transfers (a request can need several), on the instance that reads the KV (the decode node)' }),
    v1('vllm:nixl_num_failed_notifications_total', 'counter', 'count', { optional: 'kv_connector', help: 'Number of failed NIXL KV Cache notifications.', source: NIXL_SRC, note: 'independent of transfer failures' }),
    v1('vllm:external_prefix_cache_queries_total', 'counter', 'tokens', { optional: 'kv_connector', help: 'External prefix cache queries from KV connector cross-instance cache sharing, in terms of number of queried tokens.' }),
    v1('vllm:external_prefix_cache_hits_total', 'counter', 'tokens', { optional: 'kv_connector', help: 'External prefix cache hits from KV connector cross-instance cache sharing, in terms of number of cached tokens.' }),
    v1('vllm:mm_cache_queries_total', 'counter', 'items', { optional: 'multimodal', help: 'Multi-modal cache queries, in terms of number of queried items.' }),
    v1('vllm:mm_cache_hits_total', 'counter', 'items', { optional: 'multimodal', help: 'Multi-modal cache hits, in terms of number of cached items.' }),
    v1('vllm:corrupted_requests_total', 'counter', 'requests', { optional: 'fault_tolerance', source: `${V1_SRC}; ${R} §1.3`, note: 'requests whose logits held NaNs; only with env VLLM_COMPUTE_NANS_IN_LOGITS (HELP text unverified)' }),
    v1('vllm:engine_healthy', 'gauge', 'count', { noBaseLabels: true, labels: ['engine'], optional: 'fault_tolerance', note: '--enable-fault-tolerance' }),
    v1('vllm:kv_block_lifetime_seconds', 'histogram', 'seconds', { optional: 'kv_cache_metrics' }),
    v1('vllm:kv_block_idle_before_evict_seconds', 'histogram', 'seconds', { optional: 'kv_cache_metrics' }),
    v1('vllm:kv_block_reuse_gap_seconds', 'histogram', 'seconds', { optional: 'kv_cache_metrics' }),
    v1('vllm:estimated_flops_per_gpu_total', 'counter', 'count', { optional: 'mfu', source: MFU_SRC, note: '--enable-mfu-metrics; floating-point operations per GPU estimated from the model shapes (rate / 1e12 = TFLOPS, per the docstring)' }),
    v1('vllm:estimated_read_bytes_per_gpu_total', 'counter', 'bytes', { optional: 'mfu', source: MFU_SRC, note: 'estimated memory bytes read per GPU' }),
    v1('vllm:estimated_write_bytes_per_gpu_total', 'counter', 'bytes', { optional: 'mfu', source: MFU_SRC, note: 'estimated memory bytes written per GPU' }),
  ];
}

export const VLLM_V1_LEGACY: EngineFamily = {
  id: 'vllm-v1-legacy',
  producer: 'vllm',
  kind: 'engine',
  title: 'vLLM V1 engine, names before the 0.11 renames',
  versions: { from: '0.8', until: '0.11' },
  versionText: 'V1 0.8–0.10.x: gpu_cache_usage_perc, gpu_prefix_cache_*, time_per_output_token_seconds',
  commonLabels: ['model_name', 'engine'],
  exposition: { createdSeries: true, numberFormat: 'python', sortedLabels: true },
  source: `${V1_EARLY_SRC}; ${V1_SRC}; production-stack #617 (real 0.10.0 scrape)`,
  notes: [
    'counters and histograms get *_created gauges (single-process mode; not with --api-server-count > 1)',
    'early V1 (≈0.8) had no `engine` label; it came with data-parallel support',
    'prefix-cache counters count blocks at 0.8 and tokens from ≈0.9',
  ],
  metrics: [
    ...v1Common(),
    v1('vllm:gpu_cache_usage_perc', 'gauge', 'ratio', { help: HELP.gpu_cache, deprecated: '0.9.2' }),
    v1('vllm:kv_cache_usage_perc', 'gauge', 'ratio', { help: HELP.kv_cache, from: '0.9.2', source: 'vllm PR #18354; production-stack #617' }),
    v1('vllm:gpu_prefix_cache_queries_total', 'counter', 'tokens', { help: 'GPU prefix cache queries, in terms of number of queried tokens.', deprecated: '0.9.2', note: 'blocks at 0.8, tokens after' }),
    v1('vllm:gpu_prefix_cache_hits_total', 'counter', 'tokens', { help: 'GPU prefix cache hits, in terms of number of cached tokens.', deprecated: '0.9.2' }),
    v1('vllm:prefix_cache_queries_total', 'counter', 'tokens', { help: HELP.prefix_q, from: '0.9.2' }),
    v1('vllm:prefix_cache_hits_total', 'counter', 'tokens', { help: HELP.prefix_h, from: '0.9.2' }),
    v1('vllm:time_per_output_token_seconds', 'histogram', 'seconds', { help: HELP.tpot, buckets: V1_ITL_BUCKETS, note: 'inter-token latency despite the name' }),
  ],
};

/*
 * Removals after the 0.11 renames. Where the release is unverified the first release that can lack
 * the metric is kept (the first after the merge), so a server that has it is never dated too new.
 */
// PR #30992 (removal for 0.13) was closed unmerged; #32661 removed it after the v0.14.0rc0 cut.
const TPOT_REMOVED = {
  until: '0.15',
  source: 'vllm PR #32661 (merged 2026-01-20, after v0.14.0rc0: 0.15 at the earliest, release unverified); PR #30992 (0.13) closed unmerged',
  note: 'hidden from 0.12 (--show-hidden-metrics-for-version brings it back) until its removal, 0.15 at the earliest',
} as const;
// v0.19.0 was out by 2026-04-03 (vllm-project/vllm-metal#250, flagos-ai/vllm-plugin-FL#118), before the merge; 0.19.x patches are cherry-picks.
const PROMPT_TOKENS_RECOMPUTED_REMOVED = {
  until: '0.20',
  source: 'vllm PR #38709 (merged 2026-04-12, after v0.19.0: 0.20 at the earliest, release unverified)',
  note: 'removed by PR #38709; servers before it always expose it',
} as const;

export const VLLM_V1: EngineFamily = {
  id: 'vllm-v1',
  producer: 'vllm',
  kind: 'engine',
  title: 'vLLM V1 engine, names from 0.11 on',
  versions: { from: '0.11' },
  versionText: 'V1 ≥ 0.11: kv_cache_usage_perc, prefix_cache_*, inter_token_latency_seconds, request_time_per_output_token_seconds; old names hidden in 0.11/0.12; gpu_* removed in 0.12, time_per_output_token_seconds in 0.15 at the earliest',
  commonLabels: ['model_name', 'engine'],
  exposition: { createdSeries: true, numberFormat: 'python', sortedLabels: true },
  source: `${V1_SRC}; tests/entrypoints/instrumentator/test_metrics.py @20ef9d82; PRs #24110, #24245, #29330, #32661`,
  notes: [
    'counters and histograms get *_created gauges (single-process mode)',
    'DP: one series per `engine` index, all created at start-up',
    // PR #32525 (2026-01-22): api_server_count defaults to the data-parallel size.
    'DP > 1 (since PR #32525, 2026-01-22) or --api-server-count > 1: several API servers, multiprocess metrics, so no process_* and no *_created series',
  ],
  metrics: [
    ...v1Common(),
    v1('vllm:kv_cache_usage_perc', 'gauge', 'ratio', { help: HELP.kv_cache }),
    v1('vllm:prefix_cache_queries_total', 'counter', 'tokens', { help: HELP.prefix_q }),
    v1('vllm:prefix_cache_hits_total', 'counter', 'tokens', { help: HELP.prefix_h }),
    v1('vllm:inter_token_latency_seconds', 'histogram', 'seconds', { help: HELP.itl, buckets: V1_ITL_BUCKETS, note: 'one observation per streamed output (several tokens with spec decode)' }),
    v1('vllm:request_time_per_output_token_seconds', 'histogram', 'seconds', { help: HELP.req_tpot, buckets: V1_ITL_BUCKETS, note: '(e2e − TTFT)/(output tokens − 1); 0 for ≤1 output token' }),
    v1('vllm:prompt_tokens_by_source_total', 'counter', 'tokens', { help: 'Number of prompt tokens by source.', labels: ['source'], labelValues: { source: ['local_compute', 'local_cache_hit', 'external_kv_transfer'] }, note: 'late 2025 on' }),
    v1('vllm:prompt_tokens_cached_total', 'counter', 'tokens', { help: 'Number of cached prompt tokens (local + external).', note: 'local_cache_hit + external_kv_transfer of prompt_tokens_by_source (the DataDog capture: 64 = 64 + 0); the sources sum to prompt_tokens_total' }),
    v1('vllm:prompt_tokens_recomputed_total', 'counter', 'tokens', { help: 'Number of cached tokens recomputed for forward pass.', ...PROMPT_TOKENS_RECOMPUTED_REMOVED }),
    v1('vllm:request_prefill_kv_computed_tokens', 'histogram', 'tokens', { help: 'Histogram of new KV tokens computed during prefill (excluding cached tokens).' }),
    v1('vllm:num_requests_waiting_by_reason', 'gauge', 'requests', { help: HELP.waiting_by_reason, labels: ['reason'], labelValues: { reason: ['capacity', 'deferred'] }, note: 'newer (2026)' }),
    v1('vllm:request_num_preemptions', 'histogram', 'count', { buckets: V1_REQUEST_NUM_PREEMPTIONS_BUCKETS, note: 'newer (2026), per finished request' }),
    v1('vllm:nixl_num_kv_expired_reqs_total', 'counter', 'requests', {
      optional: 'kv_connector',
      help: 'Number of requests that had their KV expire. NOTE: This metric is tracked on the P instance.',
      source: NIXL_SRC,
      note: "on the prefill (P) instance: requests whose KV the decode node never read before the lease ran out (the blocks are freed, the decode side fails or recomputes); newest HELP: 'Number of source requests whose KV liveness deadline elapsed before authoritative transfer completion.'; first release unverified",
    }),
    v1('vllm:kv_offload_total_bytes_total', 'counter', 'bytes', { optional: 'kv_offload', labels: ['transfer_type'], help: 'Number of bytes offloaded by KV connector', source: OFFLOAD_SRC, note: 'transfer_type is the direction, e.g. GPU_to_CPU (store) and CPU_to_GPU (load); its spelling follows the offloading medium (lower-case in some builds: unverified). Deprecated in the newest revision for flat load/store names, still emitted' }),
    v1('vllm:kv_offload_total_time_total', 'counter', 'seconds', { optional: 'kv_offload', labels: ['transfer_type'], help: 'Total time measured by all KV offloading operations', source: OFFLOAD_SRC, note: 'seconds spent transferring, by direction; deprecated as kv_offload_total_bytes' }),
    v1('vllm:kv_offload_size', 'histogram', 'bytes', { optional: 'kv_offload', labels: ['transfer_type'], help: 'Histogram of KV offload transfer size, in bytes.', buckets: KV_OFFLOAD_SIZE_BUCKETS, source: OFFLOAD_SRC }),
    // Still exposed, deprecated, in 0.11; hidden after; gpu_* gone at 0.12, time_per_output_token later (TPOT_REMOVED).
    v1('vllm:gpu_cache_usage_perc', 'gauge', 'ratio', { help: HELP.gpu_cache, hiddenFrom: '0.11', until: '0.12', deprecated: '0.9.2' }),
    v1('vllm:gpu_prefix_cache_queries_total', 'counter', 'tokens', { hiddenFrom: '0.11', until: '0.12', deprecated: '0.9.2' }),
    v1('vllm:gpu_prefix_cache_hits_total', 'counter', 'tokens', { hiddenFrom: '0.11', until: '0.12', deprecated: '0.9.2' }),
    v1('vllm:time_per_output_token_seconds', 'histogram', 'seconds', { help: HELP.tpot, buckets: V1_ITL_BUCKETS, deprecated: '0.11', hiddenFrom: '0.12', ...TPOT_REMOVED }),
  ],
};

export const VLLM_FAMILIES = [VLLM_V0, VLLM_V1_LEGACY, VLLM_V1] as const;
