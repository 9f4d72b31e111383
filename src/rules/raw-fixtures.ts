/**
 * Raw series, named and labelled as each engine really exposes them (see src/engines and
 * ../shared/fixtures), that the generated promtool tests feed through our rules. GPU exporters: raw-gpu.ts.
 */
import type { Engine } from '../config/types.js';
import { knownBounds } from './buckets.js';
import type { HistogramName } from './series.js';
import { type InputSeries, type Labels, constant, counter, input } from './promtool-tests.js';

/** The model every test target serves unless a test needs several models. */
export const TEST_MODEL = 'meta-llama/Llama-3.1-8B-Instruct';

/** Labels every serving series reaches our rules with (file_sd adds instance and host). */
export function targetLabels(engine: Engine, instance: string, model = TEST_MODEL): Labels {
  return { job: engine, instance, host: `${instance}-host`, model_name: model };
}

/** Per-series labels beyond the target's: vLLM's DP engine (renamed dp_rank), SGLang's ranks. */
function rankLabels(engine: Engine, scheduler: boolean): Labels {
  if (engine === 'vllm') return { dp_rank: '0' };
  return scheduler ? { engine_type: 'unified', moe_ep_rank: '0', pp_rank: '0', tp_rank: '0' } : {};
}

export interface RawEngine {
  engine: Engine;
  labels: Labels;
  running(v: string): InputSeries[];
  waiting(v: string): InputSeries[];
  kvUsage(v: string): InputSeries[];
  generationTokens(v: string): InputSeries[];
  /** Finished requests per step: ok, aborted by the client, and (vLLM) finished_reason="error". */
  finished(okPerStep: number, abortedPerStep: number, steps: number, errorPerStep?: number): InputSeries[];
  /** vLLM's HTTP requests on the OpenAI API per step, as prometheus_fastapi_instrumentator groups them; SGLang has none. */
  http?(ok2xxPerStep: number, err5xxPerStep: number, steps: number): InputSeries[];
  preemptions(v: string): InputSeries[];
  /** P/D KV-cache transfer failures (vLLM NIXL failed transfers, SGLang failed-transfer requests). */
  kvTransferFailures(v: string): InputSeries[];
  /** vLLM >= 0.11's engine_sleep_state, asleep at level 1 (weights offloaded) or awake; SGLang has none. */
  sleepState?(asleep: boolean, steps: number): InputSeries[];
  /** Newer vLLM's waiting requests by reason, with num_requests_waiting their sum; SGLang has none. */
  waitingByReason?(capacity: number, deferred: number, steps: number): InputSeries[];
  histogram(h: HistogramName): string;
  bounds(h: HistogramName): number[];
}

const VLLM_HIST: Partial<Record<HistogramName, string>> = {
  ttft_seconds: 'vllm:time_to_first_token_seconds',
  itl_seconds: 'vllm:inter_token_latency_seconds',
  e2e_seconds: 'vllm:e2e_request_latency_seconds',
  queue_seconds: 'vllm:request_queue_time_seconds',
};
const SGLANG_HIST: Partial<Record<HistogramName, string>> = {
  ttft_seconds: 'sglang:time_to_first_token_seconds',
  itl_seconds: 'sglang:inter_token_latency_seconds',
  e2e_seconds: 'sglang:e2e_request_latency_seconds',
  queue_seconds: 'sglang:queue_time_seconds',
};

export function rawEngine(engine: Engine, instance = `${engine}-1`): RawEngine {
  const labels = targetLabels(engine, instance);
  const sched = { ...labels, ...rankLabels(engine, true) };
  const tok = { ...labels, ...rankLabels(engine, false) };
  const one = (name: string, l: Labels) => (v: string) => [input(name, l, v)];
  const hist = engine === 'vllm' ? VLLM_HIST : SGLANG_HIST;
  if (engine === 'vllm') {
    return {
      engine,
      labels,
      running: one('vllm:num_requests_running', sched),
      waiting: one('vllm:num_requests_waiting', sched),
      kvUsage: one('vllm:kv_cache_usage_perc', sched),
      generationTokens: one('vllm:generation_tokens_total', sched),
      finished: (ok, aborted, steps, errors = 0) => [
        input('vllm:request_success_total', { ...sched, finished_reason: 'stop' }, counter(ok, steps)),
        input('vllm:request_success_total', { ...sched, finished_reason: 'length' }, constant(0, steps)),
        input('vllm:request_success_total', { ...sched, finished_reason: 'abort' }, counter(aborted, steps)),
        input('vllm:request_success_total', { ...sched, finished_reason: 'error' }, counter(errors, steps)),
      ],
      // No model label on HTTP metrics: the rules take it from the engine metrics of the same target.
      http: (ok, err, steps) => {
        const { model_name: _none, ...target } = labels;
        const h = { ...target, handler: '/v1/chat/completions', method: 'POST' };
        return [
          input('http_requests_total', { ...h, status: '2xx' }, counter(ok, steps)),
          input('http_requests_total', { ...h, status: '5xx' }, counter(err, steps)),
          input('http_requests_total', { ...target, handler: '/health', method: 'GET', status: '2xx' }, counter(4, steps)),
          input('vllm:num_requests_running', sched, constant(1, steps)),
        ];
      },
      preemptions: one('vllm:num_preemptions_total', sched),
      kvTransferFailures: one('vllm:nixl_num_failed_transfers_total', sched),
      sleepState: (asleep, steps) => [
        input('vllm:engine_sleep_state', { ...sched, sleep_state: 'awake' }, constant(asleep ? 0 : 1, steps)),
        input('vllm:engine_sleep_state', { ...sched, sleep_state: 'weights_offloaded' }, constant(asleep ? 1 : 0, steps)),
        input('vllm:engine_sleep_state', { ...sched, sleep_state: 'discard_all' }, constant(0, steps)),
      ],
      waitingByReason: (capacity, deferred, steps) => [
        input('vllm:num_requests_waiting', sched, constant(capacity + deferred, steps)),
        input('vllm:num_requests_waiting_by_reason', { ...sched, reason: 'capacity' }, constant(capacity, steps)),
        input('vllm:num_requests_waiting_by_reason', { ...sched, reason: 'deferred' }, constant(deferred, steps)),
      ],
      histogram: (h) => hist[h]!,
      bounds: (h) => knownBounds('vllm', h),
    };
  }
  return {
    engine,
    labels,
    running: one('sglang:num_running_reqs', sched),
    waiting: one('sglang:num_queue_reqs', sched),
    kvUsage: one('sglang:token_usage', sched),
    generationTokens: one('sglang:generation_tokens_total', tok),
    finished: (ok, aborted, steps, errors = 0) => [
      input('sglang:num_requests_total', tok, counter(ok + aborted + errors, steps)),
      input('sglang:num_aborted_requests_total', tok, counter(aborted, steps)),
    ],
    preemptions: one('sglang:num_retracted_requests_total', sched),
    kvTransferFailures: one('sglang:num_transfer_failed_reqs_total', sched),
    histogram: (h) => hist[h]!,
    bounds: (h) => knownBounds('sglang', h),
  };
}
