/**
 * `import` against a RECORDED CONTRACT of Grafana's HTTP API (test/support/grafana-contract.ts), not
 * a running Grafana (none can be obtained here). Every request the importer makes is checked
 * against the contract (endpoint, authentication, body), and what Grafana would hold afterwards —
 * folder, dashboards by uid and version, every datasource reference — is asserted. The Prometheus
 * side (--prometheus-url) is a real Prometheus binary, with and without the stack's rules.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { metricNames, promqlError } from '../../src/probe/promql-names.js';
import { runCli } from '../support/cli.js';
import { type ContractGrafana, datasource, startContractGrafana } from '../support/grafana-contract.js';
import { renderToDir } from '../support/stacks.js';
import { PROMETHEUS_RELEASES } from '../support/versions.js';
import { freePort, type RunningPrometheus, startPrometheus } from '../integration/support/prometheus.js';
import { recordingDefinitions } from '../../src/rules/inline.js';
import type { RuleFile } from '../../src/rules/types.js';

const TOKEN = 'glsa_contractTokenValue_0123456789abcdef';
const DATASOURCES = [datasource(1, 'Loki', 'loki'), datasource(2, 'Fleet Prometheus', 'prometheus', true), datasource(3, 'Lab Prometheus', 'prometheus')];

let stackDir: string;
let dashboardUids: string[];

beforeAll(async () => {
  ({ dir: stackDir } = await renderToDir({ targets: [{ name: 'llama', engine: 'vllm', url: 'http://10.0.0.5:8000' }], gpu: 'dcgm' }, 'import-contract'));
  dashboardUids = readdirSync(join(stackDir, 'grafana/dashboards')).map((f) => (JSON.parse(readFileSync(join(stackDir, 'grafana/dashboards', f), 'utf8')) as { uid: string }).uid).sort();
});
afterAll(() => rmSync(stackDir, { recursive: true, force: true }));

/** Every datasource reference in a dashboard: panels, targets, variables, annotations. */
function datasourceUids(d: Record<string, unknown>): string[] {
  const out: string[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      const ds = o.datasource as { type?: string; uid?: string } | undefined;
      if (ds && typeof ds === 'object' && ds.type === 'prometheus') out.push(String(ds.uid));
      Object.values(o).forEach(walk);
    }
  };
  walk(d);
  return out;
}

function exprs(d: Record<string, unknown>): string[] {
  const out: string[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (x && typeof x === 'object') {
      for (const [k, v] of Object.entries(x)) {
        if (k === 'expr' && typeof v === 'string') out.push(v);
        else walk(v);
      }
    }
  };
  walk(d.panels);
  walk(d.annotations);
  return out;
}

const importArgs = (grafana: ContractGrafana, ...extra: string[]) => ['import', stackDir, '--grafana-url', grafana.url, ...extra];

