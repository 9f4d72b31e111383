/**
 * Burn-rate alerts of the SLOs in slo.ts: one alert name per objective, critical for the two page
 * bands, warning for the ticket band (Alertmanager inhibits the warning while the page fires).
 * They replace threshold alerts on p99 latency and error ratios, which paged for the same cause.
 */
import type { Slo } from '../config/types.js';
import type { AlertBuilder, AlertDoc } from './alert-doc.js';
import { by } from './promql.js';
import { MODEL_LABELS, SLO_HISTOGRAMS, type SloKey, modelRequestCount, modelSloBadRatio } from './series.js';
import { BURN_BANDS, LATENCY_SLO, MIN_REQUESTS_PER_WINDOW, errorBudget, objectiveBounds } from './slo.js';
import type { Severity } from './types.js';

const MB = by(MODEL_LABELS);
const pct = (ratio: number): string => `${Number((ratio * 100).toPrecision(4))}%`;
const limitOf = (factor: number, budget: number): number => Number((factor * budget).toPrecision(12));

/** The alert's condition at one severity: any of its bands, each with the minimum-traffic guard. */
function burnExpr(k: SloKey, severity: Severity, budget: number): string {
  return BURN_BANDS.filter((b) => b.severity === severity)
    .map((b) => {
      const limit = limitOf(b.factor, budget);
      return `(${modelSloBadRatio(k, b.long)} > ${limit} and ${modelSloBadRatio(k, b.short)} > ${limit} and on ${MB} ${modelRequestCount(b.long)} >= ${MIN_REQUESTS_PER_WINDOW})`;
    })
    .join(' or ');
}

const thresholdText = (severity: Severity, budget: number): string =>
  BURN_BANDS.filter((b) => b.severity === severity)
    .map((b) => `${pct(limitOf(b.factor, budget))} over ${b.long} and ${b.short}`)
    .join(', or ');

export const SLO_ALERT: Record<SloKey, string> = {
  ttft: 'LLMTTFTErrorBudgetBurn',
  itl: 'LLMITLErrorBudgetBurn',
  e2e: 'LLME2EErrorBudgetBurn',
  availability: 'LLMAvailabilityErrorBudgetBurn',
};

const model = '{{ $labels.model_name }} ({{ $labels.engine }})';
const value = '{{ $value | humanizePercentage }}';
const SEVERITIES = ['critical', 'warning'] as const;

export function sloAlerts(slo: Slo, alert: AlertBuilder): AlertDoc[] {
  const docs: AlertDoc[] = [];
  for (const h of SLO_HISTOGRAMS) {
    const s = LATENCY_SLO[h];
    const requested = slo[s.field];
    const budget = errorBudget(s.key, slo);
    const elsewhere = objectiveBounds(h, requested).some((b) => b !== requested)
      ? ` (configured ${requested}s; an engine version without a ${requested}s bucket is measured at its next bound below)`
      : '';
    const observations = h === 'itl_seconds' ? 'token intervals' : 'requests';
    for (const severity of SEVERITIES) {
      docs.push(
        alert(
          SLO_ALERT[s.key],
          severity,
          severity === 'critical' ? '2m' : '15m',
          burnExpr(s.key, severity, budget),
          `${s.title} objective: the error budget burns ${severity === 'critical' ? 'fast' : 'steadily'}.`,
          `${value} of ${observations} of ${model} missed the ${s.what} objective of {{ $labels.objective }}s${elsewhere}; the objective allows ${pct(budget)}.`,
          `${severity === 'critical' ? 'Paging' : 'Ticket'}: at this rate the 30-day error budget of the ${s.title} objective runs out early. Open the model's dashboard: queue time and preemptions raise TTFT; large batches, long prompts and GPU contention raise ITL; E2E follows both and the output length. Look for a deploy, a traffic jump or a slow instance (the instance panels of the model).`,
          { value, threshold: thresholdText(severity, budget) },
        ),
      );
    }
  }
  const budget = errorBudget('availability', slo);
  for (const severity of SEVERITIES) {
    docs.push(
      alert(
        SLO_ALERT.availability,
        severity,
        severity === 'critical' ? '2m' : '15m',
        burnExpr('availability', severity, budget),
        `Availability objective: the server fails requests ${severity === 'critical' ? 'fast' : 'steadily'}.`,
        `${value} of the requests of ${model} failed with a server error (HTTP 5xx or finished_reason=error); the objective (${slo.availabilityPercent}% served) allows ${pct(budget)}.`,
        'Client aborts do not count here. Check the server log for the failing requests (out of memory, engine errors, a crashed engine core behind a live HTTP server), the instance panels for the failing instance, and recent deploys.',
        { value, threshold: thresholdText(severity, budget) },
      ),
    );
  }
  return docs;
}
