/**
 * Static validation of generated stacks with the real promtool and amtool (local binaries: each
 * Prometheus/Alertmanager pair of test/support/versions.ts, 2.42/0.25, 2.53/0.28 and 3.5/0.33; and the
 * ones inside the stack's image through Docker), and the dashboard checks.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadStackDir } from '../../src/stack/stack-dir.js';
import { staticChecks } from '../../src/validate/static.js';
import type { Check } from '../../src/validate/types.js';
import { TOOLCHAINS } from '../support/versions.js';

async function generate(dir: string, args: string[]): Promise<void> {
  const err: string[] = [];
  const code = await main([dir, '--yes', '--no-grafana', ...args], { out: () => {}, err: (l) => err.push(l), isTTY: false, env: process.env });
  if (code !== 0) throw new Error(err.join('\n'));
}

const byName = (checks: Check[], name: string) => checks.find((c) => c.name === name);

// Each full static check runs every generated promtool test: about a minute on 2 cores (the SLO
// tests' 3-day windows alone take 35-40 s), more beside other suites.
const STATIC_TIMEOUT = 300_000;

for (const { name, prometheus, alertmanager } of TOOLCHAINS) describe(`static checks with real promtool/amtool of ${name}`, () => {
  const promtool = prometheus.path('promtool');
  const amtool = alertmanager.path('amtool');
  if (!promtool || !amtool) {
    it.skip(`needs ${!promtool ? prometheus.missing('promtool') : alertmanager.missing('amtool')}`, () => {});
    return;
  }
  // No cache of passing promtool tests: every run here runs them.
  const env = { ...process.env, CVM_PROMTOOL: promtool, CVM_AMTOOL: amtool, CVM_CACHE_DIR: 'off' };
  const root = mkdtempSync(join(tmpdir(), 'cvm-static-'));
  const dir = join(root, 'stack');
  beforeAll(() => generate(dir, ['--gpu', 'dcgm', '--target', 'a:vllm=http://10.0.0.5:8000', '--target', 'b:sglang=http://10.0.0.6:30000']));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('a generated stack passes promtool check config / check rules / test rules, amtool check-config and the dashboard checks', async () => {
    const checks = await staticChecks(loadStackDir(dir), { env });
    for (const name of ['promtool check config', 'promtool check rules', 'promtool test rules', 'amtool check-config']) {
      expect(byName(checks, name), JSON.stringify(checks, null, 2)).toMatchObject({ status: 'pass' });
    }
    // The generated dashboards: provisioned datasource, unique uids, every query parses.
    expect(checks.filter((c) => c.name.startsWith('dashboard ')).length).toBeGreaterThan(1);
    expect(checks.filter((c) => c.status === 'fail'), JSON.stringify(checks, null, 2)).toEqual([]);
  }, STATIC_TIMEOUT);

  it('a broken rule and a broken alertmanager.yml fail, naming what promtool and amtool say', async () => {
    const broken = join(root, 'broken');
    await generate(broken, ['--gpu', 'none', '--target', 'vllm=http://10.0.0.5:8000']);
    writeFileSync(join(broken, 'prometheus/rules/zz-hand-edit.yml'), 'groups:\n  - name: mine\n    rules:\n      - record: my:rate\n        expr: rate(vllm:num_requests_running[5m)\n');
    const am = join(broken, 'alertmanager/alertmanager.yml');
    writeFileSync(am, readFileSync(am, 'utf8').replace('group_wait: 30s', 'group_wait: soon'));
    const checks = await staticChecks(loadStackDir(broken), { env });
    const rules = byName(checks, 'promtool check rules')!;
    expect(rules.status).toBe('fail');
    expect(rules.detail).toContain('zz-hand-edit.yml');
    const amCheck = byName(checks, 'amtool check-config')!;
    expect(amCheck.status).toBe('fail');
    expect(amCheck.detail).toMatch(/soon|duration/);
  }, STATIC_TIMEOUT);

  it('a failing promtool unit test is named by its file and case (promtool 3.x prints no file name)', async () => {
    const t = join(root, 'unit');
    await generate(t, ['--gpu', 'none', '--target', 'vllm=http://10.0.0.5:8000']);
    const tests = join(t, 'prometheus/tests');
    for (const f of readdirSync(tests)) rmSync(join(tests, f));
    writeFileSync(join(t, 'prometheus/rules/zz-mine.yml'), 'groups:\n  - name: mine\n    rules:\n      - record: my:double\n        expr: vllm:num_requests_running * 2\n');
    const unitTest = (value: number) =>
      stringify({ rule_files: ['../rules/zz-mine.yml'], evaluation_interval: '1m', tests: [{ interval: '1m', input_series: [{ series: 'vllm:num_requests_running{instance="a"}', values: '1x5' }], promql_expr_test: [{ expr: 'my:double', eval_time: '2m', exp_samples: [{ labels: 'my:double{instance="a"}', value }] }] }] });
    writeFileSync(join(tests, 'a-good.test.yml'), unitTest(2));
    writeFileSync(join(tests, 'b-wrong.test.yml'), unitTest(3));
    const check = byName(await staticChecks(loadStackDir(t), { env }), 'promtool test rules')!;
    expect(check.status).toBe('fail');
    expect(check.detail).toBe('prometheus/tests/b-wrong.test.yml: expr "my:double" at 2m: expected 3E+00, got 2E+00');
  }, STATIC_TIMEOUT);

  it('dashboards: a panel on another datasource and a query that does not parse are named', async () => {
    const d = join(root, 'dash');
    await generate(d, ['--gpu', 'none', '--target', 'vllm=http://10.0.0.5:8000']);
    const uid = (readFileSync(join(d, 'grafana/provisioning/datasources/datasources.yml'), 'utf8').match(/uid: (\S+)/) ?? [])[1]!;
    mkdirSync(join(d, 'grafana/dashboards'), { recursive: true });
    const dashboard = {
      uid: 'hand-made',
      title: 'Hand made',
      templating: { list: [{ name: 'model_name', type: 'query', query: 'label_values(llm:requests_running:sum, model_name)', includeAll: true, multi: true }] },
      panels: [
        { id: 1, type: 'timeseries', title: 'Good', datasource: { type: 'prometheus', uid }, targets: [{ refId: 'A', expr: 'sum by (model_name) (rate(vllm:request_success_total{model_name=~"$model_name"}[$__rate_interval]))' }] },
        { id: 2, type: 'timeseries', title: 'Elsewhere', datasource: { type: 'prometheus', uid: 'someone-elses' }, targets: [{ refId: 'A', expr: 'up' }] },
        { id: 3, type: 'stat', title: 'Typo', datasource: { type: 'prometheus', uid }, targets: [{ refId: 'B', expr: 'sum(rate(vllm:request_success_total[5m])' }] },
      ],
    };
    writeFileSync(join(d, 'grafana/dashboards/hand-made.json'), JSON.stringify(dashboard));
    const checks = await staticChecks(loadStackDir(d), { env });
    const dash = byName(checks, 'dashboard hand-made.json')!;
    expect(dash.status).toBe('fail');
    expect(dash.detail).toContain('panel 2 "Elsewhere" uses datasource "someone-elses"');
    const promql = byName(checks, 'dashboard PromQL parses')!;
    expect(promql.status).toBe('fail');
    expect(promql.detail).toContain('panel 3 "Typo" B');
    expect(promql.detail).not.toContain('"Good"');
  }, STATIC_TIMEOUT);
});

/** A promtool unit test of one hand-written rule: `my:double` at 2m is 2 (the test expects `value`). */
const doubleTest = (value: number) =>
  stringify({ rule_files: ['../rules/zz-mine.yml'], evaluation_interval: '1m', tests: [{ interval: '1m', input_series: [{ series: 'vllm:num_requests_running{instance="a"}', values: '1x5' }], promql_expr_test: [{ expr: 'my:double', eval_time: '2m', exp_samples: [{ labels: 'my:double{instance="a"}', value }] }] }] });