describe('import against the recorded Grafana HTTP API contract', () => {
  let grafana: ContractGrafana;
  beforeAll(async () => {
    grafana = await startContractGrafana({ token: TOKEN, user: 'ops', password: 'ops-password-123', datasources: DATASOURCES });
  });
  afterAll(() => grafana.close());

  it('uploads every dashboard into a new folder, pointed at the default Prometheus datasource, with contract-conforming requests only', async () => {
    const run = await runCli(importArgs(grafana, '--folder', 'Inference fleet'), { env: { GRAFANA_TOKEN: TOKEN } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(grafana.violations).toEqual([]);
    expect([...grafana.folders.values()]).toEqual([{ uid: 'cvm-inference-fleet', title: 'Inference fleet' }]);
    expect([...grafana.dashboards.keys()].sort()).toEqual(dashboardUids);
    for (const { dashboard, folderUid, version } of grafana.dashboards.values()) {
      expect(folderUid).toBe('cvm-inference-fleet');
      expect(version).toBe(1);
      expect(dashboard.id).toBeNull();
      const refs = datasourceUids(dashboard);
      expect(refs.length).toBeGreaterThan(0);
      expect(new Set(refs)).toEqual(new Set([DATASOURCES[1]!.uid]));
    }
    for (const r of grafana.requests) expect(r.authorization).toBe(`Bearer ${TOKEN}`);
    expect(`${run.stdout}${run.stderr}`).not.toContain(TOKEN);
    expect(run.stdout).toContain('dashboards in folder "Inference fleet" (created)');
  });

  it('a second import replaces the same uids (version 2) in the existing folder, creating nothing new', async () => {
    const before = grafana.requests.length;
    const run = await runCli(importArgs(grafana, '--folder', 'Inference fleet', '--grafana-token', TOKEN), { env: {} });
    expect(run.code).toBe(0);
    expect(grafana.violations).toEqual([]);
    const made = grafana.requests.slice(before);
    expect(made.filter((r) => r.path === '/api/folders' && r.method === 'POST')).toEqual([]);
    expect(made.filter((r) => r.path === '/api/dashboards/db').length).toBe(dashboardUids.length);
    expect([...grafana.dashboards.values()].map((d) => d.version)).toEqual(dashboardUids.map(() => 2));
    expect(`${run.stdout}${run.stderr}`).not.toContain(TOKEN);
  });

  it('--datasource picks by name or uid; a wrong one lists the Prometheus datasources it has, exit 1, nothing saved', async () => {
    const byName = await runCli(importArgs(grafana, '--datasource', 'Lab Prometheus'), { env: { GRAFANA_TOKEN: TOKEN } });
    expect(byName.code).toBe(0);
    for (const { dashboard } of grafana.dashboards.values()) expect(new Set(datasourceUids(dashboard))).toEqual(new Set([DATASOURCES[2]!.uid]));

    const saves = grafana.requests.filter((r) => r.path === '/api/dashboards/db').length;
    const wrong = await runCli(importArgs(grafana, '--datasource', 'Loki'), { env: { GRAFANA_TOKEN: TOKEN } });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.split('\n')).toHaveLength(1);
    expect(wrong.stderr).toMatch(/^error: --datasource: "Loki" is a loki datasource, not Prometheus — use one of its Prometheus datasources: Fleet Prometheus \(uid prom-fleet-prometheus, default\), Lab Prometheus \(uid prom-lab-prometheus\)$/);
    const missing = await runCli(importArgs(grafana, '--datasource', 'nope'), { env: { GRAFANA_TOKEN: TOKEN } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Grafana has no datasource "nope" — use one of its Prometheus datasources: Fleet Prometheus/);
    expect(grafana.requests.filter((r) => r.path === '/api/dashboards/db').length).toBe(saves);
  });

  it('basic auth with --grafana-user and GRAFANA_PASSWORD works; the password is never printed', async () => {
    const run = await runCli(importArgs(grafana, '--grafana-user', 'ops', '--folder', 'Basic'), { env: { GRAFANA_PASSWORD: 'ops-password-123' } });
    expect(run.code).toBe(0);
    expect(grafana.requests.at(-1)!.authorization).toBe(`Basic ${Buffer.from('ops:ops-password-123').toString('base64')}`);
    expect(`${run.stdout}${run.stderr}`).not.toContain('ops-password-123');
    expect(grafana.violations).toEqual([]);
  });

  it('a bad token, a bad password: one line naming the flag, Grafana\'s reason, exit 1, the secret not in it', async () => {
    const token = await runCli(importArgs(grafana), { env: { GRAFANA_TOKEN: 'glsa_wrong_secret_value' } });
    expect(token.code).toBe(1);
    expect(token.stderr.split('\n')).toHaveLength(1);
    expect(token.stderr).toMatch(/^error: --grafana-token: Grafana refused the credentials: GET \/api\/datasources: Invalid API key \(HTTP 401\) — /);
    expect(token.stderr).not.toContain('glsa_wrong_secret_value');
    const password = await runCli(importArgs(grafana, '--grafana-user', 'ops', '--grafana-password', 'not-it-987'), { env: {} });
    expect(password.code).toBe(1);
    expect(password.stderr).toMatch(/^error: --grafana-user: Grafana refused the credentials: .*Invalid username or password/);
    expect(password.stderr).not.toContain('not-it-987');
  });

  it('an account without write permission: one line saying which role it needs', async () => {
    const viewer = await startContractGrafana({ token: TOKEN, datasources: DATASOURCES, role: 'Viewer' });
    try {
      const run = await runCli(importArgs(viewer), { env: { GRAFANA_TOKEN: TOKEN } });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^error: --grafana-token: the account may not do this: .*HTTP 403.* — give it the Editor role/);
      expect(viewer.dashboards.size).toBe(0);
    } finally {
      await viewer.close();
    }
  });
});

describe('import: what is not Grafana, or not reachable, or not given', () => {
  it('a closed port: one line naming --grafana-url, exit 1', async () => {
    const port = await freePort();
    const run = await runCli(['import', stackDir, '--grafana-url', `http://127.0.0.1:${port}`], { env: { GRAFANA_TOKEN: TOKEN } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: --grafana-url: no answer from http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\) — /);
  });

  const newest = PROMETHEUS_RELEASES.at(-1)!;
  const notGrafana = 'a server that is not Grafana (a real Prometheus): one line, exit 1';
  if (!newest.path('prometheus')) it.skip(`${notGrafana}: needs ${newest.missing('prometheus')}`, () => {});
  else it(notGrafana, async () => {
    const binary = newest.path('prometheus')!;
    const dir = mkdtempSync(join(tmpdir(), 'cvm-notgrafana-'));
    writeFileSync(join(dir, 'prometheus.yml'), stringify({ global: { scrape_interval: '15s' } }));
    const prom = await startPrometheus({ binary, configFile: join(dir, 'prometheus.yml') });
    try {
      const run = await runCli(['import', stackDir, '--grafana-url', prom.url], { env: { GRAFANA_TOKEN: TOKEN } });
      expect(run.code).toBe(1);
      expect(run.stderr.split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/^error: --grafana-url: .* does not answer like Grafana/);
    } finally {
      await prom.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bad usage: no URL, no credentials, both token and user, not a stack — exit 2, one line each', async () => {
    const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
      [['import', stackDir], { GRAFANA_TOKEN: TOKEN }, /^error: --grafana-url: is required/],
      [['import', stackDir, '--grafana-url', 'http://127.0.0.1:1'], {}, /^error: --grafana-token: no credentials given/],
      [['import', stackDir, '--grafana-url', 'http://127.0.0.1:1', '--grafana-user', 'a'], { GRAFANA_TOKEN: TOKEN }, /^error: --grafana-user: and a token/],
      [['import', tmpdir(), '--grafana-url', 'http://127.0.0.1:1'], { GRAFANA_TOKEN: TOKEN }, /^error: dir: .* is not a stack generated by create-vllm-monitor/],
      [['import', stackDir, '--grafana-url', 'ftp://x'], { GRAFANA_TOKEN: TOKEN }, /^error: --grafana-url: "ftp:\/\/x" is not an http\(s\) URL/],
    ];
    for (const [argv, env, want] of cases) {
      const run = await runCli(argv, { env });
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.stderr.split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(want);
    }
  });
});

const LATEST = PROMETHEUS_RELEASES.at(-1)!;
const PROMETHEUS = LATEST.path('prometheus');
const PROMTOOL = LATEST.path('promtool');

describe(`import --prometheus-url against real ${LATEST.name}`, () => {
  if (!PROMETHEUS || !PROMTOOL) {
    // Reported as skipped, with the reason (under CI=true path() throws instead).
    it.skip(`needs ${LATEST.missing(!PROMETHEUS ? 'prometheus' : 'promtool')}`, () => {});
    return;
  }
  let grafana: ContractGrafana;
  let bare: RunningPrometheus;
  let withRules: RunningPrometheus;
  const outDir = join(tmpdir(), `cvm-rules-out-${process.pid}`);

  beforeAll(async () => {
    grafana = await startContractGrafana({ token: TOKEN, datasources: DATASOURCES });
    mkdirSync(outDir + '-bare', { recursive: true });
    writeFileSync(join(outDir + '-bare', 'prometheus.yml'), stringify({ global: { scrape_interval: '15s' } }));
    bare = await startPrometheus({ binary: PROMETHEUS!, configFile: join(outDir + '-bare', 'prometheus.yml') });
    // The stack's own prometheus.yml loads its rules (targets unreachable here: the rules load regardless).
    withRules = await startPrometheus({ binary: PROMETHEUS!, configFile: join(stackDir, 'prometheus/prometheus.yml') });
  }, 60_000);
  afterAll(async () => {
    await grafana?.close();
    await bare?.stop();
    await withRules?.stop();
    rmSync(outDir, { recursive: true, force: true });
    rmSync(outDir + '-bare', { recursive: true, force: true });
  });

  it('a Prometheus with the stack\'s rules: says so and imports the recorded form', async () => {
    const run = await runCli(importArgs(grafana, '--prometheus-url', withRules.url), { env: { GRAFANA_TOKEN: TOKEN } });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/records all \d+ series the dashboards read/);
  });

  it('a Prometheus without them: one line and exit 1, nothing imported, unless --rules-out or --raw', async () => {
    const saves = () => grafana.requests.filter((r) => r.path === '/api/dashboards/db').length;
    const before = saves();
    const run = await runCli(importArgs(grafana, '--prometheus-url', bare.url), { env: { GRAFANA_TOKEN: TOKEN } });
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^error: --prometheus-url: .* has no rule for \d+ of the \d+ recorded series the dashboards read \(e\.g\. [a-z]+:.*\) — pass --rules-out DIR .* or --raw/);
    expect(saves()).toBe(before);
  });

  it('--rules-out writes the rule files and their promtool tests, which promtool accepts', async () => {
    const run = await runCli(importArgs(grafana, '--prometheus-url', bare.url, '--rules-out', outDir), { env: { GRAFANA_TOKEN: TOKEN } });
    expect(run.code).toBe(0);
    const rules = readdirSync(join(outDir, 'rules'));
    expect(rules).toEqual(readdirSync(join(stackDir, 'prometheus/rules')));
    expect(readdirSync(join(outDir, 'tests'))).toEqual(readdirSync(join(stackDir, 'prometheus/tests')));
    const check = spawnSync(PROMTOOL!, ['check', 'rules', ...rules.map((r) => join(outDir, 'rules', r))], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    // One test file, run for real from where it was written (its rule_files are relative).
    const test = spawnSync(PROMTOOL!, ['test', 'rules', 'llm-vllm.test.yml'], { cwd: join(outDir, 'tests'), encoding: 'utf8' });
    expect(test.status, test.stdout + test.stderr).toBe(0);
    // Not empty any more: a second run refuses to write over it.
    const again = await runCli(importArgs(grafana, '--prometheus-url', bare.url, '--rules-out', outDir), { env: { GRAFANA_TOKEN: TOKEN } });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^error: --rules-out: .* is not empty/);
  }, 120_000);

  it('--raw imports dashboards whose every query parses and reads no recorded series', async () => {
    const run = await runCli(importArgs(grafana, '--prometheus-url', bare.url, '--raw'), { env: { GRAFANA_TOKEN: TOKEN } });
    expect(run.code).toBe(0);
    expect(grafana.violations).toEqual([]);
    const rulesDir = join(stackDir, 'prometheus/rules');
    const recorded = recordingDefinitions(readdirSync(rulesDir).map((f) => parse(readFileSync(join(rulesDir, f), 'utf8')) as RuleFile));
    for (const { dashboard } of grafana.dashboards.values()) {
      for (const expr of exprs(dashboard)) {
        expect(promqlError(expr), expr).toBeUndefined();
        expect(metricNames(expr).filter((n) => recorded.has(n)), expr).toEqual([]);
      }
      // The SGLang rules are left out: this stack monitors vLLM only.
      expect(JSON.stringify(dashboard)).not.toContain('sglang:');
    }
  });
});

