/**
 * Request arrival gaps as `vllm bench serve` draws them: Gamma(shape = burstiness,
 * scale = 1 / (rate · burstiness)), so the mean rate stays `rate`; burstiness 1 is Poisson,
 * below 1 burstier, above 1 more even. An infinite rate sends everything at once.
 */
import { Rng } from '../demo/rng.js';

export class Arrivals {
  private readonly rng: Rng;
  constructor(
    seed: number,
    private readonly rate: number,
    private readonly burstiness = 1,
  ) {
    this.rng = new Rng(seed);
  }

  /** Seconds until the next request. */
  nextGap(): number {
    if (!Number.isFinite(this.rate)) return 0;
    return gamma(this.rng, this.burstiness) / (this.rate * this.burstiness);
  }
}

/** A Gamma(shape, 1) draw (Marsaglia–Tsang; shape < 1 by the U^(1/shape) boost). */
export function gamma(rng: Rng, shape: number): number {
  if (shape < 1) return gamma(rng, shape + 1) * Math.pow(1 - rng.next(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}
