/** Small PromQL builders shared by the rule generators; they only compose expressions we control. */

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

/** A matcher for any of the bucket bounds, in the forms Python ("2.0") and Go ("2") clients print them. */
export function leIn(bounds: readonly number[]): string {
  const forms = [...new Set(bounds.flatMap((b) => [pythonFloat(b), String(b)]))];
  return `le=~"${forms.map((f) => f.replace(/\./g, '\\\\.')).join('|')}"`;
}
