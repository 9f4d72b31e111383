/**
 * The rule and test files a stack gets: normalisation for the engines and GPU exporter it monitors,
 * the host rules, the alerts, and promtool tests for all of them. Paths are relative to prometheus/.
 */
import { ENGINES, type StackSpec } from '../config/types.js';
import { engineAlertTests, platformAlertTests } from './alert-tests.js';
import { gpuAlertTests } from './gpu-alert-tests.js';
import { remoteWriteAlertTests } from './remote-write-tests.js';
import { alertGroups } from './alerts.js';
import { gpuRuleGroup, hostRuleGroup } from './gpu.js';
import { derivedLlmGroup, engineRuleGroups } from './llm.js';
import { routerRuleGroup } from './router.js';
import { routerAlertTests, routerNormaliseTests } from './router-tests.js';
import { SLI_INTERVAL, sloRuleGroups } from './slo.js';
import { sloTests } from './slo-tests.js';
import { engineNormaliseTests, gpuNormaliseTests, hostNormaliseTests } from './normalise-tests.js';
import { type AlertLinkUrls, linkAnnotations } from './alert-links.js';
import { EVAL_STEP, type TestFile, type TestGroup, expandTemplate } from './promtool-tests.js';
import { packScenarios } from './test-packing.js';
import { ruleFilesFed } from './test-scope.js';
import { type RuleFile, type RuleGroup, isAlert } from './types.js';
import { DEFAULT_WATCH_PATHS } from '../config/watch-paths.js';

export type { RuleFile } from './types.js';
export type { TestFile } from './promtool-tests.js';

export interface PrometheusRuleFiles {
  /** `rules/<name>.yml` -> rule file. */
  rules: Map<string, RuleFile>;
  /** `tests/<name>.yml` -> promtool test file. */
  tests: Map<string, TestFile>;
}

export type RuleSpec = Pick<StackSpec, 'targets' | 'gpu' | 'slo'> & Partial<Pick<StackSpec, 'runbookUrl' | 'watchPaths' | 'remoteWrite'>> & { urls?: AlertLinkUrls };

/** Where links in alerts point when the spec names no public URLs: the stack's default ports on this machine. */
const LOCAL_URLS: AlertLinkUrls = { alertmanager: 'http://localhost:9093', grafana: 'http://localhost:3000' };

/** Adds the link annotations to every alert of the rule files. */
function withLinks(groups: RuleGroup[], urls: AlertLinkUrls): RuleGroup[] {
  return groups.map((g) => ({ ...g, rules: g.rules.map((r) => (isAlert(r) ? { ...r, annotations: { ...r.annotations, ...linkAnnotations(r.alert, urls) } } : r)) }));
}

/** The expanded link annotations each expected alert of a test must carry (its labels less severity are its series' labels). */
function expectLinks(groups: TestGroup[], urls: AlertLinkUrls): TestGroup[] {
  return groups.map((g) => ({
    ...g,
    alert_rule_test: g.alert_rule_test?.map((t) => ({
      ...t,
      exp_alerts: t.exp_alerts.map((a) => {
        const { severity: _rule, ...series } = a.exp_labels;
        const links = Object.entries(linkAnnotations(t.alertname, urls)).map(([k, v]) => [k, expandTemplate(v, series, 0)]);
        return { ...a, exp_annotations: { ...a.exp_annotations, ...Object.fromEntries(links) } };
      }),
    })),
  }));
}

export function renderRuleFiles(spec: RuleSpec): PrometheusRuleFiles {
  // Every stack has a scrape job per engine, and a target added to its file_sd list later must not
  // land on a dashboard with no rules behind it: all engines' rules, always (absent series cost ~nothing).
  const engines = ENGINES;
  const rules = new Map<string, RuleFile>();
  for (const e of engines) rules.set(`rules/llm-${e}.yml`, { groups: engineRuleGroups(e) });
  rules.set('rules/llm.yml', { groups: [derivedLlmGroup()] });
  rules.set('rules/router.yml', { groups: [routerRuleGroup()] });
  rules.set('rules/slo.yml', { groups: sloRuleGroups(spec.slo) });
  if (spec.gpu !== 'none') rules.set(`rules/gpu-${spec.gpu}.yml`, { groups: [gpuRuleGroup(spec.gpu)] });
  const watchPaths = spec.watchPaths ?? DEFAULT_WATCH_PATHS;
  rules.set('rules/host.yml', { groups: [hostRuleGroup(watchPaths)] });
  const urls = spec.urls ?? LOCAL_URLS;
  rules.set('rules/alerts.yml', { groups: withLinks(alertGroups(spec.slo, spec.gpu, spec.runbookUrl, spec.remoteWrite !== undefined), urls) });

  // Each test file loads the alerts and the rule files its input series feed (test-scope.ts).
  const testFile = (tests: TestGroup[], evaluationInterval = EVAL_STEP): TestFile => ({
    rule_files: ruleFilesFed(tests, rules).map((p) => `../${p}`),
    evaluation_interval: evaluationInterval,
    tests: expectLinks(tests, urls),
  });
  const tests = new Map<string, TestFile>();
  for (const e of engines) {
    tests.set(`tests/llm-${e}.test.yml`, testFile(engineNormaliseTests(e)));
    tests.set(`tests/alerts-llm-${e}.test.yml`, testFile(packScenarios(engineAlertTests(e, spec.slo, spec.runbookUrl))));
  }
  if (spec.gpu !== 'none') {
    tests.set(`tests/gpu-${spec.gpu}.test.yml`, testFile(gpuNormaliseTests(spec.gpu)));
    tests.set(`tests/alerts-gpu-${spec.gpu}.test.yml`, testFile(packScenarios(gpuAlertTests(spec.gpu, spec.runbookUrl))));
  }
  tests.set('tests/router.test.yml', testFile([...routerNormaliseTests(), ...packScenarios(routerAlertTests(spec.runbookUrl))]));
  // One file per engine: each loads only its engine's rules, and the two run side by side. Each
  // scenario has a target of its own, so those of the same eval times share a group (test-packing.ts).
  const slo = sloTests(spec.slo, spec.runbookUrl);
  for (const e of engines) tests.set(`tests/slo-${e}.test.yml`, testFile(packScenarios(slo.filter((t) => t.input_series.some((s) => s.series.startsWith(`${e}:`)))), SLI_INTERVAL));
  tests.set('tests/host.test.yml', testFile(hostNormaliseTests(watchPaths)));
  tests.set('tests/alerts-platform.test.yml', testFile(packScenarios(platformAlertTests(watchPaths[0]!, spec.runbookUrl))));
  if (spec.remoteWrite) tests.set('tests/alerts-remote-write.test.yml', testFile(remoteWriteAlertTests(spec.runbookUrl)));
  return { rules, tests };
}
