/**
 * The normalised series contract: every series our recording rules produce, its unit and labels, and
 * the raw metrics each engine or exporter version feeds it from. Dashboards, alerts, the panel probe
 * and reports consume ONLY these names. Names follow `level:metric:operations`:
 *   llm:  one serving target (instance) and model, DP/TP/PP ranks aggregated away;
 *   model: one model across all its instances of one engine and job (fleet latency percentiles);
 *   gpu:  one GPU of one exporter target;
 *   host: one machine (node-exporter target);
 *   router: one gateway in front of the engines (its own metrics: what clients see).
 * Keep the names stable: they are our public interface.
 */

/** Every recorded series is named `<level>:...`: remote write's recorded-only filter keeps these. */
export const SERIES_LEVELS = ['llm', 'model', 'gpu', 'host', 'router'] as const;
export type SeriesLevel = (typeof SERIES_LEVELS)[number];

export type Unit =
  | 'count'
  | 'ratio'
  | 'seconds'
  | 'tokens'
  | 'tokens_per_second'
  | 'requests_per_second'
  | 'events_per_second'
  | 'events'
  | 'bytes'
  | 'bytes_per_second'
  | 'celsius'
  | 'watts'
  | 'hertz'
  | 'code'
  | 'boolean';

/** Labels every serving series carries (plus `le` on bucket series, `finished_reason` where noted). */
export const LLM_LABELS = ['engine', 'model_name', 'instance', 'job', 'host'] as const;
/** Model-level series: instances of one model summed before the quantile is taken. */
export const MODEL_LABELS = ['engine', 'model_name', 'job'] as const;
/** Process-level serving series have no model (the process serves it, the metric does not say). */
export const LLM_PROCESS_LABELS = ['engine', 'instance', 'job', 'host'] as const;
/** `gpu` is the GPU index as the exporter reports it (nvidia-smi exporter: joined from nvidia_smi_gpu_info). */
export const GPU_LABELS = ['instance', 'job', 'host', 'gpu'] as const;
/** Per GPU exporter target (one machine's GPUs). */
export const GPU_TARGET_LABELS = ['instance', 'job', 'host'] as const;
export const HOST_LABELS = ['instance', 'job', 'host'] as const;
/** One gateway target; per model (the gateway's `model` label, as model_name) or per worker (its URL). */
export const ROUTER_LABELS = ['instance', 'job', 'host'] as const;
export const ROUTER_MODEL_LABELS = [...ROUTER_LABELS, 'model_name'] as const;
export const ROUTER_WORKER_LABELS = [...ROUTER_LABELS, 'worker'] as const;
/** Filesystem series: one per mounted device of a machine. */
export const FILESYSTEM_LABELS = [...HOST_LABELS, 'device', 'mountpoint', 'fstype'] as const;
/** Block-device series: one per disk of a machine (node-exporter's diskstats `device`). */
export const DISK_LABELS = [...HOST_LABELS, 'device'] as const;
/** The filesystem holding a watched path: `path` and what it `holds` (--watch-path). */
export const WATCHED_PATH_LABELS = [...FILESYSTEM_LABELS, 'path', 'holds'] as const;

/** Where a raw metric comes from: the engine/exporter family that exposes it. */
export type SourceFamily =
  | 'vllm-v0'
  | 'vllm-v1-old'
  | 'vllm-v1-new'
  | 'sglang'
  | 'dcgm'
  | 'dcgm-4.9'
  | 'nvidia-smi'
  | 'amd'
  | 'node'
  | 'smg';

export interface SeriesDef {
  name: string;
  level: SeriesLevel;
  unit: Unit;
  labels: readonly string[];
  help: string;
  /** Raw metrics, in order of preference per family (the first present wins; never summed together). */
  sources: Partial<Record<SourceFamily, readonly string[]>>;
  /**
   * Why the series can legitimately be absent with a healthy target (feature off, engine or exporter
   * lacks it); undefined means every supported version of every engine/exporter of its level has it.
   */
  optional?: string;
}

/** Why the disk I/O series can be absent while node-exporter is up. */
export const DISK_OPTIONAL =
  'node-exporter reads /proc/diskstats: a sandboxed container runtime (gVisor, some CI runners) shows it empty, --no-collector.diskstats turns it off, and disks with other names than sd, vd, xvd, hd, nvme, mmcblk, dasd, rbd, dm- or md are left out';

/** Rates and latency quantiles use one 5-minute window (works for scrape intervals up to 1m). */
export const RATE_WINDOW = '5m';

/**
 * Histograms we normalise (latencies, and the token lengths of requests), with the raw names per
 * engine family. Each gets bucket, count and sum rates (llm.ts); percentiles come from the bucket
 * rates (instanceQuantile, MODEL_QUANTILES).
 */
export const HISTOGRAMS = {
  ttft_seconds: {
    help: 'time to first token',
    unit: 'seconds',
    sources: {
      'vllm-v0': ['vllm:time_to_first_token_seconds'],
      'vllm-v1-old': ['vllm:time_to_first_token_seconds'],
      'vllm-v1-new': ['vllm:time_to_first_token_seconds'],
      sglang: ['sglang:time_to_first_token_seconds'],
    },
  },
  itl_seconds: {
    help: 'inter-token latency (vLLM V0/early V1 called it time per output token; SGLang weights buckets by tokens)',
    unit: 'seconds',
    sources: {
      'vllm-v0': ['vllm:time_per_output_token_seconds'],
      'vllm-v1-old': ['vllm:inter_token_latency_seconds', 'vllm:time_per_output_token_seconds'],
      'vllm-v1-new': ['vllm:inter_token_latency_seconds', 'vllm:time_per_output_token_seconds'],
      sglang: ['sglang:inter_token_latency_seconds', 'sglang:time_per_output_token_seconds'],
    },
  },
  tpot_seconds: {
    help: 'per-request time per output token, (e2e - TTFT) / (output tokens - 1)',
    unit: 'seconds',
    optional: 'only vLLM >= 0.11 exposes per-request TPOT quantiles; every engine has the mean, llm:time_per_output_token_seconds:mean5m',
    sources: { 'vllm-v1-new': ['vllm:request_time_per_output_token_seconds'] },
  },
  e2e_seconds: {
    help: 'end-to-end request latency',
    unit: 'seconds',
    sources: {
      'vllm-v0': ['vllm:e2e_request_latency_seconds'],
      'vllm-v1-old': ['vllm:e2e_request_latency_seconds'],
      'vllm-v1-new': ['vllm:e2e_request_latency_seconds'],
      sglang: ['sglang:e2e_request_latency_seconds'],
    },
  },
  queue_seconds: {
    help: 'time a request waited in the queue before it was scheduled',
    unit: 'seconds',
    optional: 'vLLM V0 before 0.6.4 has no queue-time histogram (PRs #9659, #4464); SGLang added queue_time_seconds in 2025',
    sources: {
      'vllm-v0': ['vllm:request_queue_time_seconds', 'vllm:time_in_queue_requests'],
      'vllm-v1-old': ['vllm:request_queue_time_seconds'],
      'vllm-v1-new': ['vllm:request_queue_time_seconds'],
      sglang: ['sglang:queue_time_seconds'],
    },
  },
  prefill_seconds: {
    help: 'time a request spent in prefill',
    unit: 'seconds',
    optional: 'vLLM only (late V0 and V1); SGLang splits stages differently',
    sources: {
      'vllm-v0': ['vllm:request_prefill_time_seconds'],
      'vllm-v1-old': ['vllm:request_prefill_time_seconds'],
      'vllm-v1-new': ['vllm:request_prefill_time_seconds'],
    },
  },
  decode_seconds: {
    help: 'time a request spent in decode',
    unit: 'seconds',
    optional: 'vLLM only (late V0 and V1)',
    sources: {
      'vllm-v0': ['vllm:request_decode_time_seconds'],
      'vllm-v1-old': ['vllm:request_decode_time_seconds'],
      'vllm-v1-new': ['vllm:request_decode_time_seconds'],
    },
  },
  request_prompt_tokens: {
    help: 'prompt tokens per finished request (cached tokens included)',
    unit: 'tokens',
    optional: 'SGLang up to @44cedc2b only with --collect-tokens-histogram (newer SGLang always); every vLLM version has it',
    sources: {
      'vllm-v0': ['vllm:request_prompt_tokens'],
      'vllm-v1-old': ['vllm:request_prompt_tokens'],
      'vllm-v1-new': ['vllm:request_prompt_tokens'],
      sglang: ['sglang:prompt_tokens_histogram'],
    },
  },
  request_generation_tokens: {
    help: 'generated tokens per finished request',
    unit: 'tokens',
    optional: 'SGLang up to @44cedc2b only with --collect-tokens-histogram (newer SGLang always); every vLLM version has it',
    sources: {
      'vllm-v0': ['vllm:request_generation_tokens'],
      'vllm-v1-old': ['vllm:request_generation_tokens'],
      'vllm-v1-new': ['vllm:request_generation_tokens'],
      sglang: ['sglang:generation_tokens_histogram'],
    },
  },
} as const satisfies Record<
  string,
  {
    help: string;
    unit: Unit;
    optional?: string;
    sources: Partial<Record<SourceFamily, readonly string[]>>;
  }
>;

export type HistogramName = keyof typeof HISTOGRAMS;
export type Quantile = 'p50' | 'p90' | 'p95' | 'p99' | 'p999';
export const QUANTILE_VALUE: Record<Quantile, number> = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99, p999: 0.999 };

