/**
 * Packs promtool test groups of disjoint targets into fewer groups. promtool evaluates every loaded
 * rule at every step of every group from t=0, whatever the group's series, so its time is about
 * groups × steps × rules: a group of four scenarios costs little more than one (the SLO tests were
 * 19 groups of one target each, 45 CPU-seconds).
 *
 * A group whose targets another of its pack already has is moved onto targets of its own first: every
 * value of its `instance`, `host` and `model_name` labels gets a suffix, wherever that value shows (any
 * label of its series and expected alerts, and the expanded annotations).
 *
 * Groups are packed only when nothing one asserts can be changed by another:
 * - each asserts only the exact set of firing alerts (`ALERTS{alertstate="firing"}`) and alert_rule_tests,
 *   at the same eval times, on the same interval (a scenario's alerts after its last eval time are unknown);
 * - every input series names an `instance`, and no two groups share an instance or a `model_name`
 *   (rules aggregate per target or per model);
 * - no expected alert labels are the same in two groups (but Watchdog, which fires in every group);
 * - at each eval time, an alert name checked by an alert_rule_test of one group (a list of all its
 *   firing alerts, with annotations) is expected firing in another only where that one has an
 *   alert_rule_test of it too: the packed test is then the concatenation, still the exact list;
 * - an alert_rule_test that expects no alert of its name stays one: no group expecting that alert
 *   firing then joins (it still says, of the whole packed group, that nothing of the name fires).
 * The packed group asserts the union of the firing sets, which is as exact as each set was: an alert
 * that should not fire for one scenario is absent from the union, since its labels name the scenario.
 */
import { selectedSeries } from '../probe/promql-names.js';
import type { AlertRuleTest, PromqlExprTest, TestGroup } from './promtool-tests.js';

export const FIRING = 'ALERTS{alertstate="firing"}';
/** Between the names of the groups a packed group holds. */
export const PACKED_NAMES = ' + ';

/** A group and what packing needs to know of it; undefined where it cannot be packed. */
interface Scenario {
  group: TestGroup;
  times: string;
  instances: Set<string>;
  models: Set<string>;
  /** eval_time -> alert names expected firing there. */
  firing: Map<string, Set<string>>;
  /** eval_time -> label sets expected there (as promtool's selector strings). */
  samples: Map<string, Set<string>>;
  /** `eval_time alertname` of its alert_rule_tests. */
  checked: Set<string>;
  /** Those of them that expect no alert. */
  quiet: Set<string>;
}

const alertName = (labels: string): string => /alertname="([^"]*)"/.exec(labels)?.[1] ?? '';
const WATCHDOG = 'Watchdog';

function scenarioOf(group: TestGroup): Scenario | undefined {
  const exprs = group.promql_expr_test ?? [];
  if (exprs.some((e) => e.expr !== FIRING)) return undefined;
  const instances = new Set<string>();
  const models = new Set<string>();
  for (const s of group.input_series) {
    const equals = selectedSeries(s.series)[0]?.equals ?? {};
    if (!equals.instance) return undefined;
    instances.add(equals.instance);
    if (equals.model_name) models.add(equals.model_name);
  }
  const firing = new Map<string, Set<string>>();
  const samples = new Map<string, Set<string>>();
  for (const e of exprs) {
    firing.set(e.eval_time, new Set(e.exp_samples.map((x) => alertName(x.labels))));
    samples.set(e.eval_time, new Set(e.exp_samples.map((x) => x.labels)));
  }
  const alerts = group.alert_rule_test ?? [];
  const times = [...new Set([...exprs.map((e) => e.eval_time), ...alerts.map((a) => a.eval_time)])].sort().join(' ');
  return { group, times, instances, models, firing, samples, checked: new Set(alerts.map((a) => `${a.eval_time} ${a.alertname}`)), quiet: new Set(alerts.filter((a) => a.exp_alerts.length === 0).map((a) => `${a.eval_time} ${a.alertname}`)) };
}

const disjoint = (a: Set<string>, b: Set<string>): boolean => [...a].every((x) => !b.has(x));

/** The labels whose values say which target (and model) a series is of. */
const TARGET_LABELS = ['instance', 'host', 'model_name'];

/** `{a="x",b="y"}` pairs of a selector with their values mapped. */
const relabelSelector = (text: string, map: (v: string) => string): string =>
  text.replace(/([a-zA-Z_][a-zA-Z0-9_]*)=("(?:[^"\\]|\\.)*")/g, (_m, k: string, v: string) => `${k}=${JSON.stringify(map(JSON.parse(v) as string))}`);

