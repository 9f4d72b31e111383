/**
 * Walks from the series a panel reads back to the raw engine/exporter metrics the recording rules
 * read. Several rules may record the same series (one per engine or version); those are
 * alternatives, and one of them being fed is enough.
 */
import { exprFeedable, selectedSeries } from './promql-names.js';

export { exprFeedable };

export interface RecordingRule {
  record: string;
  expr: string;
  /** Labels the rule sets on what it records (`engine`): a selector asking for another value is not fed by it. */
  labels?: Record<string, string>;
}

export interface SeriesNeed {
  /** A series name the query (or a rule) reads. */
  name: string;
  /** Recording rules producing it, each with the needs of its own expression; empty for raw metrics. */
  producers: { expr: string; needs: SeriesNeed[] }[];
}

/** Label values a selector's matchers require exactly (`engine="vllm"`). */
function requiredValues(matchers: string): Map<string, string> {
  return new Map([...matchers.matchAll(/([A-Za-z_]\w*)\s*=\s*"((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
}

/** Whether a rule can produce series a selector with these matchers selects. */
const canProduce = (rule: RecordingRule, required: Map<string, string>): boolean => Object.entries(rule.labels ?? {}).every(([k, v]) => !required.has(k) || required.get(k) === v);

export function needsOf(expr: string, rules: RecordingRule[], seen: ReadonlySet<string> = new Set()): SeriesNeed[] {
  const byName = new Map<string, Map<string, string>[]>();
  for (const s of selectedSeries(expr)) byName.set(s.name, [...(byName.get(s.name) ?? []), requiredValues(s.matchers)]);
  return [...byName].sort(([a], [b]) => a.localeCompare(b)).map(([name, selectors]) => {
    if (seen.has(name)) return { name, producers: [] };
    const next = new Set(seen).add(name);
    // A rule of another engine than every selector of the name asks for feeds none of them.
    const producers = rules
      .filter((r) => r.record === name && selectors.some((required) => canProduce(r, required)))
      .map((r) => ({ expr: r.expr, needs: needsOf(r.expr, rules, next) }));
    return { name, producers };
  });
}

/** Every raw (not recorded) metric reachable from `needs`. */
export function rawMetrics(needs: SeriesNeed[]): string[] {
  const out = new Set<string>();
  const walk = (ns: SeriesNeed[]) => {
    for (const n of ns) {
      if (n.producers.length === 0) out.add(n.name);
      for (const p of n.producers) walk(p.needs);
    }
  };
  walk(needs);
  return [...out].sort();
}

/**
 * The raw metrics whose absence keeps the panel's series from being fed: a need that some
 * alternative feeds contributes nothing, so the other alternatives' names are not "missing".
 */
export function unfedRawMetrics(needs: SeriesNeed[], present: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  const walk = (ns: SeriesNeed[]) => {
    for (const n of ns) {
      if (feedable(n, present)) continue;
      if (n.producers.length === 0) out.add(n.name);
      for (const p of n.producers) walk(p.needs);
    }
  };
  walk(needs);
  return [...out].sort();
}

/** Every recorded series reachable from `needs`. */
export function recordedSeries(needs: SeriesNeed[]): string[] {
  const out = new Set<string>();
  const walk = (ns: SeriesNeed[]) => {
    for (const n of ns) {
      if (n.producers.length > 0) out.add(n.name);
      for (const p of n.producers) walk(p.needs);
    }
  };
  walk(needs);
  return [...out].sort();
}

/** Whether some alternative of a need can be fed from the metrics present. */
export function feedable(need: SeriesNeed, present: ReadonlySet<string>): boolean {
  if (need.producers.length === 0) return present.has(need.name);
  return need.producers.some((p) => exprFeedable(p.expr, (name) => {
    const sub = p.needs.find((n) => n.name === name);
    return sub ? feedable(sub, present) : present.has(name);
  }));
}
