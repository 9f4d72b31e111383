/** Summary statistics as `vllm bench serve` computes them (numpy mean, median, std, linear percentiles). */

export interface Summary {
  mean: number;
  median: number;
  std: number;
  /** Percentile → value, for the asked percentiles. */
  percentiles: Record<string, number>;
}

export function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

/** numpy.percentile's default ("linear"): interpolate between the two nearest ranks. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** Empty input gives zeros, as vLLM's bench reports an empty metric (`np.mean([] or 0)`). */
export function summarize(xs: readonly number[], percentiles: readonly number[]): Summary {
  const sorted = [...xs].sort((a, b) => a - b);
  const m = mean(sorted);
  const std = sorted.length ? Math.sqrt(mean(sorted.map((x) => (x - m) ** 2))) : 0;
  return {
    mean: m,
    median: percentile(sorted, 50),
    std,
    percentiles: Object.fromEntries(percentiles.map((p) => [percentileKey(p), percentile(sorted, p)])),
  };
}

/** vLLM's field spelling of a percentile: 99 → "99", 99.9 → "99.9". */
export function percentileKey(p: number): string {
  return String(Number.isInteger(p) ? p : Number(p.toFixed(4)));
}
