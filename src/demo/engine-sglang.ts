/**
 * Emulated SGLang /metrics (current `sglang:` names, served with --enable-metrics). Scheduler series
 * carry engine_type/model_name/tp_rank/pp_rank/moe_ep_rank (+ dp_rank with DP attention); only
 * attention-TP rank 0 reports, one set per PP stage. Request-level (tokenizer) series carry
 * model_name only. Gauges without a multiprocess mode get a volatile `pid` label. Histograms are
 * written `_sum` first, as prometheus_client's multiprocess collector does.
 */
import { SGLANG_E2E_BUCKETS, SGLANG_ITL_BUCKETS, SGLANG_KV_TRANSFER_BUCKETS, SGLANG_QUEUE_BUCKETS, SGLANG_TOKENS_BUCKETS, SGLANG_TTFT_BUCKETS } from '../engines/sglang.js';
import type { OptionalGroup } from '../engines/types.js';
import { Histogram } from './histogram.js';
import { EngineSim, type FinishedRequest, type SimListener } from './simulation.js';
import { ExpositionWriter, type Labels } from './writer.js';

export interface SglangEmulatorOptions {
  model: string;
  seed: number;
  dpRanks: number;
  ppSize: number;
  tpSize: number;
  arrivalRate?: number;
  maxModelLen?: number;
  /**
   * Optional features switched on: spec_decode, pd_disaggregation, hybrid_model, mfu, lora, and
   * tokens_histogram (--collect-tokens-histogram: the per-request prompt and generation token histograms).
   */
  features?: readonly OptionalGroup[];
}

/** Emulated EAGLE-style decoding: 2.5 tokens per verify pass. */
const SPEC_TOKENS_PER_VERIFY = 2.5;
/** Seconds of one forward pass as the simulation steps (decode) and an extend batch. */
const DECODE_PASS_SECONDS = 0.025;
const EXTEND_PASS_SECONDS = 0.05;

class Hists implements SimListener {
  ttft = new Histogram(SGLANG_TTFT_BUCKETS);
  itl = new Histogram(SGLANG_ITL_BUCKETS);
  e2e = new Histogram(SGLANG_E2E_BUCKETS);
  queue = new Histogram(SGLANG_QUEUE_BUCKETS);
  /** Token lengths per request: registered only with --collect-tokens-histogram (up to @44cedc2b). */
  prompt = new Histogram(SGLANG_TOKENS_BUCKETS);
  generation = new Histogram(SGLANG_TOKENS_BUCKETS);
  aborted = 0;
  retracted = 0;
  /** Forward passes by sglang:cuda_graph_passes_total mode. */
  passes = { decode_cuda_graph: 0, prefill_none: 0 };
  admitted(q: number): void {
    this.queue.observe(q);
  }
  firstToken(t: number): void {
    this.ttft.observe(t);
  }
  decoded(interval: number, tokens: number): void {
    // SGLang adds the interval to _sum once but counts every new token in the buckets.
    this.itl.observeWeighted(interval / tokens, interval, tokens);
  }
  iteration(_tokens: number, prefillTokens: number): void {
    // Defaults: decode batches replay a CUDA graph, prefill (extend) batches run eagerly.
    if (prefillTokens > 0) this.passes.prefill_none += 1;
    else this.passes.decode_cuda_graph += 1;
  }
  preempted(): void {
    this.retracted += 1;
  }
  finished(r: FinishedRequest): void {
    this.e2e.observe(r.e2e);
    this.prompt.observe(r.promptTokens);
    this.generation.observe(r.outputTokens);
    if (r.reason === 'abort') this.aborted += 1;
  }
}

type Rank = { sim: EngineSim; h: Hists };

