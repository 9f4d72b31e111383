/**
 * Walks from the series a panel reads back to the raw engine/exporter metrics the recording rules
 * read. Several rules may record the same series (one per engine or version); those are
 * alternatives, and one of them being fed is enough.
 */
import { metricNames } from './promql-names.js';

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

const LIST_KEYWORDS = /\b(by|without|on|ignoring|group_left|group_right)\s*$/i;

/** Index just past the bracket closing the one at `i` (quotes skipped). */
function closing(expr: string, i: number): number {
  const open = expr[i]!;
  const close = open === '(' ? ')' : open === '[' ? ']' : '}';
  let depth = 0;
  for (let j = i; j < expr.length; j++) {
    const c = expr[j]!;
    if (c === '"' || c === "'" || c === '`') {
      for (j++; j < expr.length && expr[j] !== c; j++) if (expr[j] === '\\' && c !== '`') j++;
    } else if (c === open) depth++;
    else if (c === close && --depth === 0) return j + 1;
  }
  return expr.length;
}

/** Splits at a set operator outside any brackets; the modifiers after it stay with the right part. */
function splitTop(expr: string, op: 'or' | 'and' | 'unless'): string[] {
  const parts: string[] = [];
  let start = 0;
  const re = new RegExp(`^${op}\\b`, 'i');
  for (let i = 0; i < expr.length; ) {
    const c = expr[i]!;
    if (c === '(' || c === '[' || c === '{') {
      i = closing(expr, i);
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      for (i++; i < expr.length && expr[i] !== c; i++) if (expr[i] === '\\' && c !== '`') i++;
      i++;
      continue;
    }
    if (/[a-z]/i.test(c) && (i === 0 || !/[\w:]/.test(expr[i - 1]!)) && re.test(expr.slice(i))) {
      parts.push(expr.slice(start, i));
      start = i + op.length;
      i = start;
      continue;
    }
    i++;
  }
  parts.push(expr.slice(start));
  return parts.map((p) => p.replace(/^\s*(on|ignoring)\s*\([^)]*\)/i, '').replace(/^\s*(group_left|group_right)\s*(\([^)]*\))?/i, '').replace(/^\s*bool\b/i, ''));
}

/**
 * Whether an expression can produce series given which names can be fed: `or` needs one side,
 * `and` both, `unless` its left side; arithmetic, functions and aggregations need every input.
 */
export function exprFeedable(expr: string, fed: (name: string) => boolean): boolean {
  const ors = splitTop(expr, 'or');
  if (ors.length > 1) return ors.some((p) => exprFeedable(p, fed));
  const unless = splitTop(expr, 'unless');
  if (unless.length > 1) return exprFeedable(unless[0]!, fed);
  const ands = splitTop(expr, 'and');
  if (ands.length > 1) return ands.every((p) => exprFeedable(p, fed));
  // No set operator at this level: the names outside brackets and every bracketed group are needed.
  let outside = '';
  for (let i = 0; i < expr.length; ) {
    const c = expr[i]!;
    if (c === '(') {
      const end = closing(expr, i);
      if (!LIST_KEYWORDS.test(expr.slice(0, i)) && !exprFeedable(expr.slice(i + 1, end - 1), fed)) return false;
      outside += '()';
      i = end;
    } else if (c === '{' || c === '[') {
      const end = closing(expr, i);
      outside += expr.slice(i, end);
      i = end;
    } else {
      outside += c;
      i++;
    }
  }
  return metricNames(outside).every(fed);
}

/** Whether some alternative of a need can be fed from the metrics present. */
export function feedable(need: SeriesNeed, present: ReadonlySet<string>): boolean {
  if (need.producers.length === 0) return present.has(need.name);
  return need.producers.some((p) => exprFeedable(p.expr, (name) => {
    const sub = p.needs.find((n) => n.name === name);
    return sub ? feedable(sub, present) : present.has(name);
  }));
}
