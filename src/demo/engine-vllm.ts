/**
 * Emulated vLLM /metrics in three eras: V0 (≈0.5–0.7: no `engine` label, no `_created`), V1 up to
 * 0.10 (gpu_cache_usage_perc, gpu_prefix_cache_*, time_per_output_token_seconds) and V1 from 0.11
 * (kv_cache_usage_perc, prefix_cache_*, inter_token_latency_seconds, request_time_per_output_token_seconds).
 * V1 has one series per DP `engine` index, all created at start, and a `_created` gauge after every
 * counter and histogram family. Names, HELP, label keys and buckets follow the catalog and captures.
 */
import type { OptionalGroup } from '../engines/types.js';
import { buckets125, KV_OFFLOAD_SIZE_BUCKETS, REQUEST_PARAMS_N_BUCKETS, V0_E2E_BUCKETS, V0_ITERATION_TOKENS_BUCKETS, V0_LATE_LATENCY_BUCKETS, V0_TPOT_BUCKETS, V0_TTFT_BUCKETS, V1_ITERATION_TOKENS_BUCKETS, V1_ITL_BUCKETS, V1_REQUEST_LATENCY_BUCKETS, V1_TTFT_BUCKETS } from '../engines/vllm.js';
import { Histogram } from './histogram.js';
import { API_HANDLERS, EngineSim, type FinishedRequest, type SimListener, type SimOptions } from './simulation.js';
import { ExpositionWriter, type Labels } from './writer.js';

export type VllmEra = 'v0' | 'v1-legacy' | 'v1';

const HIST_KEYS = ['ttft', 'itl', 'tpot', 'e2e', 'queue', 'inference', 'prefill', 'decode', 'prompt', 'generation', 'maxGen', 'n', 'maxTokens', 'bestOf', 'iteration'] as const;
type HistKey = (typeof HIST_KEYS)[number];

/** One engine (DP rank): its simulation and the histograms vLLM fills from it. */
class VllmRank implements SimListener {
  readonly sim: EngineSim;
  readonly h: Record<HistKey, Histogram>;
  constructor(era: VllmEra, opts: SimOptions) {
    const tokens = buckets125(opts.maxModelLen ?? 2048);
    const v0 = era === 'v0';
    this.h = {
      ttft: new Histogram(v0 ? V0_TTFT_BUCKETS : V1_TTFT_BUCKETS),
      itl: new Histogram(v0 ? V0_TPOT_BUCKETS : V1_ITL_BUCKETS),
      tpot: new Histogram(V1_ITL_BUCKETS),
      e2e: new Histogram(v0 ? V0_E2E_BUCKETS : V1_REQUEST_LATENCY_BUCKETS),
      queue: new Histogram(v0 ? V0_LATE_LATENCY_BUCKETS : V1_REQUEST_LATENCY_BUCKETS),
      inference: new Histogram(v0 ? V0_LATE_LATENCY_BUCKETS : V1_REQUEST_LATENCY_BUCKETS),
      prefill: new Histogram(v0 ? V0_LATE_LATENCY_BUCKETS : V1_REQUEST_LATENCY_BUCKETS),
      decode: new Histogram(v0 ? V0_LATE_LATENCY_BUCKETS : V1_REQUEST_LATENCY_BUCKETS),
      prompt: new Histogram(tokens),
      generation: new Histogram(tokens),
      maxGen: new Histogram(tokens),
      n: new Histogram(REQUEST_PARAMS_N_BUCKETS),
      maxTokens: new Histogram(tokens),
      bestOf: new Histogram(REQUEST_PARAMS_N_BUCKETS),
      iteration: new Histogram(v0 ? V0_ITERATION_TOKENS_BUCKETS : V1_ITERATION_TOKENS_BUCKETS),
    };
    this.sim = new EngineSim(opts, this);
  }
  admitted(queueTime: number): void {
    this.h.queue.observe(queueTime);
  }
  firstToken(ttft: number): void {
    this.h.ttft.observe(ttft);
  }
  decoded(interval: number, tokens: number): void {
    this.h.itl.observe(interval, tokens);
  }
  iteration(tokens: number): void {
    this.h.iteration.observe(tokens);
  }
  preempted(): void {}
  finished(r: FinishedRequest): void {
    this.h.e2e.observe(r.e2e);
    this.h.inference.observe(r.prefillTime + r.decodeTime);
    this.h.prefill.observe(r.prefillTime);
    this.h.decode.observe(r.decodeTime);
    this.h.prompt.observe(r.promptTokens);
    this.h.generation.observe(r.outputTokens);
    this.h.maxGen.observe(r.maxTokens);
    this.h.maxTokens.observe(r.maxTokens);
    this.h.n.observe(1);
    this.h.bestOf.observe(1);
    this.h.tpot.observe(r.outputTokens > 1 ? r.decodeTime / (r.outputTokens - 1) : 0);
  }
}

