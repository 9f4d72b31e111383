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

/** Go's `%.4g`, as Prometheus' humanizePercentage prints v * 100 (for the magnitudes alerts show). */
function goG4(x: number): string {
  if (x !== 0 && (Math.abs(x) < 1e-4 || Math.abs(x) >= 1e4)) throw new Error(`humanizePercentage of ${x}: outside what the tests expand`);
  return String(Number(x.toPrecision(4)));
}

/** Go's url.QueryEscape (text/template's urlquery). */
export function goQueryEscape(v: string): string {
  return encodeURIComponent(v)
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The template forms our alerts use, and how Prometheus expands each. `$labels` are the labels of
 * the alert's series (rule labels such as severity are added after templating), sorted by name when
 * ranged over, as Go ranges over a map.
 */
const TEMPLATE_FORMS: [RegExp, (labels: Labels, value: number, ...groups: string[]) => string][] = [
  [/\{\{ \$labels\.([a-zA-Z_][a-zA-Z0-9_]*) \}\}/g, (labels, _v, k) => labels[k!] ?? '<no value>'],
  [/\{\{ printf "%\.2f" \$value \}\}/g, (_l, value) => value.toFixed(2)],
  [/\{\{ \$value \| humanizePercentage \}\}/g, (_l, value) => `${goG4(value * 100)}%`],
  [/\{\{ with \$labels\.([a-zA-Z_][a-zA-Z0-9_]*) \}\}([^{]*)\{\{ \. \| urlquery \}\}\{\{ end \}\}/g, (labels, _v, k, text) => (labels[k!] ? `${text}${goQueryEscape(labels[k!]!)}` : '')],
  // After the plain form: `{{ $labels.x }}` inside the body is already expanded.
  [/\{\{ with \$labels\.([a-zA-Z_][a-zA-Z0-9_]*) \}\}([^{]*)\{\{ \. \}\}([^{]*)\{\{ end \}\}/g, (labels, _v, k, a, b) => (labels[k!] ? `${a}${labels[k!]}${b}` : '')],
  [
    /\{\{ range \$k, \$v := \$labels \}\}\{\{ if ne \$k "__name__" \}\}([^{]*)\{\{ \$k \}\}([^{]*)\{\{ \$v \| urlquery \}\}([^{]*)\{\{ end \}\}\{\{ end \}\}/g,
    (labels, _v, a, b, c) =>
      Object.keys(labels)
        .sort()
        .map((k) => `${a}${k}${b}${goQueryEscape(labels[k]!)}${c}`)
        .join(''),
  ],
];

/** Expands the template forms of TEMPLATE_FORMS, the only ones our alerts use. */
export function expandTemplate(text: string, labels: Labels, value: number): string {
  let out = text;
  for (const [re, f] of TEMPLATE_FORMS) out = out.replace(re, (_m, ...g: string[]) => f(labels, value, ...g.slice(0, -2)));
  return out;
}

/** What promtool should see for `rule` firing on a series with `labels` and `value`. */
export function expectAlert(rule: AlertingRule, labels: Labels, value: number): ExpAlert {
  const exp = { ...labels, ...rule.labels };
  const texts = Object.values(rule.annotations).join('');
  const unknown = TEMPLATE_FORMS.reduce((t, [re]) => t.replace(re, ''), texts);
  if (unknown.includes('{{')) throw new Error(`${rule.alert}: annotation uses a template form expandTemplate does not know`);
  return {
    exp_labels: exp,
    exp_annotations: Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, expandTemplate(v, labels, value)])),
  };
}
