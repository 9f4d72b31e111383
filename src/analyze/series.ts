/**
 * Bounded-memory views of a long run for the charts: a trend that keeps at most `maxBins` bins of
 * consecutive records (when full, neighbours merge and each bin covers twice as many records), and a
 * reservoir sample for the scatter plot.
 */
export const TREND_FIELDS = ['schedule', 'modelRun', 'step', 'tokens', 'prefillReqs', 'decodeReqs', 'waiting', 'running', 'kv'] as const;
export type TrendField = (typeof TREND_FIELDS)[number];

const F = TREND_FIELDS.length;

/**
 * Bins live in flat typed arrays (bin b, field k at b * F + k): a record costs a few number
 * additions, no objects.
 */
export class Trend {
  private readonly firsts: number[] = [];
  private readonly sums: Float64Array;
  private readonly ns: Float64Array;
  private width = 1;
  private seen = 0;

  constructor(private readonly maxBins = 400) {
    this.sums = new Float64Array(maxBins * F);
    this.ns = new Float64Array(maxBins * F);
  }

  /** One record's values in TREND_FIELDS order, NaN where the record has none. */
  add(row: ArrayLike<number>): void {
    const ordinal = this.seen++;
    const firsts = this.firsts;
    if (!firsts.length || ordinal - firsts[firsts.length - 1]! >= this.width) {
      if (firsts.length === this.maxBins) this.halve();
      if (!firsts.length || ordinal - firsts[firsts.length - 1]! >= this.width) firsts.push(ordinal);
    }
    const o = (firsts.length - 1) * F;
    for (let k = 0; k < F; k++) {
      const v = row[k]!;
      if (v !== v) continue;
      this.sums[o + k] = this.sums[o + k]! + v;
      this.ns[o + k] = this.ns[o + k]! + 1;
    }
  }

  /** Mean of a field per bin, as [first ordinal, mean] points (bins without the field are skipped). */
  means(field: TrendField): [number, number][] {
    const k = TREND_FIELDS.indexOf(field);
    const out: [number, number][] = [];
    for (let b = 0; b < this.firsts.length; b++) {
      const n = this.ns[b * F + k]!;
      if (n) out.push([this.firsts[b]!, this.sums[b * F + k]! / n]);
    }
    return out;
  }

  get binWidth(): number {
    return this.width;
  }

  get length(): number {
    return this.firsts.length;
  }

  /** Merges neighbours in place: bin i becomes bins 2i and 2i+1. */
  private halve(): void {
    const { firsts, sums, ns } = this;
    const bins = firsts.length;
    const kept = Math.ceil(bins / 2);
    for (let i = 0; i < kept; i++) {
      const a = 2 * i;
      const b = a + 1;
      firsts[i] = firsts[a]!;
      for (let k = 0; k < F; k++) {
        let sum = sums[a * F + k]!;
        let n = ns[a * F + k]!;
        if (b < bins) {
          sum += sums[b * F + k]!;
          n += ns[b * F + k]!;
        }
        sums[i * F + k] = sum;
        ns[i * F + k] = n;
      }
    }
    firsts.length = kept;
    sums.fill(0, kept * F);
    ns.fill(0, kept * F);
    this.width *= 2;
  }
}

/** Algorithm R with a seeded generator, so the same input always draws the same sample. */
export class Reservoir<T> {
  readonly items: T[] = [];
  private seen = 0;
  private state: number;

  constructor(private readonly size = 2000, seed = 0x5eed) {
    this.state = seed >>> 0;
  }

  add(item: T): void {
    const i = this.slot();
    if (i >= 0) this.items[i] = item;
  }

  /** Counts one more item and says where it goes (-1: not sampled), so a caller builds only kept items. */
  slot(): number {
    this.seen += 1;
    if (this.items.length < this.size) return this.items.length;
    const j = Math.floor(this.random() * this.seen);
    return j < this.size ? j : -1;
  }

  /** mulberry32 */
  private random(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** Counts of small non-negative integers (requests per batch); larger values share one overflow slot. */
export class IntCounts {
  readonly counts: number[] = [];
  overflow = 0;

  constructor(private readonly limit = 4096) {}

  add(v: number): void {
    const i = Math.round(v);
    if (i < 0 || i >= this.limit) this.overflow += 1;
    else this.counts[i] = (this.counts[i] ?? 0) + 1;
  }
}
