/**
 * Builders for promtool unit-test files (`promtool test rules`): input series in expanding notation,
 * PromQL expectations, and alert expectations whose annotations are expanded here exactly as
 * Prometheus expands our (deliberately small) template subset.
 */
import type { AlertingRule } from './types.js';

export type Labels = Record<string, string>;

export interface InputSeries {
  series: string;
  values: string;
}

export interface PromqlExprTest {
  expr: string;
  eval_time: string;
  exp_samples: { labels: string; value: number }[];
}

export interface ExpAlert {
  exp_labels: Labels;
  exp_annotations: Record<string, string>;
}

export interface AlertRuleTest {
  eval_time: string;
  alertname: string;
  exp_alerts: ExpAlert[];
}

export interface TestGroup {
  name: string;
  interval: string;
  input_series: InputSeries[];
  promql_expr_test?: PromqlExprTest[];
  alert_rule_test?: AlertRuleTest[];
}

export interface TestFile {
  rule_files: string[];
  evaluation_interval: string;
  tests: TestGroup[];
}

/** Scrape step of every test's input series. */
export const STEP_SECONDS = 15;
export const STEP = `${STEP_SECONDS}s`;
/** Rule evaluation step in tests: coarser than scrapes keeps promtool fast; 5m windows see 20 samples. */
export const EVAL_STEP = '1m';

/** `name{a="1",b="2"}` with values escaped for PromQL strings. */
export function sel(name: string, labels: Labels): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return pairs.length === 0 ? name : `${name}{${pairs.join(',')}}`;
}

/** A gauge holding `value` for `steps` steps. */
export const constant = (value: number, steps: number): string => `${value}x${steps}`;
/** A counter from 0 growing by `perStep` each step (perStep / STEP_SECONDS per second). */
export const counter = (perStep: number, steps: number): string => `0+${perStep}x${steps}`;
/** `missing` steps without samples, then a constant. */
export const lateConstant = (missing: number, value: number, steps: number): string => `_x${missing} ${value}x${steps}`;

export const input = (name: string, labels: Labels, values: string): InputSeries => ({ series: sel(name, labels), values });

export const minutes = (m: number): string => (Number.isInteger(m) ? `${m}m` : `${Math.round(m * 60)}s`);
export const stepsFor = (m: number): number => Math.ceil((m * 60) / STEP_SECONDS);

/** Expands `{{ $labels.x }}` and `{{ printf "%.2f" $value }}`, the only template forms our alerts use. */
export function expandTemplate(text: string, labels: Labels, value: number): string {
  return text
    .replace(/\{\{ \$labels\.([a-zA-Z_][a-zA-Z0-9_]*) \}\}/g, (_m, k: string) => labels[k] ?? '<no value>')
    .replace(/\{\{ printf "%\.2f" \$value \}\}/g, () => value.toFixed(2));
}

/** What promtool should see for `rule` firing on a series with `labels` and `value`. */
export function expectAlert(rule: AlertingRule, labels: Labels, value: number): ExpAlert {
  const { summary, description, runbook_url } = rule.annotations;
  const exp = { ...labels, ...rule.labels };
  if (/\{\{(?! \$labels\.[a-zA-Z_]+ \}\}| printf "%\.2f" \$value \}\})/.test(summary + description + runbook_url)) {
    throw new Error(`${rule.alert}: annotation uses a template form expandTemplate does not know`);
  }
  return {
    exp_labels: exp,
    exp_annotations: {
      summary: expandTemplate(summary, exp, value),
      description: expandTemplate(description, exp, value),
      runbook_url,
    },
  };
}
