/**
 * Events of one CPU thread nest (a cpu_op inside another, a module inside its parent), so "self"
 * time and "which modules were open when this kernel was launched" come from one sweep with a stack.
 */
export interface Span {
  start: number;
  end: number;
}

/** Order for a sweep: earlier first, and of two starting together the longer (the parent) first. */
export function bySweepOrder<T extends Span>(spans: T[]): T[] {
  return spans.sort((a, b) => a.start - b.start || b.end - a.end);
}

/** Each span's duration minus the time covered by its direct children (spans must be sweep-ordered). */
export function selfTimes(spans: Span[]): Float64Array {
  const self = Float64Array.from(spans, (s) => s.end - s.start);
  const stack: number[] = [];
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    while (stack.length && spans[stack[stack.length - 1]!]!.end <= s.start) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent !== undefined) self[parent]! -= Math.min(s.end, spans[parent]!.end) - s.start;
    stack.push(i);
  }
  return self;
}

/**
 * For each point in time (sorted), calls `visit(point, openSpans)` with the indices of the spans
 * that contain it. Spans must be sweep-ordered.
 */
export function sweepPoints(spans: Span[], points: number[], visit: (pointIndex: number, open: readonly number[]) => void): void {
  const stack: number[] = [];
  let next = 0;
  for (let p = 0; p < points.length; p++) {
    const t = points[p]!;
    while (next < spans.length && spans[next]!.start <= t) {
      while (stack.length && spans[stack[stack.length - 1]!]!.end <= spans[next]!.start) stack.pop();
      stack.push(next++);
    }
    while (stack.length && spans[stack[stack.length - 1]!]!.end <= t) stack.pop();
    // A span can end before one below it on the stack was popped: keep only those still open.
    visit(p, stack.filter((i) => spans[i]!.end > t));
  }
}
