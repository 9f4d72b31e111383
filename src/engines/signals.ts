/**
 * Normalised signals (../shared/docs/SIGNALS.md) and, per catalog family, which raw metric provides
 * each one and how to convert it. Recording rules and the panel probe read this table; a signal a
 * family lacks is simply absent from its map (see `missingSignalReason`).
 */
import type { FamilyId } from './types.js';

export type ServingSignal =
  | 'requests_running'
  | 'requests_waiting'
  | 'kv_cache_usage'
  | 'prompt_tokens'
  | 'generation_tokens'
  | 'requests_finished'
  | 'requests_aborted'
  | 'ttft'
  | 'itl'
  | 'tpot'
  | 'e2e_latency'
  | 'queue_time'
  | 'prefill_time'
  | 'decode_time'
  | 'preemptions'
  | 'prefix_cache_hit_ratio'
  | 'iteration_tokens'
  | 'prompt_length'
  | 'generation_length'
  | 'spec_decode_acceptance'
  | 'process_memory';

export type GpuSignal =
  | 'gpu_utilization'
  | 'sm_active'
  | 'dram_active'
  | 'tensor_active'
  | 'memory_used_bytes'
  | 'memory_total_bytes'
  | 'temperature_celsius'
  | 'power_watts'
  | 'sm_clock_hertz'
  | 'xid_errors';

export type SignalId = ServingSignal | GpuSignal;

export interface SignalDef {
  id: SignalId;
  /** Unit of the normalised series. */
  unit: 'count' | 'ratio' | 'tokens' | 'requests' | 'seconds' | 'bytes' | 'celsius' | 'watts' | 'hertz' | 'events';
  /** What the raw input is: a gauge to aggregate, a counter to rate(), a histogram to quantile. */
  input: 'gauge' | 'counter' | 'histogram';
  /** How to aggregate across DP/TP ranks and GPUs of one target: queues sum, ratios max/avg. */
  aggregate: 'sum' | 'max' | 'avg' | 'histogram' | 'ratio';
  description: string;
}