export class SglangEmulator {
  readonly ranks: Rank[];
  private pidBase: number;
  constructor(readonly o: SglangEmulatorOptions) {
    const n = Math.max(1, o.dpRanks);
    this.ranks = Array.from({ length: n }, (_, i) => {
      const h = new Hists();
      return { h, sim: new EngineSim({ seed: o.seed * 1000 + 500 + i, arrivalRate: (o.arrivalRate ?? 3) / n, maxModelLen: o.maxModelLen ?? 4096 }, h) };
    });
    this.pidBase = 20000 + ((o.seed * 7919) % 30000);
  }

  get sims(): EngineSim[] {
    return this.ranks.map((r) => r.sim);
  }

  /** A new process set after a restart: the `pid` label values change. */
  restart(): void {
    this.pidBase += 97;
  }

  render(): string {
    const w = new ExpositionWriter('python');
    const model = this.o.model;
    const dp = this.o.dpRanks > 1;
    // One scheduler series set per (dp, pp) with attn tp_rank 0.
    const scheds: { labels: Labels; rank: Rank; pid: number }[] = [];
    this.ranks.forEach((rank, d) => {
      for (let pp = 0; pp < Math.max(1, this.o.ppSize); pp++) {
        const labels: Labels = [['engine_type', 'unified'], ['model_name', model], ['moe_ep_rank', '0'], ['pp_rank', String(pp)], ['tp_rank', '0']];
        if (dp) labels.push(['dp_rank', String(d)]);
        scheds.push({ labels, rank, pid: this.pidBase + d * Math.max(1, this.o.ppSize) * Math.max(1, this.o.tpSize) + pp * Math.max(1, this.o.tpSize) });
      }
    });
    const gauge = (name: string, help: string, v: (r: Rank) => number, pid = false) => {
      w.header(name, 'gauge', help);
      for (const s of scheds) w.sample(name, pid ? [...s.labels, ['pid', String(s.pid)]] : s.labels, v(s.rank));
    };
    gauge('sglang:num_running_reqs', 'The number of running requests.', (r) => r.sim.running.length);
    gauge('sglang:num_used_tokens', 'The number of used tokens.', (r) => r.sim.kvUsed);
    gauge('sglang:token_usage', 'The token usage.', (r) => Math.round(r.sim.kvUsage * 100) / 100);
    gauge('sglang:gen_throughput', 'The generation throughput (token/s).', (r) => (r.sim.running.length ? r.sim.running.length / 0.025 : 0));
    gauge('sglang:num_queue_reqs', 'The number of requests in the waiting queue.', (r) => r.sim.waiting.length);
    gauge('sglang:cache_hit_rate', 'The prefix cache hit rate.', (r) => (r.sim.totals.prefixQueries ? r.sim.totals.prefixHits / r.sim.totals.prefixQueries : 0));
    gauge('sglang:max_total_num_tokens', 'Maximum total number of tokens', (r) => r.sim.kvCapacity);
    gauge('sglang:num_retracted_reqs', 'The number of retracted requests.', (r) => r.sim.waiting.filter((q) => q.preemptions > 0).length, true);
    gauge('sglang:num_paused_reqs', 'The number of paused requests by async weight sync.', () => 0, true);
    w.header('sglang:num_retracted_requests_total', 'counter', 'Total number of retracted requests due to kvcache full.');
    for (const s of scheds) w.sample('sglang:num_retracted_requests_total', s.labels, s.rank.h.retracted);
    w.header('sglang:realtime_tokens_total', 'counter', 'Total number of tokens processed (updated on each log interval). mode: prefill_compute, prefill_cache, decode.');
    for (const s of scheds) {
      const t = s.rank.sim.totals;
      for (const [mode, v] of [['prefill_compute', t.promptTokens - t.prefixHits], ['prefill_cache', t.prefixHits], ['decode', t.generationTokens]] as const) w.sample('sglang:realtime_tokens_total', [...s.labels, ['mode', mode]], Math.max(0, v));
    }
    w.header('sglang:cuda_graph_passes_total', 'counter', 'Total number of forward passes categorized by CUDA graph.');
    for (const s of scheds) for (const [mode, v] of Object.entries(s.rank.h.passes)) w.sample('sglang:cuda_graph_passes_total', [...s.labels, ['mode', mode]], v);
    w.header('sglang:queue_time_seconds', 'histogram', 'Histogram of queueing time in seconds.');
    for (const s of scheds) w.histogram('sglang:queue_time_seconds', s.labels, s.rank.h.queue, true);
    // Newest collector: forward-pass seconds by category (renamed from gpu_execution_seconds_total).
    w.header('sglang:forward_execution_seconds_total', 'counter', 'Total time spent in forward execution, by category.');
    for (const s of scheds) {
      const p = s.rank.h.passes;
      w.sample('sglang:forward_execution_seconds_total', [...s.labels, ['category', 'decode']], Math.round(p.decode_cuda_graph * DECODE_PASS_SECONDS * 1000) / 1000);
      w.sample('sglang:forward_execution_seconds_total', [...s.labels, ['category', 'extend']], Math.round(p.prefill_none * EXTEND_PASS_SECONDS * 1000) / 1000);
    }
    this.renderSchedulerFeatures(w, scheds, gauge);

    // Request-level metrics from the tokenizer process: summed over DP ranks, labelled by model.
    const tl: Labels = [['model_name', model]];
    const total = (f: (r: Rank) => number) => this.ranks.reduce((a, r) => a + f(r), 0);
    const counter = (name: string, help: string, v: number) => w.header(name, 'counter', help).sample(name, tl, v);
    counter('sglang:prompt_tokens_total', 'Number of prefill tokens processed.', total((r) => r.sim.totals.promptTokens));
    counter('sglang:generation_tokens_total', 'Number of generation tokens processed.', total((r) => r.sim.totals.generationTokens));
    counter('sglang:cached_tokens_total', 'Number of cached prompt tokens.', total((r) => r.sim.totals.prefixHits));
    counter('sglang:num_requests_total', 'Number of requests processed.', total((r) => r.sim.totals.requests));
    counter('sglang:num_aborted_requests_total', 'Number of requests aborted.', total((r) => r.h.aborted));
    const merged = (key: 'ttft' | 'itl' | 'e2e' | 'prompt' | 'generation') => {
      const first = this.ranks[0]!.h[key];
      const m = new Histogram(first.bounds);
      for (const r of this.ranks) {
        r.h[key].counts.forEach((c, i) => (m.counts[i]! += c));
        m.sum += r.h[key].sum;
        m.count += r.h[key].count;
      }
      return m;
    };
    const hist = (name: string, help: string, key: 'ttft' | 'itl' | 'e2e' | 'prompt' | 'generation') => w.header(name, 'histogram', help).histogram(name, tl, merged(key), true);
    hist('sglang:time_to_first_token_seconds', 'Histogram of time to first token in seconds.', 'ttft');
    hist('sglang:inter_token_latency_seconds', 'Histogram of token-to-token latency in seconds.', 'itl');
    hist('sglang:e2e_request_latency_seconds', 'Histogram of End-to-end request latency in seconds', 'e2e');
    if (this.on('tokens_histogram')) {
      hist('sglang:prompt_tokens_histogram', 'Histogram of prompt token length.', 'prompt');
      hist('sglang:generation_tokens_histogram', 'Histogram of generation token length.', 'generation');
    }
    if (this.on('spec_decode')) counter('sglang:spec_verify_calls_total', 'Number of speculative decoding verification calls.', Math.floor(total((r) => r.sim.totals.generationTokens) / SPEC_TOKENS_PER_VERIFY));
    return w.text();
  }

