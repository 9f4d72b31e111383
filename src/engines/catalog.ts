/**
 * The catalog's query API: every family, lookups by family and by wire name, renames between
 * versions, and why a metric may be missing from a scrape.
 */
import { AMD_DME, DCGM, DCGM_49, NVIDIA_SMI } from './gpu.js';
import { SGLANG, SGLANG_GEN1, SGLANG_LEGACY } from './sglang.js';
import { FAMILY_SIGNALS, type SignalId, type SignalSource } from './signals.js';
import type { EngineFamily, FamilyId, MetricDef, OptionalGroup } from './types.js';
import { VLLM_V0, VLLM_V1, VLLM_V1_LEGACY } from './vllm.js';

export const ENGINE_FAMILIES: readonly EngineFamily[] = [VLLM_V0, VLLM_V1_LEGACY, VLLM_V1, SGLANG, SGLANG_LEGACY, SGLANG_GEN1, DCGM, DCGM_49, NVIDIA_SMI, AMD_DME];

export function familyById(id: FamilyId): EngineFamily {
  const f = ENGINE_FAMILIES.find((x) => x.id === id);
  if (!f) throw new Error(`unknown engine family ${id}`);
  return f;
}

export function metricsOf(id: FamilyId): readonly MetricDef[] {
  return familyById(id).metrics;
}

export function signalSource(id: FamilyId, signal: SignalId): SignalSource | undefined {
  return FAMILY_SIGNALS[id][signal];
}

/**
 * The sample names a family's metric puts on the wire: histograms add _bucket/_sum/_count, and
 * where the family emits them (vLLM V1), counters and histograms add a `_created` gauge.
 */
export function wireNames(m: MetricDef, createdSeries: boolean): string[] {
  const base = m.type === 'counter' ? m.name.replace(/_total$/, '') : m.name;
  const names =
    m.type === 'histogram' ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : m.type === 'summary' ? [m.name, `${m.name}_sum`, `${m.name}_count`] : [m.name];
  if (createdSeries && (m.type === 'counter' || m.type === 'histogram')) names.push(`${base}_created`);
  return names;
}

export interface MetricMatch {
  family: EngineFamily;
  metric: MetricDef;
}

/** The family metric(s) a family name or a sample name (x_bucket, x_created, …) belongs to. */
export function findMetric(name: string): MetricMatch[] {
  const out: MetricMatch[] = [];
  for (const family of ENGINE_FAMILIES) {
    for (const metric of family.metrics) {
      if (wireNames(metric, family.exposition.createdSeries).includes(name) || metric.name === name) out.push({ family, metric });
    }
  }
  return out;
}

/** A rename or removal between versions, with the evidence. */
export interface Rename {
  producer: 'vllm' | 'sglang' | 'dcgm';
  from: string;
  to?: string;
  when: string;
  source: string;
  note?: string;
}

