/**
 * Grafana variable substitution for Prometheus queries, done the way Grafana's Prometheus datasource
 * does it, so the probe runs the query the panel would run.
 */

/** The time window the probe evaluates a panel over, in seconds. */
export interface QueryWindow {
  /** Length of the dashboard time range ($__range). */
  rangeSeconds: number;
  /** Step between points ($__interval). */
  stepSeconds: number;
  /** The datasource's scrape interval (Grafana "timeInterval"); $__rate_interval depends on it. */
  scrapeIntervalSeconds: number;
}

/** A resolved template variable: one value, or several (multi-value), or All. */
export interface VariableValue {
  values: string[];
  /** Multi-value or include-All variables are formatted as regex alternations. */
  multi: boolean;
  /** All selected: `allValue` when the variable defines one, else `.*`. */
  all?: { allValue?: string };
}

/** Grafana's definition: max($__interval + scrape interval, 4 * scrape interval). */
export function rateIntervalSeconds(w: QueryWindow): number {
  return Math.max(w.stepSeconds + w.scrapeIntervalSeconds, 4 * w.scrapeIntervalSeconds);
}

/** Prometheus duration text; whole seconds where possible, milliseconds otherwise. */
export function promDuration(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

const REGEX_SPECIAL = /[\\^$*+?.()|{}[\]]/g;

/**
 * Escapes a value for use inside a regex matcher in a double-quoted PromQL string: each regex
 * special character gets a backslash, and that backslash is itself escaped for the string.
 */
export function regexEscape(value: string): string {
  return value.replace(REGEX_SPECIAL, (ch) => `\\\\${ch}`).replace(/"/g, '\\"');
}

/** Escapes a single value for a double-quoted PromQL string. */
export function stringEscape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

function formatValue(v: VariableValue, format: string | undefined): string {
  if (v.all && format === undefined) return v.all.allValue ?? '.*';
  const values = v.values;
  switch (format) {
    case 'raw':
      return values.join(',');
    case 'csv':
      return values.join(',');
    case 'pipe':
      return values.join('|');
    case 'json':
      return JSON.stringify(values);
    case 'doublequote':
      return values.map((x) => `"${x}"`).join(',');
    case 'singlequote':
      return values.map((x) => `'${x}'`).join(',');
    case 'regex':
      return values.length === 1 ? regexEscape(values[0]!) : `(${values.map(regexEscape).join('|')})`;
    case 'text':
      return values.join(' + ');
    default:
      if (v.multi) return values.length === 1 ? regexEscape(values[0]!) : `(${values.map(regexEscape).join('|')})`;
      return stringEscape(values[0] ?? '');
  }
}

/** Grafana's built-in variables for a window. */
export function builtinVariables(w: QueryWindow): Record<string, string> {
  const rate = rateIntervalSeconds(w);
  return {
    __interval: promDuration(w.stepSeconds),
    __interval_ms: String(Math.round(w.stepSeconds * 1000)),
    __rate_interval: promDuration(rate),
    __rate_interval_ms: String(Math.round(rate * 1000)),
    __range: promDuration(w.rangeSeconds),
    __range_s: String(Math.round(w.rangeSeconds)),
    __range_ms: String(Math.round(w.rangeSeconds * 1000)),
  };
}

// $name, ${name}, ${name:format}, [[name]], [[name:format]]
const VARIABLE = /\$\{(\w+)(?::(\w+))?\}|\[\[(\w+)(?::(\w+))?\]\]|\$(\w+)/g;

/**
 * Substitutes built-ins and template variables. Unknown variables are left in place, so the
 * query fails visibly rather than silently matching something else.
 */
export function substitute(expr: string, w: QueryWindow, vars: Record<string, VariableValue>): string {
  const builtins = builtinVariables(w);
  return expr.replace(VARIABLE, (whole, n1?: string, f1?: string, n2?: string, f2?: string, n3?: string) => {
    const name = (n1 ?? n2 ?? n3)!;
    const format = f1 ?? f2;
    if (name in builtins) return builtins[name]!;
    // `$__rate_interval_something` would match greedily; fall back to the longest built-in prefix.
    if (n3 && name.startsWith('__')) {
      const prefix = Object.keys(builtins)
        .filter((b) => name.startsWith(b))
        .sort((a, b) => b.length - a.length)[0];
      if (prefix) return builtins[prefix]! + name.slice(prefix.length);
    }
    const v = vars[name];
    return v ? formatValue(v, format) : whole;
  });
}

/** Names of the variables `text` refers to (built-ins excluded). */
export function referencedVariables(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(VARIABLE)) {
    const name = (m[1] ?? m[3] ?? m[5])!;
    if (!name.startsWith('__')) names.add(name);
  }
  return [...names];
}
