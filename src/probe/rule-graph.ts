/**
 * Walks from the series a panel reads back to the raw engine/exporter metrics the recording rules
 * read. Several rules may record the same series (one per engine or version); those are
 * alternatives, and one of them being fed is enough.
 */
import { exprFeedable, metricNames } from './promql-names.js';

export { exprFeedable };

export interface RecordingRule {
  record: string;
  expr: string;
}

export interface SeriesNeed {
  /** A series name the query (or a rule) reads. */
  name: string;
  /** Recording rules producing it, each with the needs of its own expression; empty for raw metrics. */
  producers: { expr: string; needs: SeriesNeed[] }[];
}

export function needsOf(expr: string, rules: RecordingRule[], seen: ReadonlySet<string> = new Set()): SeriesNeed[] {
  return metricNames(expr).map((name) => {
    if (seen.has(name)) return { name, producers: [] };
    const next = new Set(seen).add(name);
    const producers = rules.filter((r) => r.record === name).map((r) => ({ expr: r.expr, needs: needsOf(r.expr, rules, next) }));
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
