/**
 * Static checks of a generated stack (no running stack needed): the compose file through the real
 * Compose CLI, promtool check config / check rules / test rules, amtool check-config, and the
 * dashboards (valid JSON, unique uids, every panel on the provisioned datasource, every PromQL
 * parses — by promtool, as recording rules in a scratch file).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { dashboardPanels, templateVariables } from '../probe/dashboard-panels.js';
import { mapLimit } from '../probe/index.js';
import { type QueryWindow, substitute, type VariableValue } from '../probe/grafana-vars.js';
import { type ComposeCli, runCompose } from '../stack/compose-cli.js';
import type { StackDir } from '../stack/stack-dir.js';
import { openTestCache, type TestCache, testRunKey } from './test-cache.js';
import { findTool, type Tool } from './tools.js';
import type { Check } from './types.js';

const ymlIn = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort() : [];

/** The tool's own words, trimmed to the lines that say what is wrong. */
function toolError(out: string): string {
  const lines = out.split('\n').map((l) => l.trim()).filter(Boolean);
  const bad = lines.filter((l) => /FAILED|error|err:|invalid|unmarshal|not found|expected|unknown/i.test(l) && !/^SUCCESS/.test(l));
  return (bad.length ? bad : lines).slice(0, 3).join(' | ').slice(0, 400);
}

/**
 * The cases `promtool test rules` reports failed, one line each: `expr "x:rate" at 10m: expected
 * 2E+00, got 1E+00` or `alert XHigh at 10m: expected 1 alert(s), got 0`. The same in promtool 2.x and
 * 3.x, except that 3.x no longer heads a file's results with "Unit Testing: <file>".
 */
export function testRulesFailures(out: string): string[] {
  const lines = out.split('\n').map((l) => l.trim());
  const failures: string[] = [];
  const values = (l: string | undefined): string[] => [...(l ?? '').matchAll(/\} (\S+?)(?:,|$)/g)].map((m) => m[1]!);
  for (let i = 0; i < lines.length; i++) {
    const expr = /^expr: (".*"), time: ([^,\s]+),?$/.exec(lines[i]!);
    const alert = /^alertname: ([^,]+), time: ([^,\s]+),?$/.exec(lines[i]!);
    if (expr) {
      const exp = lines.slice(i + 1, i + 4).find((l) => l.startsWith('exp:'));
      const got = lines.slice(i + 1, i + 4).find((l) => l.startsWith('got:'));
      const show = (l: string | undefined) => (values(l).length ? values(l).join(', ') : (l ?? '').replace(/^(exp|got):\s*/, '') || 'nothing');
      failures.push(`expr ${expr[1]} at ${expr[2]}: expected ${show(exp)}, got ${show(got)}`);
    } else if (alert) {
      const rest = lines.slice(i + 1);
      const end = rest.findIndex((l) => l === '' || /^(alertname|expr): /.test(l));
      const block = end < 0 ? rest : rest.slice(0, end);
      const gotAt = block.findIndex((l) => l.startsWith('got:'));
      const count = (ls: string[]) => ls.filter((l) => l.startsWith('Labels:')).length;
      failures.push(`alert ${alert[1]} at ${alert[2]}: expected ${count(block.slice(0, gotAt < 0 ? undefined : gotAt))} alert(s), got ${gotAt < 0 ? '?' : count(block.slice(gotAt))}`);
    }
  }
  return failures;
}

/**
 * promtool test rules on every unit-test file; when some fail, each failing file with its failed
 * cases (promtool 3.x names no file in its output, so the files are then run one by one). A file
 * that passed with the same promtool, test and rules before is not run again (test-cache.ts).
 */
