/**
 * Service-level objectives, per model: 99% of requests (ITL: of observations) within each latency
 * objective, and the share of requests served without a server error. The rules read only
 * normalised series (llm:* from llm.ts) and keep to the SRE Workbook's multi-window burn rates,
 * with every long window averaged from one recorded 5m rate instead of raw buckets over hours.
 *
 * A latency objective is counted at a bucket bound: per target, the largest bound at or below it in
 * that engine version's layout (buckets.ts). The bound used is the `objective` label of every SLO
 * series and alert, so a message never claims an objective the histogram cannot measure.
 */
import type { EngineFamily } from '../engines/types.js';
import { type CliError, usageError } from '../errors.js';
import { ENGINES, type Engine, type Slo } from '../config/types.js';
import { FAMILIES, effectiveBound, familyLayout } from './buckets.js';
import { by, firstOf, leIn } from './promql.js';
import {
  LLM_LABELS,
  MODEL_LABELS,
  MODEL_REQUESTS,
  S,
  SLO_HISTOGRAMS,
  SLO_KEYS,
  SLO_RATIO_WINDOWS,
  type SloCountWindow,
  type SloHistogram,
  type SloKey,
  type SloRatioWindow,
  histogramBucket,
  histogramCount,
  modelRequestCount,
  modelSloBad,
  modelSloBadRatio,
  modelSloTotal,
  sloBad,
  sloGood,
} from './series.js';
import type { RecordingRule, RuleGroup } from './types.js';

export const LATENCY_SLO: Record<SloHistogram, { key: Exclude<SloKey, 'availability'>; field: keyof Slo; title: string; what: string }> = {
  ttft_seconds: { key: 'ttft', field: 'ttftP99Seconds', title: 'TTFT', what: 'time to first token' },
  itl_seconds: { key: 'itl', field: 'itlP99Seconds', title: 'ITL', what: 'inter-token latency' },
  e2e_seconds: { key: 'e2e', field: 'e2eP99Seconds', title: 'E2E', what: 'end-to-end latency' },
};
/** A p99 objective: 1% of requests may miss it. */
export const LATENCY_ERROR_BUDGET = 0.01;
export const errorBudget = (key: SloKey, slo: Slo): number => (key === 'availability' ? Number((1 - slo.availabilityPercent / 100).toPrecision(12)) : LATENCY_ERROR_BUDGET);

/**
 * Multi-window, multi-burn-rate bands (Google SRE Workbook, chapter 5, for a 30-day budget): page
 * when 2% of the budget goes in an hour or 5% in six hours, ticket when 10% goes in three days. The
 * short window stops the alert soon after the burn stops.
 */
export const BURN_BANDS = [
  { severity: 'critical', long: '1h', short: '5m', factor: 14.4, spent: '2% of the 30-day budget in 1h' },
  { severity: 'critical', long: '6h', short: '30m', factor: 6, spent: '5% of the 30-day budget in 6h' },
  { severity: 'warning', long: '3d', short: '6h', factor: 1, spent: '10% of the 30-day budget in 3d' },
] as const satisfies readonly { severity: string; long: SloCountWindow; short: SloRatioWindow; factor: number; spent: string }[];

/** Requests a model must have served in a band's long window before its ratio may alert. */
export const MIN_REQUESTS_PER_WINDOW = 100;

/** The SLI group's evaluation interval: the request counts sum its samples (promtool tests evaluate at the same step). */
export const SLI_INTERVAL = '1m';
const SLI_INTERVAL_SECONDS = 60;

/** Where one engine version evaluates a latency objective. */
export interface EffectiveObjective {
  engine: Engine;
  family: EngineFamily;
  /** The bound counted as "met"; undefined when the layout has none at or below the objective. */
  bound: number | undefined;
  /** The layout's bounds either side of the objective, for messages. */
  nearest: number[];
}

/** Per engine version: the bound a latency objective is evaluated at. */
export function effectiveObjectives(h: SloHistogram, objective: number): EffectiveObjective[] {
  return ENGINES.flatMap((engine) =>
    FAMILIES[engine].flatMap((family) => {
      const l = familyLayout(engine, family, h);
      if (!l) return [];
      const bound = effectiveBound(l.bounds, objective);
      const above = l.bounds.find((b) => b > objective);
      return [{ engine, family, bound, nearest: [bound, above].filter((b): b is number => b !== undefined) }];
    }),
  );
}

const FLAG: Record<SloHistogram, string> = { ttft_seconds: '--slo-ttft-p99', itl_seconds: '--slo-itl-p99', e2e_seconds: '--slo-e2e-p99' };

/**
 * What generating a stack says about its latency objectives: per engine version whose histogram has
 * no bucket at an objective the user gave, the bound it is measured at (a warning); an error where a
 * version has no bound at or below it at all (nothing could be counted as met).
 */
