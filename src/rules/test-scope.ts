/**
 * Which rule files a promtool test file loads: every file holding alerts (a test asserts the exact
 * set of alerts that fire, so all of them must be there to fire), and each recording-rule file with
 * a rule that can record something from the tests' input series. A recording rule whose inputs no
 * test feeds records nothing there, so leaving its file out changes no result; it saves evaluating
 * that file at every step (the LLM and SLO rules were most of promtool's time in tests that feed
 * only host or Prometheus metrics).
 */
import { parser } from '@prometheus-io/lezer-promql';
import { exprFeedable, selectedSeries, withoutVariables } from '../probe/promql-names.js';
import type { TestGroup } from './promtool-tests.js';
import { isAlert, type RuleFile } from './types.js';

/** Functions whose result has a sample though their argument has none (`absent(x)`, `scalar(x)` is NaN). */
const FROM_NOTHING = new Set(['absent', 'absent_over_time', 'scalar']);

function callsFromNothing(expr: string): boolean {
  let found = false;
  const text = withoutVariables(expr);
  parser.parse(text).iterate({
    enter: (ref) => {
      if (ref.name === 'FunctionIdentifier' && FROM_NOTHING.has(text.slice(ref.from, ref.to))) found = true;
      return !found;
    },
  });
  return found;
}

/** Whether a rule can record a sample when only the `fed` selectors select series. */
export const canRecord = (expr: string, fed: (name: string, equals: Record<string, string>) => boolean): boolean => exprFeedable(expr, fed) || callsFromNothing(expr);

/**
 * The paths of `rules` (in their order) a test file of these tests needs. A selector is fed by an
 * input series of its name whose labels it matches, or by a fed rule recording its name whose
 * `labels:` (which Prometheus applies last) do not contradict it; the rest of a recorded series'
 * labels are unknown here, so they count as matching.
 */
export function ruleFilesFed(tests: TestGroup[], rules: Map<string, RuleFile>): string[] {
  const inputs = tests.flatMap((t) => t.input_series.flatMap((s) => selectedSeries(s.series).slice(0, 1)));
  const recording = [...rules].flatMap(([path, file]) => file.groups.flatMap((g) => g.rules.flatMap((r) => (isAlert(r) ? [] : [{ path, record: r.record, expr: r.expr, labels: r.labels ?? {} }]))));
  const fed = new Set<(typeof recording)[number]>();
  const selects = (name: string, equals: Record<string, string>) =>
    inputs.some((i) => i.name === name && Object.entries(equals).every(([k, v]) => (i.equals[k] ?? '') === v)) ||
    [...fed].some((r) => r.record === name && Object.entries(equals).every(([k, v]) => r.labels[k] === undefined || r.labels[k] === v));
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of recording) {
      if (fed.has(r) || !canRecord(r.expr, selects)) continue;
      fed.add(r);
      grew = true;
    }
  }
  const fedFiles = new Set([...fed].map((r) => r.path));
  return [...rules].filter(([path, file]) => fedFiles.has(path) || file.groups.some((g) => g.rules.some(isAlert))).map(([path]) => path);
}