export const SIGNALS: Record<SignalId, SignalDef> = {
  requests_running: { id: 'requests_running', unit: 'requests', input: 'gauge', aggregate: 'sum', description: 'requests in the running batch' },
  requests_waiting: { id: 'requests_waiting', unit: 'requests', input: 'gauge', aggregate: 'sum', description: 'requests queued, waiting for admission' },
  kv_cache_usage: { id: 'kv_cache_usage', unit: 'ratio', input: 'gauge', aggregate: 'max', description: 'KV-cache usage 0-1, max across ranks' },
  prompt_tokens: { id: 'prompt_tokens', unit: 'tokens', input: 'counter', aggregate: 'sum', description: 'prefill tokens processed' },
  generation_tokens: { id: 'generation_tokens', unit: 'tokens', input: 'counter', aggregate: 'sum', description: 'tokens generated' },
  requests_finished: { id: 'requests_finished', unit: 'requests', input: 'counter', aggregate: 'sum', description: 'requests finished (all reasons)' },
  requests_aborted: { id: 'requests_aborted', unit: 'requests', input: 'counter', aggregate: 'sum', description: 'requests aborted' },
  ttft: { id: 'ttft', unit: 'seconds', input: 'histogram', aggregate: 'histogram', description: 'time to first token' },
  itl: { id: 'itl', unit: 'seconds', input: 'histogram', aggregate: 'histogram', description: 'inter-token latency' },
  tpot: { id: 'tpot', unit: 'seconds', input: 'histogram', aggregate: 'histogram', description: 'per-request time per output token' },
  e2e_latency: { id: 'e2e_latency', unit: 'seconds', input: 'histogram', aggregate: 'histogram', description: 'end-to-end request latency' },
  queue_time: { id: 'queue_time', unit: 'seconds', input: 'histogram', aggregate: 'histogram', description: 'time waiting before scheduling' },
  prefill_time: { id: 'prefill_time', unit: 'seconds', input: 'histogram', aggregate: 'histogram', description: 'time in prefill' },
  decode_time: { id: 'decode_time', unit: 'seconds', input: 'histogram', aggregate: 'histogram', description: 'time in decode' },
  preemptions: { id: 'preemptions', unit: 'events', input: 'counter', aggregate: 'sum', description: 'preemptions (vLLM) / retractions (SGLang)' },
  prefix_cache_hit_ratio: { id: 'prefix_cache_hit_ratio', unit: 'ratio', input: 'counter', aggregate: 'ratio', description: 'prefix-cache hits / queries' },
  iteration_tokens: { id: 'iteration_tokens', unit: 'tokens', input: 'histogram', aggregate: 'histogram', description: 'tokens per engine step' },
  prompt_length: { id: 'prompt_length', unit: 'tokens', input: 'histogram', aggregate: 'histogram', description: 'prompt tokens per request' },
  generation_length: { id: 'generation_length', unit: 'tokens', input: 'histogram', aggregate: 'histogram', description: 'generated tokens per request' },
  spec_decode_acceptance: { id: 'spec_decode_acceptance', unit: 'ratio', input: 'counter', aggregate: 'ratio', description: 'accepted / draft tokens' },
  process_memory: { id: 'process_memory', unit: 'bytes', input: 'gauge', aggregate: 'sum', description: 'resident memory of the server process' },
  gpu_utilization: { id: 'gpu_utilization', unit: 'ratio', input: 'gauge', aggregate: 'avg', description: 'share of time a kernel ran' },
  sm_active: { id: 'sm_active', unit: 'ratio', input: 'gauge', aggregate: 'avg', description: 'SM activity' },
  dram_active: { id: 'dram_active', unit: 'ratio', input: 'gauge', aggregate: 'avg', description: 'memory-bandwidth activity' },
  tensor_active: { id: 'tensor_active', unit: 'ratio', input: 'gauge', aggregate: 'avg', description: 'tensor pipe activity' },
  memory_used_bytes: { id: 'memory_used_bytes', unit: 'bytes', input: 'gauge', aggregate: 'sum', description: 'GPU memory used' },
  memory_total_bytes: { id: 'memory_total_bytes', unit: 'bytes', input: 'gauge', aggregate: 'sum', description: 'GPU memory total' },
  temperature_celsius: { id: 'temperature_celsius', unit: 'celsius', input: 'gauge', aggregate: 'max', description: 'GPU temperature' },
  power_watts: { id: 'power_watts', unit: 'watts', input: 'gauge', aggregate: 'sum', description: 'board power draw' },
  sm_clock_hertz: { id: 'sm_clock_hertz', unit: 'hertz', input: 'gauge', aggregate: 'avg', description: 'SM clock' },
  xid_errors: { id: 'xid_errors', unit: 'events', input: 'gauge', aggregate: 'sum', description: 'XID error events' },
};

/** How a family provides a signal. `scale` converts the raw unit into the signal's unit. */
export type SignalSource =
  | { kind: 'direct'; metric: string; scale?: number; note?: string }
  /** Only the series whose labels match (e.g. finished_reason="abort"). */
  | { kind: 'filtered'; metric: string; match: Record<string, string>; scale?: number; note?: string }
  /** rate(numerator) / rate(denominator), both counters. */
  | { kind: 'ratio'; numerator: string; denominator: string; note?: string }
  /** Sum of several same-unit gauges (DCGM memory total = used + free + reserved). */
  | { kind: 'sum'; metrics: string[]; scale?: number; note?: string }
  /** A raw value that changes when an event happens (DCGM last-XID code): count changes(). */
  | { kind: 'changes'; metric: string; note?: string };

const MIB = 1048576;

