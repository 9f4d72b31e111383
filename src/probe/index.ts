/**
 * The panel probe: runs every panel query of some dashboards against a Prometheus, with Grafana's
 * variables substituted, and says for each panel whether it shows data, waits for traffic, or
 * misses series, naming the engine metric that is missing and the likely reason.
 */
import { type PanelStatus, type QueryOutcome, countValues, panelStatus, queryStatus, type ValueCounts } from './classify.js';
import { type DashboardPanel, dashboardPanels, templateVariables } from './dashboard-panels.js';
import { type QueryWindow, type VariableValue, promDuration, substitute } from './grafana-vars.js';
import { type Context, explainPanel } from './explain.js';
import { PrometheusClient } from './prom-client.js';
import { type RecordingRule, needsOf } from './rule-graph.js';
import { type Scope, scopeOf } from './scope.js';
import { type PanelVerdict, panelVerdict } from './verdict.js';
import { resolveVariables } from './variables.js';

export type { PanelStatus } from './classify.js';
import type { MissingReason, TargetVersion } from './reasons.js';
export type { MissingReason, MissingReasonKind, TargetVersion } from './reasons.js';
export type { PanelVerdict } from './verdict.js';

export interface ProbeOptions {
  prometheusUrl: string;
  /** Authentication headers for Prometheus (a stack generated with --expose). */
  prometheusHeaders?: Record<string, string>;
  dashboards: Record<string, unknown>[];
  /** Recording rules to walk; by default those Prometheus has loaded (/api/v1/rules). */
  rules?: RecordingRule[];
  /** Dashboard range, seconds (default 300). */
  rangeSeconds?: number;
  /** The datasource's scrape interval, seconds (default 15, Grafana's default). */
  scrapeIntervalSeconds?: number;
  /** Step; default max(scrape interval, range / 200). */
  stepSeconds?: number;
  /** Evaluate each query at one instant instead of over the range. */
  instant?: boolean;
  /** End of the window, unix seconds (default now). */
  time?: number;
  /** Template variable values instead of All / what Prometheus has. */
  variables?: Record<string, string | string[]>;
  /** uid substituted for datasource variables (default "prometheus"). */
  datasourceUid?: string;
  /** Parallel queries (default 8). */
  concurrency?: number;
  /** Versions the engine targets report of themselves (validate asks them), to date their metrics. */
  versions?: readonly TargetVersion[];
  /**
   * Another form of a (substituted) query, where the recorded series it reads may not be written
   * yet: sent instead (`before`), or as a second try when the query has no data (`ifEmpty`).
   * validate passes raw forms, the recording rules inlined (src/validate/raw-form.ts).
   */
  rawForm?: { before: (expr: string) => string | undefined; ifEmpty: (expr: string) => string | undefined };
}

export interface QueryReport {
  refId: string;
  expr: string;
  status: PanelStatus;
  counts?: ValueCounts;
  error?: string;
  /** The query sent instead of `expr`: its raw form, the recorded series not written yet. */
  probedAs?: string;
}

export interface PanelReport {
  dashboard: string;
  dashboardUid: string;
  panelId: number | string;
  title: string;
  row?: string;
  status: PanelStatus;
  queries: QueryReport[];
  /** For panels without data: the recorded series and raw metrics the queries depend on. */
  needs?: { recorded: string[]; raw: { metric: string; present: boolean }[] };
  /** For panels without data: why each absent raw metric is absent, most telling first. */
  missing?: MissingReason[];
  /** One line for people: the most likely reason, or what the panel waits for. */
  explanation?: string;
  /** Why the normalised series it reads may legitimately be absent (from the series contract). */
  optional?: { series: string; reason: string }[];
  /** For panels without data: a fault, not applicable to this stack, or waiting for traffic. */
  verdict?: PanelVerdict;
  /** What the verdict rests on: the fault, or the version or flag that would bring the panel. */
  note?: string;
}