export interface VllmEmulatorOptions {
  era: VllmEra;
  model: string;
  dpRanks: number;
  seed: number;
  /** Unix seconds the process "started": process_start_time_seconds and every `_created`. */
  startTime: number;
  maxModelLen?: number;
  arrivalRate?: number;
  /** Level of the asleep state: 1 offloads the weights (weights_offloaded), 2 discards them (discard_all). */
  sleepLevel?: 1 | 2;
  /** Serve http_requests_total even before a request failed (real vLLM V1 always does). */
  httpMetrics?: boolean;
  /** Serve num_requests_waiting_by_reason even before pd-deferred (newer vLLM always does). */
  waitingByReason?: boolean;
  /** Optional features switched on (V1 from 0.11 only): spec_decode, kv_connector, kv_offload, mfu, lora, fault_tolerance. */
  features?: readonly OptionalGroup[];
}

/** Emulated speculative decoding: 3 draft tokens per step, 1.5 accepted on average (0.7, 0.5, 0.3 by position). */
const SPEC_TOKENS = 3;
const SPEC_POSITION_RATES = [0.7, 0.5, 0.3] as const;
/** KV bytes per token of an 8B Llama (32 layers x 8 KV heads x 128 x 2 (K, V) x 2 bytes). */
const KV_BYTES_PER_TOKEN = 131072;
/** Parameters of the emulated model: 2 FLOP per parameter per token. */
const MODEL_PARAMS = 8e9;

const CACHE_CONFIG_V0 = { block_size: '16', cache_dtype: 'auto', cpu_kvcache_space_bytes: '4294967296', enable_prefix_caching: 'True', gpu_memory_utilization: '0.9', num_cpu_blocks: '0', num_gpu_blocks: '7281', num_gpu_blocks_override: 'None', sliding_window: 'None', swap_space_bytes: '4294967296' };
const CACHE_CONFIG_V1 = { block_size: '16', cache_dtype: 'auto', calculate_kv_scales: 'False', cpu_offload_gb: '0', enable_prefix_caching: 'True', gpu_memory_utilization: '0.9', is_attention_free: 'False', num_cpu_blocks: 'None', num_gpu_blocks: '7281', num_gpu_blocks_override: 'None', prefix_caching_hash_algo: 'builtin', sliding_window: 'None', swap_space: '4', swap_space_bytes: '4294967296' };

export class VllmEmulator {
  readonly ranks: VllmRank[];
  constructor(readonly o: VllmEmulatorOptions) {
    const n = o.era === 'v0' ? 1 : Math.max(1, o.dpRanks);
    const rate = (o.arrivalRate ?? 3) / n;
    this.ranks = Array.from({ length: n }, (_, i) => new VllmRank(o.era, { seed: o.seed * 1000 + i + 1, arrivalRate: rate, maxModelLen: o.maxModelLen ?? 2048 }));
  }

  get sims(): EngineSim[] {
    return this.ranks.map((r) => r.sim);
  }

