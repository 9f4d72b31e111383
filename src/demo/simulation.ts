/**
 * A small discrete-time model of one engine rank: requests arrive (Poisson), wait, are admitted while
 * the running batch and the KV cache have room, prefill, decode one token per iteration, finish
 * (stop / length / abort / error), and are preempted when decode growth overflows the KV cache.
 * Emulators turn its events into each engine's own metrics. Deterministic for a seed and a sequence of
 * advance() calls; faults draw no random numbers, so with none set the traffic is the same as without.
 */
import { Rng } from './rng.js';

export type SimMode =
  | 'normal'
  | 'idle'
  | 'trickle'
  | 'kv-full'
  | 'kv-saturated'
  | 'preemption-storm'
  | 'stalled'
  | 'slow-ttft'
  | 'hung'
  | 'asleep'
  | 'pd-deferred';
export type FinishReason = 'stop' | 'length' | 'abort' | 'error';

/** The OpenAI API routes the emulated clients call (every fourth request a plain completion). */
export const API_HANDLERS = ['/v1/chat/completions', '/v1/completions'] as const;
export type ApiHandler = (typeof API_HANDLERS)[number];

/**
 * Faults that combine with any mode. Shares are exact over time (every 1/share-th request), not
 * random draws, so a scenario can sit just under or just over a ratio threshold.
 */
export interface SimFaults {
  /** Share of arriving requests the API server answers with HTTP 5xx: they never reach the engine. */
  http5xxShare: number;
  /** Share of requests that would complete that end with an engine error instead (finished_reason="error"). */
  errorShare: number;
  /** Share of arriving requests whose client aborts once half the output has streamed. */
  abortShare: number;
  /** Seconds every request's first token comes later than it would (TTFT, and E2E, rise by as much). */
  ttftDelaySeconds: number;
  /** Seconds added to every engine step: inter-token latency rises by as much, E2E by that per token. */
  itlDelaySeconds: number;
  /** In pd-deferred mode: seconds a request waits for its KV cache from the prefill node. */
  pdTransferSeconds: number;
}

export const NO_FAULTS: Readonly<SimFaults> = { http5xxShare: 0, errorShare: 0, abortShare: 0, ttftDelaySeconds: 0, itlDelaySeconds: 0, pdTransferSeconds: 30 };

/** Arrivals per second in trickle mode: one request every 20 s, under any minimum-traffic guard. */
export const TRICKLE_RATE = 0.05;

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

/**
 * A request sent by a real client to the emulator's OpenAI API: it sees each of its output tokens at
 * the simulated time the engine produced it, so what the client receives is what the metrics count.
 */
export interface ClientStream {
  token(t: number): void;
  finished(reason: FinishReason, t: number): void;
}

interface Request {
  client?: ClientStream;
  arrival: number;
  handler: ApiHandler;
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
  /** The client aborts once this many tokens are out (abort fault). */
  abortAt?: number;
  /** P/D decode: the prompt's KV cache arrives from the prefill node at this time. */
  kvReadyAt?: number;
  /** TTFT delay fault: prefill is done, the first token comes out at this time. */
  firstTokenDue?: number;
}

/** Seconds of one simulation tick. */
export const STEP = 0.1;

export class EngineSim {
  readonly rng: Rng;
  private current: SimMode = 'normal';
  now = 0;
  waiting: Request[] = [];
  running: Request[] = [];
  kvUsed = 0;
  /** Cumulative totals every engine exposes in some form. */
  totals = {
    promptTokens: 0,
    /** Prompt tokens whose KV came from a P/D prefill node (vLLM source="external_kv_transfer"). */
    externalPromptTokens: 0,
    generationTokens: 0,
    preemptions: 0,
    prefixQueries: 0,
    prefixHits: 0,
    finished: { stop: 0, length: 0, abort: 0, error: 0 } as Record<FinishReason, number>,
    requests: 0,
    /** Answers of the API server by route and grouped status, as prometheus_fastapi_instrumentator counts them. */
    http: Object.fromEntries(API_HANDLERS.map((h) => [h, { '2xx': 0, '5xx': 0 }])) as Record<ApiHandler, { '2xx': number; '5xx': number }>,
  };
  /** Share of the last step the GPU spent computing (drives emulated GPU exporters). */
  busy = 0;
  faults: SimFaults = { ...NO_FAULTS };
  /** Whether pd-deferred mode was ever on (an engine version with the waiting-by-reason breakdown). */
  deferralSeen = false;
  private iterCarry = 0;
  /** Start of the next engine step, carried across 0.1 s ticks when steps are slowed (ITL delay). */
  private iterClock = 0;
  private arrivalsSeen = 0;
  private readonly carry = { http5xx: 0, error: 0, abort: 0 };
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

