/**
 * Live checks against a running stack: Prometheus ready, every target up (else its last error and
 * a likely fix), rules loaded and healthy, Alertmanager discovered and ready, Grafana healthy with
 * its datasource and dashboards, the panel probe, and optionally a test alert's delivery.
 */
import { GrafanaClient } from '../grafana-client/index.js';
import { fetchServerVersion } from '../engines/fetch-metrics.js';
import { type PanelReport, type PanelVerdict, probeDashboards, type ProbeReport, type TargetVersion } from '../probe/index.js';
import { type AmConfig, fireTestAlert } from './alert-test.js';
import { pendingReader, type RawForm } from './raw-form.js';
import { dashboardMetricNames, dashboardQueries, evaluated, evaluateNow, readByDashboards, type RuleGroup } from './rule-health.js';
import { diagnoseScrape } from './scrape-diagnosis.js';
import { getJson, poll, ready } from './poll.js';
import type { Check } from './types.js';

export interface LiveOptions {
  prometheusUrl?: string;
  alertmanagerUrl?: string;
  /** Authentication headers (basic auth of a stack generated with --expose). */
  prometheusHeaders?: Record<string, string>;
  alertmanagerHeaders?: Record<string, string>;
  grafanaUrl?: string;
  grafanaCredentials?: { user: string; password: string };
  /** Dashboards whose panels the probe runs, and which Grafana must have. */
  dashboards: Record<string, unknown>[];
  datasourceUid?: string;
  scrapeIntervalSeconds?: number;
  /** How long to wait for readiness, first scrapes and first rule evaluations. */
  waitMs: number;
  /** Panels waiting for traffic fail instead of warn. */
  strictPanels?: boolean;
  fireTestAlert?: boolean;
  /** The stack has rule files, so wait until Prometheus has loaded and evaluated them. */
  expectRules?: boolean;
  alertmanagerConfig?: AmConfig;
  onProgress?: (line: string) => void;
}

export interface PromTarget {
  labels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  lastScrape: string;
}

export const NEVER = '0001-01-01T00:00:00Z';

/** When Prometheus started (ms), if it says. */
async function startTime(prom: string, headers: Record<string, string>): Promise<number | undefined> {
  const info = await getJson<{ startTime?: string }>(`${prom}/api/v1/status/runtimeinfo`, headers).catch(() => ({}) as { startTime?: string });
  const t = Date.parse(info.startTime ?? '');
  return Number.isNaN(t) ? undefined : t;
}

/**
 * The versions the engine targets report (vLLM /version, SGLang /server_info), asked at the URL
 * Prometheus scrapes: where that does not resolve from here, or needs a token, the version is
 * simply unknown and the probe dates the server by its names as before.
 */
export async function targetVersions(targets: PromTarget[]): Promise<TargetVersion[]> {
  const found = await Promise.all(
    targets.map(async (t) => {
      const job = t.labels.job ?? t.scrapePool;
      const engine = /^vllm(-|$)/.test(job) ? 'vllm' : /^sglang(-|$)/.test(job) ? 'sglang' : undefined;
      if (!engine || t.health !== 'up') return undefined;
      const v = await fetchServerVersion(t.scrapeUrl, engine);
      return v ? { job, instance: t.labels.instance ?? '', version: v.version } : undefined;
    }),
  );
  return found.filter((v): v is TargetVersion => v !== undefined);
}

export function targetChecks(targets: PromTarget[]): Check[] {
  return targets
    .slice()
    .sort((a, b) => `${a.scrapePool}/${a.labels.instance}`.localeCompare(`${b.scrapePool}/${b.labels.instance}`))
    .map((t) => {
      const name = `target ${t.scrapePool}/${t.labels.instance ?? t.scrapeUrl}`;
      if (t.health === 'up') return { group: 'live', name, status: 'pass', detail: `up (${t.scrapeUrl})` } satisfies Check;
      if (t.health === 'unknown' || t.lastScrape.startsWith(NEVER)) return { group: 'live', name, status: 'fail', detail: `not scraped yet (${t.scrapeUrl})`, fix: 'wait one scrape interval and run validate again' } satisfies Check;
      const d = diagnoseScrape({ job: t.scrapePool, instance: t.labels.instance ?? '', scrapeUrl: t.scrapeUrl, lastError: t.lastError });
      return { group: 'live', name, status: 'fail', detail: `down: ${d.cause} — ${t.lastError}`, fix: d.fix } satisfies Check;
    });
}