export const RENAMES: readonly Rename[] = [
  { producer: 'vllm', from: 'vllm:gpu_cache_usage_perc', to: 'vllm:kv_cache_usage_perc', when: 'new name 0.9.2, old hidden 0.11, removed 0.12', source: 'vllm PRs #18354, #24245, #29330' },
  { producer: 'vllm', from: 'vllm:gpu_prefix_cache_queries_total', to: 'vllm:prefix_cache_queries_total', when: 'new name 0.9.2, old hidden 0.11, removed 0.12', source: 'vllm PRs #18354, #24245, #29330' },
  { producer: 'vllm', from: 'vllm:gpu_prefix_cache_hits_total', to: 'vllm:prefix_cache_hits_total', when: 'new name 0.9.2, old hidden 0.11, removed 0.12', source: 'vllm PRs #18354, #24245, #29330' },
  { producer: 'vllm', from: 'vllm:time_per_output_token_seconds', to: 'vllm:inter_token_latency_seconds', when: 'deprecated 0.11, hidden 0.12, removed 0.15 at the earliest (PR #32661, merged 2026-01-20 after v0.14.0rc0; #30992 for 0.13 closed unmerged)', source: 'vllm PRs #24110, #29330, #32661', note: 'per-request TPOT is vllm:request_time_per_output_token_seconds' },
  { producer: 'vllm', from: 'vllm:prompt_tokens_recomputed_total', when: 'removed 0.20 at the earliest (PR #38709, merged 2026-04-12, after v0.19.0)', source: 'vllm PR #38709' },
  { producer: 'vllm', from: 'vllm:gpu_prefix_cache_hit_rate', to: 'vllm:prefix_cache_hits_total / vllm:prefix_cache_queries_total', when: 'deprecated 0.8, removed 0.10', source: 'vllm PRs #14136, #15458, #18837' },
  { producer: 'vllm', from: 'vllm:num_requests_swapped', when: 'deprecated 0.8, removed', source: 'vllm PRs #14136, #15458, #18837', note: 'V1 does not swap' },
  { producer: 'vllm', from: 'vllm:cpu_cache_usage_perc', when: 'deprecated 0.8, removed', source: 'vllm PRs #14136, #15458, #18837' },
  { producer: 'vllm', from: 'vllm:time_in_queue_requests', to: 'vllm:request_queue_time_seconds', when: 'deprecated 0.8, removed', source: 'vllm PRs #15458, #18837' },
  { producer: 'vllm', from: 'vllm:avg_prompt_throughput_toks_per_s', to: 'rate(vllm:prompt_tokens_total)', when: 'removed in V1', source: 'vllm PR #12383; docs/design/metrics.md' },
  { producer: 'vllm', from: 'vllm:avg_generation_throughput_toks_per_s', to: 'rate(vllm:generation_tokens_total)', when: 'removed in V1', source: 'vllm PR #12383; docs/design/metrics.md' },
  { producer: 'vllm', from: 'vllm:spec_decode_draft_acceptance_rate', to: 'vllm:spec_decode_num_accepted_tokens_total / vllm:spec_decode_num_draft_tokens_total', when: 'V1', source: 'docs/design/metrics.md' },
  { producer: 'sglang', from: 'sglang:time_per_output_token_seconds', to: 'sglang:inter_token_latency_seconds', when: '2025 (PR #3988 added, PR #4914 removed the old name)', source: 'sgl-project/sglang PRs #3988, #4914' },
  { producer: 'sglang', from: 'sglang:gpu_execution_seconds_total', to: 'sglang:forward_execution_seconds_total', when: '2026', source: 'metrics_collector.py @44cedc2b vs newest revision' },
  { producer: 'sglang', from: 'sglang:num_prefill_prealloc_queue_reqs', to: 'sglang:num_prefill_bootstrap_queue_reqs', when: '2026', source: 'metrics_collector.py @44cedc2b vs newest revision' },
  { producer: 'dcgm', from: 'DCGM_FI_DEV_GPU_UTIL', to: 'DCGM_FI_DEV_GPU_UTIL_RATIO', when: 'dcgm-exporter 4.9.0 (percent → ratio)', source: 'dcgm-exporter 4.9.0 release note; go-dcgm const_fields.go' },
  { producer: 'dcgm', from: 'DCGM_FI_DEV_GPU_TEMP', to: 'DCGM_FI_DEV_GPU_TEMP_CELSIUS', when: 'dcgm-exporter 4.9.0', source: 'go-dcgm const_fields.go' },
  { producer: 'dcgm', from: 'DCGM_FI_DEV_POWER_USAGE', to: 'DCGM_FI_DEV_BOARD_POWER_WATTS', when: 'dcgm-exporter 4.9.0', source: 'go-dcgm const_fields.go' },
  { producer: 'dcgm', from: 'DCGM_FI_DEV_SM_CLOCK', to: 'DCGM_FI_DEV_SM_CLOCK_HERTZ', when: 'dcgm-exporter 4.9.0 (MHz → Hz)', source: 'go-dcgm const_fields.go' },
  { producer: 'dcgm', from: 'DCGM_FI_DEV_XID_ERRORS', to: 'DCGM_FI_DEV_XID_ERROR', when: 'dcgm-exporter 4.9.0', source: 'go-dcgm const_fields.go' },
  { producer: 'dcgm', from: 'DCGM_FI_PROF_SM_ACTIVE', to: 'DCGM_FI_PROF_SM_UTIL_RATIO', when: 'dcgm-exporter 4.9.0', source: 'go-dcgm const_fields.go' },
  { producer: 'dcgm', from: 'DCGM_FI_PROF_DRAM_ACTIVE', to: 'DCGM_FI_PROF_DRAM_UTIL_RATIO', when: 'dcgm-exporter 4.9.0', source: 'go-dcgm const_fields.go' },
  { producer: 'dcgm', from: 'DCGM_FI_PROF_PIPE_TENSOR_ACTIVE', to: 'DCGM_FI_PROF_TENSOR_UTIL_RATIO', when: 'dcgm-exporter 4.9.0', source: 'go-dcgm const_fields.go' },
  { producer: 'dcgm', from: 'DCGM_FI_PROF_GR_ENGINE_ACTIVE', to: 'DCGM_FI_PROF_GR_ENGINE_UTIL_RATIO', when: 'dcgm-exporter 4.9.0', source: 'go-dcgm const_fields.go' },
];

