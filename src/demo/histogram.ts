/** A cumulative histogram like prometheus_client's: fixed upper bounds, +Inf, sum and count. */
export class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }
  /** Observe `value` n times (SGLang's ITL adds n tokens for one interval: see observeWeighted). */
  observe(value: number, n = 1): void {
    const i = this.bounds.findIndex((b) => value <= b);
    this.counts[i === -1 ? this.bounds.length : i]! += n;
    this.sum += value * n;
    this.count += n;
  }
  /** Add `sumAdd` to the sum but `n` to the bucket and count (SGLang inter-token latency). */
  observeWeighted(value: number, sumAdd: number, n: number): void {
    const i = this.bounds.findIndex((b) => value <= b);
    this.counts[i === -1 ? this.bounds.length : i]! += n;
    this.sum += sumAdd;
    this.count += n;
  }
  /** Cumulative counts per bound, +Inf last. */
  cumulative(): number[] {
    let acc = 0;
    return this.counts.map((c) => (acc += c));
  }
}
