/**
 * Explaining a panel without data: the recorded series and raw metrics its queries depend on,
 * which of those are absent for the selected targets, and the likely reason for each.
 */
import { seriesDef, seriesIn } from '../rules/series.js';
import type { PanelStatus } from './classify.js';
import type { TargetInfo } from './prom-client.js';
import { type MissingReason, type MissingReasonKind, type TargetVersion, explainMissing } from './reasons.js';
import { type RecordingRule, type SeriesNeed, exprFeedable, feedable, rawMetrics, recordedSeries, unfedRawMetrics } from './rule-graph.js';
import { leadingReason } from './verdict.js';

/**
 * The part of a panel's report (PanelReport, src/probe/index.ts) that explaining reads and fills in;
 * declared here so this module does not import the probe that imports it.
 */
export interface ExplainedPanel {
  status: PanelStatus;
  needs?: { recorded: string[]; raw: { metric: string; present: boolean }[] };
  missing?: MissingReason[];
  explanation?: string;
  optional?: { series: string; reason: string }[];
}

/** Facts about Prometheus gathered once per probe, for explaining panels without data. */
export interface Context {
  rules: RecordingRule[];
  /** Metric names present for the panel's selected targets (all of Prometheus when none is selected). */
  present: Set<string>;
  targets: TargetInfo[];
  scoped: boolean;
  /** Whether Prometheus scrapes any GPU exporter at all (whatever the panel selects). */
  gpuExporter: boolean;
  /** Versions the engine targets reported of themselves, to date them better than names can. */
  versions?: readonly TargetVersion[];
}

const REASON_ORDER: MissingReasonKind[] = [
  'flag-not-enabled',
  'names-rewritten',
  'exporter-lacks-field',
  'multiprocess',
  'version-predates',
  'version-rename',
  'target-down',
  'not-exposed',
  'no-target',
  'other-form',
];

/** Our normalised series that no loaded rule records: say why from the series contract. */
function unrecordedSeries(name: string, ctx: Context): MissingReason | undefined {
  const def = seriesDef(name);
  if (!def) return undefined;
  // A stack generated with --gpu none has no GPU exporter, hence no GPU rules: nothing is broken.
  if (def.level === 'gpu' && !ctx.gpuExporter)
    return { metric: name, kind: 'no-target', verdict: 'not-applicable', detail: 'this stack scrapes no GPU exporter (generated with --gpu none): --gpu dcgm, nvidia-smi or amd brings the GPU panels' };
  const detail = `${name} is not recorded by any rule loaded in this Prometheus for these targets: ${def.optional ?? 'every supported engine/exporter should feed it: check that the rule files are loaded'}`;
  return { metric: name, kind: def.level === 'gpu' ? 'exporter-lacks-field' : 'not-exposed', detail, verdict: def.optional ? 'not-applicable' : 'fault' };
}

export function explainPanel(panel: ExplainedPanel, exprs: string[], needs: SeriesNeed[], ctx: Context): void {
  const raw = rawMetrics(needs);
  const recorded = recordedSeries(needs);
  panel.needs = { recorded, raw: raw.map((metric) => ({ metric, present: ctx.present.has(metric) })) };
  const optional = [...new Set([...recorded, ...exprs.flatMap(seriesIn)])]
    .map((series) => ({ series, reason: seriesDef(series)?.optional }))
    .filter((x): x is { series: string; reason: string } => x.reason !== undefined);
  if (optional.length > 0) panel.optional = optional;
  const absent = unfedRawMetrics(needs, ctx.present);
  panel.missing = absent
    .map((m) => unrecordedSeries(m, ctx) ?? explainMissing(m, { present: ctx.present, targets: ctx.targets, scoped: ctx.scoped, ...(ctx.versions ? { versions: ctx.versions } : {}) }))
    .sort((a, b) => REASON_ORDER.indexOf(a.kind) - REASON_ORDER.indexOf(b.kind));
  // Feedable as the panel's expressions combine their inputs: `x and on (host) y` needs both.
  const fed = (name: string) => {
    const need = needs.find((n) => n.name === name);
    return need ? feedable(need, ctx.present) : ctx.present.has(name);
  };
  const canBeFed = needs.length > 0 && exprs.some((e) => exprFeedable(e, fed));
  if (panel.status === 'missing-series' && canBeFed) {
    // The raw metrics are there; the series the panel reads are derived from traffic (rates,
    // quantiles) or the rules have not evaluated yet.
    panel.status = 'waiting-for-traffic';
    panel.explanation = 'raw metrics are present; the series this panel reads are not produced yet (no traffic, or rules not evaluated yet)';
  } else if (panel.status === 'waiting-for-traffic') {
    panel.explanation = 'series exist but are all zero or NaN: nothing has been requested in the window';
  } else if (panel.status === 'missing-series') {
    const first = leadingReason(panel.missing);
    panel.explanation = first ? `${first.metric} missing: ${first.detail}` : 'the queries select no series and read no known metric';
  }
}
