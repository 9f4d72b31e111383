/**
 * Why a raw metric is absent from Prometheus: the likely reason, from what is present, which
 * targets are up, and the engine catalog (which family and version range a name belongs to, and
 * which optional group switches it on).
 */
import { type MissingReason as CatalogReason, ENGINE_FAMILIES, explainMissing as catalogExplain, findMetric } from '../engines/catalog.js';
import type { FamilyId, Producer } from '../engines/types.js';
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
  /** True when `targets` are those a dashboard variable selected, not all of Prometheus's. */
  scoped?: boolean;
}

/** How each producer's metrics are named, and which scrape job carries them in a generated stack. */
const PRODUCERS: { producer: Producer; test: RegExp; jobs: RegExp }[] = [
  { producer: 'vllm', test: /^vllm:/, jobs: /^vllm(-|$)/ },
  { producer: 'sglang', test: /^sglang[:_]/, jobs: /^sglang(-|$)/ },
  { producer: 'dcgm', test: /^DCGM_/, jobs: /^gpu-dcgm$/ },
  { producer: 'nvidia-smi', test: /^nvidia_smi_/, jobs: /^gpu-nvidia-smi$/ },
  { producer: 'amd', test: /^(gpu_|pcie_|xgmi_)/, jobs: /^gpu-amd$/ },
];

function producerOf(metric: string): (typeof PRODUCERS)[number] | undefined {
  return PRODUCERS.find((p) => p.test.test(metric));
}

/** Families whose metrics make up most of what is present for a producer: what the target runs. */
export function presentFamilies(producer: Producer, present: ReadonlySet<string>): FamilyId[] {
  const scored = ENGINE_FAMILIES.filter((f) => f.producer === producer)
    .map((f) => ({ f, hits: f.metrics.filter((m) => present.has(m.name) || present.has(`${m.name}_bucket`) || present.has(`${m.name}_count`)).length }))
    .filter((x) => x.hits > 0);
  const best = Math.max(0, ...scored.map((x) => x.hits));
  return scored.filter((x) => x.hits === best).map((x) => x.f.id);
}

const CATALOG_KIND: Record<CatalogReason['reason'], MissingReasonKind> = {
  'version-rename': 'version-rename',
  'flag-not-enabled': 'flag-not-enabled',
  'exporter-lacks-field': 'exporter-lacks-field',
  'unknown-metric': 'not-exposed',
};

export function explainMissing(metric: string, ctx: ReasonContext): MissingReason {
  const p = producerOf(metric);
  const reason = (kind: MissingReasonKind, detail: string): MissingReason => ({ metric, kind, detail });
  if (!p) return reason('not-exposed', `no scraped target exposes ${metric}`);
  // First what the scrape itself says: nothing configured, target down, metrics switched off.
  const jobTargets = ctx.targets.filter((t) => p.jobs.test(t.labels.job ?? t.scrapePool));
  const up = jobTargets.filter((t) => t.health === 'up');
  if (jobTargets.length === 0) {
    const selected = ctx.scoped ? [...new Set(ctx.targets.map((t) => t.labels.instance ?? t.scrapeUrl))].join(', ') : '';
    return reason('no-target', selected ? `${metric} comes from ${p.producer}; the selected target ${selected} is not ${p.producer}` : `no ${p.producer} target is configured in this Prometheus`);
  }
  if (up.length === 0) {
    const t = jobTargets[0]!;
    // SGLang registers /metrics only with --enable-metrics; without it the route is a 404.
    if (p.producer === 'sglang' && /\b404\b/.test(t.lastError))
      return reason('flag-not-enabled', `SGLang target ${t.labels.instance ?? t.scrapeUrl} answers 404 on /metrics: start the server with --enable-metrics`);
    return reason('target-down', `${p.producer} target ${t.labels.instance ?? t.scrapeUrl} is down: ${t.lastError || 'not scraped yet'}`);
  }
  const names = [...ctx.present];
  if (p.producer === 'sglang') {
    const colon = names.some((n) => n.startsWith('sglang:'));
    const underscore = names.some((n) => n.startsWith('sglang_'));
    if (metric.startsWith('sglang:') && !colon && underscore)
      return reason('names-rewritten', `SGLang names arrive rewritten as sglang_* (a router or agent replaced ':' with '_'); expected ${metric}`);
    if (!colon && !underscore) return reason('flag-not-enabled', 'the SGLang target answers but exposes no sglang metrics: start the server with --enable-metrics');
  }
  if (p.producer === 'vllm' && !names.some((n) => n.startsWith('vllm:')))
    return reason('flag-not-enabled', 'the vLLM target exposes no vllm:* metrics: remove --disable-log-stats (and check that /metrics is the API server port)');
  // Then what the catalog knows: renames between versions, optional groups, exporter fields.
  const c = catalogExplain(metric, presentFamilies(p.producer, ctx.present));
  if (c.reason === 'unknown-metric' && (p.producer === 'dcgm' || p.producer === 'nvidia-smi' || p.producer === 'amd'))
    return reason('exporter-lacks-field', `the ${p.producer} exporter is up but does not report ${metric} (field not collected or not supported by this GPU)`);
  // Profiling fields are not a flag on the engine: the GPU or the exporter's field list lacks them.
  const profiling = findMetric(metric).some((m) => m.metric.optional === 'profiling');
  if (c.reason === 'flag-not-enabled' && profiling) return reason('exporter-lacks-field', c.message);
  // An engine metric the catalog knows but this server lacks belongs to other versions.
  if (c.reason === 'exporter-lacks-field' && (p.producer === 'vllm' || p.producer === 'sglang')) {
    const fams = [...new Set(findMetric(metric).map((m) => `${m.family.title} (${m.family.versionText})`))];
    return reason('version-rename', `${metric} is exposed only by ${fams.join(', ')}; this server is another version`);
  }
  return reason(CATALOG_KIND[c.reason], c.message);
}