/** Latencies that have an SLO in StackSpec.slo. */
export const SLO_HISTOGRAMS = ['ttft_seconds', 'itl_seconds', 'e2e_seconds'] as const satisfies readonly HistogramName[];
export type SloHistogram = (typeof SLO_HISTOGRAMS)[number];
/** The objectives (slo.ts): one per latency histogram, and availability. */
export const SLO_KEYS = ['ttft', 'itl', 'e2e', 'availability'] as const;
export type SloKey = (typeof SLO_KEYS)[number];
/** Windows of the bad-request ratios: the short and long windows of the burn-rate bands. */
export const SLO_RATIO_WINDOWS = ['5m', '30m', '1h', '6h', '3d'] as const;
export type SloRatioWindow = (typeof SLO_RATIO_WINDOWS)[number];
/** Request counts the minimum-traffic guard reads, one per long window. */
export const SLO_COUNT_WINDOWS = ['1h', '6h', '3d'] as const;
export type SloCountWindow = (typeof SLO_COUNT_WINDOWS)[number];

/** Series names, as constants so that a typo is a compile error. */
export const S = {
  requestsRunning: 'llm:requests_running:sum',
  requestsWaiting: 'llm:requests_waiting:sum',
  requestsWaitingDeferred: 'llm:requests_waiting_deferred:sum',
  requestsWaitingCapacity: 'llm:requests_waiting_capacity:sum',
  engineAsleep: 'llm:engine_asleep:max',
  kvCacheUsage: 'llm:kv_cache_usage_ratio:max',
  promptTokens: 'llm:prompt_tokens:rate5m',
  generationTokens: 'llm:generation_tokens:rate5m',
  requestsFinished: 'llm:requests_finished:rate5m',
  requestsServerErrors: 'llm:requests_server_errors:rate5m',
  httpServerErrors: 'llm:http_server_errors:rate5m',
  requestsServerErrorRatio: 'llm:requests_server_errors:ratio_rate5m',
  requestsAborted: 'llm:requests_aborted:rate5m',
  requestsAbortedRatio: 'llm:requests_aborted:ratio_rate5m',
  preemptions: 'llm:preemptions:rate5m',
  prefixCacheQueried: 'llm:prefix_cache_queried_tokens:rate5m',
  prefixCacheHit: 'llm:prefix_cache_hit_tokens:rate5m',
  prefixCacheHitRatio: 'llm:prefix_cache_hit_ratio:rate5m',
  iterationTokensMean: 'llm:iteration_tokens:mean5m',
  prefillSecondsMean: 'llm:request_prefill_seconds:mean5m',
  decodeSecondsMean: 'llm:request_decode_seconds:mean5m',
  tpotMean: 'llm:time_per_output_token_seconds:mean5m',
  processMemory: 'llm:process_resident_memory:bytes',
  engineRestarts: 'llm:engine_restarts:count5m',
  promptTokensCached: 'llm:prompt_tokens_cached:rate5m',
  promptTokensCachedRatio: 'llm:prompt_tokens_cached:ratio_rate5m',
  promptTokensBySource: 'llm:prompt_tokens_by_source:rate5m',
  specDecodeSteps: 'llm:spec_decode_steps:rate5m',
  specDecodeDraftTokens: 'llm:spec_decode_draft_tokens:rate5m',
  specDecodeAcceptedTokens: 'llm:spec_decode_accepted_tokens:rate5m',
  specDecodeAcceptedByPosition: 'llm:spec_decode_accepted_tokens_by_position:rate5m',
  specDecodeAcceptanceLength: 'llm:spec_decode_acceptance_length:mean5m',
  specDecodeAcceptanceRatio: 'llm:spec_decode_acceptance:ratio_rate5m',
  specDecodePositionAcceptance: 'llm:spec_decode_position_acceptance:ratio_rate5m',
  kvTransferFailures: 'llm:kv_transfer_failures:rate5m',
  kvBootstrapFailures: 'llm:kv_bootstrap_failures:rate5m',
  kvTransferExpired: 'llm:kv_transfer_expired_requests:rate5m',
  kvTransferSecondsMean: 'llm:kv_transfer_seconds:mean5m',
  kvTransferBytes: 'llm:kv_transfer_bytes:rate5m',
  pdBootstrapQueue: 'llm:pd_bootstrap_queue_requests:sum',
  pdTransferQueue: 'llm:pd_transfer_queue_requests:sum',
  kvOffloadBytes: 'llm:kv_offload_bytes:rate5m',
  kvOffloadBusy: 'llm:kv_offload_busy:ratio_rate5m',
  estimatedFlops: 'llm:estimated_flops_per_gpu:rate5m',
  estimatedMemoryBytes: 'llm:estimated_memory_bytes_per_gpu:rate5m',
  requestsCorrupted: 'llm:requests_corrupted:rate5m',
  loraAdapters: 'llm:lora_adapters:info',
  loraSlotsUsedRatio: 'llm:lora_slots_used:ratio',
  forwardBusy: 'llm:forward_busy:ratio_rate5m',
  schedulerAborts: 'llm:scheduler_aborts:rate5m',
  kvPoolUsage: 'llm:kv_pool_usage_ratio:max',

  gpuUtilization: 'gpu:utilization:ratio',
  gpuSmActive: 'gpu:sm_active:ratio',
  gpuDramActive: 'gpu:dram_active:ratio',
  gpuTensorActive: 'gpu:tensor_active:ratio',
  gpuMemoryUsed: 'gpu:memory_used:bytes',
  gpuMemoryTotal: 'gpu:memory_total:bytes',
  gpuMemoryUsedRatio: 'gpu:memory_used:ratio',
  gpuTemperature: 'gpu:temperature:celsius',
  gpuPower: 'gpu:power:watts',
  gpuPowerLimit: 'gpu:power_limit:watts',
  gpuNvlinkBandwidth: 'gpu:nvlink_bandwidth:bytes_per_second',
  gpuPcieBandwidth: 'gpu:pcie_bandwidth:bytes_per_second',
  gpuSmClock: 'gpu:sm_clock:hertz',
  gpuXidErrors: 'gpu:xid_errors:count5m',
  gpuXidLast: 'gpu:xid_last:code',
  gpuXidLastCodeChanges: 'gpu:xid_last_code_changes:count5m',
  gpuDevices: 'gpu:devices:count',
  gpuRowRemapFailed: 'gpu:row_remap_failed:bool',
  gpuRowRemapPending: 'gpu:row_remap_pending:bool',
  gpuUncorrectableMemoryErrors: 'gpu:uncorrectable_memory_errors:increase1h',
  gpuThrottled: 'gpu:throttled:ratio_rate5m',
  gpuThrottleCause: 'gpu:throttle_cause:ratio_rate5m',
  gpuIndexInfo: 'gpu:index:info',
  gpuRasErrors: 'gpu:ras_errors:count5m',

  hostCpu: 'host:cpu_utilization:ratio',
  hostMemoryUsed: 'host:memory_used:bytes',
  hostMemoryTotal: 'host:memory_total:bytes',
  hostMemoryUsedRatio: 'host:memory_used:ratio',
  hostNetworkReceive: 'host:network_receive_bytes:rate5m',
  hostNetworkTransmit: 'host:network_transmit_bytes:rate5m',
  hostFilesystemAvailRatio: 'host:filesystem_avail:ratio',
  hostPathFilesystemAvailRatio: 'host:path_filesystem_avail:ratio',
  hostFilesystemAvailNamedRatio: 'host:filesystem_avail_named:ratio',
  hostFilesystemAvailIn4h: 'host:filesystem_avail_bytes:predict_linear4h',
  hostFilesystemAvailIn24h: 'host:filesystem_avail_bytes:predict_linear24h',
  hostFilesystemAvail: 'host:filesystem_avail:bytes',
  hostFilesystemUsedRatio: 'host:filesystem_used:ratio',
  hostDiskRead: 'host:disk_read_bytes:rate5m',
  hostDiskWritten: 'host:disk_written_bytes:rate5m',
  hostDiskBusy: 'host:disk_io_busy:ratio',
  hostOomKills: 'host:oom_kills:increase5m',
  hostClockOffset: 'host:clock_offset:seconds',

  routerRequests: 'router:requests:rate5m',
  routerRequestErrors: 'router:request_errors:rate5m',
  routerResponses: 'router:http_responses:rate5m',
  routerServerErrorRatio: 'router:http_server_errors:ratio_rate5m',
  routerTtftP50: 'router:ttft_seconds:p50_5m',
  routerTtftP99: 'router:ttft_seconds:p99_5m',
  routerTpotP50: 'router:tpot_seconds:p50_5m',
  routerTpotP99: 'router:tpot_seconds:p99_5m',
  routerWorkerHealthy: 'router:worker_healthy:state',
  routerWorkers: 'router:workers:count',
  routerWorkersHealthy: 'router:workers_healthy:count',
  routerWorkerCircuit: 'router:worker_circuit:state',
  routerRetries: 'router:retries:rate5m',
  routerRetriesExhausted: 'router:retries_exhausted:rate5m',
  routerKvTransferFailures: 'router:pd_kv_transfer_failures:rate5m',
} as const;

export const histogramBucket = (h: HistogramName): string => `llm:${h}_bucket:rate5m`;
export const histogramCount = (h: HistogramName): string => `llm:${h}_count:rate5m`;
/** Seconds (or tokens) observed per second: over histogramCount, the mean. */
export const histogramSum = (h: HistogramName): string => `llm:${h}_sum:rate5m`;
/**
 * A percentile per instance and model, computed when read from the recorded bucket rates. Recording
 * it would run a histogram_quantile over every instance's buckets each cycle, for each percentile
 * (bench/rule-cost: most of a cycle at 1,000 targets), while a dashboard reads a few instances.
 */
export const instanceQuantile = (h: HistogramName, q: Quantile, selector?: string): string =>
  `histogram_quantile(${QUANTILE_VALUE[q]}, ${histogramBucket(h)}${selector ? `{${selector}}` : ''})`;
/**
 * Fleet percentiles recorded per model (instances' buckets summed first: cheap at any fleet size),
 * the series to alert on or chart across dashboards.
 */
