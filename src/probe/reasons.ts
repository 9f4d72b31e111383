/**
 * Why a raw metric is absent from Prometheus: the likely reason, from what is present, which
 * targets are up, and the engine catalog (which family and version range a name belongs to, and
 * which optional group switches it on).
 */
import { type MissingReason as CatalogReason, ENGINE_FAMILIES, explainMissing as catalogExplain, findMetric, releaseOf } from '../engines/catalog.js';
import type { FamilyId, Producer } from '../engines/types.js';
import { SMG_METRICS } from '../engines/smg.js';
import { ROUTER_JOB } from '../rules/router.js';
import { DISK_OPTIONAL } from '../rules/series.js';
import type { TargetInfo } from './prom-client.js';

export type MissingReasonKind =
  | 'no-target' // the stack scrapes nothing that could expose it
  | 'target-down' // the target that would expose it is not being scraped successfully
  | 'flag-not-enabled' // engine metrics or an optional group are switched off
  | 'names-rewritten' // SGLang `sglang_` names instead of `sglang:`
  | 'other-form' // the router-rewritten form of a name the server exposes in its own form
  | 'version-rename' // the engine exposes another version's name for this signal
  | 'version-predates' // the engine is older than the version that added it
  | 'exporter-lacks-field' // the GPU exporter or GPU model does not provide it
  | 'multiprocess' // prometheus_client's multiprocess mode (several API servers) has no process_* series
  | 'not-exposed'; // the target is up but does not expose it, for no known reason

/**
 * What an absence means for validate: a fault to fix, or not applicable to this stack (another
 * version, a feature switched off, no such exporter), which `detail` says how to change.
 */
export type ReasonVerdict = 'fault' | 'not-applicable';

export interface MissingReason {
  metric: string;
  kind: MissingReasonKind;
  detail: string;
  verdict: ReasonVerdict;
}

/** Each kind's usual verdict; explainMissing overrides it where the kind alone says too little. */
const VERDICT: Record<MissingReasonKind, ReasonVerdict> = {
  'no-target': 'not-applicable',
  'target-down': 'fault',
  'flag-not-enabled': 'not-applicable',
  'names-rewritten': 'not-applicable',
  'other-form': 'not-applicable',
  'version-rename': 'not-applicable',
  'version-predates': 'not-applicable',
  'exporter-lacks-field': 'not-applicable',
  multiprocess: 'not-applicable',
  'not-exposed': 'fault',
};

/** The version an engine target reports of itself (vLLM /version, SGLang /server_info). */
export interface TargetVersion {
  job: string;
  instance: string;
  version: string;
}

export interface ReasonContext {
  /** Metric names present in Prometheus. */
  present: ReadonlySet<string>;
  targets: TargetInfo[];
  /** True when `targets` are those a dashboard variable selected, not all of Prometheus's. */
  scoped?: boolean;
  /** Versions the engine targets reported, where they answered. */
  versions?: readonly TargetVersion[];
}

/**
 * The releases the producer's up targets report, only when every one of them reported one: a
 * target that did not could be any version.
 */
function reportedReleases(jobs: RegExp, ctx: ReasonContext): string[] {
  const up = ctx.targets.filter((t) => jobs.test(t.labels.job ?? t.scrapePool) && t.health === 'up');
  const releases = up.map((t) => {
    const v = ctx.versions?.find((x) => x.job === (t.labels.job ?? t.scrapePool) && x.instance === (t.labels.instance ?? ''));
    return v ? releaseOf(v.version) : undefined;
  });
  return up.length > 0 && releases.every((r) => r !== undefined) ? (releases as string[]) : [];
}

/** How each producer's metrics are named, and which scrape job carries them in a generated stack. */
const PRODUCERS: { producer: Producer; test: RegExp; jobs: RegExp }[] = [
  // http_requests_total: prometheus_fastapi_instrumentator on vLLM's API server.
  { producer: 'vllm', test: /^(vllm:|http_requests_total$)/, jobs: /^vllm(-|$)/ },
  { producer: 'sglang', test: /^sglang[:_]/, jobs: /^sglang(-|$)/ },
  { producer: 'dcgm', test: /^DCGM_/, jobs: /^gpu-dcgm$/ },
  { producer: 'nvidia-smi', test: /^nvidia_smi_/, jobs: /^gpu-nvidia-smi$/ },
  { producer: 'amd', test: /^(gpu_|pcie_|xgmi_)/, jobs: /^gpu-amd$/ },
  { producer: 'smg', test: /^smg_/, jobs: new RegExp(`^${ROUTER_JOB}$`) },
];

/**
 * A gateway that is up but lacks one of its metrics: a series metrics-rs creates on its first event
 * (an error, a retry) or one only some modes record (gRPC latency, P/D); unknown names are faults.
 */
function gatewayReason(metric: string): MissingReason {
  const base = metric.replace(/_(bucket|sum|count)$/, '');
  const def = SMG_METRICS.find((m) => m.name === base);
  if (!def) return { metric, kind: 'not-exposed', detail: `the gateway is up but does not expose ${metric}`, verdict: 'fault' };
  const why = def.note ?? (def.type === 'counter' ? 'the gateway creates it on its first event (none yet)' : 'not reported by this gateway version or mode');
  return { metric, kind: def.optional ? 'flag-not-enabled' : 'version-predates', detail: `${metric}: ${why}`, verdict: 'not-applicable' };
}

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
  'version-predates': 'version-predates',
  'flag-not-enabled': 'flag-not-enabled',
  'exporter-lacks-field': 'exporter-lacks-field',
  'unknown-metric': 'not-exposed',
};