async function testRulesCheck(tool: Tool | undefined, stackDir: string, tests: string[], cache: TestCache): Promise<Check> {
  const name = 'promtool test rules';
  const fix = 'an alert no longer behaves as its test expects: fix the rule or the test';
  if (!tool) return toolCheck(tool, name, [], fix);
  const identity = await tool.identity();
  const keys = tests.map((file) => testRunKey(identity, stackDir, file));
  // Largest first (size is a fair guess at promtool's time), so the slowest does not start last.
  const size = (file: string) => statSync(join(stackDir, file)).size;
  const toRun = tests
    .map((file, i) => ({ file, key: keys[i]! }))
    .filter((t) => !cache.passed(t.key))
    .sort((a, b) => size(b.file) - size(a.file));
  // One run per file, as many at once as there are CPUs: the slowest file bounds the wait (the
  // SLO tests), no run of them all has to fit the tool's timeout, and a failure names its file.
  const runs = await mapLimit(toRun, Math.max(1, availableParallelism()), (t) => tool.run(['test', 'rules', t.file]));
  const failed: string[] = [];
  runs.forEach((r, i) => {
    if (r.code === 0) return cache.remember(toRun[i]!.key);
    const out = `${r.stdout}\n${r.stderr}`;
    const cases = testRulesFailures(out);
    const what = cases.length ? `${cases.slice(0, 2).join('; ')}${cases.length > 2 ? ` (+${cases.length - 2} more)` : ''}` : toolError(out) || `exit ${r.code}`;
    failed.push(`${toRun[i]!.file}: ${what}`.slice(0, 300));
  });
  const unchanged = tests.length - toRun.length;
  const reused = unchanged ? `; ${unchanged} of ${tests.length} files unchanged since they passed, not run again` : '';
  if (failed.length === 0) return { group: 'static', name, status: 'pass', detail: `ok (${tool.where}${reused})` };
  const detail = `${failed.slice(0, 4).join(' | ')}${failed.length > 4 ? ` | +${failed.length - 4} more files` : ''}`;
  return { group: 'static', name, status: 'fail', detail, fix };
}

async function toolCheck(tool: Tool | undefined, name: string, args: (string | { host: string })[], fix: string): Promise<Check> {
  if (!tool) return { group: 'static', name, status: 'skip', detail: 'neither a local binary nor Docker to run the image', fix: 'install prometheus/alertmanager (promtool, amtool) or Docker' };
  const r = await tool.run(args);
  if (r.code === 0) return { group: 'static', name, status: 'pass', detail: `ok (${tool.where})` };
  return { group: 'static', name, status: 'fail', detail: toolError(`${r.stdout}\n${r.stderr}`) || `exit ${r.code}`, fix };
}

export interface DashboardFile {
  file: string;
  json: Record<string, unknown>;
}

export function readDashboards(dir: string): { dashboards: DashboardFile[]; errors: Check[] } {
  const d = join(dir, 'grafana', 'dashboards');
  const dashboards: DashboardFile[] = [];
  const errors: Check[] = [];
  if (!existsSync(d)) return { dashboards, errors };
  for (const file of readdirSync(d).filter((f) => f.endsWith('.json')).sort()) {
    try {
      dashboards.push({ file, json: JSON.parse(readFileSync(join(d, file), 'utf8')) as Record<string, unknown> });
    } catch (err) {
      errors.push({ group: 'static', name: `dashboard ${file}`, status: 'fail', detail: `not valid JSON: ${(err as Error).message}`, fix: 'regenerate with --force' });
    }
  }
  return { dashboards, errors };
}

/** uids of the provisioned datasources. */
export function provisionedDatasourceUids(dir: string): string[] {
  const d = join(dir, 'grafana', 'provisioning', 'datasources');
  const uids: string[] = [];
  for (const f of ymlIn(d)) {
    const doc = parseYaml(readFileSync(join(d, f), 'utf8')) as { datasources?: { uid?: string }[] } | null;
    for (const ds of doc?.datasources ?? []) if (ds.uid) uids.push(ds.uid);
  }
  return uids;
}

type Json = Record<string, unknown>;

/** Every datasource reference in a dashboard's panels and their targets, with where it is. */
function datasourceRefs(dashboard: Json): { where: string; uid: string | undefined }[] {
  const out: { where: string; uid: string | undefined }[] = [];
  const walk = (panels: unknown): void => {
    if (!Array.isArray(panels)) return;
    for (const p of panels as Json[]) {
      if (p.type === 'row') {
        walk(p.panels);
        continue;
      }
      const where = `panel ${String(p.id)} "${String(p.title ?? '')}"`;
      const refs = [p.datasource, ...((p.targets as Json[] | undefined) ?? []).map((t) => t.datasource)];
      for (const ds of refs) {
        if (ds === undefined || ds === null) continue;
        const uid = typeof ds === 'string' ? ds : ((ds as Json).uid as string | undefined);
        // Grafana's own pseudo-datasources (annotations, mixed) are not ours to check.
        if (uid === '-- Grafana --' || uid === '-- Mixed --' || uid === '-- Dashboard --' || uid === 'grafana') continue;
        out.push({ where, uid });
      }
      walk(p.panels);
    }
  };
  walk(dashboard.panels);
  return out;
}