export const MODEL_QUANTILES = {
  ttft_seconds: ['p50', 'p90', 'p95', 'p99', 'p999'],
  itl_seconds: ['p50', 'p90', 'p95', 'p99', 'p999'],
  tpot_seconds: ['p50', 'p90', 'p99'],
  e2e_seconds: ['p50', 'p90', 'p95', 'p99', 'p999'],
} as const satisfies Partial<Record<HistogramName, readonly Quantile[]>>;
export type ModelHistogram = keyof typeof MODEL_QUANTILES;
export const MODEL_HISTOGRAMS = Object.keys(MODEL_QUANTILES) as ModelHistogram[];
export const modelBucket = (h: ModelHistogram): string => `model:${h}_bucket:rate5m`;
export const modelQuantile = (h: ModelHistogram, q: Quantile): string => `model:${h}:${q}_5m`;
/** Per target: observations within (good) and over (bad) the objective, labelled with the bound used. */
export const sloGood = (h: SloHistogram): string => `llm:${h}_slo_good:rate5m`;
export const sloBad = (h: SloHistogram): string => `llm:${h}_slo_bad:rate5m`;
/** Per model: bad and all observations of an objective, and the bad share over a window. */
export const modelSloBad = (k: SloKey): string => `model:${k}_slo_bad:rate5m`;
export const modelSloTotal = (k: SloKey): string => `model:${k}_slo_total:rate5m`;
export const modelSloBadRatio = (k: SloKey, w: SloRatioWindow): string => `model:${k}_slo_bad:ratio_rate${w}`;
/** Finished requests of a model (every engine observes E2E latency once per request). */
export const MODEL_REQUESTS = 'model:requests:rate5m';
export const modelRequestCount = (w: SloCountWindow): string => `model:requests:count${w}`;

const ALL_VLLM = ['vllm-v0', 'vllm-v1-old', 'vllm-v1-new'] as const;

/** The throttle fields each exporter reports, read by both the per-cause and the per-reason series. */
const NVSMI_THROTTLE_SOURCES = [
  'nvidia_smi_clocks_event_reasons_counters_sw_power_cap_seconds',
  'nvidia_smi_clocks_event_reasons_counters_hw_thermal_slowdown_seconds',
  'nvidia_smi_clocks_event_reasons_counters_sw_thermal_slowdown_seconds',
  'nvidia_smi_clocks_event_reasons_sw_power_cap',
  'nvidia_smi_clocks_event_reasons_hw_thermal_slowdown',
  'nvidia_smi_clocks_event_reasons_sw_thermal_slowdown',
  'nvidia_smi_clocks_event_reasons_counters_hw_power_brake_slowdown_seconds',
  'nvidia_smi_clocks_event_reasons_hw_power_brake_slowdown',
] as const;
const AMD_THROTTLE_SOURCES = [
  'gpu_violation_ppt_residency_percentage',
  'gpu_violation_socket_thermal_residency_percentage',
  'gpu_violation_hbm_thermal_residency_percentage',
  'gpu_violation_vr_thermal_residency_percentage',
] as const;
const same = (names: readonly string[], families: readonly SourceFamily[]): Partial<Record<SourceFamily, readonly string[]>> =>
  Object.fromEntries(families.map((f) => [f, names]));

function histogramSeries(): SeriesDef[] {
  const out: SeriesDef[] = [];
  for (const [h, def] of Object.entries(HISTOGRAMS) as [HistogramName, (typeof HISTOGRAMS)[HistogramName]][]) {
    const optional = 'optional' in def ? def.optional : undefined;
    const sources = def.sources as Partial<Record<SourceFamily, readonly string[]>>;
    out.push({
      name: histogramBucket(h),
      level: 'llm',
      unit: 'events_per_second',
      labels: [...LLM_LABELS, 'le'],
      help: `Cumulative bucket rates of ${def.help}, summed over ranks (input of histogram_quantile).`,
      sources,
      optional,
    });
    out.push({
      name: histogramCount(h),
      level: 'llm',
      unit: 'events_per_second',
      labels: LLM_LABELS,
      help: `Observations per second of ${def.help}.`,
      sources,
      optional,
    });
    out.push({
      name: histogramSum(h),
      level: 'llm',
      unit: def.unit,
      labels: LLM_LABELS,
      help: `Sum of ${def.help} observed per second (divided by the count: the mean).`,
      sources,
      optional,
    });
  }
  for (const h of MODEL_HISTOGRAMS) {
    const def = HISTOGRAMS[h];
    const optional = 'optional' in def ? def.optional : undefined;
    const sources = def.sources as Partial<Record<SourceFamily, readonly string[]>>;
    out.push({
      name: modelBucket(h),
      level: 'model',
      unit: 'events_per_second',
      labels: [...MODEL_LABELS, 'le'],
      help: `Bucket rates of ${def.help}, summed over every instance of the model.`,
      sources,
      optional,
    });
    for (const q of MODEL_QUANTILES[h]) {
      out.push({ name: modelQuantile(h, q), level: 'model', unit: def.unit, labels: MODEL_LABELS, help: `${q.replace('p', 'P')} of ${def.help} over all instances of the model, 5m.`, sources, optional });
    }
  }
  out.push(...sloSeries());
  return out;
}

function sloSeries(): SeriesDef[] {
  const out: SeriesDef[] = [];
  const withObjective = (l: readonly string[]) => [...l, 'objective'];
  for (const h of SLO_HISTOGRAMS) {
    const sources = HISTOGRAMS[h].sources;
    const what = HISTOGRAMS[h].help;
    out.push(
      { name: sloGood(h), level: 'llm', unit: 'events_per_second', labels: withObjective(LLM_LABELS), help: `Observations of ${what} within the objective (label objective: the bucket bound used).`, sources },
      { name: sloBad(h), level: 'llm', unit: 'events_per_second', labels: withObjective(LLM_LABELS), help: `Observations of ${what} over the objective.`, sources },
    );
  }
  const serverErrors = same(['vllm:request_success_total', 'http_requests_total'], ALL_VLLM);
  for (const k of SLO_KEYS) {
    const labels = k === 'availability' ? MODEL_LABELS : withObjective(MODEL_LABELS);
    const h = SLO_HISTOGRAMS.find((x) => x.startsWith(`${k}_`));
    const sources = h ? HISTOGRAMS[h].sources : serverErrors;
    const optional = k === 'availability' ? 'vLLM only: SGLang exposes no server-error signal (no HTTP status metric, no error finish reason)' : undefined;
    const what = k === 'availability' ? 'requests failed by the server' : `observations over the ${k} objective`;
    out.push(
      { name: modelSloBad(k), level: 'model', unit: 'events_per_second', labels, help: `Per model: ${what}, per second over 5m.`, sources, optional },
      { name: modelSloTotal(k), level: 'model', unit: 'events_per_second', labels, help: `Per model: all observations of the ${k} objective, per second over 5m.`, sources, optional },
    );
    for (const w of SLO_RATIO_WINDOWS) out.push({ name: modelSloBadRatio(k, w), level: 'model', unit: 'ratio', labels, help: `Per model: share of ${what} over ${w} (burn-rate input).`, sources, optional });
  }
  const e2e = HISTOGRAMS.e2e_seconds.sources;
  out.push({ name: MODEL_REQUESTS, level: 'model', unit: 'requests_per_second', labels: MODEL_LABELS, help: 'Per model: finished requests per second over 5m (E2E latency observations).', sources: e2e });
  for (const w of SLO_COUNT_WINDOWS) out.push({ name: modelRequestCount(w), level: 'model', unit: 'count', labels: MODEL_LABELS, help: `Per model: requests finished over the last ${w} (minimum-traffic guard of the SLO alerts).`, sources: e2e });
  return out;
}

const V1_NEW = (names: readonly string[]) => ({ 'vllm-v1-new': names });
const SPEC = 'speculative decoding only (vLLM --speculative-config, SGLang --speculative-algorithm)';
const PD = 'prefill/decode disaggregation only (vLLM NixlConnector via --kv-transfer-config; SGLang --disaggregation-mode)';
const llm = (name: string, unit: Unit, help: string, sources: SeriesDef['sources'], optional: string, extra: readonly string[] = []): SeriesDef => ({
  name,
  level: 'llm',
  unit,
  labels: [...LLM_LABELS, ...extra],
  help,
  sources,
  optional,
});

