/**
 * Rule health without waiting out long intervals. Prometheus evaluates a group first at an offset
 * within its interval: up to a minute for the SLO windows, five for the 3-day ones. validate does not
 * wait for it: a group Prometheus has not evaluated yet has its rules evaluated now, through the
 * query API, with the checks Prometheus makes of a rule's output: the expression evaluates, and no
 * two series share a label set once the rule's labels are applied. (The panel probe reads what such
 * groups will record in its raw form meanwhile: raw-form.ts.)
 */
import { dashboardPanels, templateVariables } from '../probe/dashboard-panels.js';
import { mapLimit } from '../probe/index.js';
import { metricNames } from '../probe/promql-names.js';

export interface RuleState {
  name: string;
  type: string;
  health: string;
  lastError?: string;
  query?: string;
  labels?: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  file: string;
  interval?: number;
  lastEvaluation?: string;
  rules: RuleState[];
}

export const evaluated = (g: RuleGroup): boolean => g.rules.every((r) => r.health !== 'unknown');

/** Every query a dashboard's panels and query variables run, as written (variables unsubstituted). */
export function dashboardQueries(dashboards: Record<string, unknown>[]): string[] {
  return dashboards.flatMap((d) => [
    ...dashboardPanels(d).flatMap((p) => p.queries.map((q) => q.expr)),
    // label_values(sel, label) and query_result(expr) parse as calls: their selectors are found, and
    // the label's name at most adds a name no rule records.
    ...templateVariables(d).flatMap((v) => (v.type === 'query' && v.query ? [v.query] : [])),
  ]);
}

/** Every metric name a dashboard's panels and query variables select. */
export function dashboardMetricNames(dashboards: Record<string, unknown>[]): Set<string> {
  return new Set(dashboardQueries(dashboards).flatMap((q) => metricNames(q)));
}

/** Whether the panel probe needs this group's output: it records a series some dashboard reads. */
export function readByDashboards(g: RuleGroup, names: Set<string>): boolean {
  return g.rules.some((r) => r.type === 'recording' && names.has(r.name));
}

interface QueryAnswer {
  status: string;
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string> }[] };
}

/** One rule evaluated now: undefined when Prometheus would record or fire it without error. */
async function evaluateRule(prom: string, headers: Record<string, string>, rule: RuleState): Promise<string | undefined> {
  if (!rule.query) return 'Prometheus did not report the rule expression';
  const res = await fetch(`${prom}/api/v1/query`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ query: rule.query }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json()) as QueryAnswer;
  if (body.status !== 'success') return body.error ?? `HTTP ${res.status}`;
  if (body.data?.resultType !== 'vector') return undefined;
  const seen = new Set<string>();
  for (const s of body.data.result) {
    const labels: Record<string, string> = { ...s.metric, ...rule.labels };
    delete labels.__name__;
    if (rule.type === 'alerting') labels.alertname = rule.name;
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
    if (seen.has(key)) return `vector contains metrics with the same labelset after applying ${rule.type === 'alerting' ? 'alert' : 'rule'} labels`;
    seen.add(key);
  }
  return undefined;
}

/** The groups' rules evaluated now; returns them with health ok or err as Prometheus would report. */
export async function evaluateNow(prom: string, headers: Record<string, string>, groups: RuleGroup[]): Promise<RuleGroup[]> {
  const rules = groups.flatMap((g) => g.rules.map((r) => ({ g, r })));
  const errors = await mapLimit(rules, 8, ({ r }) => evaluateRule(prom, headers, r).catch((e: Error) => e.message));
  return groups.map((g) => ({
    ...g,
    rules: g.rules.map((r) => {
      const error = errors[rules.findIndex((x) => x.r === r)];
      return error ? { ...r, health: 'err', lastError: error } : { ...r, health: 'ok' };
    }),
  }));
}