  get mode(): SimMode {
    return this.current;
  }

  /**
   * Going to sleep aborts every request in flight, waiting ones included: vLLM pauses the scheduler
   * before it sleeps, in its default "abort" mode (vllm-project/vllm#34528). Requests that arrive
   * while it sleeps are accepted and wait, unscheduled, until it wakes (vllm-project/vllm#51487).
   */
  setMode(mode: SimMode): void {
    if (mode === 'asleep' && this.current !== 'asleep') {
      for (const r of [...this.running, ...this.waiting]) this.finish(r, 'abort');
      this.running = [];
      this.waiting = [];
      this.kvUsed = 0;
      this.busy = 0;
    }
    if (mode === 'pd-deferred') this.deferralSeen = true;
    this.current = mode;
  }

  /** Requests waiting for their KV cache from a P/D prefill node (vLLM's reason="deferred"). */
  get deferred(): number {
    return this.waiting.filter((r) => !this.kvReady(r)).length;
  }

  /**
   * KV capacity in effect: kv-full and preemption-storm model a cache too small for the load;
   * kv-saturated a smaller one that the scheduler fills to the brim without preempting.
   */
  get kvCapacity(): number {
    const share = this.mode === 'kv-full' || this.mode === 'preemption-storm' ? 0.12 : this.mode === 'kv-saturated' ? 0.35 : 1;
    return share === 1 ? this.o.kvCapacityTokens : Math.round(this.o.kvCapacityTokens * share);
  }

  get kvUsage(): number {
    return Math.min(1, this.kvUsed / this.kvCapacity);
  }

  advance(seconds: number): void {
    const steps = Math.round(seconds / STEP);
    for (let i = 0; i < steps; i++) this.step();
  }

  /** Whether a fault with this share hits the next request: exactly `share` of them over time. */
  private take(kind: 'http5xx' | 'error' | 'abort'): boolean {
    const share = this.faults[`${kind}Share`];
    if (share <= 0) return false;
    this.carry[kind] += share;
    if (this.carry[kind] < 1 - 1e-9) return false;
    this.carry[kind] -= 1;
    return true;
  }

  private kvReady(r: Request): boolean {
    return r.kvReadyAt === undefined || r.kvReadyAt <= this.now;
  }

  private arrivals(): void {
    const m = this.mode;
    const rate = m === 'idle' ? 0 : m === 'trickle' ? Math.min(this.o.arrivalRate, TRICKLE_RATE) : m === 'kv-full' ? this.o.arrivalRate * 2 : this.o.arrivalRate;
    // kv-saturated: clients keep 80% of max-num-seqs requests in flight (a saturating benchmark);
    // the KV cache, not the batch limit, caps what runs.
    const n = m === 'kv-saturated' ? Math.max(0, Math.round(this.o.maxNumSeqs * 0.8) - this.running.length - this.waiting.length) : this.rng.poisson(rate * STEP);
    for (let i = 0; i < n; i++) {
      const prompt = Math.min(this.o.maxModelLen - 64, Math.max(4, Math.round(this.rng.logNormal(this.o.promptMedian, 0.7))));
      const maxTokens = Math.min(this.o.maxModelLen - prompt, this.rng.next() < 0.5 ? 256 : 512);
      const want = Math.max(1, Math.round(this.rng.logNormal(this.o.outputMedian, 0.8)));
      // kv-saturated: long prompts, short answers (retrieval-style), so reserved KV is mostly used KV.
      const output = Math.min(maxTokens, want, m === 'kv-saturated' ? 24 : Infinity);
      const arrival = this.now - STEP + this.rng.next() * STEP * 0.5;
      const handler = API_HANDLERS[this.arrivalsSeen++ % 4 === 3 ? 1 : 0]!;
      if (this.take('http5xx')) {
        this.totals.http[handler]['5xx'] += 1;
        continue;
      }
      const r: Request = { arrival, handler, prompt, output, maxTokens, scheduled: 0, prefillLeft: prompt, lastTokenAt: 0, generated: 0, kv: 0, notBefore: 0, preemptions: 0 };
      if (this.take('abort')) r.abortAt = Math.ceil(output / 2);
      if (m === 'pd-deferred') r.kvReadyAt = arrival + this.faults.pdTransferSeconds;
      this.waiting.push(r);
    }
  }