/** Series of the newest engines' optional features (issue 11): each absent where the feature is off. */
function newestEngineSeries(): SeriesDef[] {
  return [
    llm(S.promptTokensCached, 'tokens_per_second', 'Prompt tokens served from a cache per second: vLLM local prefix-cache hits plus KV received from elsewhere (external_kv_transfer: a P/D prefill node, LMCache); SGLang cached tokens of every tier (device, host, storage).', {
      'vllm-v1-new': ['vllm:prompt_tokens_cached_total', 'vllm:prompt_tokens_by_source_total'],
      'vllm-v1-old': ['vllm:prefix_cache_hits_total', 'vllm:gpu_prefix_cache_hits_total'],
      sglang: ['sglang:cached_tokens_total'],
    }, 'vLLM before prompt_tokens_cached (late 2025) counts only local prefix-cache hits here; vLLM V0 has no cached-token counter'),
    llm(S.promptTokensCachedRatio, 'ratio', 'Share of prompt tokens served from a cache (local and external KV), 0-1; absent while no prompts.', {
      'vllm-v1-new': ['vllm:prompt_tokens_cached_total', 'vllm:prompt_tokens_total'],
      'vllm-v1-old': ['vllm:prefix_cache_hits_total', 'vllm:prompt_tokens_total'],
      sglang: ['sglang:cached_tokens_total', 'sglang:prompt_tokens_total'],
    }, 'as llm:prompt_tokens_cached:rate5m; absent while idle'),
    llm(S.promptTokensBySource, 'tokens_per_second', 'Prompt tokens per second by where their KV came from (label source: local_compute, local_cache_hit, external_kv_transfer).', V1_NEW(['vllm:prompt_tokens_by_source_total']), 'vLLM from late 2025 only (prompt_tokens_by_source)', ['source']),
    llm(S.specDecodeSteps, 'events_per_second', 'Speculative-decoding verify steps per second (vLLM drafts, SGLang verify calls): each yields the accepted draft tokens plus one.', {
      'vllm-v1-old': ['vllm:spec_decode_num_drafts_total'],
      'vllm-v1-new': ['vllm:spec_decode_num_drafts_total'],
      sglang: ['sglang:spec_verify_calls_total'],
    }, `${SPEC}; SGLang from its newest collector (spec_verify_calls_total); vLLM V0 has no draft counter`),
    llm(S.specDecodeDraftTokens, 'tokens_per_second', 'Draft tokens proposed per second (vLLM).', same(['vllm:spec_decode_num_draft_tokens_total'], ALL_VLLM), `${SPEC}; vLLM only`),
    llm(S.specDecodeAcceptedTokens, 'tokens_per_second', 'Draft tokens accepted per second (SGLang: generated tokens less one per verify step).', {
      ...same(['vllm:spec_decode_num_accepted_tokens_total'], ALL_VLLM),
      sglang: ['sglang:generation_tokens_total', 'sglang:spec_verify_calls_total'],
    }, SPEC),
    llm(S.specDecodeAcceptedByPosition, 'tokens_per_second', 'Draft tokens accepted per second at each draft position (label position, "0" first).', { 'vllm-v1-old': ['vllm:spec_decode_num_accepted_tokens_per_pos_total'], ...V1_NEW(['vllm:spec_decode_num_accepted_tokens_per_pos_total']) }, `${SPEC}; vLLM V1 only`, ['position']),
    llm(S.specDecodeAcceptanceLength, 'tokens', 'Mean acceptance length: tokens emitted per verify step, 1 + accepted / steps (vLLM docstring; SGLang: generated tokens / verify calls).', {
      'vllm-v1-old': ['vllm:spec_decode_num_accepted_tokens_total', 'vllm:spec_decode_num_drafts_total'],
      'vllm-v1-new': ['vllm:spec_decode_num_accepted_tokens_total', 'vllm:spec_decode_num_drafts_total'],
      sglang: ['sglang:generation_tokens_total', 'sglang:spec_verify_calls_total'],
    }, `${SPEC}; absent while idle`),
    llm(S.specDecodeAcceptanceRatio, 'ratio', 'Share of draft tokens accepted, 0-1 (vLLM counters; vLLM V0 and SGLang: their gauge).', {
      'vllm-v0': ['vllm:spec_decode_draft_acceptance_rate'],
      'vllm-v1-old': ['vllm:spec_decode_num_accepted_tokens_total', 'vllm:spec_decode_num_draft_tokens_total'],
      'vllm-v1-new': ['vllm:spec_decode_num_accepted_tokens_total', 'vllm:spec_decode_num_draft_tokens_total'],
      sglang: ['sglang:spec_accept_rate'],
    }, SPEC),
    llm(S.specDecodePositionAcceptance, 'ratio', 'Acceptance rate at each draft position: accepted at that position / verify steps (label position).', { 'vllm-v1-old': ['vllm:spec_decode_num_accepted_tokens_per_pos_total'], ...V1_NEW(['vllm:spec_decode_num_accepted_tokens_per_pos_total']) }, `${SPEC}; vLLM V1 only`, ['position']),
    llm(S.kvTransferFailures, 'events_per_second', 'Failed KV-cache transfers per second between prefill and decode nodes (vLLM NIXL: failed transfers; SGLang: requests whose transfer failed).', { ...V1_NEW(['vllm:nixl_num_failed_transfers_total']), sglang: ['sglang:num_transfer_failed_reqs_total'] }, PD),
    llm(S.kvBootstrapFailures, 'requests_per_second', 'Requests per second whose P/D bootstrap (the prefill-decode handshake) failed (SGLang).', { sglang: ['sglang:num_bootstrap_failed_reqs_total'] }, `${PD}; SGLang only`),
    llm(S.kvTransferExpired, 'requests_per_second', 'Requests per second whose KV expired on the prefill node before the decode node read it (vLLM NIXL; counted on the prefill instance).', V1_NEW(['vllm:nixl_num_kv_expired_reqs_total']), `${PD}; vLLM NixlConnector only`),
    llm(S.kvTransferSecondsMean, 'seconds', 'Mean duration of one KV-cache transfer over 5m (vLLM nixl_xfer_time_seconds; SGLang kv_transfer_latency_ms in seconds, its last value where it is a gauge).', { ...V1_NEW(['vllm:nixl_xfer_time_seconds']), sglang: ['sglang:kv_transfer_latency_ms'] }, PD),
    llm(S.kvTransferBytes, 'bytes_per_second', 'KV-cache bytes transferred per second by NIXL (vLLM).', V1_NEW(['vllm:nixl_bytes_transferred']), `${PD}; vLLM NixlConnector only`),
    llm(S.pdBootstrapQueue, 'count', 'Requests of a P/D prefill server waiting for the bootstrap with their decode server (SGLang).', { sglang: ['sglang:num_prefill_bootstrap_queue_reqs', 'sglang:num_prefill_prealloc_queue_reqs'] }, `${PD}; SGLang only`),
    llm(S.pdTransferQueue, 'count', 'Requests of a P/D decode server waiting for their KV cache to arrive (SGLang decode transfer queue).', { sglang: ['sglang:num_decode_transfer_queue_reqs'] }, `${PD}; SGLang only`),
    llm(S.kvOffloadBytes, 'bytes_per_second', 'KV-cache bytes moved per second by the offloading connector, by direction (label transfer_type, e.g. GPU_to_CPU stores, CPU_to_GPU loads).', V1_NEW(['vllm:kv_offload_total_bytes_total']), 'vLLM KV offloading only (OffloadingConnector)', ['transfer_type']),
    llm(S.kvOffloadBusy, 'ratio', 'Seconds per second the offloading connector spent transferring, by direction (label transfer_type).', V1_NEW(['vllm:kv_offload_total_time_total']), 'vLLM KV offloading only (OffloadingConnector)', ['transfer_type']),
    llm(S.estimatedFlops, 'events_per_second', 'Estimated floating-point operations per second per GPU (model-shape estimate), mean over ranks.', { ...V1_NEW(['vllm:estimated_flops_per_gpu_total']), sglang: ['sglang:estimated_flops_per_gpu_total'] }, 'MFU metrics only (--enable-mfu-metrics)'),
    llm(S.estimatedMemoryBytes, 'bytes_per_second', 'Estimated memory bytes read and written per second per GPU, mean over ranks.', { ...V1_NEW(['vllm:estimated_read_bytes_per_gpu_total', 'vllm:estimated_write_bytes_per_gpu_total']), sglang: ['sglang:estimated_read_bytes_per_gpu_total', 'sglang:estimated_write_bytes_per_gpu_total'] }, 'MFU metrics only (--enable-mfu-metrics)'),
    llm(S.requestsCorrupted, 'requests_per_second', 'Requests per second whose logits held NaNs (vLLM).', same(['vllm:corrupted_requests_total'], ['vllm-v1-old', 'vllm-v1-new']), 'vLLM only, and only with env VLLM_COMPUTE_NANS_IN_LOGITS'),
    {
      name: S.loraAdapters,
      level: 'llm',
      unit: 'count',
      labels: [...LLM_PROCESS_LABELS, 'max_lora', 'running_lora_adapters', 'waiting_lora_adapters'],
      help: 'vLLM LoRA state, 1 per target: the adapters of running and waiting requests (comma-joined) and max_lora, from the newest lora_requests_info update.',
      sources: same(['vllm:lora_requests_info'], ALL_VLLM),
      optional: 'vLLM with --enable-lora only',
    },
    llm(S.loraSlotsUsedRatio, 'ratio', 'Share of LoRA adapter slots in use, 0-1 (SGLang lora pool).', { sglang: ['sglang:lora_pool_utilization'] }, 'SGLang with LoRA only (--lora-paths)'),
    llm(S.forwardBusy, 'ratio', 'Share of wall time spent in forward passes, mean over data-parallel ranks (SGLang forward_execution_seconds_total, formerly gpu_execution_seconds_total).', { sglang: ['sglang:forward_execution_seconds_total', 'sglang:gpu_execution_seconds_total'] }, 'SGLang only (late 2025 on)'),
    llm(S.schedulerAborts, 'requests_per_second', "Requests the SGLang scheduler aborted per second, by reason (label reason, e.g. queue_full, waiting_timeout).", { sglang: ['sglang:scheduler_aborts_total'] }, 'SGLang newest collector only (scheduler_aborts_total)', ['reason']),
    llm(S.kvPoolUsage, 'ratio', 'Usage 0-1 of each KV pool of a hybrid model (label pool: full, swa, mamba), the fullest rank; llm:kv_cache_usage_ratio:max is the overall figure.', { sglang: ['sglang:full_token_usage', 'sglang:swa_token_usage', 'sglang:mamba_usage'] }, 'SGLang serving a hybrid (sliding-window or Mamba) model only', ['pool']),
  ];
}

