/**
 * Why a raw metric is absent from Prometheus: the likely reason, from what is present, which
 * targets are up, and the engine catalog (which family and version range a name belongs to, and
 * which optional group switches it on).
 */
import type { EngineFamily, OptionalGroup, Producer } from '../engines/types.js';
import type { TargetInfo } from './prom-client.js';

export type MissingReasonKind =
  | 'no-target' // the stack scrapes nothing that could expose it
  | 'target-down' // the target that would expose it is not being scraped successfully
  | 'flag-not-enabled' // engine metrics or an optional group are switched off
  | 'names-rewritten' // SGLang `sglang_` names instead of `sglang:`
  | 'version-rename' // the engine exposes another version's name for this signal
  | 'exporter-lacks-field' // the GPU exporter or GPU model does not provide it
  | 'not-exposed'; // the target is up but does not expose it, for no known reason

export interface MissingReason {
  metric: string;
  kind: MissingReasonKind;
  detail: string;
}

export interface ReasonContext {
  /** Metric names present in Prometheus. */
  present: ReadonlySet<string>;
  targets: TargetInfo[];
  families: EngineFamily[];
}

/** How each producer's metrics are named, and which scrape job carries them in a generated stack. */
const PRODUCERS: { producer: Producer; test: RegExp; jobs: RegExp }[] = [
  { producer: 'vllm', test: /^vllm:/, jobs: /^vllm(-|$)/ },
  { producer: 'sglang', test: /^sglang[:_]/, jobs: /^sglang(-|$)/ },
  { producer: 'dcgm', test: /^DCGM_/, jobs: /^gpu-dcgm$/ },
  { producer: 'nvidia-smi', test: /^nvidia_smi_/, jobs: /^gpu-nvidia-smi$/ },
  { producer: 'amd', test: /^(gpu_|pcie_|xgmi_)/, jobs: /^gpu-amd$/ },
];

/** What the operator switches on to get an optional group. */
export const OPTIONAL_GROUP_HINT: Record<OptionalGroup, string> = {
  spec_decode: 'speculative decoding is off (vLLM --speculative-config, SGLang --speculative-algorithm)',
  lora: 'LoRA serving is off (vLLM --enable-lora)',
  prefix_cache: 'prefix caching is off (vLLM --enable-prefix-caching; SGLang radix cache disabled)',
  kv_connector: 'no KV connector is configured (vLLM --kv-transfer-config)',
  multimodal: 'the model serves no multimodal inputs',
  kv_cache_metrics: 'KV block residency metrics are off (vLLM --kv-cache-metrics)',
  mfu: 'MFU metrics are off (vLLM --enable-mfu-metrics)',
  fault_tolerance: 'fault tolerance is off (vLLM --enable-fault-tolerance)',
  pd_disaggregation: 'prefill/decode disaggregation is not in use',
  grammar: 'no grammar-constrained requests or grammar metrics are off',
  profiling:
    'profiling (DCP) fields need a datacenter GPU (not GeForce/MIG for all fields) and, for dcgm-exporter, the counters CSV listing DCGM_FI_PROF_*',
  nvml_backend: 'the exporter is not using its NVML backend',
  mig: 'no MIG instances are configured',
};

function producerOf(metric: string): (typeof PRODUCERS)[number] | undefined {
  return PRODUCERS.find((p) => p.test.test(metric));
}

/** Catalog families that list `metric` (histogram/counter sample suffixes stripped). */
export function familiesOf(metric: string, families: EngineFamily[]): EngineFamily[] {
  const base = metric.replace(/_(bucket|sum|count|created)$/, '');
  return families.filter((f) => f.metrics.some((m) => m.name === metric || m.name === base));
}

/** Families whose metrics make up most of what is present for a producer: what the target runs. */
function presentFamilies(producer: Producer, present: ReadonlySet<string>, families: EngineFamily[]): EngineFamily[] {
  const scored = families
    .filter((f) => f.producer === producer)
    .map((f) => ({ f, hits: f.metrics.filter((m) => present.has(m.name) || present.has(`${m.name}_bucket`) || present.has(`${m.name}_count`)).length }))
    .filter((x) => x.hits > 0);
  const best = Math.max(0, ...scored.map((x) => x.hits));
  return scored.filter((x) => x.hits === best).map((x) => x.f);
}

export function explainMissing(metric: string, ctx: ReasonContext): MissingReason {
  const p = producerOf(metric);
  const reason = (kind: MissingReasonKind, detail: string): MissingReason => ({ metric, kind, detail });
  if (p) {
    const jobTargets = ctx.targets.filter((t) => p.jobs.test(t.labels.job ?? t.scrapePool));
    const up = jobTargets.filter((t) => t.health === 'up');
    if (jobTargets.length === 0) return reason('no-target', `no ${p.producer} target is configured in this Prometheus`);
    if (up.length === 0) {
      const t = jobTargets[0]!;
      // SGLang registers /metrics only with --enable-metrics; without it the route is a 404.
      if (p.producer === 'sglang' && /\b404\b/.test(t.lastError))
        return reason('flag-not-enabled', `SGLang target ${t.labels.instance ?? t.scrapeUrl} answers 404 on /metrics: start the server with --enable-metrics`);
      return reason('target-down', `${p.producer} target ${t.labels.instance ?? t.scrapeUrl} is down: ${t.lastError || 'not scraped yet'}`);
    }
    const anyOfProducer = [...ctx.present].some((n) => p.test.test(n));
    if (p.producer === 'sglang') {
      const colon = [...ctx.present].some((n) => n.startsWith('sglang:'));
      const underscore = [...ctx.present].some((n) => n.startsWith('sglang_'));
      if (metric.startsWith('sglang:') && !colon && underscore)
        return reason('names-rewritten', `SGLang names arrive rewritten as sglang_* (a router or agent replaced ':' with '_'); expected ${metric}`);
      if (!anyOfProducer)
        return reason('flag-not-enabled', 'the SGLang target answers but exposes no sglang metrics: start the server with --enable-metrics');
    }
    if (p.producer === 'vllm' && !anyOfProducer)
      return reason('flag-not-enabled', 'the vLLM target exposes no vllm:* metrics: remove --disable-log-stats (and check /metrics is the API server port)');
    const own = familiesOf(metric, ctx.families);
    const optional = own.flatMap((f) => f.metrics.filter((m) => m.name === metric || m.name === metric.replace(/_(bucket|sum|count)$/, ''))).find((m) => m.optional);
    if (optional?.optional) {
      const group = optional.optional;
      return reason(group === 'profiling' ? 'exporter-lacks-field' : 'flag-not-enabled', `${metric}: ${OPTIONAL_GROUP_HINT[group]}`);
    }
    const running = presentFamilies(p.producer, ctx.present, ctx.families);
    if (own.length > 0 && running.length > 0 && !own.some((f) => running.includes(f))) {
      const from = own.map((f) => `${f.title} (${f.versionText})`).join(', ');
      const now = running.map((f) => `${f.title} (${f.versionText})`).join(', ');
      return reason('version-rename', `${metric} belongs to ${from}; the scraped target exposes ${now} names`);
    }
    if (p.producer === 'dcgm' || p.producer === 'nvidia-smi' || p.producer === 'amd')
      return reason('exporter-lacks-field', `the ${p.producer} exporter is up but does not report ${metric} (field not collected or not supported by this GPU)`);
    return reason('not-exposed', `the ${p.producer} target is up but does not expose ${metric}`);
  }
  return reason('not-exposed', `no scraped target exposes ${metric}`);
}
