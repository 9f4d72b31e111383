/**
 * Which metric names a PromQL expression selects. A small lexer, not a parser: enough to walk from a
 * panel query to the series it reads, and from a recording rule to its inputs.
 */

const KEYWORDS = new Set([
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset',
  'inf', 'nan', 'atan2',
]);

/** Aggregations and functions are followed by `(` (or by `by`/`without` and then `(`). */
const AGGREGATIONS = new Set([
  'sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile',
  'limitk', 'limit_ratio',
]);

const IDENT_START = /[A-Za-z_:]/;
const IDENT_PART = /[A-Za-z0-9_:]/;

export interface SelectedName {
  name: string;
  /** Raw text of the `{...}` matchers that followed the name, if any (variables already substituted or not). */
  matchers: string;
}

/** Skips a quoted string starting at `i` (which holds the quote); returns the index after it. */
function skipString(expr: string, i: number): number {
  const quote = expr[i];
  let j = i + 1;
  while (j < expr.length && expr[j] !== quote) {
    if (expr[j] === '\\' && quote !== '`') j++;
    j++;
  }
  return j + 1;
}

/** Index of the `}` closing the `{` at `i`, skipping quoted label values. */
function closeBrace(expr: string, i: number): number {
  let j = i + 1;
  while (j < expr.length && expr[j] !== '}') {
    const c = expr[j]!;
    j = c === '"' || c === "'" || c === '`' ? skipString(expr, j) : j + 1;
  }
  return j;
}

function nextNonSpace(expr: string, i: number): number {
  while (i < expr.length && /\s/.test(expr[i]!)) i++;
  return i;
}

/** Every vector selector in `expr`, in order of appearance, with its label matchers. */
export function selectedSeries(expr: string): SelectedName[] {
  const out: SelectedName[] = [];
  let i = 0;
  // After `by`/`without`/`on`/`ignoring`/`group_*` the next parenthesised list holds label names.
  let labelListNext = false;
  while (i < expr.length) {
    const c = expr[i]!;
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(expr, i);
      continue;
    }
    if (c === '#') {
      while (i < expr.length && expr[i] !== '\n') i++;
      continue;
    }
    if (c === '[') {
      // Range or subquery duration: `[5m]`, `[$__rate_interval]`, `[1h:1m]`.
      while (i < expr.length && expr[i] !== ']') i++;
      i++;
      continue;
    }
    if (c === '{') {
      // A selector without a bare name: `{__name__="x", ...}`, `{__name__=~"a|b"}`, or Prometheus 3's
      // quoted (UTF-8) name first: `{"http.server.duration", job="x"}` (2.x cannot parse that).
      const end = closeBrace(expr, i);
      const matchers = expr.slice(i + 1, end);
      const quoted = /^\s*("(?:[^"\\]|\\.)*")\s*(?:,\s*|$)/.exec(matchers);
      if (quoted) out.push({ name: JSON.parse(quoted[1]!) as string, matchers: matchers.slice(quoted[0].length) });
      else {
        const m = /__name__\s*=\s*"([^"]+)"/.exec(matchers);
        if (m) out.push({ name: m[1]!, matchers });
        // A regex of literal names, `{__name__=~"a|b"}` (one field under its two names): each of them.
        const alternatives = /__name__\s*=~\s*"([^"]+)"/.exec(matchers)?.[1]?.split('|');
        if (alternatives?.every((a) => /^[A-Za-z_:][A-Za-z0-9_:]*$/.test(a))) for (const name of alternatives) out.push({ name, matchers });
      }
      i = end + 1;
      continue;
    }
    if (c === '(' && labelListNext) {
      while (i < expr.length && expr[i] !== ')') i++;
      i++;
      labelListNext = false;
      continue;
    }
    if (/[0-9.]/.test(c)) {
      // Numbers, durations after `offset`, hex and exponents: consume the whole token.
      while (i < expr.length && /[0-9A-Za-z._+-]/.test(expr[i]!) && !(/[+-]/.test(expr[i]!) && !/[eE]/.test(expr[i - 1]!))) i++;
      continue;
    }
    if (c === '$') {
      // An unsubstituted Grafana variable: not a metric name.
      i++;
      if (expr[i] === '{') i = closeBrace(expr, i) + 1;
      else while (i < expr.length && /\w/.test(expr[i]!)) i++;
      continue;
    }
    if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < expr.length && IDENT_PART.test(expr[j]!)) j++;
      const word = expr.slice(i, j);
      const k = nextNonSpace(expr, j);
      const lower = word.toLowerCase();
      if (['by', 'without', 'on', 'ignoring', 'group_left', 'group_right'].includes(lower)) {
        // Only a list written right after the keyword holds label names (`group_left count(x)` does not).
        labelListNext = expr[k] === '(';
      } else if (KEYWORDS.has(lower)) {
        // offset durations and operators are skipped by the number branch or here.
      } else if (expr[k] === '(' || (AGGREGATIONS.has(lower) && /^(by|without)\b/i.test(expr.slice(k)))) {
        // A function or aggregation call.
      } else if (expr[k] === '{') {
        const end = closeBrace(expr, k);
        out.push({ name: word, matchers: expr.slice(k + 1, end) });
        j = end + 1;
      } else {
        out.push({ name: word, matchers: '' });
      }
      i = j;
      continue;
    }
    i++;
  }
  return out;
}

/** Distinct metric names `expr` selects, sorted. */
export function metricNames(expr: string): string[] {
  return [...new Set(selectedSeries(expr).map((s) => s.name))].sort();
}