const VLLM_COMMON: Partial<Record<SignalId, SignalSource>> = {
  requests_running: { kind: 'direct', metric: 'vllm:num_requests_running' },
  requests_waiting: { kind: 'direct', metric: 'vllm:num_requests_waiting' },
  prompt_tokens: { kind: 'direct', metric: 'vllm:prompt_tokens_total' },
  generation_tokens: { kind: 'direct', metric: 'vllm:generation_tokens_total' },
  requests_finished: { kind: 'direct', metric: 'vllm:request_success_total', note: 'counts every finished request, aborts included, by finished_reason' },
  requests_aborted: { kind: 'filtered', metric: 'vllm:request_success_total', match: { finished_reason: 'abort' } },
  ttft: { kind: 'direct', metric: 'vllm:time_to_first_token_seconds' },
  e2e_latency: { kind: 'direct', metric: 'vllm:e2e_request_latency_seconds' },
  queue_time: { kind: 'direct', metric: 'vllm:request_queue_time_seconds' },
  prefill_time: { kind: 'direct', metric: 'vllm:request_prefill_time_seconds' },
  decode_time: { kind: 'direct', metric: 'vllm:request_decode_time_seconds' },
  preemptions: { kind: 'direct', metric: 'vllm:num_preemptions_total' },
  iteration_tokens: { kind: 'direct', metric: 'vllm:iteration_tokens_total', note: 'histogram: use _bucket/_sum/_count' },
  prompt_length: { kind: 'direct', metric: 'vllm:request_prompt_tokens' },
  generation_length: { kind: 'direct', metric: 'vllm:request_generation_tokens' },
  process_memory: { kind: 'direct', metric: 'process_resident_memory_bytes', note: 'absent in multiprocess mode: DP > 1 (since vllm PR #32525) or --api-server-count > 1' },
};

const V1_SPEC: SignalSource = { kind: 'ratio', numerator: 'vllm:spec_decode_num_accepted_tokens_total', denominator: 'vllm:spec_decode_num_draft_tokens_total' };

const SGLANG_COMMON: Partial<Record<SignalId, SignalSource>> = {
  requests_running: { kind: 'direct', metric: 'sglang:num_running_reqs' },
  requests_waiting: { kind: 'direct', metric: 'sglang:num_queue_reqs' },
  kv_cache_usage: { kind: 'direct', metric: 'sglang:token_usage', note: '0-1; sglang:kv_cache_usage_perc where present' },
  prompt_tokens: { kind: 'direct', metric: 'sglang:prompt_tokens_total' },
  generation_tokens: { kind: 'direct', metric: 'sglang:generation_tokens_total' },
  requests_finished: { kind: 'direct', metric: 'sglang:num_requests_total' },
  requests_aborted: { kind: 'direct', metric: 'sglang:num_aborted_requests_total' },
  ttft: { kind: 'direct', metric: 'sglang:time_to_first_token_seconds' },
  e2e_latency: { kind: 'direct', metric: 'sglang:e2e_request_latency_seconds' },
  queue_time: { kind: 'direct', metric: 'sglang:queue_time_seconds' },
  prefix_cache_hit_ratio: { kind: 'ratio', numerator: 'sglang:cached_tokens_total', denominator: 'sglang:prompt_tokens_total', note: 'sglang:cache_hit_rate is a last-prefill-batch gauge' },
  prompt_length: { kind: 'direct', metric: 'sglang:prompt_tokens_histogram', note: 'opt-in (--collect-tokens-histogram) in older versions' },
  generation_length: { kind: 'direct', metric: 'sglang:generation_tokens_histogram', note: 'opt-in in older versions' },
  spec_decode_acceptance: { kind: 'direct', metric: 'sglang:spec_accept_rate' },
  // No process_memory: SGLang serves /metrics from prometheus_client's multiprocess collector, which has no process_* series.
};

