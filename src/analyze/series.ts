/**
 * Bounded-memory views of a long run for the charts: a trend that keeps at most `maxBins` bins of
 * consecutive records (when full, neighbours merge and each bin covers twice as many records), and a
 * reservoir sample for the scatter plot.
 */
export const TREND_FIELDS = ['schedule', 'modelRun', 'step', 'tokens', 'prefillReqs', 'decodeReqs', 'waiting', 'running', 'kv'] as const;
export type TrendField = (typeof TREND_FIELDS)[number];

export interface TrendBin {
  /** Ordinal of the first record in the bin (0-based, in reading order). */
  first: number;
  records: number;
  sum: Partial<Record<TrendField, number>>;
  n: Partial<Record<TrendField, number>>;
  max: Partial<Record<TrendField, number>>;
}

export class Trend {
  private bins: TrendBin[] = [];
  private width = 1;
  private seen = 0;

  constructor(private readonly maxBins = 400) {}

  add(values: Partial<Record<TrendField, number>>): void {
    const ordinal = this.seen++;
    let bin = this.bins[this.bins.length - 1];
    if (!bin || ordinal - bin.first >= this.width) {
      if (this.bins.length === this.maxBins) {
        this.halve();
        bin = this.bins[this.bins.length - 1];
      }
      if (!bin || ordinal - bin.first >= this.width) {
        bin = { first: ordinal, records: 0, sum: {}, n: {}, max: {} };
        this.bins.push(bin);
      }
    }
    bin.records += 1;
    for (const key of TREND_FIELDS) {
      const v = values[key];
      if (v === undefined) continue;
      bin.sum[key] = (bin.sum[key] ?? 0) + v;
      bin.n[key] = (bin.n[key] ?? 0) + 1;
      bin.max[key] = Math.max(bin.max[key] ?? -Infinity, v);
    }
  }

  /** Mean of a field per bin, as [first ordinal, mean] points (bins without the field are skipped). */
  means(field: TrendField): [number, number][] {
    return this.bins.filter((b) => b.n[field]).map((b) => [b.first, b.sum[field]! / b.n[field]!]);
  }

  get binWidth(): number {
    return this.width;
  }

  get length(): number {
    return this.bins.length;
  }

  private halve(): void {
    const merged: TrendBin[] = [];
    for (let i = 0; i < this.bins.length; i += 2) {
      const a = this.bins[i]!;
      const b = this.bins[i + 1];
      if (!b) {
        merged.push(a);
        continue;
      }
      const m: TrendBin = { first: a.first, records: a.records + b.records, sum: { ...a.sum }, n: { ...a.n }, max: { ...a.max } };
      for (const key of TREND_FIELDS) {
        if (b.n[key] === undefined) continue;
        m.sum[key] = (m.sum[key] ?? 0) + b.sum[key]!;
        m.n[key] = (m.n[key] ?? 0) + b.n[key]!;
        m.max[key] = Math.max(m.max[key] ?? -Infinity, b.max[key]!);
      }
      merged.push(m);
    }
    this.bins = merged;
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
    this.seen += 1;
    if (this.items.length < this.size) this.items.push(item);
    else {
      const j = Math.floor(this.random() * this.seen);
      if (j < this.size) this.items[j] = item;
    }
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
