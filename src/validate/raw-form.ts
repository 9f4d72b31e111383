/**
 * Panels over series not recorded yet. Prometheus evaluates a rule group first at an offset within
 * its interval (up to a minute for the SLIs), and right after start it may run a group before the
 * first scrapes arrive, so a panel reading the group's output has nothing to show yet. Rather than wait, the probe runs such a query in its raw form —
 * the loaded rules' expressions inlined (src/rules/inline.ts, the same inliner `import --raw` uses)
 * — which answers what the recorded form will once the group has run: the raw series behind it are
 * there or they are not.
 */
import { inlineRecorded, type RecordingDefinitions, recordingDefinitions } from '../rules/inline.js';
import { metricNames } from '../probe/promql-names.js';
import { evaluated, type RuleGroup } from './rule-health.js';

/**
 * Names that have no output yet: recorded by a group Prometheus has not evaluated, or computed
 * (in any group) from such a name — the second rule ran on an empty input.
 */
export function notYetRecorded(groups: RuleGroup[]): Set<string> {
  const recording = groups.flatMap((g) => g.rules.filter((r) => r.type === 'recording').map((r) => ({ r, pending: !evaluated(g) })));
  const names = new Set(recording.filter((x) => x.pending).map((x) => x.r.name));
  const inputs = new Map(recording.map(({ r }) => [r, metricNames(r.query ?? '')]));
  for (let grew = true; grew; ) {
    grew = false;
    for (const { r } of recording) {
      if (names.has(r.name) || !inputs.get(r)!.some((n) => names.has(n))) continue;
      names.add(r.name);
      grew = true;
    }
  }
  return names;
}

/** The loaded recording rules as the inliner reads them, each with its group's interval. */
export function loadedDefinitions(groups: RuleGroup[]): RecordingDefinitions {
  return recordingDefinitions([
    {
      groups: groups.map((g) => ({
        name: g.name,
        ...(g.interval ? { interval: `${g.interval}s` } : {}),
        rules: g.rules.filter((r) => r.type === 'recording').map((r) => ({ record: r.name, expr: r.query ?? '', ...(r.labels ? { labels: r.labels } : {}) })),
      })),
    },
  ]);
}

/** Where the probe sends a query's raw form instead (src/probe: ProbeOptions.rawForm). */
export interface RawForm {
  /** Queries over series whose groups have not run: sent in raw form at once. */
  before: (expr: string) => string | undefined;
  /** Queries that came back without data, retried in raw form. */
  ifEmpty: (expr: string) => string | undefined;
}

/**
 * How the probe reads panels over series not recorded yet, or undefined when one of the dashboards'
 * `queries` reads a series of a group not run yet and the inliner cannot rewrite it: then validate
 * waits for that group as before. `young`: Prometheus started so recently that a group that has
 * run may have run before the first scrapes, so any query without data gets a second, raw, try.
 */
export function pendingReader(groups: RuleGroup[], queries: string[], young: boolean): RawForm | undefined {
  const pending = notYetRecorded(groups);
  const defs = loadedDefinitions(groups);
  const step = `${Math.min(...groups.map((g) => g.interval ?? 60))}s`;
  const raw = (expr: string): string | null => {
    try {
      return inlineRecorded(expr, defs, step);
    } catch {
      return null;
    }
  };
  const readsPending = (expr: string) => metricNames(expr).some((n) => pending.has(n));
  if (queries.some((q) => readsPending(q) && raw(q) === null)) return undefined;
  const rawIfRecorded = (expr: string) => (metricNames(expr).some((n) => defs.has(n)) ? (raw(expr) ?? undefined) : undefined);
  return {
    before: (expr) => (readsPending(expr) ? (raw(expr) ?? undefined) : undefined),
    ifEmpty: young ? rawIfRecorded : () => undefined,
  };
}