/** What turns an optional group on, for "missing series" explanations. */
export const OPTIONAL_GROUP_HINTS: Record<OptionalGroup, string> = {
  spec_decode: 'speculative decoding is off (vLLM --speculative-config, SGLang --speculative-algorithm)',
  lora: 'LoRA is off (vLLM --enable-lora, SGLang --lora-paths)',
  prefix_cache: 'prefix caching is off',
  kv_connector: 'no KV connector configured (vLLM --kv-transfer-config, e.g. NixlConnector / LMCache)',
  kv_offload: 'KV offloading is off (vLLM --kv-transfer-config with OffloadingConnector)',
  hybrid_model: 'the model has no sliding-window or Mamba layers (SGLang reports SWA and Mamba pools for hybrid models only)',
  multimodal: 'the model takes no multimodal input',
  kv_cache_metrics: 'KV block residency metrics are off (vLLM --kv-cache-metrics)',
  mfu: 'MFU metrics are off (--enable-mfu-metrics)',
  fault_tolerance: 'fault tolerance metrics are off (vLLM --enable-fault-tolerance / VLLM_COMPUTE_NANS_IN_LOGITS)',
  pd_disaggregation: 'prefill/decode disaggregation is not used',
  grammar: 'no structured-output (grammar) requests',
  tokens_histogram: 'SGLang token-length histograms are off (start the server with --collect-tokens-histogram; SGLang after @44cedc2b always has them)',
  profiling: 'GPU profiling fields are unavailable (DCGM: datacenter GPU, SYS_ADMIN and a counters CSV that lists them; AMD: profiler enabled in config.json)',
  nvml_backend: 'the nvidia-smi exporter runs its nvidia-smi backend (use the -nvml image for XID and energy)',
  mig: 'MIG is not enabled',
};

export interface MissingReason {
  metric: string;
  reason: 'version-rename' | 'version-predates' | 'flag-not-enabled' | 'exporter-lacks-field' | 'unknown-metric';
  message: string;
}

/** The release part of a version string: "0.11.0rc2.dev45+g1a2b" → "0.11.0", "0.5.4.post1" → "0.5.4". */
export function releaseOf(version: string): string | undefined {
  return /^v?(\d+(?:\.\d+)*)/.exec(version.trim())?.[1];
}

/** Dotted versions in release order: "0.5.5" < "0.6.4" < "0.10". */
export function versionBefore(a: string, b: string): boolean {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0;
  }
  return false;
}

/**
 * Whether a server of `family` is `version` or newer, as far as its scrape tells: it exposes some
 * metric of the family that came in `version` or later. A server without any is older.
 */
export function servesSince(family: EngineFamily, version: string, names: ReadonlySet<string>): boolean {
  if (family.versions.from && !versionBefore(family.versions.from, version)) return true;
  return family.metrics.some((m) => m.versions?.from && !versionBefore(m.versions.from, version) && wireNames(m, family.exposition.createdSeries).some((n) => names.has(n)));
}

const PRODUCT: Partial<Record<string, string>> = { vllm: 'vLLM', sglang: 'SGLang' };

/** A family's version range for messages, e.g. " (SGLang >= 0.4.5)"; empty for exporters and open ranges. */
function rangeText(f: EngineFamily): string {
  const who = PRODUCT[f.producer];
  const { from, until } = f.versions;
  if (!who || (!from && !until)) return '';
  return ` (${who} ${from && until ? `${from} to < ${until}` : from ? `>= ${from}` : `< ${until}`})`;
}

/** A metric of the server's family that came in a later version than the server: dated by the scrape. */
function predatedBy(matches: MetricMatch[], names: ReadonlySet<string>): MetricMatch | undefined {
  return matches.find((m) => m.metric.versions?.from && !servesSince(m.family, m.metric.versions.from, names));
}

/** A metric of the server's family that every reported release predates, or that every one comes after its removal. */
function datedByReleases(matches: MetricMatch[], releases: readonly string[]): { m: MetricMatch; predates: boolean } | undefined {
  for (const m of matches) {
    const { from, until } = m.metric.versions ?? {};
    if (from && releases.every((r) => versionBefore(r, from))) return { m, predates: true };
    if (until && releases.every((r) => !versionBefore(r, until))) return { m, predates: false };
  }
  return undefined;
}

