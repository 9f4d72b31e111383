/**
 * Time as sets of intervals: GPU work overlaps itself (streams, and kernels on one stream too), so
 * busy time is the length of the union, never the sum of durations.
 */

/** [start, end] pairs, sorted and disjoint. */
export type Union = Float64Array;

/** The union of intervals given as parallel start/end lists (any order, any overlap). */
export function union(starts: ArrayLike<number>, ends: ArrayLike<number>): Union {
  const order = Array.from({ length: starts.length }, (_, i) => i).sort((a, b) => starts[a]! - starts[b]!);
  const out: number[] = [];
  for (const i of order) {
    const s = starts[i]!, e = ends[i]!;
    if (!(e > s)) continue;
    const last = out.length - 1;
    if (last > 0 && s <= out[last]!) out[last] = Math.max(out[last]!, e);
    else out.push(s, e);
  }
  return Float64Array.from(out);
}

export function length(u: Union): number {
  let total = 0;
  for (let i = 0; i < u.length; i += 2) total += u[i + 1]! - u[i]!;
  return total;
}

/** Length of the intersection of two unions (a linear merge of the two sorted lists). */
export function overlapLength(a: Union, b: Union): number {
  let i = 0, j = 0, total = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i]!, b[j]!), hi = Math.min(a[i + 1]!, b[j + 1]!);
    if (hi > lo) total += hi - lo;
    if (a[i + 1]! < b[j + 1]!) i += 2;
    else j += 2;
  }
  return total;
}

/** Gaps between the union's pieces within [from, to], longest first. */
export function gaps(u: Union, from: number, to: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let cursor = from;
  for (let i = 0; i < u.length; i += 2) {
    if (u[i]! > cursor) out.push({ start: cursor, end: Math.min(u[i]!, to) });
    cursor = Math.max(cursor, u[i + 1]!);
  }
  if (to > cursor) out.push({ start: cursor, end: to });
  return out.filter((g) => g.end > g.start).sort((x, y) => (y.end - y.start) - (x.end - x.start));
}
