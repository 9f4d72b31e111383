/**
 * A small discrete-time model of one engine rank: requests arrive (Poisson), wait, are admitted while
 * the running batch and the KV cache have room, prefill, decode one token per iteration, finish
 * (stop / length / abort), and are preempted when decode growth overflows the KV cache. Emulators turn
 * its events into each engine's own metrics. Deterministic for a seed and a sequence of advance() calls.
 */
import { Rng } from './rng.js';

export type SimMode = 'normal' | 'idle' | 'kv-full' | 'stalled' | 'slow-ttft' | 'hung';
export type FinishReason = 'stop' | 'length' | 'abort';

export interface SimOptions {
  seed: number;
  /** Mean arrivals per second in normal mode. */
  arrivalRate?: number;
  maxNumSeqs?: number;
  kvCapacityTokens?: number;
  promptMedian?: number;
  outputMedian?: number;
  maxModelLen?: number;
  /** Seconds per decode iteration with an empty batch. */
  baseItl?: number;
  prefillTokensPerSecond?: number;
  prefixHitRatio?: number;
  /** Extra seconds before the first token in slow-ttft mode. */
  slowTtftPenalty?: number;
}

export interface FinishedRequest {
  reason: FinishReason;
  promptTokens: number;
  outputTokens: number;
  maxTokens: number;
  queueTime: number;
  prefillTime: number;
  decodeTime: number;
  ttft: number;
  e2e: number;
  preemptions: number;
}

/** What an engine's metrics hear from the simulation. */
export interface SimListener {
  admitted(queueTime: number): void;
  firstToken(ttft: number): void;
  /** `tokens` output tokens produced after `interval` seconds for one request. */
  decoded(interval: number, tokens: number): void;
  /** One engine step that computed `tokens` tokens, `prefillTokens` of them prompt (prefill) tokens. */
  iteration(tokens: number, prefillTokens: number): void;
  finished(r: FinishedRequest): void;
  preempted(): void;
}

interface Request {
  arrival: number;
  prompt: number;
  output: number;
  maxTokens: number;
  firstScheduled?: number;
  scheduled: number;
  prefillLeft: number;
  prefillDoneAt?: number;
  firstTokenAt?: number;
  lastTokenAt: number;
  generated: number;
  kv: number;
  notBefore: number;
  preemptions: number;
}

const STEP = 0.1;

export class EngineSim {
  readonly rng: Rng;
  mode: SimMode = 'normal';
  now = 0;
  waiting: Request[] = [];
  running: Request[] = [];
  kvUsed = 0;
  /** Cumulative totals every engine exposes in some form. */
  totals = { promptTokens: 0, generationTokens: 0, preemptions: 0, prefixQueries: 0, prefixHits: 0, finished: { stop: 0, length: 0, abort: 0 } as Record<FinishReason, number>, requests: 0 };
  /** Share of the last step the GPU spent computing (drives emulated GPU exporters). */
  busy = 0;
  private iterCarry = 0;
  private readonly o: Required<SimOptions>;

  constructor(
    opts: SimOptions,
    private readonly listener: SimListener,
  ) {
    this.o = {
      arrivalRate: 3,
      maxNumSeqs: 48,
      kvCapacityTokens: 40000,
      promptMedian: 350,
      outputMedian: 140,
      maxModelLen: 2048,
      baseItl: 0.02,
      prefillTokensPerSecond: 12000,
      prefixHitRatio: 0.35,
      slowTtftPenalty: 6,
      ...opts,
    };
    this.rng = new Rng(opts.seed);
  }

  get maxModelLen(): number {
    return this.o.maxModelLen;
  }

  /** KV capacity in effect: the kv-full state models a cache too small for the load. */
  get kvCapacity(): number {
    return this.mode === 'kv-full' ? Math.round(this.o.kvCapacityTokens * 0.12) : this.o.kvCapacityTokens;
  }

  get kvUsage(): number {
    return Math.min(1, this.kvUsed / this.kvCapacity);
  }

  advance(seconds: number): void {
    const steps = Math.round(seconds / STEP);
    for (let i = 0; i < steps; i++) this.step();
  }

  private arrivals(): void {
    const rate = this.mode === 'idle' ? 0 : this.mode === 'kv-full' ? this.o.arrivalRate * 2 : this.o.arrivalRate;
    const n = this.rng.poisson(rate * STEP);
    for (let i = 0; i < n; i++) {
      const prompt = Math.min(this.o.maxModelLen - 64, Math.max(4, Math.round(this.rng.logNormal(this.o.promptMedian, 0.7))));
      const maxTokens = Math.min(this.o.maxModelLen - prompt, this.rng.next() < 0.5 ? 256 : 512);
      const want = Math.max(1, Math.round(this.rng.logNormal(this.o.outputMedian, 0.8)));
      const output = Math.min(maxTokens, want);
      this.waiting.push({ arrival: this.now - STEP + this.rng.next() * STEP * 0.5, prompt, output, maxTokens, scheduled: 0, prefillLeft: prompt, lastTokenAt: 0, generated: 0, kv: 0, notBefore: 0, preemptions: 0 });
    }
  }