/** Whether every reported release lies where a metric of the server's family is shown by default. */
function shownToAll(matches: MetricMatch[], releases: readonly string[]): boolean {
  return matches.some(({ metric: m }) => {
    const { from, until } = m.versions ?? {};
    const end = [m.hiddenFrom, until].filter((v): v is string => !!v).sort((a, b) => (versionBefore(a, b) ? -1 : 1))[0];
    return (from !== undefined || end !== undefined) && releases.every((r) => (!from || !versionBefore(r, from)) && (!end || versionBefore(r, end)));
  });
}

/**
 * Why a metric a query needs may be absent, given which families a scrape matched (or, with none
 * given, in general), to date the server the names it exposes, and the releases its servers
 * report of themselves (vLLM /version, SGLang /server_info), which date it better where known.
 * Used by the panel probe to name the cause of "No data".
 */
export function explainMissing(metricName: string, present: readonly FamilyId[] = [], names?: ReadonlySet<string>, releases: readonly string[] = []): MissingReason {
  const rename = RENAMES.find((r) => r.from === metricName);
  const matches = findMetric(metricName);
  const inPresent = matches.filter((m) => present.includes(m.family.id));
  const dated = releases.length ? datedByReleases(inPresent, releases) : undefined;
  // A release inside the metric's dated range should show it: no rename or removal explains its absence.
  const shouldHave = releases.length > 0 && shownToAll(inPresent, releases);
  if (dated) {
    const who = PRODUCT[dated.m.family.producer] ?? dated.m.family.title;
    const { from, until } = dated.m.metric.versions!;
    const reported = `this server reports ${who} ${[...new Set(releases)].join(', ')}`;
    return dated.predates
      ? { metric: metricName, reason: 'version-predates', message: `${metricName} came in ${who} ${from}; ${reported}: ${who} >= ${from} brings it` }
      : { metric: metricName, reason: 'version-rename', message: `${metricName} is gone from ${who} ${until} on (${dated.m.metric.source}); ${reported}` };
  }
  // Before any flag: an old server lacks the metric whatever it is started with.
  const later = names && !shouldHave ? predatedBy(inPresent, names) : undefined;
  if (later) {
    const from = later.metric.versions!.from!;
    const who = PRODUCT[later.family.producer] ?? later.family.title;
    return { metric: metricName, reason: 'version-predates', message: `${metricName} came in ${who} ${from}; this server exposes nothing added since, so it is older: ${who} >= ${from} brings it` };
  }
  const optional = (inPresent[0] ?? matches[0])?.metric.optional;
  if (optional && (inPresent.length > 0 || present.length === 0)) {
    return { metric: metricName, reason: 'flag-not-enabled', message: `${metricName} appears only when enabled: ${OPTIONAL_GROUP_HINTS[optional]}` };
  }
  const presentProducers = new Set(present.map((id) => familyById(id).producer));
  const sameProducer = (producer: string) => present.length === 0 || presentProducers.has(producer as never);
  if (rename && sameProducer(rename.producer) && !shouldHave) {
    return {
      metric: metricName,
      reason: 'version-rename',
      message: `${metricName} was ${rename.to ? `renamed ${rename.to}` : 'removed'} (${rename.when}; ${rename.source})`,
    };
  }
  const renamedTo = RENAMES.find((r) => r.to === metricName);
  if (renamedTo && sameProducer(renamedTo.producer)) {
    return { metric: metricName, reason: 'version-rename', message: `${metricName} is the newer name of ${renamedTo.from} (${renamedTo.when}); this server is older` };
  }
  if (matches.length > 0 && present.length > 0 && inPresent.length === 0) {
    const fams = [...new Set(matches.map((m) => `${m.family.title}${rangeText(m.family)}`))].join(', ');
    const gpu = matches.every((m) => m.family.kind === 'gpu');
    return {
      metric: metricName,
      reason: gpu ? 'exporter-lacks-field' : 'version-rename',
      message: `${metricName} is exposed only by ${fams}`,
    };
  }
  if (matches.length > 0) {
    // The server's own family speaks first; a metric dated by `versions` was judged above.
    const m = (inPresent[0] ?? matches[0]!).metric;
    const noted = m.note !== undefined && !(names && m.versions?.from) && !shouldHave;
    return { metric: metricName, reason: noted ? 'exporter-lacks-field' : 'unknown-metric', message: noted ? `${metricName}: ${m.note}` : `${metricName} is in the catalog but was not scraped` };
  }
  return { metric: metricName, reason: 'unknown-metric', message: `${metricName} is not a known engine or exporter metric` };
}
