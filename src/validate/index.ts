/**
 * validate: static checks of a stack directory, then live checks of the running stack (or of the
 * URLs given). Exit status 0 only when no check failed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ComposeCli } from '../stack/compose-cli.js';
import { COMPOSE_FILE, loadStackDir, type StackDir, stackUrls } from '../stack/stack-dir.js';
import { serviceEndpoint, stackAccess } from '../stack/access.js';
import type { AmConfig } from './alert-test.js';
import { durationSeconds } from './alert-test.js';
import { liveChecks } from './live.js';
import { haChecks, type HaOptions } from './ha.js';
import { HA_ALERTMANAGER, HA_PROMETHEUS } from '../config/ha.js';
import { provisionedDatasourceUids, readDashboards, staticChecks } from './static.js';
import { type Check, reportOk, type ValidateReport } from './types.js';

export interface ValidateOptions {
  dir?: string;
  prometheusUrl?: string;
  alertmanagerUrl?: string;
  grafanaUrl?: string;
  fireTestAlert?: boolean;
  staticOnly?: boolean;
  liveOnly?: boolean;
  strictPanels?: boolean;
  waitMs?: number;
  compose?: ComposeCli;
  env: NodeJS.ProcessEnv;
  onProgress?: (line: string) => void;
}

function readYaml<T>(path: string): T | undefined {
  try {
    return parseYaml(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** A stack generated with --ha: its compose file runs prometheus-2 (or alertmanager-2). */
function isHaStack(stack: StackDir): boolean {
  return Boolean(stack.services[HA_PROMETHEUS[1]] ?? stack.services[HA_ALERTMANAGER[1]]);
}

function haInstances(stack: StackDir, waitMs: number, onProgress?: (l: string) => void): HaOptions {
  const instance = (name: string, port: number) => {
    const e = serviceEndpoint(stack, name, port);
    return { name, ...(e ? { url: e.url } : {}), headers: e?.headers ?? {} };
  };
  return {
    prometheus: HA_PROMETHEUS.map((n) => instance(n, 9090)),
    alertmanagers: HA_ALERTMANAGER.map((n) => instance(n, 9093)),
    waitMs,
    ...(onProgress ? { onProgress } : {}),
  };
}

export async function validate(opts: ValidateOptions): Promise<ValidateReport> {
  const checks: Check[] = [];
  const stack: StackDir | undefined = opts.dir && existsSync(join(opts.dir, COMPOSE_FILE)) ? loadStackDir(opts.dir) : undefined;

  if (stack && !opts.liveOnly) {
    opts.onProgress?.('static checks: compose, promtool, amtool, dashboards');
    checks.push(...(await staticChecks(stack, { ...(opts.compose ? { compose: opts.compose } : {}), env: opts.env })));
  }
  if (opts.staticOnly) return { ok: reportOk(checks), checks };

  const urls = stack ? stackUrls(stack) : {};
  const access = stack ? stackAccess(stack) : {};
  const grafanaInStack = stack ? Boolean(stack.services.grafana) : false;
  const grafanaUrl = opts.grafanaUrl ?? (grafanaInStack ? urls.grafana : undefined);
  if (stack && !grafanaInStack && !opts.grafanaUrl) {
    checks.push({ group: 'live', name: 'grafana', status: 'skip', detail: 'Grafana is not part of this stack (generated with --no-grafana); its dashboards were probed against Prometheus instead' });
  }
  const dashboards = stack ? readDashboards(stack.dir).dashboards.map((d) => d.json) : [];
  const prometheusYml = stack ? readYaml<{ global?: { scrape_interval?: string } }>(join(stack.dir, 'prometheus', 'prometheus.yml')) : undefined;
  const scrape = prometheusYml?.global?.scrape_interval;
  const password = access.grafana?.credentials?.password ?? opts.env.GRAFANA_ADMIN_PASSWORD;
  const datasourceUid = stack ? provisionedDatasourceUids(stack.dir)[0] : undefined;
  const alertmanagerConfig = stack ? readYaml<AmConfig>(join(stack.dir, 'alertmanager', 'alertmanager.yml')) : undefined;

  const prometheusUrl = opts.prometheusUrl ?? urls.prometheus;
  const alertmanagerUrl = opts.alertmanagerUrl ?? urls.alertmanager;
  const live = await liveChecks({
    ...(prometheusUrl ? { prometheusUrl } : {}),
    ...(alertmanagerUrl ? { alertmanagerUrl } : {}),
    // The stack's credentials go only to the stack's own URLs, never to a --prometheus-url given instead.
    ...(access.prometheus && prometheusUrl === access.prometheus.url ? { prometheusHeaders: access.prometheus.headers } : {}),
    ...(access.alertmanager && alertmanagerUrl === access.alertmanager.url ? { alertmanagerHeaders: access.alertmanager.headers } : {}),
    ...(grafanaUrl ? { grafanaUrl } : {}),
    ...(password ? { grafanaCredentials: { user: opts.env.GRAFANA_ADMIN_USER ?? 'admin', password } } : {}),
    dashboards,
    ...(datasourceUid ? { datasourceUid } : {}),
    ...(scrape ? { scrapeIntervalSeconds: durationSeconds(scrape) } : {}),
    waitMs: opts.waitMs ?? 120_000,
    strictPanels: opts.strictPanels ?? false,
    fireTestAlert: opts.fireTestAlert ?? false,
    expectRules: stack ? existsSync(join(stack.dir, 'prometheus', 'rules')) && readdirSync(join(stack.dir, 'prometheus', 'rules')).some((f) => /\.ya?ml$/.test(f)) : false,
    ...(alertmanagerConfig ? { alertmanagerConfig } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  checks.push(...live.checks);
  if (stack && isHaStack(stack)) checks.push(...(await haChecks(haInstances(stack, opts.waitMs ?? 120_000, opts.onProgress))));
  const report: ValidateReport = { ok: reportOk(checks), checks };
  if (live.probe) report.panels = live.probe.panels.map((p) => ({ dashboard: p.dashboard, title: p.title, status: p.status, ...(p.verdict ? { verdict: p.verdict } : {}), ...(p.note ? { note: p.note } : {}), ...(p.explanation ? { explanation: p.explanation } : {}) }));
  return report;
}