  /**
   * A client's request arriving `offset` seconds from the simulated now (within a step either way), on `handler`, of `prompt`
   * tokens and at most `maxTokens` out (all of them when ignoreEos). False when the API server answers
   * it with HTTP 5xx (the http5xx fault), as it would one of the simulated clients.
   */
  submit(c: { handler: ApiHandler; prompt: number; maxTokens: number; ignoreEos: boolean; offset: number }, client: ClientStream): boolean {
    if (this.take('http5xx')) {
      this.totals.http[c.handler]['5xx'] += 1;
      return false;
    }
    const maxTokens = Math.max(1, Math.min(c.maxTokens, this.o.maxModelLen - c.prompt));
    const output = c.ignoreEos ? maxTokens : Math.min(maxTokens, Math.max(1, Math.round(this.rng.logNormal(this.o.outputMedian, 0.8))));
    const arrival = this.now + Math.min(Math.max(-STEP, c.offset), STEP * 0.99);
    const r: Request = { client, arrival, handler: c.handler, prompt: c.prompt, output, maxTokens, scheduled: 0, prefillLeft: c.prompt, lastTokenAt: 0, generated: 0, kv: 0, notBefore: 0, preemptions: 0 };
    if (this.take('abort')) r.abortAt = Math.ceil(output / 2);
    if (this.mode === 'pd-deferred') r.kvReadyAt = arrival + this.faults.pdTransferSeconds;
    this.waiting.push(r);
    return true;
  }

  private admit(): void {
    if (this.mode === 'stalled') {
      // A wedged scheduler: nothing is admitted and what ran is lost.
      for (const r of this.running.splice(0)) this.finish(r, 'abort');
      this.kvUsed = 0;
      return;
    }
    // kv-saturated: admit only what fits with its whole output, so decode growth never preempts.
    const reserved = this.mode === 'kv-saturated' ? this.running.reduce((a, q) => a + q.prompt + q.output, 0) : 0;
    let booked = reserved;
    while (this.waiting.length > 0 && this.running.length < this.o.maxNumSeqs) {
      // FCFS past the requests still waiting for their KV (P/D), which the scheduler skips; an
      // overloaded cache also back-fills with smaller requests that still fit.
      const fits = (q: Request) => (this.mode === 'kv-saturated' ? booked + q.prompt + q.output : this.kvUsed + q.prompt + q.generated) <= this.kvCapacity;
      const first = this.waiting.findIndex((q) => this.kvReady(q));
      if (first < 0) break;
      const idx = fits(this.waiting[first]!) ? first : this.mode === 'kv-full' || this.mode === 'kv-saturated' ? this.waiting.findIndex((q) => this.kvReady(q) && fits(q)) : -1;
      if (idx < 0) break;
      const r = this.waiting.splice(idx, 1)[0]!;
      booked += r.prompt + r.output;
      // Admission happens at the start of the step; its iterations follow.
      const at = Math.max(r.arrival, this.now - STEP);
      r.scheduled = at;
      // Its KV came from the prefill node: one prompt token left to compute, no prefix lookup.
      const remote = r.kvReadyAt !== undefined && r.generated === 0;
      if (r.firstScheduled === undefined) {
        r.firstScheduled = at;
        this.listener.admitted(at - r.arrival);
        if (!remote) {
          const hits = Math.floor((r.prompt * this.o.prefixHitRatio * (0.5 + this.rng.next())) / 16) * 16;
          this.totals.prefixQueries += r.prompt;
          this.totals.prefixHits += Math.min(hits, r.prompt - 1);
        }
      }
      r.kv = r.prompt + r.generated;
      r.prefillLeft = remote ? 1 : r.prompt + r.generated;
      // Prefill cannot finish before the prompt is computed; slow-ttft adds a stall on top.
      const firstToken = r.firstTokenAt === undefined;
      const computed = remote ? this.now : r.arrival + r.prompt / this.o.prefillTokensPerSecond + this.o.baseItl;
      const minFirst = firstToken ? computed : 0;
      r.notBefore = Math.max(minFirst, this.mode === 'slow-ttft' && firstToken ? this.now + this.o.slowTtftPenalty : 0);
      this.kvUsed += r.kv;
      this.running.push(r);
    }
  }

