/**
 * Drives the load: requests leave on the arrival schedule (or as fast as the concurrency cap lets
 * them), up to a count or a duration; an interrupt stops sending and cuts the streams in flight, and
 * what finished is still reported.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Arrivals } from './arrivals.js';
import type { PromptSpec } from './dataset.js';
import { sendRequest, type RequestResult, type Target } from './request.js';

export interface LoadOptions {
  target: Target;
  /** Sent in order, cycled when a duration outlasts them. */
  prompts: PromptSpec[];
  /** Requests per second; Infinity sends at once. */
  rate: number;
  burstiness: number;
  /** At most this many in flight (a semaphore, as --max-concurrency). */
  concurrency?: number;
  /** Stop after this many requests… */
  requests?: number;
  /** …or stop sending after this many seconds. */
  durationSeconds?: number;
  seed: number;
  signal?: AbortSignal;
  /** Called about once a second with the requests done so far. */
  progress?: (done: number, sent: number, elapsed: number) => void;
}

export interface LoadRun {
  results: RequestResult[];
  /** Seconds from the first dispatch to the end of the last request. */
  duration: number;
  /** Wall-clock ms of the run's start and end (for the server-side window). */
  startedAt: number;
  endedAt: number;
  interrupted: boolean;
  /**
   * The longest this process's event loop was held up during the run (ms): a chunk that arrived then
   * was timed that much late, by this client, not the server (a busy machine, a GC pause).
   */
  clientStallMs: number;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

export async function runLoad(o: LoadOptions): Promise<LoadRun> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  if (o.signal?.aborted) stop.abort();
  const arrivals = new Arrivals(o.seed, o.rate, o.burstiness);
  const results: RequestResult[] = [];
  const inFlight = new Set<Promise<void>>();
  const startedAt = Date.now();
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  const ticker = setInterval(() => o.progress?.(results.length, results.length + inFlight.size, elapsed()), 1000);
  let due = 0;
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const aborted = new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve(), { once: true }));
  try {
    for (let i = 0; !stop.signal.aborted; i++) {
      if (o.requests !== undefined && i >= o.requests) break;
      due += arrivals.nextGap();
      if (o.durationSeconds !== undefined && due >= o.durationSeconds) {
        await sleep(o.durationSeconds * 1000 - (performance.now() - t0), stop.signal);
        break;
      }
      await sleep(due * 1000 - (performance.now() - t0), stop.signal);
      while (o.concurrency !== undefined && inFlight.size >= o.concurrency && !stop.signal.aborted) await Promise.race([...inFlight, aborted]);
      if (stop.signal.aborted) break;
      const p: Promise<void> = sendRequest(o.target, o.prompts[i % o.prompts.length]!, t0, stop.signal).then((r) => {
        results.push(r);
        inFlight.delete(p);
      });
      inFlight.add(p);
    }
    await Promise.all(inFlight);
  } finally {
    clearInterval(ticker);
    lag.disable();
    o.signal?.removeEventListener('abort', onAbort);
  }
  return { results, duration: elapsed(), startedAt, endedAt: Date.now(), interrupted: stop.signal.aborted, clientStallMs: Number.isFinite(lag.max) ? lag.max / 1e6 : 0 };
}