  render(): string {
    const w = new ExpositionWriter('python');
    const { era } = this.o;
    const v1 = era !== 'v0';
    const model = this.o.model;
    const base = (i: number): Labels => (v1 ? [['engine', String(i)], ['model_name', model]] : [['model_name', model]]);
    const created = (name: string, help: string) => {
      if (!v1) return;
      w.header(`${name}_created`, 'gauge', help);
      this.ranks.forEach((_, i) => w.sample(`${name}_created`, base(i), this.o.startTime + 0.000123 * (i + 1)));
    };
    const gauge = (name: string, help: string, value: (r: VllmRank) => number) => {
      w.header(name, 'gauge', help);
      this.ranks.forEach((r, i) => w.sample(name, base(i), value(r)));
    };
    const counter = (name: string, help: string, value: (r: VllmRank) => number) => {
      w.header(`${name}_total`, 'counter', help);
      this.ranks.forEach((r, i) => w.sample(`${name}_total`, base(i), value(r)));
      created(name, help);
    };
    const hist = (name: string, help: string, key: HistKey) => {
      w.header(name, 'histogram', help);
      this.ranks.forEach((r, i) => w.histogram(name, base(i), r.h[key]));
      created(name, help);
    };
    const sum = (f: (r: VllmRank) => number) => this.ranks.reduce((a, r) => a + f(r), 0);

    processMetrics(w, this.o.startTime, sum((r) => r.sim.now), 2.1e9 + sum((r) => r.sim.kvUsed) * 1024);

    if (!v1) {
      w.header('vllm:cache_config_info', 'gauge', 'information of cache_config');
      w.sample('vllm:cache_config_info', Object.entries(CACHE_CONFIG_V0), 1);
    }
    gauge('vllm:num_requests_running', v1 ? 'Number of requests in model execution batches.' : 'Number of requests currently running on GPU.', (r) => r.sim.running.length);
    gauge('vllm:num_requests_waiting', 'Number of requests waiting to be processed.', (r) => r.sim.waiting.length);
    if (era === 'v1' && (this.o.waitingByReason || this.ranks.some((r) => r.sim.deferralSeen))) {
      // Deferred: waiting for their KV from the P/D prefill node; the rest wait for capacity.
      const name = 'vllm:num_requests_waiting_by_reason';
      w.header(name, 'gauge', "Number of waiting requests by reason. Reason labels: 'capacity' = waiting for scheduling capacity; 'deferred' = deferred by transient constraints (LoRA budget, KV transfer, blocked status). Sum of all reasons equals vllm:num_requests_waiting.");
      this.ranks.forEach((r, i) => {
        const deferred = r.sim.deferred;
        w.sample(name, [...base(i), ['reason', 'capacity']], r.sim.waiting.length - deferred);
        w.sample(name, [...base(i), ['reason', 'deferred']], deferred);
      });
    }
    if (era === 'v1') {
      w.header('vllm:engine_sleep_state', 'gauge', 'Engine sleep state; awake = 0 means engine is sleeping; awake = 1 means engine is awake; weights_offloaded = 1 means sleep level 1; discard_all = 1 means sleep level 2.');
      const level = this.o.sleepLevel ?? 1;
      this.ranks.forEach((r, i) => {
        const asleep = r.sim.mode === 'asleep';
        const states = [['awake', asleep ? 0 : 1], ['weights_offloaded', asleep && level === 1 ? 1 : 0], ['discard_all', asleep && level === 2 ? 1 : 0]] as const;
        for (const [state, v] of states) w.sample('vllm:engine_sleep_state', [...base(i), ['sleep_state', state]], v);
      });
    }
    if (era === 'v0') {
      gauge('vllm:num_requests_swapped', 'Number of requests swapped to CPU.', () => 0);
      gauge('vllm:gpu_cache_usage_perc', 'GPU KV-cache usage. 1 means 100 percent usage.', (r) => r.sim.kvUsage);
      gauge('vllm:cpu_cache_usage_perc', 'CPU KV-cache usage. 1 means 100 percent usage.', () => 0);
      gauge('vllm:cpu_prefix_cache_hit_rate', 'CPU prefix cache block hit rate.', () => 0);
      gauge('vllm:gpu_prefix_cache_hit_rate', 'GPU prefix cache block hit rate.', (r) => (r.sim.totals.prefixQueries ? r.sim.totals.prefixHits / r.sim.totals.prefixQueries : 0));
    }
    if (era === 'v1-legacy') {
      gauge('vllm:gpu_cache_usage_perc', 'GPU KV-cache usage. 1 means 100 percent usage. DEPRECATED: Use vllm:kv_cache_usage_perc instead.', (r) => r.sim.kvUsage);
    }
    if (v1) gauge('vllm:kv_cache_usage_perc', 'KV-cache usage. 1 means 100 percent usage.', (r) => r.sim.kvUsage);
    if (era === 'v1-legacy') {
      counter('vllm:gpu_prefix_cache_queries', 'GPU prefix cache queries, in terms of number of queriedtokens. DEPRECATED: Use vllm:prefix_cache_queries instead.', (r) => r.sim.totals.prefixQueries);
      counter('vllm:gpu_prefix_cache_hits', 'GPU prefix cache hits, in terms of number of cached tokens. DEPRECATED: Use vllm:prefix_cache_hits instead.', (r) => r.sim.totals.prefixHits);
    }
    if (v1) {
      counter('vllm:prefix_cache_queries', 'Prefix cache queries, in terms of number of queried tokens.', (r) => r.sim.totals.prefixQueries);
      counter('vllm:prefix_cache_hits', 'Prefix cache hits, in terms of number of cached tokens.', (r) => r.sim.totals.prefixHits);
    }
    counter('vllm:num_preemptions', 'Cumulative number of preemption from the engine.', (r) => r.sim.totals.preemptions);
    counter('vllm:prompt_tokens', 'Number of prefill tokens processed.', (r) => r.sim.totals.promptTokens);
    counter('vllm:generation_tokens', 'Number of generation tokens processed.', (r) => r.sim.totals.generationTokens);
    if (era === 'v1') {
      const help = 'Number of prompt tokens by source.';
      w.header('vllm:prompt_tokens_by_source_total', 'counter', help);
      this.ranks.forEach((r, i) => {
        const { prefixHits: hits, externalPromptTokens: external, promptTokens } = r.sim.totals;
        w.sample('vllm:prompt_tokens_by_source_total', [...base(i), ['source', 'local_compute']], Math.max(0, promptTokens - hits - external));
        w.sample('vllm:prompt_tokens_by_source_total', [...base(i), ['source', 'local_cache_hit']], hits);
        w.sample('vllm:prompt_tokens_by_source_total', [...base(i), ['source', 'external_kv_transfer']], external);
      });
      w.header('vllm:prompt_tokens_by_source_created', 'gauge', help);
      this.ranks.forEach((_, i) => {
        for (const s of ['local_compute', 'local_cache_hit', 'external_kv_transfer']) w.sample('vllm:prompt_tokens_by_source_created', [...base(i), ['source', s]], this.o.startTime + 0.000123 * (i + 1));
      });
      // Local hits plus KV from elsewhere: local_cache_hit + external_kv_transfer above.
      counter('vllm:prompt_tokens_cached', 'Number of cached prompt tokens (local + external).', (r) => r.sim.totals.prefixHits + r.sim.totals.externalPromptTokens);
    }
    // Finish reasons: V1 pre-creates every reason at start; V0 only those seen.
    const reasons = era === 'v1' ? ['stop', 'length', 'abort', 'error', 'repetition'] : ['stop', 'length', 'abort'];
    const finishedOf = (r: VllmRank, reason: string) => r.sim.totals.finished[reason as 'stop'] ?? 0;
    const successHelp = 'Count of successfully processed requests.';
    w.header('vllm:request_success_total', 'counter', successHelp);
    this.ranks.forEach((r, i) => {
      for (const reason of reasons) if (v1 || finishedOf(r, reason) > 0) w.sample('vllm:request_success_total', [...base(i), ['finished_reason', reason]], finishedOf(r, reason));
    });
    if (v1) {
      w.header('vllm:request_success_created', 'gauge', successHelp);
      this.ranks.forEach((_, i) => {
        for (const reason of reasons) w.sample('vllm:request_success_created', [...base(i), ['finished_reason', reason]], this.o.startTime + 0.000123 * (i + 1));
      });
    }
    hist('vllm:request_prompt_tokens', 'Number of prefill tokens processed.', 'prompt');
    hist('vllm:request_generation_tokens', 'Number of generation tokens processed.', 'generation');
    hist('vllm:iteration_tokens_total', 'Histogram of number of tokens per engine_step.', 'iteration');
    hist('vllm:request_max_num_generation_tokens', 'Histogram of maximum number of requested generation tokens.', 'maxGen');
    if (era === 'v0') hist('vllm:request_params_best_of', 'Histogram of the best_of request parameter.', 'bestOf');
    hist('vllm:request_params_n', 'Histogram of the n request parameter.', 'n');
    hist('vllm:request_params_max_tokens', 'Histogram of the max_tokens request parameter.', 'maxTokens');
    hist('vllm:time_to_first_token_seconds', 'Histogram of time to first token in seconds.', 'ttft');
    if (era === 'v1') {
      hist('vllm:inter_token_latency_seconds', 'Histogram of inter-token latency in seconds.', 'itl');
      hist('vllm:request_time_per_output_token_seconds', 'Histogram of time_per_output_token_seconds per request.', 'tpot');
    } else {
      hist('vllm:time_per_output_token_seconds', 'Histogram of time per output token in seconds.', 'itl');
    }
    hist('vllm:e2e_request_latency_seconds', 'Histogram of end to end request latency in seconds.', 'e2e');
    hist('vllm:request_queue_time_seconds', 'Histogram of time spent in WAITING phase for request.', 'queue');
    hist('vllm:request_inference_time_seconds', 'Histogram of time spent in RUNNING phase for request.', 'inference');
    hist('vllm:request_prefill_time_seconds', 'Histogram of time spent in PREFILL phase for request.', 'prefill');
    hist('vllm:request_decode_time_seconds', 'Histogram of time spent in DECODE phase for request.', 'decode');
    if (v1) {
      w.header('vllm:cache_config_info', 'gauge', 'Information of the LLMEngine CacheConfig');
      this.ranks.forEach((_, i) => w.sample('vllm:cache_config_info', [...Object.entries(CACHE_CONFIG_V1), ['engine', String(i)]], 1));
    } else {
      gauge('vllm:avg_prompt_throughput_toks_per_s', 'Average prefill throughput in tokens/s.', () => 0);
      gauge('vllm:avg_generation_throughput_toks_per_s', 'Average generation throughput in tokens/s.', (r) => (r.sim.running.length > 0 ? r.sim.running.length / 0.025 : 0));
    }
    if (era === 'v1') this.renderFeatures(w, counter, base);
    if (v1) this.renderHttp(w);
    return w.text();
  }