  private step(): void {
    this.now = Math.round((this.now + STEP) * 1000) / 1000;
    this.arrivals();
    // A hung engine core behind a live API server: requests keep arriving, the batch stays, no step
    // runs. A sleeping engine queues what arrives and runs nothing either.
    if (this.mode === 'hung' || this.mode === 'asleep') return;
    this.admit();
    const delay = this.faults.itlDelaySeconds;
    const iterTime = this.o.baseItl * (1 + this.running.length / this.o.maxNumSeqs) + delay;
    let iterations = 0;
    if (delay > 0) {
      // Steps on their own clock, so that slowed inter-token latencies are exact, not 0.1 s ticks.
      if (this.iterClock < this.now - STEP - iterTime) this.iterClock = this.now - STEP;
      while (this.running.length > 0 && this.iterClock + iterTime <= this.now + 1e-9) {
        this.iterClock += iterTime;
        iterations++;
        this.iterate(iterTime, this.iterClock);
      }
    } else {
      this.iterCarry += STEP / iterTime;
      while (this.iterCarry >= 1 && this.running.length > 0) {
        this.iterCarry -= 1;
        iterations++;
        this.iterate(iterTime, this.now - STEP + Math.min(iterations * iterTime, STEP));
      }
      if (this.running.length === 0) this.iterCarry = 0;
    }
    // A saturated scheduler refills what finished at once (vLLM schedules every step, ours are 0.1 s).
    if (this.mode === 'kv-saturated') this.admit();
    this.busy = Math.min(1, (iterations * iterTime) / STEP);
  }

  /** One engine step of `iterTime` seconds, ending at `t`. */
  private iterate(iterTime: number, t: number): void {
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
          if (r.generated === 0 && r.kvReadyAt !== undefined) this.totals.externalPromptTokens += r.prompt;
          r.prefillDoneAt ??= t;
          if (r.firstTokenAt === undefined && this.faults.ttftDelaySeconds > 0) r.firstTokenDue ??= t + this.faults.ttftDelaySeconds;
          if (r.firstTokenAt === undefined && (r.firstTokenDue ?? t) <= t) this.firstToken(r, t);
        }
        continue;
      }
      if (r.firstTokenAt === undefined) {
        // TTFT delay: prefilled, the first token not out yet.
        if (r.firstTokenDue! <= t) this.firstToken(r, t);
        continue;
      }
      r.generated += 1;
      r.kv += 1;
      this.kvUsed += 1;
      tokens += 1;
      this.totals.generationTokens += 1;
      this.listener.decoded(t - r.lastTokenAt, 1);
      r.lastTokenAt = t;
      r.client?.token(t);
    }
    this.listener.iteration(tokens, prefillTokens);
    for (const r of [...this.running]) {
      if (r.firstTokenAt === undefined || r.prefillLeft > 0) continue;
      if (r.abortAt !== undefined && r.generated >= r.abortAt) {
        this.finish(r, 'abort', t);
      } else if (r.generated >= r.output) {
        // Some simulated clients hang up at the end; a real client decides that for itself.
        const hangsUp = this.rng.next() < 0.02 && !r.client;
        let reason: FinishReason = hangsUp ? 'abort' : r.output >= r.maxTokens ? 'length' : 'stop';
        if (this.take('error')) reason = 'error';
        this.finish(r, reason, t);
      }
    }
    // Decode growth past the cache: preempt the newest requests (recompute later).
    while (this.mode !== 'kv-saturated' && this.kvUsed > this.kvCapacity && this.running.length > 0) {
      const victim = this.running.pop()!;
      this.kvUsed -= victim.kv;
      victim.kv = 0;
      victim.preemptions += 1;
      this.totals.preemptions += 1;
      this.listener.preempted();
      this.waiting.unshift(victim);
    }
  }

  private firstToken(r: Request, t: number): void {
    r.firstTokenAt = t;
    r.lastTokenAt = t;
    r.generated = 1;
    r.kv += 1;
    this.kvUsed += 1;
    this.totals.generationTokens += 1;
    this.listener.firstToken(t - r.arrival);
    r.client?.token(t);
  }

  private finish(r: Request, reason: FinishReason, t = this.now): void {
    const i = this.running.indexOf(r);
    if (i >= 0) this.running.splice(i, 1);
    this.kvUsed -= r.kv;
    this.totals.finished[reason] += 1;
    this.totals.requests += 1;
    // Streamed answers have sent 200 before any abort; an engine error fails the request (500).
    this.totals.http[r.handler][reason === 'error' ? '5xx' : '2xx'] += 1;
    const firstToken = r.firstTokenAt ?? t;
    r.client?.finished(reason, t);
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