/** Concrete stand-ins for template variables, so a query can be parsed without a Grafana. */
function parseVariables(dashboard: Json, datasourceUid: string): Record<string, VariableValue> {
  const out: Record<string, VariableValue> = {};
  for (const v of templateVariables(dashboard)) {
    out[v.name] = v.type === 'datasource' ? { values: [datasourceUid], multi: false } : { values: ['x'], multi: true, all: {} };
  }
  return out;
}

const PARSE_WINDOW: QueryWindow = { rangeSeconds: 3600, stepSeconds: 15, scrapeIntervalSeconds: 15 };

export function dashboardChecks(dir: string): { checks: Check[]; queries: { where: string; expr: string }[] } {
  const { dashboards, errors } = readDashboards(dir);
  const checks: Check[] = [...errors];
  const queries: { where: string; expr: string }[] = [];
  if (dashboards.length === 0 && errors.length === 0) {
    return { checks: [{ group: 'static', name: 'dashboards', status: 'skip', detail: 'no grafana/dashboards/*.json in this stack' }], queries };
  }
  const uids = provisionedDatasourceUids(dir);
  const seen = new Map<string, string>();
  for (const { file, json } of dashboards) {
    const problems: string[] = [];
    const uid = typeof json.uid === 'string' ? json.uid : undefined;
    if (!uid) problems.push('has no uid');
    else if (seen.has(uid)) problems.push(`uid ${uid} is also used by ${seen.get(uid)}`);
    else seen.set(uid, file);
    if (!Array.isArray(json.panels)) problems.push('has no panels array');
    const wrong = datasourceRefs(json).filter((r) => !r.uid || !uids.includes(r.uid));
    for (const r of wrong.slice(0, 3)) problems.push(`${r.where} uses datasource ${JSON.stringify(r.uid)}, not the provisioned ${uids.join(', ') || '(none provisioned)'}`);
    if (wrong.length > 3) problems.push(`and ${wrong.length - 3} more panels on another datasource`);
    const vars = parseVariables(json, uids[0] ?? 'prometheus');
    for (const panel of dashboardPanels(json)) {
      for (const q of panel.queries) queries.push({ where: `${file} panel ${String(panel.panelId)} "${panel.title}" ${q.refId}`, expr: substitute(q.expr, PARSE_WINDOW, vars) });
    }
    checks.push(
      problems.length
        ? { group: 'static', name: `dashboard ${file}`, status: 'fail', detail: problems.join('; '), fix: 'regenerate with --force, or fix the dashboard JSON' }
        : { group: 'static', name: `dashboard ${file}`, status: 'pass', detail: `uid ${uid}, ${dashboardPanels(json).length} panels on datasource ${uids[0]}` },
    );
  }
  return { checks, queries };
}