  /**
   * The optional groups of `features`, from each rank's totals: names, types and labels as the catalog
   * has them; HELP as the catalog has it where it has one (spec-decode, MFU and corrupted-request HELP
   * texts are unverified against a capture).
   */
  private renderFeatures(w: ExpositionWriter, counter: (name: string, help: string, value: (r: VllmRank) => number) => void, base: (i: number) => Labels): void {
    const on = new Set(this.o.features ?? []);
    const created = (name: string, help: string, extra: (i: number) => Labels[]) => {
      w.header(`${name}_created`, 'gauge', help);
      this.ranks.forEach((_, i) => {
        for (const l of extra(i)) w.sample(`${name}_created`, l, this.o.startTime + 0.000123 * (i + 1));
      });
    };
    if (on.has('spec_decode')) {
      // Each step emits the accepted tokens plus one: drafts = generated / (1 + mean accepted).
      const mean = SPEC_POSITION_RATES.reduce((a, b) => a + b, 0);
      const drafts = (r: VllmRank) => Math.floor(r.sim.totals.generationTokens / (1 + mean));
      const byPos = (r: VllmRank, p: number) => Math.floor(drafts(r) * SPEC_POSITION_RATES[p]!);
      counter('vllm:spec_decode_num_drafts', 'Number of spec decoding drafts.', drafts);
      counter('vllm:spec_decode_num_draft_tokens', 'Number of draft tokens.', (r) => drafts(r) * SPEC_TOKENS);
      counter('vllm:spec_decode_num_accepted_tokens', 'Number of accepted tokens.', (r) => SPEC_POSITION_RATES.reduce((a, _, p) => a + byPos(r, p), 0));
      const name = 'vllm:spec_decode_num_accepted_tokens_per_pos';
      const help = 'Accepted tokens per draft position.';
      const labels = (i: number) => SPEC_POSITION_RATES.map((_, p): Labels => [...base(i), ['position', String(p)]]);
      w.header(`${name}_total`, 'counter', help);
      this.ranks.forEach((r, i) => labels(i).forEach((l, p) => w.sample(`${name}_total`, l, byPos(r, p))));
      created(name, help, labels);
    }
    if (on.has('kv_connector')) {
      // NIXL on a healthy P/D pair: every external prompt's KV arrives; no failure, nothing expires.
      counter('vllm:nixl_num_failed_transfers', 'Number of failed NIXL KV Cache transfers.', () => 0);
      counter('vllm:nixl_num_failed_notifications', 'Number of failed NIXL KV Cache notifications.', () => 0);
      counter('vllm:nixl_num_kv_expired_reqs', 'Number of requests that had their KV expire. NOTE: This metric is tracked on the P instance.', () => 0);
    }
    if (on.has('kv_offload')) {
      // Every computed prompt block is stored to CPU; prefix-cache hits are loaded back from it.
      const dirs = [['GPU_to_CPU', (r: VllmRank) => Math.max(0, r.sim.totals.promptTokens - r.sim.totals.prefixHits)], ['CPU_to_GPU', (r: VllmRank) => r.sim.totals.prefixHits]] as const;
      const labels = (i: number) => dirs.map(([d]): Labels => [...base(i), ['transfer_type', d]]);
      const perDir = (name: string, help: string, v: (tokens: number) => number) => {
        w.header(`${name}_total`, 'counter', help);
        this.ranks.forEach((r, i) => dirs.forEach(([, tokens], k) => w.sample(`${name}_total`, labels(i)[k]!, v(tokens(r)))));
        created(name, help, labels);
      };
      perDir('vllm:kv_offload_total_bytes', 'Number of bytes offloaded by KV connector', (t) => t * KV_BYTES_PER_TOKEN);
      perDir('vllm:kv_offload_total_time', 'Total time measured by all KV offloading operations', (t) => Math.round(((t * KV_BYTES_PER_TOKEN) / 25e9) * 1e6) / 1e6);
      const help = 'Histogram of KV offload transfer size, in bytes.';
      w.header('vllm:kv_offload_size', 'histogram', help);
      this.ranks.forEach((r, i) =>
        dirs.forEach(([, tokens], k) => {
          const h = new Histogram(KV_OFFLOAD_SIZE_BUCKETS);
          // One transfer per 16-token block group of 256 tokens (32 MiB).
          const n = Math.floor(tokens(r) / 256);
          if (n > 0) h.observeWeighted(256 * KV_BYTES_PER_TOKEN, n * 256 * KV_BYTES_PER_TOKEN, n);
          w.histogram('vllm:kv_offload_size', labels(i)[k]!, h);
        }),
      );
      created('vllm:kv_offload_size', help, labels);
    }
    if (on.has('mfu')) {
      const tokens = (r: VllmRank) => r.sim.totals.promptTokens + r.sim.totals.generationTokens;
      counter('vllm:estimated_flops_per_gpu', 'Estimated number of floating point operations per GPU (for Model Flops Utilization calculations).', (r) => 2 * MODEL_PARAMS * tokens(r));
      // Decode re-reads the weights (2 bytes per parameter) once per step of ~8 tokens.
      counter('vllm:estimated_read_bytes_per_gpu', 'Estimated number of bytes read from memory per GPU (for Model Flops Utilization calculations).', (r) => Math.round((2 * MODEL_PARAMS * r.sim.totals.generationTokens) / 8));
      counter('vllm:estimated_write_bytes_per_gpu', 'Estimated number of bytes written to memory per GPU (for Model Flops Utilization calculations).', (r) => tokens(r) * KV_BYTES_PER_TOKEN);
    }
    if (on.has('fault_tolerance')) counter('vllm:corrupted_requests', 'Corrupted requests, in terms of total number of requests with NaNs in logits.', () => 0);
    if (on.has('lora')) {
      // No model_name or engine: one series per adapter state, valued with the time it was set.
      const running = this.ranks.some((r) => r.sim.running.length > 0) ? 'sql-adapter' : '';
      w.header('vllm:lora_requests_info', 'gauge', 'Running stats on lora requests.');
      w.sample('vllm:lora_requests_info', [['max_lora', '4'], ['running_lora_adapters', running], ['waiting_lora_adapters', '']], Math.round((this.o.startTime + this.ranks[0]!.sim.now) * 1000) / 1000);
    }
  }