  private admit(): void {
    if (this.mode === 'stalled') {
      // A wedged scheduler: nothing is admitted and what ran is lost.
      for (const r of this.running.splice(0)) this.finish(r, 'abort');
      this.kvUsed = 0;
      return;
    }
    while (this.waiting.length > 0 && this.running.length < this.o.maxNumSeqs) {
      // FCFS; an overloaded cache also back-fills with smaller requests that still fit.
      const fits = (q: Request) => this.kvUsed + q.prompt + q.generated <= this.kvCapacity;
      const idx = fits(this.waiting[0]!) ? 0 : this.mode === 'kv-full' ? this.waiting.findIndex(fits) : -1;
      if (idx < 0) break;
      const r = this.waiting.splice(idx, 1)[0]!;
      // Admission happens at the start of the step; its iterations follow.
      const at = Math.max(r.arrival, this.now - STEP);
      r.scheduled = at;
      if (r.firstScheduled === undefined) {
        r.firstScheduled = at;
        this.listener.admitted(at - r.arrival);
        const hits = Math.floor((r.prompt * this.o.prefixHitRatio * (0.5 + this.rng.next())) / 16) * 16;
        this.totals.prefixQueries += r.prompt;
        this.totals.prefixHits += Math.min(hits, r.prompt - 1);
      }
      r.kv = r.prompt + r.generated;
      r.prefillLeft = r.prompt + r.generated;
      // Prefill cannot finish before the prompt is computed; slow-ttft adds a stall on top.
      const minFirst = r.firstTokenAt === undefined ? r.arrival + r.prompt / this.o.prefillTokensPerSecond + this.o.baseItl : 0;
      r.notBefore = Math.max(minFirst, this.mode === 'slow-ttft' && r.firstTokenAt === undefined ? this.now + this.o.slowTtftPenalty : 0);
      this.kvUsed += r.kv;
      this.running.push(r);
    }
  }

  private step(): void {
    this.now = Math.round((this.now + STEP) * 1000) / 1000;
    this.arrivals();
    // A hung engine core behind a live API server: requests keep arriving, the batch stays, no step runs.
    if (this.mode === 'hung') return;
    this.admit();
    const iterTime = this.o.baseItl * (1 + this.running.length / this.o.maxNumSeqs);
    this.iterCarry += STEP / iterTime;
    let iterations = 0;
    while (this.iterCarry >= 1 && this.running.length > 0) {
      this.iterCarry -= 1;
      iterations++;
      this.iterate(iterTime, iterations);
    }
    if (this.running.length === 0) this.iterCarry = 0;
    this.busy = Math.min(1, (iterations * iterTime) / STEP);
  }

  private iterate(iterTime: number, k: number): void {
    const t = this.now - STEP + Math.min(k * iterTime, STEP);
    let budget = this.o.prefillTokensPerSecond * iterTime;
    let tokens = 0;
    let prefillTokens = 0;
    for (const r of [...this.running]) {
      if (r.prefillLeft > 0) {
        if (t < r.notBefore) continue;
        const chunk = Math.min(r.prefillLeft, Math.max(0, Math.floor(budget)));
        if (chunk === 0) continue;
        budget -= chunk;
        r.prefillLeft -= chunk;
        tokens += chunk;
        prefillTokens += chunk;
        if (r.prefillLeft === 0) {
          this.totals.promptTokens += r.generated === 0 ? r.prompt : 0;
          r.prefillDoneAt ??= t;
          if (r.firstTokenAt === undefined) {
            r.firstTokenAt = t;
            r.lastTokenAt = t;
            r.generated = 1;
            r.kv += 1;
            this.kvUsed += 1;
            this.totals.generationTokens += 1;
            this.listener.firstToken(t - r.arrival);
          }
        }
        continue;
      }
      r.generated += 1;
      r.kv += 1;
      this.kvUsed += 1;
      tokens += 1;
      this.totals.generationTokens += 1;
      this.listener.decoded(t - r.lastTokenAt, 1);
      r.lastTokenAt = t;
    }
    this.listener.iteration(tokens, prefillTokens);
    for (const r of [...this.running]) {
      if (r.firstTokenAt !== undefined && r.prefillLeft === 0 && r.generated >= r.output) {
        const reason: FinishReason = this.rng.next() < 0.02 ? 'abort' : r.output >= r.maxTokens ? 'length' : 'stop';
        this.finish(r, reason, t);
      }
    }
    // Decode growth past the cache: preempt the newest requests (recompute later).
    while (this.kvUsed > this.kvCapacity && this.running.length > 0) {
      const victim = this.running.pop()!;
      this.kvUsed -= victim.kv;
      victim.kv = 0;
      victim.preemptions += 1;
      this.totals.preemptions += 1;
      this.listener.preempted();
      this.waiting.unshift(victim);
    }
  }

  private finish(r: Request, reason: FinishReason, t = this.now): void {
    const i = this.running.indexOf(r);
    if (i >= 0) this.running.splice(i, 1);
    this.kvUsed -= r.kv;
    this.totals.finished[reason] += 1;
    this.totals.requests += 1;
    const firstToken = r.firstTokenAt ?? t;
    this.listener.finished({
      reason,
      promptTokens: r.prompt,
      outputTokens: r.generated,
      maxTokens: r.maxTokens,
      queueTime: (r.firstScheduled ?? t) - r.arrival,
      prefillTime: (r.prefillDoneAt ?? t) - (r.firstScheduled ?? t),
      decodeTime: t - firstToken,
      ttft: firstToken - r.arrival,
      e2e: t - r.arrival,
      preemptions: r.preemptions,
    });
  }
}
