/**
 * The three things seed 004 tells operators to look for, found in one pass with bounded memory:
 * steps far slower than the P99 (by `slowMargin`), sudden schedule-time jumps against a moving
 * baseline, and a waiting queue that stays non-empty for a long stretch (requests piling up).
 * Detectors run per DP rank: interleaved ranks would otherwise hide each other's runs.
 */
export interface Where {
  file: string;
  line: number;
  batch_id?: number;
  dp_rank?: number;
  timestamp?: number;
}

export interface AnomalyOptions {
  /** A step is slow when it exceeds P99 × (1 + slowMargin). */
  slowMargin: number;
  /** A schedule time is a jump when it exceeds jumpFactor × the moving baseline and the baseline by jumpMinMs. */
  jumpFactor: number;
  jumpMinMs: number;
  /** Records before the baseline is trusted. */
  jumpWarmup: number;
  /** A waiting-queue run is sustained from this many seconds (or sustainedBatches when records carry no time). */
  sustainedSeconds: number;
  sustainedBatches: number;
  /** How many examples each list keeps. */
  examples: number;
}

export const DEFAULT_ANOMALY_OPTIONS: AnomalyOptions = {
  slowMargin: 0.5,
  jumpFactor: 3,
  jumpMinMs: 1,
  jumpWarmup: 20,
  sustainedSeconds: 10,
  sustainedBatches: 200,
  examples: 20,
};

const EWMA_ALPHA = 0.05;

export interface JumpEvent extends Where {
  schedule_ms: number;
  baseline_ms: number;
}

export interface WaitingEpisode {
  dp_rank?: number;
  file: string;
  start_line: number;
  end_line: number;
  start_batch_id?: number;
  end_batch_id?: number;
  batches: number;
  seconds?: number;
  peak_waiting: number;
  first_waiting: number;
  last_waiting: number;
}

export class ScheduleJumps {
  count = 0;
  readonly events: JumpEvent[] = [];
  private readonly state = new Map<number, { ewma: number; n: number }>();

  constructor(private readonly o: AnomalyOptions) {}

  add(x: number, where: Where): void {
    const key = where.dp_rank ?? -1;
    let s = this.state.get(key);
    if (!s) this.state.set(key, (s = { ewma: x, n: 0 }));
    if (s.n >= this.o.jumpWarmup && x > this.o.jumpFactor * s.ewma && x - s.ewma > this.o.jumpMinMs) {
      this.count += 1;
      if (this.events.length < this.o.examples) this.events.push({ ...where, schedule_ms: x, baseline_ms: s.ewma });
    }
    s.ewma += EWMA_ALPHA * (x - s.ewma);
    s.n += 1;
  }
}

interface OpenRun {
  file: string;
  startLine: number;
  endLine: number;
  startBatch?: number;
  endBatch?: number;
  startTs?: number;
  endTs?: number;
  batches: number;
  peak: number;
  first: number;
  last: number;
}

export class SustainedWaiting {
  count = 0;
  /** The longest qualifying episodes, longest first. */
  episodes: WaitingEpisode[] = [];
  private readonly open = new Map<number, OpenRun>();

  constructor(private readonly o: AnomalyOptions) {}

  add(waiting: number, where: Where): void {
    const key = where.dp_rank ?? -1;
    const run = this.open.get(key);
    if (waiting > 0) {
      if (!run) {
        this.open.set(key, {
          file: where.file, startLine: where.line, endLine: where.line, startBatch: where.batch_id, endBatch: where.batch_id,
          startTs: where.timestamp, endTs: where.timestamp, batches: 1, peak: waiting, first: waiting, last: waiting,
        });
      } else {
        run.endLine = where.line;
        run.endBatch = where.batch_id;
        run.endTs = where.timestamp ?? run.endTs;
        run.batches += 1;
        run.peak = Math.max(run.peak, waiting);
        run.last = waiting;
      }
    } else if (run) {
      this.close(key, run);
    }
  }

  finish(): void {
    for (const [key, run] of this.open) this.close(key, run);
  }

  private close(key: number, run: OpenRun): void {
    this.open.delete(key);
    const seconds = run.startTs !== undefined && run.endTs !== undefined ? run.endTs - run.startTs : undefined;
    const sustained = seconds !== undefined ? seconds >= this.o.sustainedSeconds : run.batches >= this.o.sustainedBatches;
    if (!sustained) return;
    this.count += 1;
    const ep: WaitingEpisode = {
      ...(key >= 0 ? { dp_rank: key } : {}),
      file: run.file, start_line: run.startLine, end_line: run.endLine,
      ...(run.startBatch !== undefined ? { start_batch_id: run.startBatch } : {}),
      ...(run.endBatch !== undefined ? { end_batch_id: run.endBatch } : {}),
      batches: run.batches,
      ...(seconds !== undefined ? { seconds } : {}),
      peak_waiting: run.peak, first_waiting: run.first, last_waiting: run.last,
    };
    this.episodes.push(ep);
    if (this.episodes.length > 2 * this.o.examples) this.trim();
  }

  trim(): void {
    this.episodes.sort((a, b) => b.batches - a.batches);
    this.episodes.length = Math.min(this.episodes.length, this.o.examples);
  }
}

/** The k largest values seen, with where they were. */
export class TopK {
  readonly items: (Where & { value: number })[] = [];

  constructor(private readonly k: number) {}

  add(value: number, where: Where): void {
    const items = this.items;
    if (items.length === this.k && value <= items[items.length - 1]!.value) return;
    let i = items.length;
    while (i > 0 && items[i - 1]!.value < value) i -= 1;
    items.splice(i, 0, { ...where, value });
    if (items.length > this.k) items.pop();
  }
}