  /**
   * The API server's requests as prometheus_fastapi_instrumentator counts them (one process, so no
   * `engine` label): by route template, method and grouped status, a series once a request ended
   * with that status. vLLM excludes /metrics, /health and the like. Other instrumentator families
   * (request/response sizes, durations) are not emulated.
   */
  private renderHttp(w: ExpositionWriter): void {
    const http = API_HANDLERS.flatMap((handler) => (['2xx', '5xx'] as const).map((status) => ({ handler, status, n: this.ranks.reduce((a, r) => a + r.sim.totals.http[handler][status], 0) })));
    if (!this.o.httpMetrics && !http.some((h) => h.status === '5xx' && h.n > 0)) return;
    const seen = http.filter((h) => h.n > 0);
    const labels = (h: (typeof seen)[number]): Labels => [['handler', h.handler], ['method', 'POST'], ['status', h.status]];
    const help = 'Total number of requests by method, status and handler.';
    w.header('http_requests_total', 'counter', help);
    for (const h of seen) w.sample('http_requests_total', labels(h), h.n);
    w.header('http_requests_created', 'gauge', help);
    for (const h of seen) w.sample('http_requests_created', labels(h), this.o.startTime + 0.5);
  }
}

/** prometheus_client's process collector (single-process mode), HELP texts as in the real scrapes. */
export function processMetrics(w: ExpositionWriter, startTime: number, cpuSeconds: number, rss: number): void {
  w.header('process_virtual_memory_bytes', 'gauge', 'Virtual memory size in bytes.').sample('process_virtual_memory_bytes', [], 6.634254336e9 + rss / 4);
  w.header('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.').sample('process_resident_memory_bytes', [], Math.round(rss));
  w.header('process_start_time_seconds', 'gauge', 'Start time of the process since unix epoch in seconds.').sample('process_start_time_seconds', [], Math.round(startTime * 100) / 100);
  w.header('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.').sample('process_cpu_seconds_total', [], Math.round(cpuSeconds * 0.9 * 100) / 100);
  w.header('process_open_fds', 'gauge', 'Number of open file descriptors.').sample('process_open_fds', [], 49);
  w.header('process_max_fds', 'gauge', 'Maximum number of open file descriptors.').sample('process_max_fds', [], 1048576);
}