export const SERIES: readonly SeriesDef[] = [
  {
    name: S.requestsRunning,
    level: 'llm',
    unit: 'count',
    labels: LLM_LABELS,
    help: 'Requests in the running batch, summed over data-parallel ranks (max over TP/PP ranks).',
    sources: { ...same(['vllm:num_requests_running'], ALL_VLLM), sglang: ['sglang:num_running_reqs'] },
  },
  {
    name: S.requestsWaiting,
    level: 'llm',
    unit: 'count',
    labels: LLM_LABELS,
    help: 'Requests waiting to be scheduled, summed over data-parallel ranks.',
    sources: { ...same(['vllm:num_requests_waiting'], ALL_VLLM), sglang: ['sglang:num_queue_reqs'] },
  },
  {
    name: S.requestsWaitingDeferred,
    level: 'llm',
    unit: 'count',
    labels: LLM_LABELS,
    help: 'Waiting requests the scheduler defers on purpose, summed over data-parallel ranks: vLLM reason="deferred", held back by a transient constraint (KV transfer on a P/D decode node, LoRA budget, a blocked status such as a grammar being compiled).',
    sources: { 'vllm-v1-new': ['vllm:num_requests_waiting_by_reason'] },
    optional:
      'vLLM from 2026 only (num_requests_waiting_by_reason); SGLang keeps P/D transfers out of its waiting queue (num_queue_reqs) in separate gauges (num_decode_prealloc_queue_reqs, num_decode_transfer_queue_reqs)',
  },
  {
    name: S.requestsWaitingCapacity,
    level: 'llm',
    unit: 'count',
    labels: LLM_LABELS,
    help: 'Requests waiting for capacity: all waiting requests less the deferred ones (all of them where the engine does not break the queue down). The stall and queue alerts read this one.',
    sources: {
      ...same(['vllm:num_requests_waiting', 'vllm:num_requests_waiting_by_reason'], ALL_VLLM),
      sglang: ['sglang:num_queue_reqs'],
    },
  },
  {
    name: S.engineAsleep,
    level: 'llm',
    unit: 'count',
    labels: LLM_LABELS,
    help: 'Whether the engine sleeps (vLLM sleep mode, any level): 1 asleep, 0 awake; 1 as soon as one data-parallel engine sleeps. Stall alerts leave sleeping engines alone.',
    sources: { 'vllm-v1-new': ['vllm:engine_sleep_state'] },
    optional:
      'vLLM >= 0.11 only (engine_sleep_state); older vLLM and SGLang expose no sleep state (SGLang release_memory_occupation sets no metric), so their engines count as awake',
  },
  {
    name: S.kvCacheUsage,
    level: 'llm',
    unit: 'ratio',
    labels: LLM_LABELS,
    help: 'KV-cache usage 0-1, the fullest rank (max, never summed).',
    sources: {
      'vllm-v0': ['vllm:gpu_cache_usage_perc'],
      'vllm-v1-old': ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc'],
      'vllm-v1-new': ['vllm:kv_cache_usage_perc'],
      sglang: ['sglang:kv_cache_usage_perc', 'sglang:token_usage'],
    },
  },
  {
    name: S.promptTokens,
    level: 'llm',
    unit: 'tokens_per_second',
    labels: LLM_LABELS,
    help: 'Prompt (prefill) tokens processed per second.',
    sources: { ...same(['vllm:prompt_tokens_total'], ALL_VLLM), sglang: ['sglang:prompt_tokens_total'] },
  },
  {
    name: S.generationTokens,
    level: 'llm',
    unit: 'tokens_per_second',
    labels: LLM_LABELS,
    help: 'Generated (decode) tokens per second.',
    sources: {
      ...same(['vllm:generation_tokens_total'], ALL_VLLM),
      sglang: ['sglang:generation_tokens_total'],
    },
  },
  {
    name: S.requestsFinished,
    level: 'llm',
    unit: 'requests_per_second',
    labels: [...LLM_LABELS, 'finished_reason'],
    help: 'Finished requests per second by finished_reason (vLLM: stop|length|abort|error|repetition; SGLang: "all").',
    // Older SGLang: no num_requests_total; its E2E histogram counts every finished request.
    sources: {
      ...same(['vllm:request_success_total'], ALL_VLLM),
      sglang: ['sglang:num_requests_total', 'sglang:e2e_request_latency_seconds'],
    },
  },
  {
    name: S.httpServerErrors,
    level: 'llm',
    unit: 'requests_per_second',
    labels: LLM_LABELS,
    help: 'HTTP 5xx answers per second on the /v1 API of vLLM (errors before or outside the engine), given the model the target serves.',
    sources: { ...same(['http_requests_total'], ALL_VLLM) },
    optional: 'vLLM only (prometheus_fastapi_instrumentator); none while no request failed',
  },
  {
    name: S.requestsServerErrors,
    level: 'llm',
    unit: 'requests_per_second',
    labels: LLM_LABELS,
    help:
      'Requests the server failed per second: the larger of vLLM finished_reason="error" and HTTP 5xx answers on the /v1 API (prometheus_fastapi_instrumentator groups them as status="5xx"; ungrouped "500".."599" match too). Client aborts are not errors.',
    sources: { ...same(['vllm:request_success_total', 'http_requests_total'], ALL_VLLM) },
    optional:
      'vLLM only: SGLang exposes no server-error counter (no HTTP status metric; num_aborted_requests_total mixes client disconnects with internal aborts and has no reason label)',
  },
  {
    name: S.requestsServerErrorRatio,
    level: 'llm',
    unit: 'ratio',
    labels: LLM_LABELS,
    help: 'Server errors as a fraction of requests (finished requests, or the errors themselves when more errors than finished requests), capped at 1; absent while idle.',
    sources: { ...same(['vllm:request_success_total', 'http_requests_total'], ALL_VLLM) },
    optional: 'vLLM only, as llm:requests_server_errors:rate5m',
  },
  {
    name: S.requestsAborted,
    level: 'llm',
    unit: 'requests_per_second',
    labels: LLM_LABELS,
    help: 'Requests aborted per second (vLLM: finished_reason="abort", mostly clients that disconnected or pressed Stop; SGLang: every abort).',
    sources: {
      ...same(['vllm:request_success_total'], ALL_VLLM),
      sglang: ['sglang:num_aborted_requests_total'],
    },
    optional: 'SGLang versions before num_aborted_requests_total have no abort counter',
  },
  {
    name: S.requestsAbortedRatio,
    level: 'llm',
    unit: 'ratio',
    labels: LLM_LABELS,
    help: 'Aborted requests as a fraction of finished requests (absent while idle).',
    sources: {
      ...same(['vllm:request_success_total'], ALL_VLLM),
      sglang: ['sglang:num_aborted_requests_total', 'sglang:num_requests_total'],
    },
    optional: 'SGLang versions before num_aborted_requests_total have no abort counter',
  },
  {
    name: S.preemptions,
    level: 'llm',
    unit: 'events_per_second',
    labels: LLM_LABELS,
    help: 'Preemptions (SGLang: retractions) per second.',
    sources: {
      ...same(['vllm:num_preemptions_total'], ALL_VLLM),
      sglang: ['sglang:num_retracted_requests_total'],
    },
    optional: 'SGLang exposes retractions only in versions from late 2025',
  },
  {
    name: S.prefixCacheQueried,
    level: 'llm',
    unit: 'tokens_per_second',
    labels: LLM_LABELS,
    help: 'Prompt tokens looked up in the prefix cache per second (vLLM 0.8 counted blocks).',
    sources: {
      'vllm-v1-old': ['vllm:prefix_cache_queries_total', 'vllm:gpu_prefix_cache_queries_total'],
      'vllm-v1-new': ['vllm:prefix_cache_queries_total'],
      sglang: ['sglang:prompt_tokens_total'],
    },
    optional: 'vLLM V0 has only a hit-rate gauge; needs prefix caching enabled',
  },
  {
    name: S.prefixCacheHit,
    level: 'llm',
    unit: 'tokens_per_second',
    labels: LLM_LABELS,
    help: 'Prompt tokens served from the prefix cache per second.',
    sources: {
      'vllm-v1-old': ['vllm:prefix_cache_hits_total', 'vllm:gpu_prefix_cache_hits_total'],
      'vllm-v1-new': ['vllm:prefix_cache_hits_total'],
      sglang: ['sglang:cached_tokens_total'],
    },
    optional: 'vLLM V0 has only a hit-rate gauge; needs prefix caching enabled',
  },
  {
    name: S.prefixCacheHitRatio,
    level: 'llm',
    unit: 'ratio',
    labels: LLM_LABELS,
    help: 'Prefix-cache hit ratio 0-1 (hit tokens / queried tokens; V0 and old SGLang: their gauge).',
    sources: {
      'vllm-v0': ['vllm:gpu_prefix_cache_hit_rate'],
      'vllm-v1-old': ['vllm:prefix_cache_hits_total', 'vllm:gpu_prefix_cache_hits_total'],
      'vllm-v1-new': ['vllm:prefix_cache_hits_total'],
      sglang: ['sglang:cached_tokens_total', 'sglang:cache_hit_rate'],
    },
    optional: 'needs prefix caching enabled and prompt traffic (absent while idle)',
  },
  {
    name: S.iterationTokensMean,
    level: 'llm',
    unit: 'tokens',
    labels: LLM_LABELS,
    help: 'Mean tokens computed per engine step (batch size in tokens; SGLang: prefill-computed and decode tokens per forward pass).',
    sources: {
      ...same(['vllm:iteration_tokens_total'], ALL_VLLM),
      sglang: ['sglang:realtime_tokens_total', 'sglang:cuda_graph_passes_total'],
    },
    optional: 'early vLLM V0 (0.4/0.5) has no iteration_tokens_total; SGLang before realtime_tokens_total/cuda_graph_passes_total (2025) has no step counts',
  },
  {
    name: S.prefillSecondsMean,
    level: 'llm',
    unit: 'seconds',
    labels: LLM_LABELS,
    help: 'Mean prefill time of the requests of the last 5m (SGLang: mean TTFT minus mean queue time).',
    sources: {
      ...same(['vllm:request_prefill_time_seconds'], ALL_VLLM),
      sglang: ['sglang:time_to_first_token_seconds', 'sglang:queue_time_seconds'],
    },
    optional: 'early vLLM V0 has no prefill histogram; SGLang before queue_time_seconds (2025) has no queue time to subtract; absent while idle',
  },
  {
    name: S.decodeSecondsMean,
    level: 'llm',
    unit: 'seconds',
    labels: LLM_LABELS,
    help: 'Mean decode time (first to last token) of the requests of the last 5m; from E2E - TTFT where the engine has no decode histogram.',
    sources: {
      ...same(['vllm:request_decode_time_seconds', 'vllm:e2e_request_latency_seconds', 'vllm:time_to_first_token_seconds'], ALL_VLLM),
      sglang: ['sglang:e2e_request_latency_seconds', 'sglang:time_to_first_token_seconds'],
    },
    optional: 'absent while no request finishes',
  },
  {
    name: S.tpotMean,
    level: 'llm',
    unit: 'seconds',
    labels: LLM_LABELS,
    help: 'Mean time per output token after the first: (E2E - TTFT) summed over requests / (output tokens - requests). Same definition for every engine.',
    sources: {
      ...same(['vllm:e2e_request_latency_seconds', 'vllm:time_to_first_token_seconds', 'vllm:generation_tokens_total'], ALL_VLLM),
      sglang: ['sglang:e2e_request_latency_seconds', 'sglang:time_to_first_token_seconds', 'sglang:generation_tokens_total'],
    },
    optional: 'absent while no request finishes',
  },
  {
    name: S.engineRestarts,
    level: 'llm',
    unit: 'events',
    labels: LLM_LABELS,
    help: 'Engine restarts in the last 5m: the vLLM process start time changed, or (no process metrics: vLLM with DP > 1, SGLang) the prompt-token counter went back to 0. A restart before any prompt is invisible to the counter.',
    sources: { ...same(['process_start_time_seconds', 'vllm:prompt_tokens_total'], ALL_VLLM), sglang: ['sglang:prompt_tokens_total'] },
  },
  {
    name: S.processMemory,
    level: 'llm',
    unit: 'bytes',
    labels: LLM_PROCESS_LABELS,
    help: 'Resident memory of the vLLM API server process (SGLang serves its metrics in multiprocess mode, without process_* series).',
    sources: same(['process_resident_memory_bytes'], ALL_VLLM),
    optional: 'vLLM only; absent where vLLM serves multiprocess metrics: DP > 1 (several API servers by default since vllm PR #32525) or --api-server-count > 1',
  },
  ...newestEngineSeries(),
  ...histogramSeries(),

  {
    name: S.gpuUtilization,
    level: 'gpu',
    unit: 'ratio',
    labels: GPU_LABELS,
    help: 'Fraction of time a kernel was running (not SM activity: decode reads ~100% while SMs idle).',
    sources: {
      dcgm: ['DCGM_FI_DEV_GPU_UTIL', 'DCGM_FI_PROF_GR_ENGINE_ACTIVE'],
      'dcgm-4.9': ['DCGM_FI_DEV_GPU_UTIL_RATIO', 'DCGM_FI_PROF_GR_ENGINE_UTIL_RATIO'],
      'nvidia-smi': ['nvidia_smi_utilization_gpu_ratio'],
      amd: ['gpu_gfx_activity'],
    },
  },
  {
    name: S.gpuSmActive,
    level: 'gpu',
    unit: 'ratio',
    labels: GPU_LABELS,
    help: 'Fraction of cycles an SM had a warp assigned, averaged over SMs (AMD: share of GPU time vector ALU instructions were processed).',
    sources: { dcgm: ['DCGM_FI_PROF_SM_ACTIVE'], 'dcgm-4.9': ['DCGM_FI_PROF_SM_UTIL_RATIO'], amd: ['gpu_prof_sm_active'] },
    optional: 'DCGM profiling fields (datacenter GPU, SYS_ADMIN) or the AMD profiler (off by default, always 0 on Radeon); the nvidia-smi exporter has none',
  },
  {
    name: S.gpuDramActive,
    level: 'gpu',
    unit: 'ratio',
    labels: GPU_LABELS,
    help: 'Fraction of cycles the memory interface was busy (practical peak about 0.8).',
    sources: { dcgm: ['DCGM_FI_PROF_DRAM_ACTIVE'], 'dcgm-4.9': ['DCGM_FI_PROF_DRAM_UTIL_RATIO'], amd: ['gpu_umc_activity'] },
    optional: 'DCGM profiling fields (datacenter GPU) or AMD UMC activity; the nvidia-smi exporter has none',
  },
  {
    name: S.gpuTensorActive,
    level: 'gpu',
    unit: 'ratio',
    labels: GPU_LABELS,
    help: 'Fraction of cycles the tensor pipe was active.',
    sources: { dcgm: ['DCGM_FI_PROF_PIPE_TENSOR_ACTIVE'], 'dcgm-4.9': ['DCGM_FI_PROF_TENSOR_UTIL_RATIO'] },
    optional: 'DCGM profiling fields only',
  },
  {
    name: S.gpuMemoryUsed,
    level: 'gpu',
    unit: 'bytes',
    labels: GPU_LABELS,
    help: 'GPU memory used (MIG instances summed per GPU).',
    sources: { dcgm: ['DCGM_FI_DEV_FB_USED'], 'dcgm-4.9': ['DCGM_FI_DEV_FB_USED_BYTES'], 'nvidia-smi': ['nvidia_smi_memory_used_bytes'], amd: ['gpu_used_vram'] },
  },
  {
    name: S.gpuMemoryTotal,
    level: 'gpu',
    unit: 'bytes',
    labels: GPU_LABELS,
    help: 'GPU memory capacity.',
    sources: {
      dcgm: ['DCGM_FI_DEV_FB_TOTAL', 'DCGM_FI_DEV_FB_USED', 'DCGM_FI_DEV_FB_FREE', 'DCGM_FI_DEV_FB_RESERVED'],
      'dcgm-4.9': ['DCGM_FI_DEV_FB_CAPACITY_BYTES'],
      'nvidia-smi': ['nvidia_smi_memory_total_bytes'],
      amd: ['gpu_total_vram'],
    },
  },
  {
    name: S.gpuMemoryUsedRatio,
    level: 'gpu',
    unit: 'ratio',
    labels: GPU_LABELS,
    help: 'GPU memory used / capacity.',
    sources: { dcgm: ['DCGM_FI_DEV_FB_USED'], 'dcgm-4.9': ['DCGM_FI_DEV_FB_USED_BYTES'], 'nvidia-smi': ['nvidia_smi_memory_used_bytes'], amd: ['gpu_used_vram'] },
  },
  {
    name: S.gpuTemperature,
    level: 'gpu',
    unit: 'celsius',
    labels: GPU_LABELS,
    help: 'GPU (AMD MI3xx: junction, MI2xx: edge) temperature.',
    sources: {
      dcgm: ['DCGM_FI_DEV_GPU_TEMP'],
      'dcgm-4.9': ['DCGM_FI_DEV_GPU_TEMP_CELSIUS'],
      'nvidia-smi': ['nvidia_smi_temperature_gpu'],
      amd: ['gpu_junction_temperature', 'gpu_edge_temperature'],
    },
  },
  {
    name: S.gpuPower,
    level: 'gpu',
    unit: 'watts',
    labels: GPU_LABELS,
    help: 'Board power draw.',
    sources: {
      dcgm: ['DCGM_FI_DEV_POWER_USAGE'],
      'dcgm-4.9': ['DCGM_FI_DEV_BOARD_POWER_WATTS'],
      'nvidia-smi': ['nvidia_smi_power_draw_watts'],
      amd: ['gpu_package_power', 'gpu_average_package_power'],
    },
  },
  {
    name: S.gpuPowerLimit,
    level: 'gpu',
    unit: 'watts',
    labels: GPU_LABELS,
    help: 'Power limit the driver enforces (where the exporter has only the configured limit: that one); draw near it means power capping.',
    sources: {
      dcgm: ['DCGM_FI_DEV_ENFORCED_POWER_LIMIT', 'DCGM_FI_DEV_POWER_MGMT_LIMIT'],
      'dcgm-4.9': ['DCGM_FI_DEV_BOARD_POWER_LIMIT_ENFORCED_WATTS', 'DCGM_FI_DEV_BOARD_POWER_LIMIT_REQUESTED_WATTS'],
      'nvidia-smi': ['nvidia_smi_enforced_power_limit_watts', 'nvidia_smi_power_limit_watts'],
    },
    optional: 'DCGM: a counters CSV with DCGM_FI_DEV_ENFORCED_POWER_LIMIT or DCGM_FI_DEV_POWER_MGMT_LIMIT (this stack\'s has the first); the AMD device-metrics-exporter reports no power limit',
  },
  {
    name: S.gpuNvlinkBandwidth,
    level: 'gpu',
    unit: 'bytes_per_second',
    labels: [...GPU_LABELS, 'direction'],
    help: 'GPU-to-GPU link traffic (NVLink; AMD: XGMI), the tensor-parallel path, in bytes per second, summed over links: direction tx and rx where the exporter splits them, total where it reports one figure for both (DCGM\'s DEV_NVLINK field; do not add it to tx and rx).',
    sources: {
      dcgm: ['DCGM_FI_PROF_NVLINK_TX_BYTES', 'DCGM_FI_PROF_NVLINK_RX_BYTES', 'DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL'],
      'dcgm-4.9': ['DCGM_FI_PROF_NVLINK_TX_BYTES', 'DCGM_FI_PROF_NVLINK_RX_BYTES', 'DCGM_FI_DEV_NVLINK_THROUGHPUT_BYTES_PER_SECOND', 'DCGM_FI_DEV_NVLINK_THROUGHPUT_TOTAL'],
      amd: ['gpu_xgmi_link_tx', 'gpu_xgmi_link_rx'],
    },
    optional: 'GPUs with NVLink or XGMI only; DCGM tx/rx: profiling fields (datacenter GPU, SYS_ADMIN); AMD: MI2xx/MI3xx on bare metal; the nvidia-smi exporter has no NVLink traffic',
  },
  {
    name: S.gpuPcieBandwidth,
    level: 'gpu',
    unit: 'bytes_per_second',
    labels: [...GPU_LABELS, 'direction'],
    help: 'PCIe traffic between the GPU and the host (weights loading, KV-cache offload to CPU memory), in bytes per second: direction tx (GPU to host) and rx (host to GPU), total where the exporter reports one figure for both (AMD).',
    sources: {
      dcgm: ['DCGM_FI_PROF_PCIE_TX_BYTES', 'DCGM_FI_PROF_PCIE_RX_BYTES'],
      'dcgm-4.9': ['DCGM_FI_PROF_PCIE_TX_BYTES', 'DCGM_FI_PROF_PCIE_RX_BYTES'],
      'nvidia-smi': ['nvidia_smi_pcie_throughput_tx_bytes_per_second', 'nvidia_smi_pcie_throughput_rx_bytes_per_second'],
      amd: ['pcie_bandwidth'],
    },
    optional: 'DCGM: profiling fields (datacenter GPU, SYS_ADMIN); nvidia-smi exporter: NVML backend with --collect.pcie-throughput; AMD: MI3xx',
  },
  {
    name: S.gpuSmClock,
    level: 'gpu',
    unit: 'hertz',
    labels: GPU_LABELS,
    help: 'SM (AMD: system) clock.',
    sources: {
      dcgm: ['DCGM_FI_DEV_SM_CLOCK'],
      'dcgm-4.9': ['DCGM_FI_DEV_SM_CLOCK_HERTZ'],
      'nvidia-smi': ['nvidia_smi_clocks_current_sm_clock_hz'],
      amd: ['gpu_clock'],
    },
  },
  {
    name: S.gpuXidLast,
    level: 'gpu',
    unit: 'code',
    labels: GPU_LABELS,
    help: 'Last XID error code the GPU reported (0: none since boot); DCGM keeps it until reboot.',
    sources: { dcgm: ['DCGM_FI_DEV_XID_ERRORS'], 'dcgm-4.9': ['DCGM_FI_DEV_XID_ERROR'] },
    optional: 'DCGM exporter only',
  },
  {
    name: S.gpuXidLastCodeChanges,
    level: 'gpu',
    unit: 'events',
    labels: [...GPU_LABELS, 'xid'],
    help: "DCGM's last-XID field turning to a new non-zero code within 5 minutes, on a GPU the exporter reported then: one XID each (repeats of a code are invisible). gpu:xid_errors:count5m uses it where the exporter's own count is missing.",
    sources: { dcgm: ['DCGM_FI_DEV_XID_ERRORS', 'DCGM_FI_DEV_XID_ERROR'] },
    optional: 'DCGM only; none until a GPU reports an XID',
  },
  {
    name: S.gpuXidErrors,
    level: 'gpu',
    unit: 'events',
    labels: [...GPU_LABELS, 'xid'],
    help: 'XID errors per code in the last 5 minutes; a repeat of the same code counts again. DCGM: the exporter\'s own 5-minute count (DCGM_EXP_XID_ERRORS_COUNT, in the counters CSV this stack mounts); without it, a change of the last-code gauge to a new code (a repeat of the same code is invisible there). nvidia-smi exporter: its per-code counter, a new series counting in full.',
    sources: {
      dcgm: ['DCGM_EXP_XID_ERRORS_COUNT', 'DCGM_FI_DEV_XID_ERRORS'],
      'dcgm-4.9': ['DCGM_EXP_XID_ERRORS_COUNT', 'DCGM_FI_DEV_XID_ERROR'],
      'nvidia-smi': ['nvidia_smi_xid_errors_total', 'nvidia_smi_xid_last_timestamp_seconds'],
    },
    optional: 'nvidia-smi exporter: NVML backend only; the AMD exporter reports RAS events (gpu:ras_errors:count5m), not XIDs',
  },
  {
    name: S.gpuDevices,
    level: 'gpu',
    unit: 'count',
    labels: GPU_TARGET_LABELS,
    help: 'GPUs an exporter target reports (0 while it is up but reports none): a drop means a GPU left the bus or the driver lost it.',
    sources: {
      dcgm: ['DCGM_FI_DEV_GPU_TEMP', 'DCGM_FI_DEV_POWER_USAGE', 'DCGM_FI_DEV_FB_USED'],
      'dcgm-4.9': ['DCGM_FI_DEV_GPU_TEMP_CELSIUS', 'DCGM_FI_DEV_BOARD_POWER_WATTS', 'DCGM_FI_DEV_FB_CAPACITY_BYTES'],
      'nvidia-smi': ['nvidia_smi_temperature_gpu', 'nvidia_smi_power_draw_watts', 'nvidia_smi_memory_total_bytes'],
      amd: ['gpu_junction_temperature', 'gpu_edge_temperature', 'gpu_package_power', 'gpu_total_vram'],
    },
  },
  {
    name: S.gpuRowRemapFailed,
    level: 'gpu',
    unit: 'boolean',
    labels: GPU_LABELS,
    help: '1 when the GPU could not remap a memory row with errors (NVIDIA: an RMA criterion).',
    sources: { dcgm: ['DCGM_FI_DEV_ROW_REMAP_FAILURE'], 'dcgm-4.9': ['DCGM_FI_DEV_ROW_REMAP_FAILED'], 'nvidia-smi': ['nvidia_smi_remapped_rows_failure'] },
    optional: 'GPUs with row remapping (Ampere and newer) only; the AMD exporter has no counterpart',
  },
  {
    name: S.gpuRowRemapPending,
    level: 'gpu',
    unit: 'boolean',
    labels: GPU_LABELS,
    help: '1 while a recorded row remap waits for a GPU reset to take effect.',
    sources: { dcgm: ['DCGM_FI_DEV_ROW_REMAP_PENDING'], 'dcgm-4.9': ['DCGM_FI_DEV_ROW_REMAP_PENDING'], 'nvidia-smi': ['nvidia_smi_remapped_rows_pending'] },
    optional: 'GPUs with row remapping (Ampere and newer) only; the AMD exporter has no counterpart',
  },
  {
    name: S.gpuUncorrectableMemoryErrors,
    level: 'gpu',
    unit: 'events',
    labels: GPU_LABELS,
    help: 'New uncorrectable memory errors in the last hour (DCGM: double-bit ECC errors, else rows remapped for uncorrectable errors; nvidia-smi: volatile uncorrected ECC errors, else such remapped rows; AMD: uncorrectable ECC errors).',
    sources: {
      dcgm: ['DCGM_FI_DEV_ECC_DBE_VOL_TOTAL', 'DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS'],
      'dcgm-4.9': ['DCGM_FI_DEV_ECC_DBE_VOL_TOTAL', 'DCGM_FI_DEV_ROW_REMAP_UNCORRECTABLE_TOTAL'],
      'nvidia-smi': ['nvidia_smi_ecc_errors_uncorrected_volatile_total', 'nvidia_smi_remapped_rows_uncorrectable'],
      amd: ['gpu_ecc_uncorrect_total'],
    },
    optional: 'GPUs with ECC memory only (datacenter GPUs; not GeForce)',
  },
  {
    name: S.gpuThrottled,
    level: 'gpu',
    unit: 'ratio',
    labels: [...GPU_LABELS, 'reason'],
    help: 'Fraction of the last 5 minutes the clocks were held down, by reason: power (the power limit) or thermal (temperature).',
    sources: {
      dcgm: ['DCGM_FI_DEV_POWER_VIOLATION', 'DCGM_FI_DEV_THERMAL_VIOLATION'],
      'nvidia-smi': NVSMI_THROTTLE_SOURCES,
      amd: AMD_THROTTLE_SOURCES,
    },
    optional: 'DCGM: the violation fields of the counters CSV this stack mounts; nvidia-smi exporter: drivers that report clocks_event_reasons (older ones clocks_throttle_reasons); AMD: MI3xx on bare metal',
  },
  {
    name: S.gpuThrottleCause,
    level: 'gpu',
    unit: 'ratio',
    labels: [...GPU_LABELS, 'cause'],
    help: "Fraction of the last 5 minutes each of the exporter's own throttle causes held the clocks down (nvidia-smi: sw_power_cap, hw_power_brake_slowdown, hw_thermal_slowdown, sw_thermal_slowdown; AMD: ppt, socket_thermal, hbm_thermal, vr_thermal); gpu:throttled:ratio_rate5m is the largest per reason.",
    sources: {
      'nvidia-smi': NVSMI_THROTTLE_SOURCES,
      amd: AMD_THROTTLE_SOURCES,
    },
    optional: 'nvidia-smi exporter and AMD only (DCGM reports power and thermal violations directly); nvidia-smi: drivers that report clocks_event_reasons (older ones clocks_throttle_reasons); AMD: MI3xx on bare metal',
  },
  {
    name: S.gpuIndexInfo,
    level: 'gpu',
    unit: 'count',
    labels: [...GPU_LABELS, 'uuid'],
    help: 'Constant 1 per GPU: the index (gpu) of each GPU UUID, which the nvidia-smi exporter reports only in nvidia_smi_gpu_info; the other nvidia-smi series join it.',
    sources: { 'nvidia-smi': ['nvidia_smi_gpu_info'] },
    optional: 'nvidia-smi exporter only',
  },
  {
    name: S.gpuRasErrors,
    level: 'gpu',
    unit: 'events',
    labels: [...GPU_LABELS, 'ras_severity'],
    help: 'AMD RAS events (AFID entries of the latest CPER record) that appeared in the last 5 minutes, by the record\'s severity (ras_severity: fatal, non_fatal_uncorrected, non_fatal_corrected). The exporter keeps only the latest record, so a repeat of the same AFIDs is invisible.',
    sources: { amd: ['gpu_afid_errors', 'gpu_health'] },
    optional: 'AMD device-metrics-exporter on bare metal only',
  },

  {
    name: S.hostCpu,
    level: 'host',
    unit: 'ratio',
    labels: HOST_LABELS,
    help: 'CPU busy fraction, all cores.',
    sources: { node: ['node_cpu_seconds_total'] },
  },
  { name: S.hostMemoryUsed, level: 'host', unit: 'bytes', labels: HOST_LABELS, help: 'Memory in use (total - available).', sources: { node: ['node_memory_MemTotal_bytes', 'node_memory_MemAvailable_bytes'] } },
  { name: S.hostMemoryTotal, level: 'host', unit: 'bytes', labels: HOST_LABELS, help: 'Physical memory.', sources: { node: ['node_memory_MemTotal_bytes'] } },
  { name: S.hostMemoryUsedRatio, level: 'host', unit: 'ratio', labels: HOST_LABELS, help: 'Memory in use / total.', sources: { node: ['node_memory_MemTotal_bytes', 'node_memory_MemAvailable_bytes'] } },
  {
    name: S.hostNetworkReceive,
    level: 'host',
    unit: 'bytes_per_second',
    labels: HOST_LABELS,
    help: 'Bytes received per second on physical interfaces (lo, veth, docker and bridges excluded).',
    sources: { node: ['node_network_receive_bytes_total'] },
  },
  {
    name: S.hostNetworkTransmit,
    level: 'host',
    unit: 'bytes_per_second',
    labels: HOST_LABELS,
    help: 'Bytes sent per second on physical interfaces.',
    sources: { node: ['node_network_transmit_bytes_total'] },
  },
  {
    name: S.hostFilesystemAvailRatio,
    level: 'host',
    unit: 'ratio',
    labels: FILESYSTEM_LABELS,
    help: 'Free space a non-root user can use / size, per writable filesystem (tmpfs, overlay and other virtual filesystems left out). The Prometheus data volume is on one of them.',
    sources: { node: ['node_filesystem_avail_bytes', 'node_filesystem_size_bytes', 'node_filesystem_readonly'] },
  },
  {
    name: S.hostPathFilesystemAvailRatio,
    level: 'host',
    unit: 'ratio',
    labels: WATCHED_PATH_LABELS,
    help: 'host:filesystem_avail:ratio of the filesystem holding each watched path (its longest mountpoint prefix), with the path and what it holds.',
    sources: { node: ['node_filesystem_avail_bytes', 'node_filesystem_size_bytes', 'node_filesystem_readonly'] },
  },
  {
    name: S.hostFilesystemAvailNamedRatio,
    level: 'host',
    unit: 'ratio',
    labels: FILESYSTEM_LABELS,
    help: 'host:filesystem_avail:ratio, one series per filesystem; one holding watched paths has the path and holds labels of the first (the order of --watch-path, Docker data last). The disk alerts read it.',
    sources: { node: ['node_filesystem_avail_bytes', 'node_filesystem_size_bytes', 'node_filesystem_readonly'] },
  },
  {
    name: S.hostFilesystemAvailIn4h,
    level: 'host',
    unit: 'bytes',
    labels: FILESYSTEM_LABELS,
    help: 'Free bytes 4 hours from now at the rate of the last 6 hours (below 0: full by then).',
    sources: { node: ['node_filesystem_avail_bytes', 'node_filesystem_readonly'] },
  },
  {
    name: S.hostFilesystemAvailIn24h,
    level: 'host',
    unit: 'bytes',
    labels: FILESYSTEM_LABELS,
    help: 'Free bytes 24 hours from now at the rate of the last 6 hours (below 0: full by then).',
    sources: { node: ['node_filesystem_avail_bytes', 'node_filesystem_readonly'] },
  },
  {
    name: S.hostFilesystemAvail,
    level: 'host',
    unit: 'bytes',
    labels: FILESYSTEM_LABELS,
    help: 'Free bytes a non-root user can use, per writable filesystem (the filesystems of host:filesystem_avail:ratio): the headroom the predictions start from.',
    sources: { node: ['node_filesystem_avail_bytes', 'node_filesystem_readonly'] },
  },
  {
    name: S.hostFilesystemUsedRatio,
    level: 'host',
    unit: 'ratio',
    labels: FILESYSTEM_LABELS,
    help: '1 - host:filesystem_avail:ratio: the share of each writable filesystem a non-root user can no longer write (root-reserved blocks count as used).',
    sources: { node: ['node_filesystem_avail_bytes', 'node_filesystem_size_bytes', 'node_filesystem_readonly'] },
  },
  {
    name: S.hostDiskRead,
    level: 'host',
    unit: 'bytes_per_second',
    labels: DISK_LABELS,
    help: 'Bytes read per second per block device: whole disks and device-mapper/md volumes (sd, vd, xvd, hd, nvme, mmcblk, dasd, rbd, dm-, md); loop, ram, zram, optical and network block devices left out.',
    sources: { node: ['node_disk_read_bytes_total'] },
    optional: DISK_OPTIONAL,
  },
  {
    name: S.hostDiskWritten,
    level: 'host',
    unit: 'bytes_per_second',
    labels: DISK_LABELS,
    help: 'Bytes written per second per block device (the devices of host:disk_read_bytes:rate5m).',
    sources: { node: ['node_disk_written_bytes_total'] },
    optional: DISK_OPTIONAL,
  },
  {
    name: S.hostDiskBusy,
    level: 'host',
    unit: 'ratio',
    labels: DISK_LABELS,
    help: 'Share of the last 5 minutes each block device had I/O in flight (iostat %util, 0-1; capped at 1). Near 1 on a single spinning disk is saturation; NVMe and RAID serve requests in parallel and can take more at 1.',
    sources: { node: ['node_disk_io_time_seconds_total'] },
    optional: DISK_OPTIONAL,
  },
  { name: S.hostOomKills, level: 'host', unit: 'events', labels: HOST_LABELS, help: 'Processes the kernel OOM killer killed in the last 5m.', sources: { node: ['node_vmstat_oom_kill'] } },
  {
    name: S.hostClockOffset,
    level: 'host',
    unit: 'seconds',
    labels: HOST_LABELS,
    help: 'Offset of the system clock from its time source as the kernel (adjtimex) reports it.',
    sources: { node: ['node_timex_offset_seconds'] },
  },
  ...routerSeries(),
];