export const FAMILY_SIGNALS: Record<FamilyId, Partial<Record<SignalId, SignalSource>>> = {
  'vllm-v0': {
    ...VLLM_COMMON,
    kv_cache_usage: { kind: 'direct', metric: 'vllm:gpu_cache_usage_perc' },
    itl: { kind: 'direct', metric: 'vllm:time_per_output_token_seconds' },
    prefix_cache_hit_ratio: { kind: 'direct', metric: 'vllm:gpu_prefix_cache_hit_rate', note: 'a gauge in V0 (late V0 only)' },
    spec_decode_acceptance: { kind: 'direct', metric: 'vllm:spec_decode_draft_acceptance_rate' },
  },
  'vllm-v1-legacy': {
    ...VLLM_COMMON,
    kv_cache_usage: { kind: 'direct', metric: 'vllm:gpu_cache_usage_perc', note: 'vllm:kv_cache_usage_perc also from 0.9.2' },
    itl: { kind: 'direct', metric: 'vllm:time_per_output_token_seconds' },
    prefix_cache_hit_ratio: { kind: 'ratio', numerator: 'vllm:gpu_prefix_cache_hits_total', denominator: 'vllm:gpu_prefix_cache_queries_total', note: 'blocks at 0.8, tokens after; prefix_cache_* from 0.9.2' },
    spec_decode_acceptance: V1_SPEC,
  },
  'vllm-v1': {
    ...VLLM_COMMON,
    kv_cache_usage: { kind: 'direct', metric: 'vllm:kv_cache_usage_perc' },
    itl: { kind: 'direct', metric: 'vllm:inter_token_latency_seconds' },
    tpot: { kind: 'direct', metric: 'vllm:request_time_per_output_token_seconds' },
    prefix_cache_hit_ratio: { kind: 'ratio', numerator: 'vllm:prefix_cache_hits_total', denominator: 'vllm:prefix_cache_queries_total' },
    spec_decode_acceptance: V1_SPEC,
  },
  sglang: {
    ...SGLANG_COMMON,
    itl: { kind: 'direct', metric: 'sglang:inter_token_latency_seconds', note: 'buckets count tokens, not events' },
    preemptions: { kind: 'direct', metric: 'sglang:num_retracted_requests_total', note: 'retractions; newer versions' },
    iteration_tokens: { kind: 'ratio', numerator: 'sglang:realtime_tokens_total', denominator: 'sglang:cuda_graph_passes_total', note: 'prefill_compute + decode tokens per forward pass' },
  },
  'sglang-legacy': {
    ...SGLANG_COMMON,
    itl: { kind: 'direct', metric: 'sglang:time_per_output_token_seconds' },
  },
  'sglang-gen1': {
    prompt_tokens: { kind: 'direct', metric: 'sglang:prompt_tokens_total', note: 'label `name`, not model_name' },
  },
  dcgm: {
    gpu_utilization: { kind: 'direct', metric: 'DCGM_FI_DEV_GPU_UTIL', scale: 0.01, note: 'not reported for MIG: use DCGM_FI_PROF_GR_ENGINE_ACTIVE' },
    sm_active: { kind: 'direct', metric: 'DCGM_FI_PROF_SM_ACTIVE', note: 'needs a custom counters CSV and a datacenter GPU' },
    dram_active: { kind: 'direct', metric: 'DCGM_FI_PROF_DRAM_ACTIVE' },
    tensor_active: { kind: 'direct', metric: 'DCGM_FI_PROF_PIPE_TENSOR_ACTIVE' },
    memory_used_bytes: { kind: 'direct', metric: 'DCGM_FI_DEV_FB_USED', scale: MIB },
    memory_total_bytes: { kind: 'sum', metrics: ['DCGM_FI_DEV_FB_USED', 'DCGM_FI_DEV_FB_FREE', 'DCGM_FI_DEV_FB_RESERVED'], scale: MIB, note: 'FB_RESERVED from 4.3.1-4.4.0; FB_TOTAL only with a custom CSV' },
    temperature_celsius: { kind: 'direct', metric: 'DCGM_FI_DEV_GPU_TEMP' },
    power_watts: { kind: 'direct', metric: 'DCGM_FI_DEV_POWER_USAGE' },
    sm_clock_hertz: { kind: 'direct', metric: 'DCGM_FI_DEV_SM_CLOCK', scale: 1e6 },
    xid_errors: { kind: 'direct', metric: 'DCGM_EXP_XID_ERRORS_COUNT', note: 'XIDs per code within the exporter window (the stack enables it in its counters CSV); DCGM_FI_DEV_XID_ERRORS holds only the last code, so a repeat is invisible there' },
  },
  'dcgm-4.9': {
    gpu_utilization: { kind: 'direct', metric: 'DCGM_FI_DEV_GPU_UTIL_RATIO' },
    sm_active: { kind: 'direct', metric: 'DCGM_FI_PROF_SM_UTIL_RATIO' },
    dram_active: { kind: 'direct', metric: 'DCGM_FI_PROF_DRAM_UTIL_RATIO' },
    tensor_active: { kind: 'direct', metric: 'DCGM_FI_PROF_TENSOR_UTIL_RATIO' },
    memory_used_bytes: { kind: 'direct', metric: 'DCGM_FI_DEV_FB_USED_BYTES', note: 'byte-valued field 1627 (DCGM 4.7); the name 4.9.0 emits is unverified' },
    memory_total_bytes: { kind: 'direct', metric: 'DCGM_FI_DEV_FB_CAPACITY_BYTES' },
    temperature_celsius: { kind: 'direct', metric: 'DCGM_FI_DEV_GPU_TEMP_CELSIUS' },
    power_watts: { kind: 'direct', metric: 'DCGM_FI_DEV_BOARD_POWER_WATTS' },
    sm_clock_hertz: { kind: 'direct', metric: 'DCGM_FI_DEV_SM_CLOCK_HERTZ' },
    xid_errors: { kind: 'changes', metric: 'DCGM_FI_DEV_XID_ERROR', note: 'last XID code: a change is a new code, a repeat of the same code is invisible' },
  },
  'nvidia-smi': {
    gpu_utilization: { kind: 'direct', metric: 'nvidia_smi_utilization_gpu_ratio', note: 'absent on MIG GPUs' },
    memory_used_bytes: { kind: 'direct', metric: 'nvidia_smi_memory_used_bytes' },
    memory_total_bytes: { kind: 'direct', metric: 'nvidia_smi_memory_total_bytes' },
    temperature_celsius: { kind: 'direct', metric: 'nvidia_smi_temperature_gpu' },
    power_watts: { kind: 'direct', metric: 'nvidia_smi_power_draw_watts' },
    sm_clock_hertz: { kind: 'direct', metric: 'nvidia_smi_clocks_current_sm_clock_hz' },
    xid_errors: { kind: 'direct', metric: 'nvidia_smi_xid_errors_total', note: 'NVML backend (-nvml image) only' },
  },
  amd: {
    gpu_utilization: { kind: 'direct', metric: 'gpu_gfx_activity', scale: 0.01 },
    sm_active: { kind: 'direct', metric: 'gpu_prof_sm_active', scale: 0.01, note: 'a percentage (metricslist.md); profiler off by default' },
    dram_active: { kind: 'direct', metric: 'gpu_umc_activity', scale: 0.01, note: 'memory-controller activity (verify meaning)' },
    tensor_active: { kind: 'direct', metric: 'gpu_prof_tensor_active_percent', scale: 0.01, note: 'profiler off by default' },
    memory_used_bytes: { kind: 'direct', metric: 'gpu_used_vram', scale: MIB, note: 'exporter says MB; treated as MiB (verify)' },
    memory_total_bytes: { kind: 'direct', metric: 'gpu_total_vram', scale: MIB, note: 'exporter says MB; treated as MiB (verify)' },
    temperature_celsius: { kind: 'direct', metric: 'gpu_junction_temperature', note: 'MI3xx; MI2xx exposes gpu_edge_temperature' },
    power_watts: { kind: 'direct', metric: 'gpu_package_power', note: 'MI3xx; MI2xx/Radeon: gpu_average_package_power' },
    sm_clock_hertz: { kind: 'filtered', metric: 'gpu_clock', match: { clock_type: 'system' }, scale: 1e6 },
  },
};

/** Raw metric names a signal source reads. */
export function sourceMetrics(src: SignalSource): string[] {
  switch (src.kind) {
    case 'direct':
    case 'filtered':
    case 'changes':
      return [src.metric];
    case 'ratio':
      return [src.numerator, src.denominator];
    case 'sum':
      return src.metrics;
  }
}
