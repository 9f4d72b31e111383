/**
 * A device's timeline, bounded whatever the size of the trace: the window cut into
 * TIMELINE_BUCKETS equal buckets, and for each lane (all GPU work, compute kernels, communication
 * kernels, memcpy/memset) the share of each bucket its union of intervals covers; steps as the
 * buckets their starts fall in. 4 × 600 shares and at most 600 step marks per device, for a 1 MB
 * trace as for a 200 MB one.
 */
import { length, type Union } from './intervals.js';

export const TIMELINE_BUCKETS = 600;

export const TIMELINE_LANES = ['gpu', 'compute', 'communication', 'memcpy'] as const;
export type TimelineLane = (typeof TIMELINE_LANES)[number];

export interface Timeline {
  buckets: number;
  bucket_ms: number;
  /** Share (0-1, 4 decimals) of each bucket the lane is busy. */
  lanes: Record<TimelineLane, number[]>;
  /** Steps starting in the window, and the buckets (ascending, once each) they start in. */
  steps: { count: number; buckets: number[] };
}

/** The share of each of n equal buckets of [from, to) that the union covers (pieces are clipped). */
export function bucketShares(u: Union, from: number, to: number, n = TIMELINE_BUCKETS): number[] {
  const width = (to - from) / n;
  const busy = new Float64Array(n);
  if (!(width > 0)) return Array.from(busy);
  for (let i = 0; i < u.length; i += 2) {
    const s = Math.max(u[i]!, from), e = Math.min(u[i + 1]!, to);
    if (!(e > s)) continue;
    const first = Math.min(n - 1, Math.floor((s - from) / width)), last = Math.min(n - 1, Math.floor((e - from) / width));
    for (let b = first; b <= last; b++) {
      const lo = from + b * width, hi = b === n - 1 ? to : lo + width;
      busy[b]! += Math.max(0, Math.min(e, hi) - Math.max(s, lo));
    }
  }
  return Array.from(busy, (t) => Math.round(Math.min(1, t / width) * 1e4) / 1e4);
}

export function timeline(lanes: Record<TimelineLane, Union>, from: number, to: number, stepStarts: number[], n = TIMELINE_BUCKETS): Timeline {
  const width = (to - from) / n;
  const inWindow = stepStarts.filter((t) => t >= from && t < to);
  const marks = [...new Set(inWindow.map((t) => Math.min(n - 1, Math.floor((t - from) / width))))].sort((a, b) => a - b);
  return {
    buckets: n,
    bucket_ms: width / 1000,
    lanes: Object.fromEntries(TIMELINE_LANES.map((l) => [l, length(lanes[l]) > 0 ? bucketShares(lanes[l], from, to, n) : []])) as Record<TimelineLane, number[]>,
    steps: { count: inWindow.length, buckets: marks },
  };
}
