/**
 * Capacity from the window's history: the highest throughput served while nobody waited, and the
 * load at which requests first started to queue. Inputs are per-target ranges of the normalised
 * 5-minute rates (already smoothed, so a single point is a sustained level) and the waiting queue.
 */
export interface CapacityFinding {
  peak_tokens_per_second: number | null;
  /** Highest tokens/s at a point where the waiting queue was empty. */
  best_tokens_without_queue: number | null;
  /** First time (unix s) the queue held a request after having been empty; null when it never did. */
  queue_started_at: number | null;
  tokens_at_queue_start: number | null;
  requests_at_queue_start: number | null;
  /** Share of points in the window with at least one request waiting. */
  queued_share: number | null;
}

export function findCapacity(tokens: [number, number][], requests: [number, number][], waiting: [number, number][]): CapacityFinding | null {
  if (!tokens.length && !waiting.length) return null;
  const tokAt = new Map(tokens.map(([t, v]) => [t, v]));
  const reqAt = new Map(requests.map(([t, v]) => [t, v]));
  const finite = (x: number | undefined): number | null => (x !== undefined && Number.isFinite(x) ? x : null);
  let peak: number | null = null;
  for (const [, v] of tokens) if (Number.isFinite(v) && (peak === null || v > peak)) peak = v;
  let best: number | null = null;
  let started: number | null = null;
  let sawEmpty = false;
  let queued = 0;
  for (const [t, w] of waiting) {
    const tok = finite(tokAt.get(t));
    if (w < 1) {
      sawEmpty = true;
      if (tok !== null && (best === null || tok > best)) best = tok;
    } else {
      queued += 1;
      if (started === null && sawEmpty) started = t;
    }
  }
  return {
    peak_tokens_per_second: peak,
    best_tokens_without_queue: best,
    queue_started_at: started,
    tokens_at_queue_start: started === null ? null : finite(tokAt.get(started)),
    requests_at_queue_start: started === null ? null : finite(reqAt.get(started)),
    queued_share: waiting.length ? queued / waiting.length : null,
  };
}