/** The group with every target value `v` renamed `v<suffix>` (see the module's comment). */
export function onOwnTargets(group: TestGroup, suffix: string): TestGroup {
  const values = new Set<string>();
  for (const s of group.input_series) {
    const equals = selectedSeries(s.series)[0]?.equals ?? {};
    for (const l of TARGET_LABELS) if (equals[l]) values.add(equals[l]);
  }
  const map = (v: string) => (values.has(v) ? `${v}${suffix}` : v);
  // Longest first, and whole values only: "vllm-1-host" is not "vllm-1" followed by "-host".
  const words = [...values].sort((a, b) => b.length - a.length);
  const escape = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const inText = words.length ? new RegExp(`(?<![\\w./-])(${words.map(escape).join('|')})(?![\\w/-]|\\.\\w)`, 'g') : undefined;
  const text = (t: string) => (inText ? t.replace(inText, (w) => `${w}${suffix}`) : t);
  const labels = (l: Record<string, string>) => Object.fromEntries(Object.entries(l).map(([k, v]) => [k, map(v)]));
  return {
    ...group,
    input_series: group.input_series.map((s) => ({ ...s, series: relabelSelector(s.series, map) })),
    ...(group.promql_expr_test && { promql_expr_test: group.promql_expr_test.map((e) => ({ ...e, exp_samples: e.exp_samples.map((x) => ({ ...x, labels: relabelSelector(x.labels, map) })) })) }),
    ...(group.alert_rule_test && {
      alert_rule_test: group.alert_rule_test.map((a) => ({
        ...a,
        exp_alerts: a.exp_alerts.map((x) => ({ exp_labels: labels(x.exp_labels), exp_annotations: Object.fromEntries(Object.entries(x.exp_annotations).map(([k, v]) => [k, text(v)])) })),
      })),
    }),
  };
}

/** Whether `b` can join a group holding `a`: see the module's comment. */
function compatible(a: Scenario, b: Scenario): boolean {
  if (a.group.interval !== b.group.interval || a.times !== b.times) return false;
  if (!disjoint(a.instances, b.instances) || !disjoint(a.models, b.models)) return false;
  for (const [t, labels] of a.samples) {
    const other = b.samples.get(t);
    if (other && [...labels].some((l) => alertName(l) !== WATCHDOG && other.has(l))) return false;
  }
  const fires = (y: Scenario, c: string) => {
    const [t, name] = c.split(' ') as [string, string];
    return y.firing.get(t)?.has(name) ?? false;
  };
  const clash = (x: Scenario, y: Scenario) => [...x.checked].some((c) => fires(y, c) && (x.quiet.has(c) || !y.checked.has(c)));
  return !clash(a, b) && !clash(b, a);
}

function merge(members: Scenario[]): TestGroup {
  if (members.length === 1) return members[0]!.group;
  const exprs = new Map<string, PromqlExprTest>();
  const alerts = new Map<string, AlertRuleTest>();
  for (const { group } of members) {
    for (const e of group.promql_expr_test ?? []) {
      const seen = exprs.get(e.eval_time);
      if (!seen) exprs.set(e.eval_time, { ...e, exp_samples: [...e.exp_samples] });
      else for (const s of e.exp_samples) if (!seen.exp_samples.some((x) => x.labels === s.labels)) seen.exp_samples.push(s);
    }
    for (const a of group.alert_rule_test ?? []) {
      const key = `${a.eval_time} ${a.alertname}`;
      const seen = alerts.get(key);
      if (!seen) alerts.set(key, { ...a, exp_alerts: [...a.exp_alerts] });
      else seen.exp_alerts.push(...a.exp_alerts);
    }
  }
  const first = members[0]!.group;
  return {
    name: members.map((m) => m.group.name).join(PACKED_NAMES),
    interval: first.interval,
    input_series: members.flatMap((m) => m.group.input_series),
    alert_rule_test: [...alerts.values()],
    promql_expr_test: [...exprs.values()],
  };
}

/**
 * The groups packed, each into the first packed group every member of which it is compatible with;
 * groups that cannot be packed stay as they are. The order of first appearance is kept.
 */
export function packScenarios(groups: TestGroup[]): TestGroup[] {
  const bins: (Scenario[] | TestGroup)[] = [];
  for (const group of groups) {
    const s = scenarioOf(group);
    if (!s) {
      bins.push(group);
      continue;
    }
    let placed = false;
    for (const bin of bins) {
      if (!Array.isArray(bin)) continue;
      const shares = bin.some((m) => !disjoint(m.instances, s.instances) || !disjoint(m.models, s.models));
      const moved = shares ? scenarioOf(onOwnTargets(group, `-p${bin.length + 1}`))! : s;
      if (!bin.every((m) => compatible(m, moved))) continue;
      bin.push(moved);
      placed = true;
      break;
    }
    if (!placed) bins.push([s]);
  }
  return bins.map((b) => (Array.isArray(b) ? merge(b) : b));
}