export interface ProbeReport {
  prometheusUrl: string;
  window: QueryWindow & { time: number; instant: boolean };
  variables: Record<string, Record<string, string[] | 'All'>>;
  panels: PanelReport[];
  summary: Record<PanelStatus, number>;
}

export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function shownVariables(vars: Record<string, VariableValue>): Record<string, string[] | 'All'> {
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v.all ? 'All' : v.values]));
}

/**
 * Counters that move with every served request, in every engine generation and on a gateway (the
 * scrape stores a gateway's or router's renamed engine names in the engines' own form).
 */
const TRAFFIC_COUNTERS = ['vllm:request_success_total', 'vllm:generation_tokens_total', 'sglang:num_requests_total', 'sglang:generation_tokens_total', 'smg_router_requests_total', 'smg_http_responses_total'];

export async function probeDashboards(opts: ProbeOptions): Promise<ProbeReport> {
  const client = new PrometheusClient(opts.prometheusUrl, undefined, opts.prometheusHeaders);
  // Now to the millisecond: a second floored off can miss what the latest rule evaluation wrote.
  const time = opts.time ?? Date.now() / 1000;
  const rangeSeconds = opts.rangeSeconds ?? 300;
  const scrapeIntervalSeconds = opts.scrapeIntervalSeconds ?? 15;
  const stepSeconds = opts.stepSeconds ?? Math.max(scrapeIntervalSeconds, Math.ceil(rangeSeconds / 200));
  const window: QueryWindow = { rangeSeconds, stepSeconds, scrapeIntervalSeconds };
  const instant = opts.instant ?? false;

  const variables: ProbeReport['variables'] = {};
  const work: { panel: DashboardPanel; exprs: string[]; scope: Scope }[] = [];
  for (const dashboard of opts.dashboards) {
    const vars = await resolveVariables(templateVariables(dashboard), client, {
      datasourceUid: opts.datasourceUid ?? 'prometheus',
      window,
      time,
      ...(opts.variables ? { overrides: opts.variables } : {}),
    });
    const panels = dashboardPanels(dashboard);
    variables[String(dashboard.uid ?? dashboard.title ?? Object.keys(variables).length)] = shownVariables(vars);
    const scope = scopeOf(vars, window);
    for (const panel of panels) work.push({ panel, exprs: panel.queries.map((q) => substitute(q.expr, window, vars)), scope });
  }

  const flat = work.flatMap((w, wi) => w.exprs.map((expr, qi) => ({ wi, qi, expr, sent: opts.rawForm?.before(expr) ?? expr, instant: instant || w.panel.queries[qi]!.instant })));
  const run = async (q: (typeof flat)[number]): Promise<QueryOutcome> => {
    try {
      const result = q.instant ? await client.query(q.sent, time) : await client.queryRange(q.sent, time - rangeSeconds, time, stepSeconds);
      return { ok: true, counts: countValues(result) };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  };
  const outcomes = await mapLimit(flat, opts.concurrency ?? 8, run);
  const retries = flat.flatMap((q, i) => {
    const other = queryStatus(outcomes[i]!) !== 'data' ? opts.rawForm?.ifEmpty(q.expr) : undefined;
    return other && other !== q.sent ? [{ i, q: { ...q, sent: other } }] : [];
  });
  const retried = await mapLimit(retries, opts.concurrency ?? 8, (r) => run(r.q));
  // The raw form's answer counts where it has data; otherwise the query as written answers.
  retries.forEach((r, k) => {
    if (queryStatus(retried[k]!) === 'data') [flat[r.i], outcomes[r.i]] = [r.q, retried[k]!];
  });

  const panels: PanelReport[] = work.map((w, wi) => {
    const mine = flat.map((q, i) => ({ q, o: outcomes[i]! })).filter((x) => x.q.wi === wi);
    const queries: QueryReport[] = mine.map(({ q, o }) => {
      const r: QueryReport = { refId: w.panel.queries[q.qi]!.refId, expr: q.expr, status: queryStatus(o) };
      if (q.sent !== q.expr) r.probedAs = q.sent;
      if (o.ok) r.counts = o.counts;
      else r.error = o.error;
      return r;
    });
    const report: PanelReport = {
      dashboard: w.panel.dashboardTitle,
      dashboardUid: w.panel.dashboardUid,
      panelId: w.panel.panelId,
      title: w.panel.title,
      status: panelStatus(mine.map((x) => x.o)),
      queries,
    };
    if (w.panel.row !== undefined) report.row = w.panel.row;
    return report;
  });

  // Zero is a real value while requests are being served (no preemptions, no SLO misses); it
  // means "waiting for traffic" only when nothing is being requested of the selected targets.
  const zeroOnly = panels.filter((p) => p.status === 'waiting-for-traffic' && p.queries.some((q) => (q.counts?.zero ?? 0) > 0));
  const traffic = new Map<string, boolean>();
  for (const p of zeroOnly) {
    const key = work[panels.indexOf(p)]!.scope.matchers.join(',');
    if (!traffic.has(key)) {
      // One increase() per counter: over a {__name__=~"a|b"} selector, Prometheus 2.x rejects
      // series of different counters that share their other labels once the name is dropped.
      const range = promDuration(Math.max(rangeSeconds, 4 * scrapeIntervalSeconds));
      const anyIncrease = TRAFFIC_COUNTERS.map((name) => `(sum(increase(${name}${key ? `{${key}}` : ''}[${range}])) > 0)`).join(' or ');
      const r = await client.query(anyIncrease, time);
      traffic.set(key, r.series.length > 0);
    }
    if (traffic.get(key)) {
      p.status = 'data';
      p.explanation = 'all values are zero while requests are being served';
    }
  }

  const unexplained = panels.filter((p) => p.status === 'missing-series' || p.status === 'waiting-for-traffic');
  if (unexplained.length > 0) {
    const [rules, allNames, targets] = await Promise.all([
      opts.rules
        ? Promise.resolve(opts.rules)
        : client.ruleGroups().then((gs) => gs.flatMap((g) => g.rules.filter((r) => r.type === 'recording').map((r) => ({ record: r.name, expr: r.query, ...(r.labels ? { labels: r.labels } : {}) })))),
      client.metricNames().then((n) => new Set(n)),
      client.targets(),
    ]);
    // Which raw metrics exist for each selection of targets, one query per distinct selection.
    const items = unexplained.map((p) => {
      const w = work[panels.indexOf(p)]!;
      return { p, w, needs: w.exprs.flatMap((e) => needsOf(e, rules)) };
    });
    const gpuExporter = targets.some((t) => /^gpu-/.test(t.labels.job ?? t.scrapePool));
    const presentByScope = new Map<string, Set<string>>();
    for (const key of new Set(items.map((x) => x.w.scope.matchers.join(',')))) {
      if (!key) {
        presentByScope.set(key, allNames);
        continue;
      }
      const found = new Set<string>();
      const r = await client.query(`count by (__name__) ({${key}})`, time);
      for (const s of r.series) if (s.metric.__name__) found.add(s.metric.__name__);
      presentByScope.set(key, found);
    }
    for (const { p, w, needs } of items) {
      const scoped = targets.filter((t) => (!w.scope.instance || w.scope.instance.test(t.labels.instance ?? '')) && (!w.scope.job || w.scope.job.test(t.labels.job ?? '')));
      const ctx: Context = { rules, present: presentByScope.get(w.scope.matchers.join(','))!, targets: scoped, scoped: w.scope.matchers.length > 0, gpuExporter, ...(opts.versions ? { versions: opts.versions } : {}) };
      explainPanel(p, w.exprs, needs, ctx);
    }
  }

  for (const p of panels) Object.assign(p, panelVerdict(p));
  const summary: Record<PanelStatus, number> = { data: 0, 'waiting-for-traffic': 0, 'missing-series': 0, 'query-error': 0 };
  for (const p of panels) summary[p.status]++;
  return { prometheusUrl: opts.prometheusUrl, window: { ...window, time, instant }, variables, panels, summary };
}
