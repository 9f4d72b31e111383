/**
 * validate's rule check on real Prometheus (each release of the matrix): it waits for the groups
 * whose series a dashboard reads, and evaluates a group no dashboard reads through the query API
 * instead of waiting out its interval (24h here, so Prometheus has not evaluated it when validate
 * answers). Broken rules in that group fail as Prometheus would report them: an evaluation error
 * (many-to-many matching) and a label set repeated once the rule's labels are applied. A group a
 * dashboard does read, not evaluated yet, is not waited for either: the probe reads its panels in
 * their raw form (the loaded rules inlined), with the verdict the recorded form will have.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveChecks } from '../../src/validate/live.js';
import type { Check } from '../../src/validate/types.js';
import { TOOLCHAINS } from '../support/versions.js';
import { freePort, type RunningPrometheus, startPrometheus } from '../integration/support/prometheus.js';

const DASHBOARD = {
  uid: 'reads-a',
  title: 'Reads a:up',
  panels: [{ id: 1, type: 'stat', title: 'A', datasource: { type: 'prometheus', uid: 'prometheus' }, targets: [{ refId: 'A', expr: 'count(a:up)' }] }],
};

function rulesFile(slowRules: Record<string, unknown>[]): string {
  return stringify({
    groups: [
      { name: 'read-by-dashboard', interval: '1s', rules: [{ record: 'a:up', expr: 'up' }] },
      { name: 'slow', interval: '24h', rules: slowRules },
    ],
  });
}

const GOOD = [{ record: 'b:up', expr: 'sum by (job) (up)' }, { alert: 'BAlwaysQuiet', expr: 'up == 2', labels: { severity: 'info' } }];
const BROKEN = [
  ...GOOD,
  // Two up series share job: one-to-one matching on job alone fails to evaluate.
  { record: 'b:many_to_many', expr: 'up * on (job) up' },
  // Evaluates, but both series become {instance="same", job="self"}: Prometheus refuses to record them.
  { record: 'b:same_labels', expr: 'up', labels: { instance: 'same' } },
];

for (const tc of TOOLCHAINS) describe(`validate's rules check on real Prometheus, ${tc.name}`, () => {
  const binary = tc.prometheus.path('prometheus');
  if (!binary) {
    it.skip(`needs ${tc.prometheus.missing('prometheus')}`, () => {});
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'cvm-rule-health-'));
  let prom: RunningPrometheus;

  beforeAll(async () => {
    const port = await freePort();
    writeFileSync(join(dir, 'rules.yml'), rulesFile(BROKEN));
    writeFileSync(
      join(dir, 'prometheus.yml'),
      stringify({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        rule_files: [join(dir, 'rules.yml')],
        // Listed (never reached): validate checks Prometheus knows an Alertmanager.
        alerting: { alertmanagers: [{ static_configs: [{ targets: ['127.0.0.1:1'] }] }] },
        scrape_configs: [{ job_name: 'self', static_configs: [{ targets: [`127.0.0.1:${port}`, `localhost:${port}`] }] }],
      }),
    );
    prom = await startPrometheus({ binary, configFile: join(dir, 'prometheus.yml'), port });
  }, 60_000);
  afterAll(async () => {
    await prom?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const check = async (): Promise<{ checks: Check[]; slowEvaluated: boolean }> => {
    const { checks } = await liveChecks({ prometheusUrl: prom.url, dashboards: [DASHBOARD], waitMs: 60_000, expectRules: true });
    const groups = (await prom.client.ruleGroups()) as { name: string; rules: { health: string }[] }[];
    return { checks, slowEvaluated: groups.find((g) => g.name === 'slow')!.rules.some((r) => r.health !== 'unknown') };
  };

  it('a group no dashboard reads is evaluated now, not waited for: its broken rules fail with the errors Prometheus would give', async () => {
    const { checks, slowEvaluated } = await check();
    expect(slowEvaluated, 'Prometheus has not evaluated the 24h group yet').toBe(false);
    const rules = checks.find((c) => c.name.startsWith('rules '))!;
    expect(rules).toMatchObject({ name: 'rules healthy', status: 'fail' });
    expect(rules.detail).toMatch(/^2 rule\(s\) fail to evaluate, e\.g\. b:many_to_many: .*(many-to-many|duplicate series)/);
    // The panel that reads a:up has data, though its group may have run only before the first scrape.
    expect(checks.find((c) => c.name === 'panels Reads a:up'), JSON.stringify(checks)).toMatchObject({ status: 'pass' });
  }, 120_000);

  it('a dashboard reading a group not evaluated yet gets its answer now: panels read in raw form, present and absent series told apart', async () => {
    const dashboard = {
      uid: 'reads-slow',
      title: 'Reads slow groups',
      panels: [
        // Recorded by the 24h group, and computed every second from it (so empty until it runs).
        { id: 1, type: 'stat', title: 'Jobs', targets: [{ refId: 'A', expr: 'c:jobs' }] },
        { id: 2, type: 'timeseries', title: 'Up by job', targets: [{ refId: 'A', expr: 'sum(c:up_by_job{job="self"})' }] },
        // Its raw input does not exist: no data now, none once the group has run.
        { id: 3, type: 'stat', title: 'Absent', targets: [{ refId: 'A', expr: 'c:absent' }] },
      ],
    };
    writeFileSync(
      join(dir, 'rules.yml'),
      stringify({
        groups: [
          { name: 'read-slowly', interval: '24h', rules: [{ record: 'c:up_by_job', expr: 'sum by (job) (up)' }, { record: 'c:absent', expr: 'sum(nonexistent_requests_total)' }] },
          { name: 'chained', interval: '1s', rules: [{ record: 'c:jobs', expr: 'count(c:up_by_job)' }] },
        ],
      }),
    );
    expect((await fetch(`${prom.url}/-/reload`, { method: 'POST' })).status).toBe(200);
    const { checks, probe } = await liveChecks({ prometheusUrl: prom.url, dashboards: [dashboard], waitMs: 60_000, expectRules: true });
    const groups = (await prom.client.ruleGroups()) as { name: string; rules: { health: string }[] }[];
    expect(groups.find((g) => g.name === 'read-slowly')!.rules.every((r) => r.health === 'unknown'), 'Prometheus has not evaluated the 24h group').toBe(true);
    expect(await prom.client.query('c:jobs'), 'the chained rule has nothing to read yet').toMatchObject({ series: [] });

    const panel = (title: string) => probe!.panels.find((p) => p.title === title)!;
    expect(panel('Jobs')).toMatchObject({ status: 'data', queries: [{ expr: 'c:jobs', probedAs: expect.stringMatching(/count\(.*sum by \(job\) \(up\)/) }] });
    expect(panel('Up by job')).toMatchObject({ status: 'data', queries: [{ probedAs: expect.stringContaining('up{job="self"}') }] });
    expect(panel('Absent').status).not.toBe('data');
    expect(panel('Absent').queries[0]!.probedAs).toContain('nonexistent_requests_total');
    expect(checks.find((c) => c.name === 'panels Reads slow groups')!.detail).toBe('2/3 panels with data, 1 failing, 3 read in raw form (their recorded series not written yet)');
  }, 120_000);

  it('with those rules fixed, the check passes and says which groups it evaluated itself', async () => {
    writeFileSync(join(dir, 'rules.yml'), rulesFile(GOOD));
    expect((await fetch(`${prom.url}/-/reload`, { method: 'POST' })).status).toBe(200);
    const { checks, slowEvaluated } = await check();
    expect(slowEvaluated).toBe(false);
    const rules = checks.find((c) => c.name.startsWith('rules '))!;
    expect(rules).toMatchObject({ name: 'rules loaded', status: 'pass' });
    // The 24h group, and the 1s one too where it has not run since the reload.
    expect(rules.detail).toMatch(/^2 groups, 2 recording \+ 1 alerting rules, all healthy \((1 not yet evaluated by Prometheus, every 86400s: their 2|2 not yet evaluated by Prometheus, every 1s\/86400s: their 3) rules evaluated now\)$/);
  }, 120_000);
});
