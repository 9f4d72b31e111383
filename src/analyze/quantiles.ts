/**
 * Streaming summary of one measure: count, sum, min, max, and quantiles in bounded memory.
 *
 * Up to `exactLimit` values are kept and quantiles are exact (linear interpolation between closest
 * ranks, as pandas computes them), so small profiles give the numbers an operator would get by hand.
 * Beyond that only a log-bucketed histogram remains (the DDSketch idea: bucket i holds values in
 * (γ^(i-1), γ^i], γ = (1+α)/(1-α)), whose quantiles are within a relative error α = 0.5% of a true
 * sample value. Its size depends on the value range, not the count: about 2,100 buckets cover 1 µs
 * to 1,000 s, so a million or a billion steps cost the same memory, and two summaries merge by adding
 * bucket counts.
 */
export const RELATIVE_ERROR = 0.005;
const GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR);
const LN_GAMMA = Math.log(GAMMA);
/** Values at or below this are counted as zero (a 0 ms step, an empty queue). */
const ZERO = 1e-9;

export const DEFAULT_EXACT_LIMIT = 100_000;

export interface HistogramBin {
  from: number;
  to: number;
  count: number;
}

export class QuantileSummary {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  private zeros = 0;
  // Bucket counts in a dense array (bucket i at i - offset), grown as values arrive: cheaper per
  // value than a Map, and the index range is bounded (about 73,000 buckets from 1e-9 to 1e308).
  private counts = new Float64Array(0);
  private offset = 0;
  private used = 0;
  private exact: number[] | undefined = [];
  // Runs of one value are common (decode chunks are all 1): skip the logarithm for a repeat.
  private lastValue = NaN;
  private lastIndex = 0;

  constructor(private readonly exactLimit = DEFAULT_EXACT_LIMIT) {}

  add(x: number): void {
    this.addRun(x, 1);
  }

  /** Adds x `times` times (same result as that many add(x) calls, sum included). */
  addRun(x: number, times: number): void {
    this.count += times;
    for (let k = 0; k < times; k++) this.sum += x;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    if (x <= ZERO) this.zeros += times;
    else {
      if (x !== this.lastValue) {
        this.lastValue = x;
        this.lastIndex = Math.ceil(Math.log(x) / LN_GAMMA);
      }
      this.bump(this.lastIndex, times);
    }
    const exact = this.exact;
    if (exact) {
      for (let k = 0; k < times; k++) {
        if (exact.length < this.exactLimit) exact.push(x);
        else {
          this.exact = undefined;
          break;
        }
      }
    }
  }

  private bump(i: number, times: number): void {
    let j = i - this.offset;
    if (j < 0 || j >= this.counts.length) {
      const lo = this.counts.length ? Math.min(this.offset, i - 64) : i - 64;
      const hi = this.counts.length ? Math.max(this.offset + this.counts.length, i + 65) : i + 65;
      const grown = new Float64Array(hi - lo);
      if (this.counts.length) grown.set(this.counts, this.offset - lo);
      this.counts = grown;
      this.offset = lo;
      j = i - lo;
    }
    const c = this.counts[j]!;
    if (c === 0) this.used += 1;
    this.counts[j] = c + times;
  }

  /** Non-empty buckets as [index, count], lowest index first. */
  private *buckets(): Generator<[number, number]> {
    const c = this.counts;
    for (let j = 0; j < c.length; j++) if (c[j]) yield [j + this.offset, c[j]!];
  }

  get isExact(): boolean {
    return this.exact !== undefined;
  }

  get mean(): number | undefined {
    return this.count ? this.sum / this.count : undefined;
  }

  /** Several quantiles at once (q in 0..1); undefined when empty. */
  quantiles(qs: number[]): (number | undefined)[] {
    if (!this.count) return qs.map(() => undefined);
    if (this.exact) {
      const sorted = Float64Array.from(this.exact).sort();
      return qs.map((q) => interpolate(sorted, q));
    }
    return qs.map((q) => {
      const rank = q * (this.count - 1);
      let seen = this.zeros;
      if (seen > rank) return Math.max(this.min, 0);
      for (const [k, c] of this.buckets()) {
        seen += c;
        if (seen > rank) return clamp(bucketValue(k), this.min, this.max);
      }
      return this.max;
    });
  }

  quantile(q: number): number | undefined {
    return this.quantiles([q])[0];
  }

  /** How many values exceed t (exact while values are kept, else to the bucket's resolution). */
  countAbove(t: number): number {
    if (this.exact) return this.exact.reduce((n, x) => (x > t ? n + 1 : n), 0);
    let n = 0;
    for (const [k, c] of this.buckets()) if (bucketValue(k) > t) n += c;
    return n;
  }

  /** Equal-width bins from min to max, for a histogram chart. */
  histogram(binCount: number): HistogramBin[] {
    if (!this.count) return [];
    const lo = this.min;
    const hi = this.max;
    const width = hi > lo ? (hi - lo) / binCount : 1;
    const bins: HistogramBin[] = Array.from({ length: hi > lo ? binCount : 1 }, (_, i) => ({ from: lo + i * width, to: lo + (i + 1) * width, count: 0 }));
    const put = (x: number, c: number): void => {
      const i = Math.min(bins.length - 1, Math.max(0, Math.floor((x - lo) / width)));
      bins[i]!.count += c;
    };
    if (this.exact) for (const x of this.exact) put(x, 1);
    else {
      if (this.zeros) put(0, this.zeros);
      for (const [k, c] of this.buckets()) put(clamp(bucketValue(k), lo, hi), c);
    }
    return bins;
  }

  /** Memory held, in stored numbers (for the benchmark and the report's method line). */
  get footprint(): number {
    return (this.exact?.length ?? 0) + this.used * 2;
  }
}

function bucketValue(i: number): number {
  return (2 * GAMMA ** i) / (GAMMA + 1);
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function interpolate(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