/** Panel probe results as checks: one summary per dashboard, one row per panel without data. */
export function panelChecks(report: ProbeReport, strict: boolean): Check[] {
  const checks: Check[] = [];
  const byDashboard = new Map<string, typeof report.panels>();
  for (const p of report.panels) byDashboard.set(p.dashboard, [...(byDashboard.get(p.dashboard) ?? []), p]);
  for (const [dashboard, panels] of byDashboard) {
    const count = (v: PanelVerdict) => panels.filter((p) => p.verdict === v).length;
    const [na, waiting, faults] = [count('not-applicable'), count('waiting-for-traffic'), count('fault')];
    const parts = [`${panels.filter((p) => p.status === 'data').length}/${panels.length} panels with data`];
    if (na) parts.push(`${na} not applicable`);
    if (waiting) parts.push(`${waiting} waiting for traffic`);
    if (faults) parts.push(`${faults} failing`);
    const raw = panels.filter((p) => p.queries.some((q) => q.probedAs)).length;
    if (raw) parts.push(`${raw} read in raw form (their recorded series not written yet)`);
    checks.push({ group: 'live', name: `panels ${dashboard}`, status: waiting || faults ? 'warn' : 'pass', detail: parts.join(', ') });
    for (const p of panels.filter((x) => x.verdict)) checks.push(panelCheck(`panel ${dashboard} / ${p.title}`, p, strict));
  }
  return checks;
}

/** Not applicable passes with its note; waiting warns (fails with --strict-panels); a fault fails. */
function panelCheck(name: string, p: PanelReport, strict: boolean): Check {
  if (p.verdict === 'not-applicable') return { group: 'live', name, status: 'pass', detail: `not applicable: ${p.note ?? ''}` };
  if (p.verdict === 'waiting-for-traffic') {
    return { group: 'live', name, status: strict ? 'fail' : 'warn', detail: `waiting for traffic${p.explanation ? `: ${p.explanation}` : ''}`, fix: 'send some requests to the servers, then validate again' };
  }
  const fix = p.missing?.find((m) => m.verdict === 'fault')?.detail;
  return { group: 'live', name, status: 'fail', detail: `${p.status}: ${p.explanation ?? p.note ?? ''}`, ...(fix ? { fix } : {}) };
}

