/** Small PromQL builders shared by the rule generators; they only compose expressions we control. */
import { goFloat } from '../engines/number-format.js';

export const by = (labels: readonly string[]): string => `(${labels.join(', ')})`;

/**
 * First variant that exists wins, per label set: `a or on (L) b` keeps b only where a has no series
 * with the same L labels, so a metric exposed under its old and new name at once is never counted twice.
 */
export function firstOf(variants: readonly string[], on: readonly string[]): string {
  if (variants.length === 0) throw new Error('firstOf needs at least one variant');
  return variants.map((v) => `(${v})`).join(` or on ${by(on)} `);
}

/** Python's prometheus_client prints bucket bounds as floats: 2 -> "2.0", 0.1 -> "0.1". */
export function pythonFloat(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

/**
 * A bound as Prometheus 3 stores it. Prometheus 3 normalises classic-histogram `le` (and summary
 * `quantile`) label values at scrape time, whatever the target printed: Go's shortest float, with
 * ".0" where that has neither dot nor exponent (le="1" -> "1.0", "0.00001" -> "1e-05",
 * "1000000" -> "1e+06"). Prometheus 2 stores the target's text as it is.
 */
export function prometheus3Float(n: number): string {
  const g = goFloat(n);
  return /[.e]|Inf|NaN/.test(g) ? g : `${g}.0`;
}

/**
 * A matcher for any of the bucket bounds, in every form a stored `le` can take: as Python ("2.0")
 * and Go or Rust ("2") clients print them (what Prometheus 2 keeps), and as Prometheus 3 normalises
 * them.
 */
export function leIn(bounds: readonly number[]): string {
  return boundIn('le', bounds);
}

/** The same for any label holding a bound: a histogram's `le`, a summary's `quantile`. */
export function boundIn(label: 'le' | 'quantile', bounds: readonly number[]): string {
  const forms = [...new Set(bounds.flatMap((b) => [pythonFloat(b), String(b), prometheus3Float(b)]))];
  return `${label}=~"${forms.map((f) => f.replace(/[.+]/g, (c) => `\\\\${c}`)).join('|')}"`;
}
