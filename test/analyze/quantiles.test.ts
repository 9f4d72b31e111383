import { describe, expect, it } from 'vitest';
import { QuantileSummary, RELATIVE_ERROR } from '../../src/analyze/quantiles.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

describe('QuantileSummary', () => {
  it('is exact (pandas-style interpolation) while values are kept', () => {
    const q = new QuantileSummary();
    for (const x of [4, 1, 100, 3, 2]) q.add(x);
    expect(q.isExact).toBe(true);
    const [q0, q50, q95, q100] = q.quantiles([0, 0.5, 0.95, 1]);
    expect([q0, q50, q100]).toEqual([1, 3, 100]);
    expect(q95).toBeCloseTo(4 + 0.8 * 96, 9);
    expect(q.mean).toBe(22);
  });

  it('stays within the stated relative error in bounded memory past the exact limit', () => {
    const rand = lcg(42);
    const values: number[] = [];
    const q = new QuantileSummary(1000);
    for (let i = 0; i < 300_000; i++) {
      // Log-normal-ish step times from 0.05 ms to a few seconds, plus exact zeros.
      const x = i % 97 === 0 ? 0 : Math.exp(rand() * 11 - 3);
      values.push(x);
      q.add(x);
    }
    expect(q.isExact).toBe(false);
    expect(q.footprint).toBeLessThan(5000);
    values.sort((a, b) => a - b);
    for (const p of [0.005, 0.02, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999]) {
      const truth = values[Math.round(p * (values.length - 1))]!;
      const got = q.quantile(p)!;
      if (truth === 0) {
        expect(got, `p${p * 100}`).toBe(0);
        continue;
      }
      expect(Math.abs(got - truth) / truth, `p${p * 100}`).toBeLessThanOrEqual(RELATIVE_ERROR * 1.01);
    }
    expect(q.quantile(0)).toBe(0);
    expect(q.max).toBe(values[values.length - 1]);
  });

  it('counts values above a threshold and bins them for a histogram', () => {
    const q = new QuantileSummary();
    for (let i = 1; i <= 100; i++) q.add(i);
    expect(q.countAbove(90)).toBe(10);
    const bins = q.histogram(10);
    expect(bins).toHaveLength(10);
    expect(bins.reduce((a, b) => a + b.count, 0)).toBe(100);
    // Width 9.9: the first bin holds 1..10, the last 90.1..100.
    expect(bins[0]).toMatchObject({ from: 1, count: 10 });
    expect(bins[9]).toMatchObject({ to: 100, count: 10 });
  });

  it('adds a run exactly as that many single adds, across the exact limit', () => {
    const one = new QuantileSummary(50);
    const runs = new QuantileSummary(50);
    const xs: [number, number][] = [[1, 30], [0, 5], [2.5, 1], [1, 40], [1e-12, 3], [700, 2]];
    for (const [x, k] of xs) {
      for (let i = 0; i < k; i++) one.add(x);
      runs.addRun(x, k);
    }
    const ps = [0, 0.1, 0.5, 0.9, 0.99, 1];
    expect(runs.isExact).toBe(false);
    expect([runs.count, runs.sum, runs.min, runs.max, runs.footprint]).toEqual([one.count, one.sum, one.min, one.max, one.footprint]);
    expect(runs.quantiles(ps)).toEqual(one.quantiles(ps));
    expect(runs.histogram(8)).toEqual(one.histogram(8));
    expect(runs.countAbove(2)).toBe(one.countAbove(2));
  });
});
