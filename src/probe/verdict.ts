/**
 * validate's verdict on a panel without data. A fault is something to fix (a query or rule that
 * errs, a target down, an engine that should expose a metric and does not). Not applicable means
 * this stack cannot show it (an engine version before the metric, a feature switched off, no such
 * exporter): the note says which version or flag brings it. Waiting means series exist, or can be
 * fed, but traffic has not produced values yet.
 */
import type { PanelStatus } from './classify.js';
import type { MissingReason } from './reasons.js';

export type PanelVerdict = 'fault' | 'not-applicable' | 'waiting-for-traffic';

export interface VerdictInput {
  status: PanelStatus;
  missing?: MissingReason[];
  queries?: { error?: string }[];
}

/** The reason to show for a panel missing series: its first fault, else its most telling reason. */
export function leadingReason(missing: readonly MissingReason[]): MissingReason | undefined {
  return missing.find((m) => m.verdict === 'fault') ?? missing[0];
}

export function panelVerdict(p: VerdictInput): { verdict: PanelVerdict; note?: string } | undefined {
  if (p.status === 'data') return undefined;
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