export async function liveChecks(opts: LiveOptions): Promise<{ checks: Check[]; probe?: ProbeReport }> {
  const checks: Check[] = [];
  const startedAt = Date.now();
  const deadline = startedAt + opts.waitMs;
  const progress = opts.onProgress;
  let probe: ProbeReport | undefined;
  let versions: TargetVersion[] = [];
  let rawForm: RawForm | undefined;

  const prom = opts.prometheusUrl;
  const promHeaders = opts.prometheusHeaders ?? {};
  const amHeaders = opts.alertmanagerHeaders ?? {};
  if (!prom) {
    checks.push({ group: 'live', name: 'prometheus ready', status: 'fail', detail: 'no Prometheus URL: the compose file publishes no port for prometheus', fix: 'pass --prometheus-url URL' });
  } else {
    const isReady = await poll(deadline, () => ready(prom, promHeaders), (v) => v, () => `waiting for Prometheus at ${prom} to be ready`, progress);
    checks.push(isReady ? { group: 'live', name: 'prometheus ready', status: 'pass', detail: prom } : { group: 'live', name: 'prometheus ready', status: 'fail', detail: `${prom}/-/ready does not answer 200`, fix: 'start the stack (create-vllm-monitor up) or pass --prometheus-url' });
    if (isReady) {
      const targets = await poll(
        deadline,
        () => getJson<{ activeTargets: PromTarget[] }>(`${prom}/api/v1/targets?state=active`, promHeaders).then((d) => d.activeTargets).catch(() => [] as PromTarget[]),
        // A target seen down must be scraped again after validate began: a service that was still
        // starting when it was last scraped is not a failure.
        (ts) => ts.length > 0 && ts.every((t) => t.health !== 'unknown' && !t.lastScrape.startsWith(NEVER) && (t.health === 'up' || Date.parse(t.lastScrape) > startedAt)),
        (ts) => `waiting for the first scrape of ${ts.filter((t) => t.health === 'unknown' || t.lastScrape.startsWith(NEVER)).length}/${ts.length} targets`,
        progress,
      );
      checks.push(...(targets.length ? targetChecks(targets) : [{ group: 'live', name: 'targets', status: 'fail', detail: 'Prometheus has no targets', fix: 'add servers to prometheus/targets/*.json' } satisfies Check]));
      versions = await targetVersions(targets);
      // A rate needs two samples: right after start, the panels over rates wait for a second
      // scrape (one interval), which a Prometheus that has run a while has long had.
      type Vector = { result: { metric: Record<string, string> }[] };
      const onceOnly = () => getJson<Vector>(`${prom}/api/v1/query?query=${encodeURIComponent('(count_over_time(up[1h]) < 2) and up')}`, promHeaders).then((d) => d.result.length).catch(() => 0);
      if (targets.some((t) => t.health === 'up')) await poll(deadline, onceOnly, (n) => n === 0, (n) => `waiting for a second scrape of ${n}/${targets.length} targets (a rate needs two samples)`, progress);

      // Rule groups Prometheus has not evaluated yet cost no wait (a 5m group need not cost five
      // minutes): their rules are evaluated now (rule-health.ts), and the probe reads what they
      // will record in its raw form (raw-form.ts). Only where a dashboard query over such a group
      // has no raw form does validate wait for the group, as Prometheus runs it.
      const queries = dashboardQueries(opts.dashboards);
      const names = dashboardMetricNames(opts.dashboards);
      // Young: so recently started that a group may have run only before the first scrapes.
      const started = await startTime(prom, promHeaders);
      const young = (gs: RuleGroup[]) => started === undefined || Date.now() - started < (Math.max(0, ...gs.map((g) => g.interval ?? 0)) + 60) * 1000;
      const waitsFor = (gs: RuleGroup[]) => (pendingReader(gs, queries, young(gs)) ? [] : gs.filter((g) => !evaluated(g) && readByDashboards(g, names)));
      const loaded = await poll(
        deadline,
        () => getJson<{ groups: RuleGroup[] }>(`${prom}/api/v1/rules`, promHeaders).then((d) => d.groups).catch(() => [] as RuleGroup[]),
        (gs) => (gs.length > 0 || !opts.expectRules) && waitsFor(gs).length === 0,
        (gs) => (gs.length ? `waiting for the first evaluation of ${waitsFor(gs).length}/${gs.length} rule groups the dashboards read` : 'waiting for Prometheus to load the rule files'),
        progress,
      );
      rawForm = pendingReader(loaded, queries, young(loaded));
      const pending = loaded.filter((g) => !evaluated(g));
      const now = await evaluateNow(prom, promHeaders, pending);
      const groups = loaded.map((g) => now.find((n) => n.name === g.name && n.file === g.file) ?? g);
      const onDemand = pending.length ? ` (${pending.length} not yet evaluated by Prometheus, every ${[...new Set(pending.map((g) => `${g.interval ?? '?'}s`))].join('/')}: their ${pending.reduce((n, g) => n + g.rules.length, 0)} rules evaluated now)` : '';
      const rules = groups.flatMap((g) => g.rules.map((r) => ({ ...r, group: g.name })));
      const broken = rules.filter((r) => r.health === 'err');
      const alerting = rules.filter((r) => r.type === 'alerting').length;
      if (groups.length === 0 && !opts.expectRules) checks.push({ group: 'live', name: 'rules loaded', status: 'warn', detail: 'this stack has no rule files, so Prometheus evaluates no alerts', fix: 'regenerate the stack with this version of create-vllm-monitor' });
      else if (groups.length === 0) checks.push({ group: 'live', name: 'rules loaded', status: 'fail', detail: 'Prometheus has loaded no rule groups', fix: 'check rule_files in prometheus.yml and the files in prometheus/rules/, then POST /-/reload' });
      else if (broken.length) checks.push({ group: 'live', name: 'rules healthy', status: 'fail', detail: `${broken.length} rule(s) fail to evaluate, e.g. ${broken[0]!.name}: ${broken[0]!.lastError ?? ''}`, fix: 'fix the expression in prometheus/rules/ (promtool check rules), then POST /-/reload' });
      else checks.push({ group: 'live', name: 'rules loaded', status: 'pass', detail: `${groups.length} groups, ${rules.length - alerting} recording + ${alerting} alerting rules, all healthy${onDemand}` });

      type AmList = { activeAlertmanagers: { url: string }[]; droppedAlertmanagers: { url: string }[] };
      const ams = await poll(deadline, () => getJson<AmList>(`${prom}/api/v1/alertmanagers`, promHeaders).catch(() => ({ activeAlertmanagers: [], droppedAlertmanagers: [] }) as AmList), (a) => a.activeAlertmanagers.length > 0, () => 'waiting for Prometheus to discover Alertmanager', progress);
      checks.push(
        ams.activeAlertmanagers.length
          ? { group: 'live', name: 'alertmanager discovered', status: 'pass', detail: `Prometheus sends alerts to ${ams.activeAlertmanagers.map((a) => a.url).join(', ')}` }
          : { group: 'live', name: 'alertmanager discovered', status: 'fail', detail: 'Prometheus knows no Alertmanager', fix: 'check alerting.alertmanagers in prometheus/prometheus.yml' },
      );
    }
  }

  const am = opts.alertmanagerUrl;
  let amReady = false;
  if (am) {
    amReady = await poll(deadline, () => ready(am, amHeaders), (v) => v, () => `waiting for Alertmanager at ${am}`, progress);
    checks.push(amReady ? { group: 'live', name: 'alertmanager ready', status: 'pass', detail: am } : { group: 'live', name: 'alertmanager ready', status: 'fail', detail: `${am}/-/ready does not answer 200`, fix: 'start the stack, or pass --alertmanager-url' });
  }

  if (opts.grafanaUrl) checks.push(...(await grafanaChecks(opts, deadline)));

  if (prom && opts.dashboards.length && checks.find((c) => c.name === 'prometheus ready')?.status === 'pass') {
    progress?.(`probing ${opts.dashboards.length} dashboards' panels against Prometheus`);
    try {
      probe = await probeDashboards({
        prometheusUrl: prom,
        prometheusHeaders: promHeaders,
        dashboards: opts.dashboards,
        ...(opts.datasourceUid ? { datasourceUid: opts.datasourceUid } : {}),
        ...(opts.scrapeIntervalSeconds ? { scrapeIntervalSeconds: opts.scrapeIntervalSeconds } : {}),
        ...(versions.length ? { versions } : {}),
        ...(rawForm ? { rawForm } : {}),
      });
      checks.push(...panelChecks(probe, opts.strictPanels ?? false));
    } catch (err) {
      checks.push({ group: 'live', name: 'panel probe', status: 'fail', detail: (err as Error).message });
    }
  }

  if (opts.fireTestAlert) {
    if (!am || !amReady) checks.push({ group: 'live', name: 'test alert', status: 'fail', detail: 'Alertmanager is not reachable', fix: 'start the stack or pass --alertmanager-url' });
    else {
      const r = await fireTestAlert(am, opts.alertmanagerConfig ?? {}, { onProgress: progress, headers: amHeaders });
      checks.push({ group: 'live', name: 'test alert', status: r.delivered ? 'pass' : 'fail', detail: r.detail, ...(r.fix ? { fix: r.fix } : {}) });
    }
  }
  return { checks, ...(probe ? { probe } : {}) };
}