  private on(f: OptionalGroup): boolean {
    return (this.o.features ?? []).includes(f);
  }

  /**
   * Scheduler-side series of the optional features: HELP as in the newest collector where the catalog
   * has it; those of the pool, bootstrap-queue, MFU and LoRA series are unverified.
   */
  private renderSchedulerFeatures(w: ExpositionWriter, scheds: { labels: Labels; rank: Rank }[], gauge: (name: string, help: string, v: (r: Rank) => number) => void): void {
    const counter = (name: string, help: string, v: (r: Rank) => number) => {
      w.header(name, 'counter', help);
      for (const s of scheds) w.sample(name, s.labels, v(s.rank));
    };
    if (this.on('spec_decode')) {
      gauge('sglang:spec_accept_length', 'Average speculative decoding acceptance length.', () => SPEC_TOKENS_PER_VERIFY);
      gauge('sglang:spec_accept_rate', 'Average speculative decoding acceptance rate.', () => 0.5);
    }
    if (this.on('hybrid_model')) {
      // A sliding-window model: its SWA pool fills faster than the full-attention one.
      gauge('sglang:full_token_usage', 'The token usage of the full attention KV pool.', (r) => Math.round(r.sim.kvUsage * 100) / 100);
      gauge('sglang:swa_token_usage', 'The token usage of the SWA KV pool.', (r) => Math.round(Math.min(1, r.sim.kvUsage * 1.5) * 100) / 100);
      gauge('sglang:mamba_usage', 'The token usage of the Mamba state pool.', () => 0);
    }
    if (this.on('pd_disaggregation')) {
      // A healthy decode server: no failure; every finished request's KV arrived in one transfer.
      gauge('sglang:num_prefill_bootstrap_queue_reqs', 'The number of requests in the prefill bootstrap queue.', () => 0);
      gauge('sglang:num_decode_prealloc_queue_reqs', 'The number of requests in the decode prealloc queue.', () => 0);
      gauge('sglang:num_decode_transfer_queue_reqs', 'The number of requests in the decode transfer queue.', (r) => r.sim.waiting.filter((q) => q.kvReadyAt !== undefined && q.kvReadyAt > r.sim.now).length);
      counter('sglang:num_bootstrap_failed_reqs_total', 'The number of bootstrap failed requests.', () => 0);
      counter('sglang:num_transfer_failed_reqs_total', 'The number of transfer failed requests.', () => 0);
      const latency = new Map(scheds.map((s) => [s, new Histogram(SGLANG_KV_TRANSFER_BUCKETS.latency_ms)]));
      for (const [s, h] of latency) {
        const n = s.rank.sim.totals.requests;
        if (n > 0) h.observeWeighted(40, 40 * n, n);
      }
      w.header('sglang:kv_transfer_latency_ms', 'histogram', 'Histogram of KV cache transfer latency in ms.');
      for (const s of scheds) w.histogram('sglang:kv_transfer_latency_ms', s.labels, latency.get(s)!, true);
    }
    if (this.on('mfu')) {
      const tokens = (r: Rank) => r.sim.totals.promptTokens + r.sim.totals.generationTokens;
      counter('sglang:estimated_flops_per_gpu_total', 'Estimated floating point operations per GPU.', (r) => 2 * 8e9 * tokens(r));
      counter('sglang:estimated_read_bytes_per_gpu_total', 'Estimated bytes read from memory per GPU.', (r) => 2e9 * r.sim.totals.generationTokens);
      counter('sglang:estimated_write_bytes_per_gpu_total', 'Estimated bytes written to memory per GPU.', (r) => 131072 * tokens(r));
    }
    if (this.on('lora')) {
      gauge('sglang:lora_pool_slots_used', 'The number of LoRA slots in use.', (r) => (r.sim.running.length > 0 ? 1 : 0));
      gauge('sglang:lora_pool_slots_total', 'The number of LoRA slots.', () => 4);
      gauge('sglang:lora_pool_utilization', 'The LoRA pool utilization.', (r) => (r.sim.running.length > 0 ? 0.25 : 0));
    }
  }
}
