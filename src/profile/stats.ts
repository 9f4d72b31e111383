/** Mean, median, spread of a list of durations (exact: the lists are per kernel name, not per trace). */
export interface Spread {
  count: number;
  total: number;
  mean: number;
  median: number;
  min: number;
  max: number;
  std: number;
}

export function spread(values: number[]): Spread {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const total = sorted.reduce((a, b) => a + b, 0);
  const mean = n ? total / n : 0;
  const median = n === 0 ? 0 : n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  // Sample standard deviation, as nsys' StdDev column.
  const std = n > 1 ? Math.sqrt(sorted.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { count: n, total, mean, median, min: n ? sorted[0]! : 0, max: n ? sorted[n - 1]! : 0, std };
}
