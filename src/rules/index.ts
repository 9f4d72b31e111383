/**
 * The rule and test files a stack gets: normalisation for the engines and GPU exporter it monitors,
 * the host rules, the alerts, and promtool tests for all of them. Paths are relative to prometheus/.
 */
import { ENGINES, type StackSpec } from '../spec/types.js';
import { engineAlertTests, platformAlertTests } from './alert-tests.js';
import { gpuAlertTests } from './gpu-alert-tests.js';
import { alertGroups } from './alerts.js';
import { gpuRuleGroup, hostRuleGroup } from './gpu.js';
import { derivedLlmGroup, engineRuleGroups } from './llm.js';
import { engineNormaliseTests, gpuNormaliseTests, hostNormaliseTests } from './normalise-tests.js';
import { EVAL_STEP, type TestFile, type TestGroup } from './promtool-tests.js';
import type { RuleFile } from './types.js';

export type { RuleFile } from './types.js';
export type { TestFile } from './promtool-tests.js';

export interface PrometheusRuleFiles {
  /** `rules/<name>.yml` -> rule file. */
  rules: Map<string, RuleFile>;
  /** `tests/<name>.yml` -> promtool test file. */
  tests: Map<string, TestFile>;
}

export type RuleSpec = Pick<StackSpec, 'targets' | 'gpu' | 'slo'> & Partial<Pick<StackSpec, 'runbookUrl'>>;

export function renderRuleFiles(spec: RuleSpec): PrometheusRuleFiles {
  // Every stack has a scrape job per engine, and a target added to its file_sd list later must not
  // land on a dashboard with no rules behind it: all engines' rules, always (absent series cost ~nothing).
  const engines = ENGINES;
  const rules = new Map<string, RuleFile>();
  for (const e of engines) rules.set(`rules/llm-${e}.yml`, { groups: engineRuleGroups(e, spec.slo) });
  rules.set('rules/llm.yml', { groups: [derivedLlmGroup()] });
  if (spec.gpu !== 'none') rules.set(`rules/gpu-${spec.gpu}.yml`, { groups: [gpuRuleGroup(spec.gpu)] });
  rules.set('rules/host.yml', { groups: [hostRuleGroup()] });
  rules.set('rules/alerts.yml', { groups: alertGroups(spec.slo, spec.gpu, spec.runbookUrl) });

  // Each test file loads every rule file, as Prometheus does (rule_files: rules/*.yml).
  const ruleFiles = [...rules.keys()].map((p) => `../${p}`);
  const testFile = (tests: TestGroup[]): TestFile => ({ rule_files: ruleFiles, evaluation_interval: EVAL_STEP, tests });
  const tests = new Map<string, TestFile>();
  for (const e of engines) {
    tests.set(`tests/llm-${e}.test.yml`, testFile(engineNormaliseTests(e)));
    tests.set(`tests/alerts-llm-${e}.test.yml`, testFile(engineAlertTests(e, spec.slo, spec.runbookUrl)));
  }
  if (spec.gpu !== 'none') {
    tests.set(`tests/gpu-${spec.gpu}.test.yml`, testFile(gpuNormaliseTests(spec.gpu)));
    tests.set(`tests/alerts-gpu-${spec.gpu}.test.yml`, testFile(gpuAlertTests(spec.gpu, spec.runbookUrl)));
  }
  tests.set('tests/host.test.yml', testFile(hostNormaliseTests()));
  tests.set('tests/alerts-platform.test.yml', testFile(platformAlertTests(spec.runbookUrl)));
  return { rules, tests };
}
