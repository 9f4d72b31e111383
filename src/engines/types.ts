/**
 * Types of the engine and exporter catalog: what each engine version or GPU exporter really puts
 * on /metrics (names, types, label keys, units, buckets), with the source of every fact.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'gaugehistogram';

/** Units as exposed on the wire (before any conversion our rules do). */
export type Unit =
  | 'seconds'
  | 'milliseconds'
  | 'nanoseconds'
  | 'tokens'
  | 'requests'
  | 'blocks'
  | 'items'
  | 'ratio' // 0-1
  | 'percent' // 0-100
  | 'bytes'
  | 'mebibytes'
  | 'megabytes'
  | 'gigabytes'
  | 'kilobytes'
  | 'bytes_per_second'
  | 'megabytes_per_second'
  | 'megabits_per_second'
  | 'hertz'
  | 'megahertz'
  | 'watts'
  | 'celsius'
  | 'millijoules'
  | 'microjoules'
  | 'joules'
  | 'tokens_per_second'
  | 'gigabytes_per_second'
  | 'unix_timestamp'
  | 'count'
  | 'code' // a value that is an identifier (XID code, state), not a quantity
  | 'info'; // constant 1 (or a timestamp) carrying labels

/** Optional metric groups an operator must switch on; detection reports which are present. */
export type OptionalGroup =
  | 'spec_decode'
  | 'lora'
  | 'prefix_cache'
  | 'kv_connector'
  | 'kv_offload' // vLLM OffloadingConnector (KV blocks to CPU memory and beyond)
  | 'hybrid_model' // sliding-window or Mamba layers: SGLang's SWA and Mamba pools
  | 'multimodal'
  | 'kv_cache_metrics'
  | 'mfu'
  | 'fault_tolerance'
  | 'pd_disaggregation'
  | 'grammar'
  | 'tokens_histogram' // SGLang's per-request token-length histograms (--collect-tokens-histogram up to @44cedc2b)
  | 'profiling' // DCGM DCP / AMD profiler fields
  | 'nvml_backend'
  | 'mig';

export type FamilyId =
  | 'vllm-v0'
  | 'vllm-v1-legacy'
  | 'vllm-v1'
  | 'sglang'
  | 'sglang-legacy'
  | 'sglang-gen1'
  | 'dcgm'
  | 'dcgm-4.9'
  | 'nvidia-smi'
  | 'amd';

export type Producer = 'vllm' | 'sglang' | 'dcgm' | 'nvidia-smi' | 'amd' | 'smg';

/** A version interval: `from` inclusive, `until` exclusive; either may be open. */
export interface VersionRange {
  from?: string;
  until?: string;
}

export interface MetricDef {
  /**
   * The family name as a text-format (0.0.4) scrape declares it in `# TYPE`: counters of
   * prometheus_client carry `_total` here; histograms do not carry `_bucket`.
   */
  name: string;
  type: MetricType;
  /** Every label key the series carry (histogram `le` excluded), in no particular order. */
  labels: string[];
  /** Label keys present only in some deployments (priority scheduling, DP attention, custom labels). */
  optionalLabels?: string[];
  unit: Unit;
  help?: string;
  /** Bucket upper bounds (without +Inf), where the engine's defaults are known. */
  buckets?: readonly number[];
  /** Within the family's range, when this metric appeared / stopped being exposed. */
  versions?: VersionRange;
  /** Set for metrics that only exist when the operator enables something. */
  optional?: OptionalGroup;
  /** Hidden by default from this version on, re-enabled with a flag (vLLM deprecation policy). */
  hiddenFrom?: string;
  deprecated?: string;
  /** Label values known to exist (pre-created series, enumerations). */
  labelValues?: Record<string, readonly string[]>;
  source: string;
  note?: string;
}

export interface EngineFamily {
  id: FamilyId;
  producer: Producer;
  /** 'engine' for inference servers, 'gpu' for GPU exporters. */
  kind: 'engine' | 'gpu';
  title: string;
  versions: VersionRange;
  /** Versions said in words, as the sources put them. */
  versionText: string;
  /** Labels (almost) every metric of this family carries. */
  commonLabels: string[];
  /** Series-level traits of the exposition. */
  exposition: {
    /** prometheus_client `_created` gauges next to counters and histograms. */
    createdSeries: boolean;
    /** How sample values are printed: Python prometheus_client, Go client_golang, or DCGM's own template. */
    numberFormat: 'python' | 'go' | 'dcgm';
    /** Label pairs sorted by key (prometheus_client, client_golang) or in the exporter's own order. */
    sortedLabels: boolean;
  };
  metrics: MetricDef[];
  source: string;
  notes?: string[];
}