export async function grafanaChecks(opts: LiveOptions, deadline: number): Promise<Check[]> {
  const url = opts.grafanaUrl!;
  const client = new GrafanaClient(url, opts.grafanaCredentials);
  const checks: Check[] = [];
  const health = await poll(deadline, () => client.health().catch((e: Error) => e), (h) => !(h instanceof Error) && h.database === 'ok', () => `waiting for Grafana at ${url}`, opts.onProgress);
  if (health instanceof Error || health.database !== 'ok') {
    checks.push({ group: 'live', name: 'grafana healthy', status: 'fail', detail: health instanceof Error ? health.message : `database: ${health.database}`, fix: 'look at the grafana log: docker compose logs grafana' });
    return checks;
  }
  checks.push({ group: 'live', name: 'grafana healthy', status: 'pass', detail: `Grafana ${health.version ?? ''} at ${url}`.trim() });
  if (opts.datasourceUid) {
    try {
      const ds = await client.datasourceHealth(opts.datasourceUid);
      checks.push(ds.status === 'OK' ? { group: 'live', name: 'grafana datasource', status: 'pass', detail: `${opts.datasourceUid}: ${ds.message}` } : { group: 'live', name: 'grafana datasource', status: 'fail', detail: `${opts.datasourceUid}: ${ds.status} ${ds.message}`, fix: 'Grafana cannot query Prometheus: check the datasource URL in grafana/provisioning/datasources/' });
    } catch (err) {
      const e = err as Error & { status?: number };
      checks.push({ group: 'live', name: 'grafana datasource', status: 'fail', detail: e.message, fix: e.status === 401 ? 'the admin password differs from GRAFANA_ADMIN_PASSWORD in .env (it applies only on first start): reset it, see the stack README' : e.status === 404 ? 'the datasource was not provisioned: check grafana/provisioning/datasources/' : 'check the grafana log' });
    }
  }
  try {
    const hits = await client.dashboards();
    const have = new Set(hits.map((h) => h.uid));
    const want = opts.dashboards.map((d) => ({ uid: String(d.uid ?? ''), title: String(d.title ?? d.uid ?? '') }));
    const missing = want.filter((w) => !have.has(w.uid));
    checks.push(
      missing.length
        ? { group: 'live', name: 'grafana dashboards', status: 'fail', detail: `missing in Grafana: ${missing.map((m) => m.title).join(', ')}`, fix: 'check grafana/provisioning/dashboards/ and the mount of grafana/dashboards; the grafana log names files it rejects' }
        : { group: 'live', name: 'grafana dashboards', status: 'pass', detail: `${want.length} dashboards present` },
    );
  } catch (err) {
    checks.push({ group: 'live', name: 'grafana dashboards', status: 'fail', detail: (err as Error).message, fix: 'check GRAFANA_ADMIN_PASSWORD in .env' });
  }
  return checks;
}