export function checkObjectives(slo: Slo, given: Partial<Slo> = slo): { warnings: string[]; errors: CliError[] } {
  const warnings: string[] = [];
  const errors: CliError[] = [];
  for (const h of SLO_HISTOGRAMS) {
    const { field, title } = LATENCY_SLO[h];
    const requested = slo[field];
    const where = `slo.${field} (${FLAG[h]})`;
    const all = effectiveObjectives(h, requested);
    const none = all.filter((e) => e.bound === undefined);
    if (none.length > 0) {
      const floor = Math.max(...none.map((e) => e.nearest[0] ?? 0));
      const smallest = none.map((e) => `${e.family.title}: ${e.nearest[0]}s`).join('; ');
      errors.push(usageError(where, `${requested}s is below the smallest ${title} bucket (${smallest}), so no request could count as meeting it`, `choose ${floor}s or more`));
      continue;
    }
    // A default is explained in the README; only an objective the user chose gets a warning.
    if (given[field] === undefined) continue;
    for (const bound of new Set(all.filter((e) => e.bound !== requested).map((e) => e.bound!))) {
      const versions = all.filter((e) => e.bound === bound);
      warnings.push(`${where}: ${requested}s is not a ${title} bucket bound of ${versions.map((e) => e.family.title).join('; ')} (nearest ${versions[0]!.nearest.join(' and ')}s): measured at ${bound}s there, stricter than asked`);
    }
  }
  return { warnings, errors };
}

/** The distinct bounds an objective lands on, largest first (the order the good-request rule tries them). */
export function objectiveBounds(h: SloHistogram, objective: number): number[] {
  const bounds = effectiveObjectives(h, objective).flatMap((e) => (e.bound === undefined ? [] : [e.bound]));
  return [...new Set(bounds)].sort((a, b) => b - a);
}

const M = by([...MODEL_LABELS, 'objective']);
const MB = by(MODEL_LABELS);

function latencySli(h: SloHistogram, objective: number): RecordingRule[] {
  const k = LATENCY_SLO[h].key;
  // The first bound a target has wins: the largest at or below the objective in its layout.
  const good = objectiveBounds(h, objective).map((b) => `label_replace(sum without (le) (${histogramBucket(h)}{${leIn([b])}}), "objective", "${b}", "", "")`);
  return [
    { record: sloGood(h), expr: firstOf(good, LLM_LABELS) },
    { record: sloBad(h), expr: `clamp_min(${histogramCount(h)} - ignoring (objective) group_right ${sloGood(h)}, 0)` },
    { record: modelSloBad(k), expr: `sum by ${M} (${sloBad(h)})` },
    { record: modelSloTotal(k), expr: `sum by ${M} (${sloGood(h)} + ${sloBad(h)})` },
  ];
}

/**
 * Availability: server errors over requests. HTTP 5xx may never reach the engine, so a model's
 * requests are never counted below its errors. SGLang exposes no server-error signal at all (no
 * HTTP status metric, no error finish reason; num_aborted_requests_total mixes client aborts with
 * its own), so only vLLM has this SLO.
 */
function availabilitySli(): RecordingRule[] {
  const bad = modelSloBad('availability');
  return [
    { record: bad, expr: `sum by ${MB} (${S.requestsServerErrors})` },
    { record: modelSloTotal('availability'), expr: `sum by ${MB} (${S.requestsFinished}) >= ${bad} or ${bad}` },
  ];
}

const ratio = (k: SloKey, w: SloRatioWindow): RecordingRule => ({
  record: modelSloBadRatio(k, w),
  expr: w === '5m' ? `${modelSloBad(k)} / (${modelSloTotal(k)} > 0)` : `avg_over_time(${modelSloBad(k)}[${w}]) / (avg_over_time(${modelSloTotal(k)}[${w}]) > 0)`,
});

/**
 * Requests actually served in the window: the 5m rate sampled once a minute, summed, times 60 s. An
 * average times the window would count requests a young series never had.
 */
const count = (w: SloCountWindow): RecordingRule => ({ record: modelRequestCount(w), expr: `sum_over_time(${MODEL_REQUESTS}[${w}]) * ${SLI_INTERVAL_SECONDS}` });

/**
 * Three groups: the 5m SLIs and the windows up to 6h once a minute, the 3-day window every five
 * minutes (it feeds only the ticket band).
 */
export function sloRuleGroups(slo: Slo): RuleGroup[] {
  const sli: RecordingRule[] = [];
  for (const h of SLO_HISTOGRAMS) sli.push(...latencySli(h, slo[LATENCY_SLO[h].field]));
  sli.push(...availabilitySli(), { record: MODEL_REQUESTS, expr: `sum by ${MB} (${histogramCount('e2e_seconds')})` });
  sli.push(...SLO_KEYS.map((k) => ratio(k, '5m')));
  const mid = SLO_RATIO_WINDOWS.filter((w) => w !== '5m' && w !== '3d');
  return [
    { name: 'slo-sli', interval: SLI_INTERVAL, rules: sli },
    { name: 'slo-windows', interval: '1m', rules: [...SLO_KEYS.flatMap((k) => mid.map((w) => ratio(k, w))), count('1h'), count('6h')] },
    { name: 'slo-windows-3d', interval: '5m', rules: [...SLO_KEYS.map((k) => ratio(k, '3d')), count('3d')] },
  ];
}