/** The gateway's series: one definition each, all from the SGLang Model Gateway (smg_*). */
function routerSeries(): SeriesDef[] {
  const grpcOnly = 'the gateway measures TTFT and TPOT in gRPC mode only (HTTP mode passes the stream through)';
  const def = (name: string, unit: Unit, labels: readonly string[], help: string, raw: string[], optional?: string): SeriesDef => ({
    name,
    level: 'router',
    unit,
    labels,
    help,
    sources: { smg: raw },
    ...(optional ? { optional } : {}),
  });
  return [
    def(S.routerRequests, 'requests_per_second', ROUTER_MODEL_LABELS, 'Requests per second the gateway routed, per model.', ['smg_router_requests_total']),
    def(S.routerRequestErrors, 'requests_per_second', [...ROUTER_MODEL_LABELS, 'error_type'], 'Requests per second the gateway failed, per model and error_type (no_workers, timeout, backend_error, validation_error, internal_error).', ['smg_router_request_errors_total'], 'none until the gateway fails a request'),
    def(S.routerResponses, 'requests_per_second', [...ROUTER_LABELS, 'code_class'], 'HTTP responses per second the gateway sent its clients, by status class (2xx, 4xx, 5xx).', ['smg_http_responses_total']),
    def(S.routerServerErrorRatio, 'ratio', ROUTER_LABELS, 'Share of the gateway\'s HTTP responses that were 5xx over 5m (NaN-free: absent while idle).', ['smg_http_responses_total']),
    def(S.routerTtftP50, 'seconds', ROUTER_MODEL_LABELS, 'Median time to first token as the gateway\'s clients see it, per model.', ['smg_router_ttft_seconds'], grpcOnly),
    def(S.routerTtftP99, 'seconds', ROUTER_MODEL_LABELS, 'P99 time to first token as the gateway\'s clients see it, per model.', ['smg_router_ttft_seconds'], grpcOnly),
    def(S.routerTpotP50, 'seconds', ROUTER_MODEL_LABELS, 'Median time per output token as the gateway\'s clients see it, per model.', ['smg_router_tpot_seconds'], grpcOnly),
    def(S.routerTpotP99, 'seconds', ROUTER_MODEL_LABELS, 'P99 time per output token as the gateway\'s clients see it, per model.', ['smg_router_tpot_seconds'], grpcOnly),
    def(S.routerWorkerHealthy, 'boolean', ROUTER_WORKER_LABELS, 'The gateway\'s health verdict on each worker it routes to: 1 healthy, 0 unhealthy (removed workers left out).', ['smg_worker_health']),
    def(S.routerWorkers, 'count', ROUTER_LABELS, 'Workers the gateway knows (removed ones left out).', ['smg_worker_health']),
    def(S.routerWorkersHealthy, 'count', ROUTER_LABELS, 'Workers the gateway holds healthy.', ['smg_worker_health']),
    def(S.routerWorkerCircuit, 'code', ROUTER_WORKER_LABELS, 'Circuit-breaker state per worker: 0 closed (traffic flows), 1 open (the gateway sends it nothing), 2 half open (probing).', ['smg_worker_cb_state']),
    def(S.routerRetries, 'requests_per_second', ROUTER_LABELS, 'Retries per second the gateway made on another worker.', ['smg_worker_retries_total'], 'none until the gateway retries'),
    def(S.routerRetriesExhausted, 'requests_per_second', ROUTER_LABELS, 'Requests per second that failed after every retry.', ['smg_worker_retries_exhausted_total'], 'none until a request exhausts its retries'),
    def(S.routerKvTransferFailures, 'events_per_second', ROUTER_LABELS, 'P/D KV handoffs per second that failed (the decode worker recomputes the prompt).', ['smg_pd_kv_transfer_failures_total'], 'P/D disaggregation on a gateway new enough to count it; none until a handoff fails'),
  ];
}

const BY_NAME = new Map(SERIES.map((s) => [s.name, s]));

export function seriesDef(name: string): SeriesDef | undefined {
  return BY_NAME.get(name);
}

/** Every series name that a PromQL expression mentions (names with a level prefix we own). */
export function seriesIn(expr: string): string[] {
  const found = expr.match(/\b(?:llm|model|gpu|host|router):[a-z0-9_]+:[a-z0-9_]+\b/g) ?? [];
  return [...new Set(found)];
}
