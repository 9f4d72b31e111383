/** Which rule files a promtool test file loads: the alerts, and what its input series can feed. */
import { describe, expect, it } from 'vitest';
import { renderRuleFiles } from '../../src/rules/index.js';
import { ruleFilesFed } from '../../src/rules/test-scope.js';
import { PACKED_NAMES } from '../../src/rules/test-packing.js';
import type { TestGroup } from '../../src/rules/promtool-tests.js';
import type { RuleFile } from '../../src/rules/types.js';
import { DEFAULT_SLO } from '../../src/config/defaults.js';
import { sloTests } from '../../src/rules/slo-tests.js';

const test = (...series: string[]): TestGroup => ({ name: 't', interval: '15s', input_series: series.map((s) => ({ series: s, values: '1x10' })) });
const rules = new Map<string, RuleFile>([
  ['rules/a.yml', { groups: [{ name: 'a', rules: [{ record: 'x:a', expr: 'sum by (job) (a_total)', labels: { engine: 'a' } }] }] }],
  ['rules/b.yml', { groups: [{ name: 'b', rules: [{ record: 'x:a', expr: 'sum by (job) (b_total)', labels: { engine: 'b' } }, { record: 'x:b_ratio', expr: 'x:a{engine="b"} / 2' }] }] }],
  ['rules/derived.yml', { groups: [{ name: 'd', rules: [{ record: 'y:all', expr: 'sum(x:a)' }] }] }],
  ['rules/up.yml', { groups: [{ name: 'u', rules: [{ record: 'u:b', expr: 'up{job="b"}' }] }] }],
  ['rules/missing.yml', { groups: [{ name: 'm', rules: [{ record: 'm:absent', expr: 'absent(m_total)' }] }] }],
  ['rules/regex.yml', { groups: [{ name: 'r', rules: [{ record: 'r:x', expr: 'max({__name__=~"DEV_(A|B)_WATTS"})' }] }] }],
  ['rules/alerts.yml', { groups: [{ name: 'alerts', rules: [{ alert: 'Z', expr: 'q > 1', for: '1m', labels: { severity: 'info' }, annotations: { summary: '', description: '', runbook_url: '' } }] }] }],
]);

describe('the rule files a test file loads', () => {
  it('follow the inputs through recorded series, by name and by the labels a rule fixes', () => {
    expect(ruleFilesFed([test('a_total{job="a"}')], rules)).toEqual(['rules/a.yml', 'rules/derived.yml', 'rules/missing.yml', 'rules/alerts.yml']);
    expect(ruleFilesFed([test('b_total{job="b"}')], rules)).toEqual(['rules/b.yml', 'rules/derived.yml', 'rules/missing.yml', 'rules/alerts.yml']);
  });

  it('match input series by their labels, count absent() as recording from nothing, and read regexes of literal names', () => {
    expect(ruleFilesFed([test('up{job="a"}')], rules)).toEqual(['rules/missing.yml', 'rules/alerts.yml']);
    expect(ruleFilesFed([test('up{job="b"}')], rules)).toEqual(['rules/up.yml', 'rules/missing.yml', 'rules/alerts.yml']);
    expect(ruleFilesFed([test('DEV_B_WATTS{gpu="0"}')], rules)).toEqual(['rules/missing.yml', 'rules/regex.yml', 'rules/alerts.yml']);
    expect(ruleFilesFed([test('DEV_C_WATTS{gpu="0"}')], rules)).toEqual(['rules/missing.yml', 'rules/alerts.yml']);
  });

  it("leave each engine's rules out of the other engine's tests, and keep every SLO test (packed, test-packing.ts)", () => {
    const { tests } = renderRuleFiles({ targets: [], gpu: 'dcgm', slo: DEFAULT_SLO });
    expect(tests.get('tests/slo-vllm.test.yml')!.rule_files).not.toContain('../rules/llm-sglang.yml');
    expect(tests.get('tests/slo-sglang.test.yml')!.rule_files).not.toContain('../rules/llm-vllm.yml');
    expect(tests.get('tests/alerts-platform.test.yml')!.rule_files).toEqual(['../rules/host.yml', '../rules/alerts.yml']);
    const slo = [...tests].filter(([p]) => p.startsWith('tests/slo-')).flatMap(([, f]) => f.tests.flatMap((t) => t.name.split(PACKED_NAMES)));
    expect(new Set(slo).size).toBe(slo.length);
    expect(slo.sort()).toEqual(sloTests(DEFAULT_SLO).map((t) => t.name).sort());
  });
});