/** vLLM 0.8+ servers among what is present: V1 emits *_created gauges unless it runs multiprocess. */
const isVllmV1 = (present: ReadonlySet<string>) => presentFamilies('vllm', present).some((f) => f !== 'vllm-v0');

/**
 * process_* come from prometheus_client's process collector, which its multiprocess mode lacks:
 * SGLang always, vLLM with several API servers (DP > 1 by default since vllm PR #32525, or
 * --api-server-count > 1), where the *_created gauges are missing too.
 */
function processMetricReason(metric: string, ctx: ReasonContext): MissingReason | undefined {
  const na = (kind: MissingReasonKind, detail: string): MissingReason => ({ metric, kind, detail, verdict: 'not-applicable' });
  const vllmUp = ctx.targets.some((t) => /^vllm(-|$)/.test(t.labels.job ?? t.scrapePool) && t.health === 'up');
  const vllmJobs = ctx.targets.some((t) => /^vllm(-|$)/.test(t.labels.job ?? t.scrapePool));
  const names = [...ctx.present];
  if (!vllmJobs && names.some((n) => /^sglang[:_]/.test(n)))
    return na('multiprocess', `${metric} is read from vLLM's API server only: SGLang serves its metrics in prometheus_client's multiprocess mode, which has no process_* series`);
  if (vllmUp && isVllmV1(ctx.present) && !names.some((n) => n.startsWith('vllm:') && n.endsWith('_created')))
    return na(
      'multiprocess',
      `${metric}: not applicable, vLLM serves multiprocess metrics here (no *_created series either): DP > 1 runs several API servers by default since vllm PR #32525, as does --api-server-count > 1, and that mode has no process_* series`,
    );
  return undefined;
}

export function explainMissing(metric: string, ctx: ReasonContext): MissingReason {
  const p = producerOf(metric);
  const reason = (kind: MissingReasonKind, detail: string, verdict = VERDICT[kind]): MissingReason => ({ metric, kind, detail, verdict });
  const processReason = metric.startsWith('process_') ? processMetricReason(metric, ctx) : undefined;
  if (processReason) return processReason;
  // Engine metrics switched off altogether: every panel of that engine is empty, a fault.
  const metricsOff = (detail: string) => reason('flag-not-enabled', detail, 'fault');
  // node-exporter up without block-device statistics: a sandbox hides them, nothing to fix here.
  if (!p && metric.startsWith('node_disk_') && ctx.targets.some((t) => (t.labels.job ?? t.scrapePool) === 'node' && t.health === 'up'))
    return reason('exporter-lacks-field', `node-exporter is up but reports no ${metric}: ${DISK_OPTIONAL}`, 'not-applicable');
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
      return metricsOff(`SGLang target ${t.labels.instance ?? t.scrapeUrl} answers 404 on /metrics: start the server with --enable-metrics`);
    return reason('target-down', `${p.producer} target ${t.labels.instance ?? t.scrapeUrl} is down: ${t.lastError || 'not scraped yet'}`);
  }
  if (p.producer === 'smg') return gatewayReason(metric);
  const names = [...ctx.present];
  if (p.producer === 'sglang') {
    const colon = names.some((n) => n.startsWith('sglang:'));
    const underscore = names.some((n) => n.startsWith('sglang_'));
    if (metric.startsWith('sglang:') && !colon && underscore)
      return reason('names-rewritten', `SGLang names arrive rewritten as sglang_* (a router or agent replaced ':' with '_'); expected ${metric}`);
    // The rules read both forms; the server's own colon form is explained on its own.
    if (metric.startsWith('sglang_') && colon && !underscore)
      return reason('other-form', `${metric} is the router-rewritten form; this server exposes sglang: names`);
    if (!colon && !underscore) return metricsOff('the SGLang target answers but exposes no sglang metrics: start the server with --enable-metrics');
  }
  if (p.producer === 'vllm' && !names.some((n) => n.startsWith('vllm:')))
    return metricsOff('the vLLM target exposes no vllm:* metrics: remove --disable-log-stats (and check that /metrics is the API server port)');
  // Then what the catalog knows: renames between versions, optional groups, exporter fields.
  const c = catalogExplain(metric, presentFamilies(p.producer, ctx.present), ctx.present, reportedReleases(p.jobs, ctx));
  if (c.reason === 'unknown-metric' && (p.producer === 'dcgm' || p.producer === 'nvidia-smi' || p.producer === 'amd'))
    return reason('exporter-lacks-field', `the ${p.producer} exporter is up but does not report ${metric} (field not collected or not supported by this GPU)`);
  // Profiling fields are not a flag on the engine: the GPU or the exporter's field list lacks them.
  const profiling = findMetric(metric).some((m) => m.metric.optional === 'profiling');
  if (c.reason === 'flag-not-enabled' && profiling) return reason('exporter-lacks-field', c.message);
  // An engine metric of this server's family that the catalog notes as not always there (newer,
  // removed, or behind a trace flag): the note says when.
  if (c.reason === 'exporter-lacks-field' && (p.producer === 'vllm' || p.producer === 'sglang')) {
    return reason('version-rename', c.message);
  }
  return reason(CATALOG_KIND[c.reason], c.message);
}