/** Parses every panel query with promtool by wrapping them as recording rules in a scratch file. */
async function promqlCheck(promtool: Tool | undefined, queries: { where: string; expr: string }[]): Promise<Check> {
  const name = 'dashboard PromQL parses';
  if (queries.length === 0) return { group: 'static', name, status: 'skip', detail: 'no panel queries' };
  if (!promtool) return { group: 'static', name, status: 'skip', detail: 'no promtool (local or in the Prometheus image)', fix: 'install prometheus (promtool) or Docker' };
  const scratch = mkdtempSync(join(tmpdir(), 'cvm-promql-'));
  try {
    const failed: string[] = [];
    // One file per query keeps the error attributable; promtool takes them all in one run.
    const files = queries.map((q, i) => {
      const path = join(scratch, `q${i}.yml`);
      writeFileSync(path, stringify({ groups: [{ name: `q${i}`, rules: [{ record: 'cvm:parse_check', expr: q.expr }] }] }));
      return path;
    });
    const r = await promtool.run(['check', 'rules', ...files.map((host) => ({ host }))]);
    if (r.code === 0) return { group: 'static', name, status: 'pass', detail: `${queries.length} queries parse (${promtool.where})` };
    const out = `${r.stdout}\n${r.stderr}`;
    // Errors go to stderr, each line prefixed with its file: "/tmp/.../q3.yml: 5:15: ... could not parse".
    queries.forEach((q, i) => {
      const tag = `/q${i}.yml:`;
      const errors = out.split('\n').filter((l) => l.includes(tag)).map((l) => l.slice(l.indexOf(tag) + tag.length).trim().replace(/^\d+:\d+: group "q\d+", rule \d+, "cvm:parse_check": /, ''));
      if (errors.length) failed.push(`${q.where}: ${errors.join(' | ')}`);
    });
    return { group: 'static', name, status: 'fail', detail: (failed.length ? failed : [toolError(out)]).slice(0, 3).join(' | '), fix: 'fix the expression in the dashboard JSON (or regenerate with --force)' };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export interface StaticOptions {
  compose?: ComposeCli;
  env: NodeJS.ProcessEnv;
  /** Passing promtool test runs to skip; by default the user's cache (test-cache.ts). */
  testCache?: TestCache;
}

export async function staticChecks(stack: StackDir, opts: StaticOptions): Promise<Check[]> {
  const promtool = findTool('promtool', opts.env, stack.dir, stack.services.prometheus?.image);
  const amtool = findTool('amtool', opts.env, stack.dir, stack.services.alertmanager?.image);
  const promDir = join(stack.dir, 'prometheus');
  const rules = ymlIn(join(promDir, 'rules')).map((f) => `prometheus/rules/${f}`);
  const tests = ymlIn(join(promDir, 'tests')).map((f) => `prometheus/tests/${f}`);
  const { checks: dashChecks, queries } = dashboardChecks(stack.dir);
  // Independent of each other: all at once, reported in this order.
  const checks = await Promise.all([
    composeCheck(stack, opts.compose),
    // An HA pair (--ha) has a second replica's config, checked alike.
    toolCheck(promtool, 'promtool check config', ['check', 'config', 'prometheus/prometheus.yml', ...(existsSync(join(promDir, 'prometheus-2.yml')) ? ['prometheus/prometheus-2.yml'] : [])], 'fix prometheus/prometheus.yml (or prometheus-2.yml) at the line promtool names, or regenerate with --force'),
    rules.length
      ? toolCheck(promtool, 'promtool check rules', ['check', 'rules', ...rules], 'fix the rule file promtool names, or regenerate with --force')
      : ({ group: 'static', name: 'promtool check rules', status: 'warn', detail: 'no rule files in prometheus/rules/', fix: 'regenerate the stack: alerts and recording rules are missing' } satisfies Check),
    ...(tests.length ? [testRulesCheck(promtool, stack.dir, tests, opts.testCache ?? openTestCache(opts.env))] : []),
    toolCheck(amtool, 'amtool check-config', ['check-config', 'alertmanager/alertmanager.yml'], 'fix alertmanager/alertmanager.yml at the field amtool names, or regenerate with --force'),
    promqlCheck(promtool, queries),
  ]);
  const promql = checks.pop()!;
  return [...checks, ...dashChecks, promql];
}

async function composeCheck(stack: StackDir, compose: ComposeCli | undefined): Promise<Check> {
  if (!compose) return { group: 'static', name: 'compose file', status: 'skip', detail: 'Docker Compose is not installed' };
  const r = await runCompose(compose, stack, ['config', '-q'], { timeoutMs: 60_000 });
  return r.code === 0
    ? { group: 'static', name: 'compose file', status: 'pass', detail: `valid for ${compose.command}${compose.prefix.length ? ' compose' : ''} ${compose.version}` }
    : { group: 'static', name: 'compose file', status: 'fail', detail: toolError(r.stderr) || `exit ${r.code}`, fix: 'fix docker-compose.yml (or .env), or regenerate with --force' };
}
