/**
 * validate's verdict on a panel without data. A fault is something to fix (a query or rule that
 * errs, a target down, an engine that should expose a metric and does not). Not applicable means
 * this stack cannot show it (an engine version before the metric, a feature switched off, no such
 * exporter): the note says which version or flag brings it. Waiting means series exist, or can be
 * fed, but traffic has not produced values yet.
 */
import type { PanelStatus } from './classify.js';
import type { MissingReason } from './reasons.js';
import { metricNames } from './promql-names.js';

export type PanelVerdict = 'fault' | 'not-applicable' | 'waiting-for-traffic';

export interface VerdictInput {
  status: PanelStatus;
  missing?: MissingReason[];
  queries?: { expr?: string; error?: string }[];
}

/** A panel that reads only Prometheus' ALERTS: an empty or zero answer means nothing is firing. */
export const NOTHING_FIRING = 'no alert of this stack is firing now: an empty list is the healthy answer (Watchdog joins a minute after the rules load)';

/** The reason to show for a panel missing series: its first fault, else its most telling reason. */
export function leadingReason(missing: readonly MissingReason[]): MissingReason | undefined {
  return missing.find((m) => m.verdict === 'fault') ?? missing[0];
}

export function panelVerdict(p: VerdictInput): { verdict: PanelVerdict; note?: string } | undefined {
  if (p.status === 'data') return undefined;
  if (p.status !== 'query-error' && p.queries?.length && p.queries.every((q) => q.expr !== undefined && readsOnlyAlerts(q.expr))) return { verdict: 'not-applicable', note: NOTHING_FIRING };
  if (p.status === 'waiting-for-traffic') return { verdict: 'waiting-for-traffic' };
  if (p.status === 'query-error') {
    const error = p.queries?.find((q) => q.error)?.error;
    return { verdict: 'fault', ...(error ? { note: error } : {}) };
  }
  // Missing series: not applicable only when every absent metric is, and some reason says why.
  const lead = leadingReason(p.missing ?? []);
  if (!lead) return { verdict: 'fault', note: 'the queries select no series and read no known metric' };
  return { verdict: lead.verdict, note: lead.detail.includes(lead.metric) ? lead.detail : `${lead.metric}: ${lead.detail}` };
}

function readsOnlyAlerts(expr: string): boolean {
  const names = metricNames(expr);
  return names.length > 0 && names.every((n) => n === 'ALERTS');
}
