/**
 * Classifying query results. A panel shows data when some query returns a finite, non-zero value;
 * it is waiting for traffic when series exist but every value is zero or NaN (rates of untouched
 * counters, histogram_quantile over zero rates); it is missing series when no query returns any.
 */
import type { QueryResult } from './prom-client.js';

export type PanelStatus = 'data' | 'waiting-for-traffic' | 'missing-series' | 'query-error';

export interface ValueCounts {
  series: number;
  /** Finite, non-zero points. */
  nonZero: number;
  zero: number;
  /** NaN or ±Inf points. */
  nan: number;
}

export function countValues(result: QueryResult): ValueCounts {
  const counts: ValueCounts = { series: result.series.length, nonZero: 0, zero: 0, nan: 0 };
  for (const s of result.series) {
    const points = s.values ?? (s.value ? [s.value] : []);
    for (const [, raw] of points) {
      const v = Number(raw);
      if (!Number.isFinite(v)) counts.nan++;
      else if (v === 0) counts.zero++;
      else counts.nonZero++;
    }
  }
  return counts;
}

export type QueryOutcome = { ok: true; counts: ValueCounts } | { ok: false; error: string };

export function queryStatus(o: QueryOutcome): PanelStatus {
  if (!o.ok) return 'query-error';
  if (o.counts.nonZero > 0) return 'data';
  if (o.counts.series > 0) return 'waiting-for-traffic';
  return 'missing-series';
}

/**
 * A panel's status from its queries': any error is surfaced (a broken query is a bug, not a state
 * of the engine); otherwise the best status of any query wins, since optional legends may be empty.
 */
export function panelStatus(outcomes: QueryOutcome[]): PanelStatus {
  const statuses = outcomes.map(queryStatus);
  if (statuses.includes('query-error')) return 'query-error';
  if (statuses.includes('data')) return 'data';
  if (statuses.includes('waiting-for-traffic')) return 'waiting-for-traffic';
  return 'missing-series';
}