const DOUBLE_RULE = 'groups:\n  - name: mine\n    rules:\n      - record: my:double\n        expr: vllm:num_requests_running * 2\n';

describe('promtool test rules runs again only what changed since it passed (real promtool through a counting wrapper)', () => {
  const tc = TOOLCHAINS.find((t) => t.prometheus.path('promtool') && t.alertmanager.path('amtool'));
  if (!tc) {
    it.skip(`needs ${TOOLCHAINS[0]!.prometheus.missing('promtool')}`, () => {});
    return;
  }
  const root = mkdtempSync(join(tmpdir(), 'cvm-static-cache-'));
  const dir = join(root, 'stack');
  const calls = join(root, 'calls.log');
  const wrapper = join(root, 'promtool');
  const env = { ...process.env, CVM_PROMTOOL: wrapper, CVM_AMTOOL: tc.alertmanager.path('amtool')!, CVM_CACHE_DIR: join(root, 'cache') };
  const testRuns = () => (existsSync(calls) ? readFileSync(calls, 'utf8').split('\n').filter((l) => l.startsWith('test rules ')).map((l) => l.replace(/^test rules /, '')).sort() : []);
  const run = async (stackDir = dir) => {
    rmSync(calls, { force: true });
    const check = byName(await staticChecks(loadStackDir(stackDir), { env }), 'promtool test rules')!;
    return { check, ran: testRuns() };
  };

  beforeAll(async () => {
    writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> '${calls}'\nexec '${tc.prometheus.path('promtool')}' "$@"\n`, { mode: 0o755 });
    await generate(dir, ['--gpu', 'none', '--target', 'vllm=http://10.0.0.5:8000']);
    const tests = join(dir, 'prometheus/tests');
    for (const f of readdirSync(tests)) rmSync(join(tests, f));
    writeFileSync(join(dir, 'prometheus/rules/zz-mine.yml'), DOUBLE_RULE);
    writeFileSync(join(tests, 'a.test.yml'), doubleTest(2));
    writeFileSync(join(tests, 'b.test.yml'), doubleTest(2));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('first run: both files run and pass; second run: neither runs, and the check says so', async () => {
    const first = await run();
    expect(first.check.status).toBe('pass');
    expect(first.ran).toEqual(['prometheus/tests/a.test.yml', 'prometheus/tests/b.test.yml']);
    const second = await run();
    expect(second.check).toMatchObject({ status: 'pass' });
    expect(second.check.detail).toContain('2 of 2 files unchanged since they passed, not run again');
    expect(second.ran).toEqual([]);
    // The same files in another directory (the demo generates a fresh one each time): still known.
    const copy = join(root, 'elsewhere', 'stack');
    cpSync(dir, copy, { recursive: true });
    expect((await run(copy)).ran).toEqual([]);
  }, STATIC_TIMEOUT);

  it('a changed rule file runs every test again; a failing test is never remembered', async () => {
    writeFileSync(join(dir, 'prometheus/rules/zz-mine.yml'), DOUBLE_RULE.replace('* 2', '* 3'));
    const changed = await run();
    expect(changed.ran).toEqual(['prometheus/tests/a.test.yml', 'prometheus/tests/b.test.yml']);
    expect(changed.check.status).toBe('fail');
    writeFileSync(join(dir, 'prometheus/rules/zz-mine.yml'), DOUBLE_RULE);
    writeFileSync(join(dir, 'prometheus/tests/b.test.yml'), doubleTest(5));
    for (let i = 0; i < 2; i++) {
      // a passed with these rules before: only b runs, and fails every time.
      const r = await run();
      expect(r.ran).toEqual(['prometheus/tests/b.test.yml']);
      expect(r.check.status).toBe('fail');
      expect(r.check.detail).toContain('prometheus/tests/b.test.yml: expr "my:double" at 2m: expected 5E+00, got 2E+00');
    }
  }, STATIC_TIMEOUT);

  it('another promtool (its binary changed) runs them again', async () => {
    writeFileSync(join(dir, 'prometheus/tests/b.test.yml'), doubleTest(2));
    await run();
    expect((await run()).ran).toEqual([]);
    writeFileSync(wrapper, `${readFileSync(wrapper, 'utf8')}# upgraded\n`, { mode: 0o755 });
    expect((await run()).ran).toEqual(['prometheus/tests/a.test.yml', 'prometheus/tests/b.test.yml']);
  }, STATIC_TIMEOUT);
});
