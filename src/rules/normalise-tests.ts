/**
 * promtool tests of the normalisation itself: each engine/exporter version's raw names reach the
 * same llm:/gpu:/host: series with the right unit, ranks aggregate the right way, and a metric
 * exposed under its old and new name at once is counted once.
 */
import type { Engine, GpuKind, WatchPath } from '../config/types.js';
import { mountCandidates } from '../config/watch-paths.js';
import { GPU_JOB } from '../render/prometheus.js';
import { S, histogramBucket, histogramCount, histogramSum, instanceQuantile } from './series.js';
import { type InputSeries, type Labels, type PromqlExprTest, type TestGroup, constant, counter, input, lateConstant, sel } from './promtool-tests.js';
import { rawGpu } from './raw-gpu.js';
import { targetLabels } from './raw-fixtures.js';

// Samples every 32s, read at 10m, make every rate exact in Prometheus 2.x and 3.x alike. No sample
// sits on the 5m window's start (5m): 2.x would include it and 3.x not. The samples in the window
// (5m20s to 9m36s) span 256s, so rate()'s factor (300 / 256) / 300 is exactly 1/256, where 15s
// steps give 2.x (300 / 300) / 300 and 3.x (300 / 285) / 300, both rounded. Integer increments per
// step keep the counters exact too: 0.25/s below is 8 per step.
const STEP_SECONDS = 32;
const STEP = `${STEP_SECONDS}s`;
const EVAL = '10m';
const N = Math.ceil((11 * 60) / STEP_SECONDS); // 11 minutes

/** A counter from 0 rising by `r` per second, in whole increments per step. */
function perSecond(r: number): string {
  if (!Number.isInteger(r * STEP_SECONDS)) throw new Error(`${r}/s is not a whole increment per ${STEP}`);
  return counter(r * STEP_SECONDS, N);
}

/** A series' expected samples; a function's result (e.g. histogram_quantile) has no metric name. */
function expect(expr: string, samples: [Labels, number][]): PromqlExprTest {
  const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{|$)/.test(expr) ? expr.replace(/\{.*$/, '') : '';
  return { expr, eval_time: EVAL, exp_samples: samples.map(([l, value]) => ({ labels: sel(name, l), value })) };
}

function vllmGroup(): TestGroup {
  // v0: V0 engine; v1old: 0.9.2-0.10, old and new names side by side; v1new: 0.11+, two DP engines.
  const v0 = targetLabels('vllm', 'v0');
  const old = { ...targetLabels('vllm', 'v1old'), dp_rank: '0' };
  const d0 = { ...targetLabels('vllm', 'v1new'), dp_rank: '0' };
  const d1 = { ...d0, dp_rank: '1' };
  const out = (l: Labels): Labels => {
    const { dp_rank: _drop, ...rest } = l;
    return { ...rest, engine: 'vllm' };
  };
  const inputs: InputSeries[] = [
    input('vllm:num_requests_running', v0, constant(3, N)),
    input('vllm:num_requests_running', old, constant(2, N)),
    input('vllm:num_requests_running', d0, constant(2, N)),
    input('vllm:num_requests_running', d1, constant(5, N)),
    input('vllm:gpu_cache_usage_perc', v0, constant(0.5, N)),
    // In the overlap both names carry the same value; different values here prove the new one wins.
    input('vllm:kv_cache_usage_perc', old, constant(0.25, N)),
    input('vllm:gpu_cache_usage_perc', old, constant(0.75, N)),
    input('vllm:kv_cache_usage_perc', d0, constant(0.25, N)),
    input('vllm:kv_cache_usage_perc', d1, constant(0.5, N)),
    input('vllm:generation_tokens_total', d0, perSecond(4)),
    input('vllm:generation_tokens_total', d1, perSecond(2)),
    input('vllm:time_per_output_token_seconds_count', v0, perSecond(2)),
    input('vllm:inter_token_latency_seconds_count', old, perSecond(1)),
    input('vllm:time_per_output_token_seconds_count', old, perSecond(1)),
    input('vllm:gpu_prefix_cache_hit_rate', v0, constant(0.4, N)),
    input('vllm:prefix_cache_hits_total', old, perSecond(2)),
    input('vllm:prefix_cache_queries_total', old, perSecond(4)),
    input('vllm:gpu_prefix_cache_hits_total', old, perSecond(1)),
    input('vllm:gpu_prefix_cache_queries_total', old, perSecond(4)),
    input('vllm:request_success_total', { ...v0, finished_reason: 'stop' }, perSecond(1)),
    input('vllm:request_success_total', { ...d0, finished_reason: 'stop' }, perSecond(3)),
    input('vllm:request_success_total', { ...d0, finished_reason: 'abort' }, perSecond(1)),
    input('vllm:request_success_total', { ...d0, finished_reason: 'error' }, perSecond(1)),
    // HTTP metrics carry no model: grouped 5xx on the API counts, /health does not; v1old reports
    // status codes ungrouped and finishes nothing, so its errors are all its requests.
    input('http_requests_total', { job: 'vllm', instance: 'v1new', host: 'v1new-host', handler: '/v1/completions', method: 'POST', status: '5xx' }, perSecond(2)),
    input('http_requests_total', { job: 'vllm', instance: 'v1new', host: 'v1new-host', handler: '/v1/completions', method: 'POST', status: '2xx' }, perSecond(3)),
    input('http_requests_total', { job: 'vllm', instance: 'v1new', host: 'v1new-host', handler: '/health', method: 'GET', status: '5xx' }, perSecond(1)),
    input('http_requests_total', { job: 'vllm', instance: 'v1old', host: 'v1old-host', handler: '/v1/chat/completions', method: 'POST', status: '503' }, perSecond(1)),
    input('process_resident_memory_bytes', { job: 'vllm', instance: 'v1new', host: 'v1new-host' }, constant(2e9, N)),
    // Waiting requests: V0 and old V1 without the breakdown by reason; the DP engines with it
    // (reasons sum to num_requests_waiting), one of them deferring 2 for a P/D KV transfer.
    input('vllm:num_requests_waiting', v0, constant(4, N)),
    input('vllm:num_requests_waiting', old, constant(1, N)),
    input('vllm:num_requests_waiting', d0, constant(3, N)),
    input('vllm:num_requests_waiting_by_reason', { ...d0, reason: 'capacity' }, constant(1, N)),
    input('vllm:num_requests_waiting_by_reason', { ...d0, reason: 'deferred' }, constant(2, N)),
    input('vllm:num_requests_waiting', d1, constant(2, N)),
    input('vllm:num_requests_waiting_by_reason', { ...d1, reason: 'capacity' }, constant(2, N)),
    input('vllm:num_requests_waiting_by_reason', { ...d1, reason: 'deferred' }, constant(0, N)),
    // Sleep state: old V1 awake, one DP engine of v1new asleep (level 2) while the other is not yet.
    ...sleepState(old, 1, 0, 0),
    ...sleepState(d0, 1, 0, 0),
    ...sleepState(d1, 0, 0, 1),
    // Phase means. Early V0 has no phase histograms: decode comes from E2E - TTFT. The DP engines'
    // decode histogram wins over the (deliberately different) E2E - TTFT of d0.
    input('vllm:e2e_request_latency_seconds_sum', v0, perSecond(3)),
    input('vllm:e2e_request_latency_seconds_count', v0, perSecond(1)),
    input('vllm:time_to_first_token_seconds_sum', v0, perSecond(1)),
    input('vllm:generation_tokens_total', v0, perSecond(11)),
    input('vllm:e2e_request_latency_seconds_sum', d0, perSecond(10)),
    input('vllm:e2e_request_latency_seconds_count', d0, perSecond(1)),
    input('vllm:time_to_first_token_seconds_sum', d0, perSecond(1)),
    input('vllm:request_decode_time_seconds_sum', d0, perSecond(2)),
    input('vllm:request_decode_time_seconds_count', d0, perSecond(1)),
    input('vllm:request_decode_time_seconds_sum', d1, perSecond(2)),
    input('vllm:request_decode_time_seconds_count', d1, perSecond(1)),
    input('vllm:request_prefill_time_seconds_sum', d0, perSecond(1)),
    input('vllm:request_prefill_time_seconds_count', d0, perSecond(2)),
    input('vllm:iteration_tokens_total_sum', d0, perSecond(10)),
    input('vllm:iteration_tokens_total_count', d0, perSecond(1)),
  ];
  return {
    name: 'vllm: V0, V1 old+new names and two DP engines normalise into one family',
    interval: STEP,
    input_series: inputs,
    promql_expr_test: [
      expect(S.requestsRunning, [[out(v0), 3], [out(old), 2], [out(d0), 7]]),
      expect(S.kvCacheUsage, [[out(v0), 0.5], [out(old), 0.25], [out(d0), 0.5]]),
      expect(S.generationTokens, [[out(v0), 11], [out(d0), 6]]),
      expect(histogramCount('itl_seconds'), [[out(v0), 2], [out(old), 1]]),
      expect(S.prefixCacheHitRatio, [[out(v0), 0.4], [out(old), 0.5]]),
      // d0 finishes 5/s: 3 stop, 1 abort, 1 error; its API answers 2/s with 5xx (the larger counts).
      expect(S.requestsAborted, [[out(v0), 0], [out(d0), 1]]),
      expect(S.requestsAbortedRatio, [[out(v0), 0], [out(d0), 0.2]]),
      expect(S.requestsServerErrors, [[out(v0), 0], [out(old), 1], [out(d0), 2]]),
      expect(S.requestsServerErrorRatio, [[out(v0), 0], [out(old), 1], [out(d0), 0.4]]),
      expect(S.processMemory, [[{ engine: 'vllm', job: 'vllm', instance: 'v1new', host: 'v1new-host' }, 2e9]]),
      expect(S.decodeSecondsMean, [[out(v0), 2], [out(d0), 2]]),
      expect(S.prefillSecondsMean, [[out(d0), 0.5]]),
      // (E2E - TTFT) / (generated - requests): V0 (3 - 1) / (11 - 1); d0 (10 - 1) / (6 - 1).
      expect(S.tpotMean, [[out(v0), 0.2], [out(d0), 1.8]]),
      expect(S.iterationTokensMean, [[out(d0), 10]]),
      expect(S.requestsWaiting, [[out(v0), 4], [out(old), 1], [out(d0), 5]]),
      expect(S.requestsWaitingDeferred, [[out(d0), 2]]),
      expect(S.requestsWaitingCapacity, [[out(v0), 4], [out(old), 1], [out(d0), 3]]),
      expect(S.engineAsleep, [[out(old), 0], [out(d0), 1]]),
    ],
  };
}

/** vLLM's engine_sleep_state: one series per state, `awake` 0 while asleep. */
function sleepState(l: Labels, awake: number, weightsOffloaded: number, discardAll: number): InputSeries[] {
  return [
    input('vllm:engine_sleep_state', { ...l, sleep_state: 'awake' }, constant(awake, N)),
    input('vllm:engine_sleep_state', { ...l, sleep_state: 'weights_offloaded' }, constant(weightsOffloaded, N)),
    input('vllm:engine_sleep_state', { ...l, sleep_state: 'discard_all' }, constant(discardAll, N)),
  ];
}

function sglangGroup(): TestGroup {
  const s1 = targetLabels('sglang', 's1');
  const s2 = targetLabels('sglang', 's2');
  const rank = (dp: string, tp: string): Labels => ({ ...s1, dp_rank: dp, tp_rank: tp, pp_rank: '0', moe_ep_rank: '0', engine_type: 'unified' });
  const out = (l: Labels): Labels => ({ ...l, engine: 'sglang' });
  const inputs: InputSeries[] = [
    // All schedulers report (--enable-metrics-for-all-schedulers): TP ranks repeat their DP rank's batch.
    input('sglang:num_running_reqs', rank('0', '0'), constant(4, N)),
    input('sglang:num_running_reqs', rank('0', '1'), constant(4, N)),
    input('sglang:num_running_reqs', rank('1', '0'), constant(3, N)),
    input('sglang:num_running_reqs', rank('1', '1'), constant(3, N)),
    // Priority scheduling adds per-priority series next to the total (priority="").
    input('sglang:num_running_reqs', { ...rank('0', '0'), priority: '1' }, constant(2, N)),
    input('sglang:num_running_reqs', s2, constant(2, N)),
    input('sglang:num_queue_reqs', rank('0', '0'), constant(6, N)),
    input('sglang:num_queue_reqs', rank('0', '1'), constant(6, N)),
    input('sglang:num_queue_reqs', rank('1', '0'), constant(1, N)),
    input('sglang:kv_cache_usage_perc', rank('0', '0'), constant(0.3, N)),
    input('sglang:token_usage', rank('0', '0'), constant(0.6, N)),
    input('sglang:token_usage', s2, constant(0.7, N)),
    input('sglang:generation_tokens_total', s1, perSecond(4)),
    input('sglang:prompt_tokens_total', s1, perSecond(4)),
    // Each request counts its cached tokens under one source: device/host when detailed, else "total".
    input('sglang:cached_tokens_total', { ...s1, cache_source: 'device' }, perSecond(1)),
    input('sglang:cached_tokens_total', { ...s1, cache_source: 'host' }, perSecond(0.5)),
    input('sglang:cached_tokens_total', { ...s1, cache_source: 'total' }, perSecond(0.5)),
    input('sglang:num_requests_total', s1, perSecond(1)),
    input('sglang:num_aborted_requests_total', s1, perSecond(0.25)),
    input('sglang:num_retracted_requests_total', rank('0', '0'), perSecond(1)),
    input('sglang:num_retracted_requests_total', rank('0', '1'), perSecond(1)),
    input('sglang:inter_token_latency_seconds_count', s1, perSecond(2)),
    // Older SGLang (s2: no rank labels, no kv_cache_usage_perc): the name PR #4914 removed.
    input('sglang:time_per_output_token_seconds_count', s2, perSecond(1)),
    // Request latencies (tokenizer) and queue time (scheduler, repeated by TP ranks).
    input('sglang:e2e_request_latency_seconds_sum', s1, perSecond(4)),
    input('sglang:e2e_request_latency_seconds_count', s1, perSecond(1)),
    input('sglang:time_to_first_token_seconds_sum', s1, perSecond(1)),
    input('sglang:time_to_first_token_seconds_count', s1, perSecond(1)),
    input('sglang:queue_time_seconds_sum', rank('0', '0'), perSecond(0.25)),
    input('sglang:queue_time_seconds_count', rank('0', '0'), perSecond(1)),
    input('sglang:queue_time_seconds_sum', rank('0', '1'), perSecond(0.25)),
    input('sglang:queue_time_seconds_count', rank('0', '1'), perSecond(1)),
    input('sglang:queue_time_seconds_sum', rank('1', '0'), perSecond(0.25)),
    input('sglang:queue_time_seconds_count', rank('1', '0'), perSecond(1)),
    // Forward passes and computed tokens; cached prompt tokens are not computed.
    input('sglang:realtime_tokens_total', { ...rank('0', '0'), mode: 'decode' }, perSecond(2)),
    input('sglang:realtime_tokens_total', { ...rank('0', '0'), mode: 'prefill_compute' }, perSecond(1)),
    input('sglang:realtime_tokens_total', { ...rank('0', '0'), mode: 'prefill_cache' }, perSecond(10)),
    input('sglang:realtime_tokens_total', { ...rank('0', '1'), mode: 'decode' }, perSecond(2)),
    input('sglang:realtime_tokens_total', { ...rank('0', '1'), mode: 'prefill_compute' }, perSecond(1)),
    input('sglang:realtime_tokens_total', { ...rank('1', '0'), mode: 'decode' }, perSecond(3)),
    input('sglang:cuda_graph_passes_total', { ...rank('0', '0'), mode: 'decode_cuda_graph' }, perSecond(1)),
    input('sglang:cuda_graph_passes_total', { ...rank('0', '0'), mode: 'prefill_none' }, perSecond(1)),
    input('sglang:cuda_graph_passes_total', { ...rank('0', '1'), mode: 'decode_cuda_graph' }, perSecond(1)),
    input('sglang:cuda_graph_passes_total', { ...rank('0', '1'), mode: 'prefill_none' }, perSecond(1)),
    input('sglang:cuda_graph_passes_total', { ...rank('1', '0'), mode: 'decode_cuda_graph' }, perSecond(2)),
  ];
  return {
    name: 'sglang: current and older names, TP duplicates and DP ranks normalise into one family (a gateway\'s sglang_ names are renamed at scrape time)',
    interval: STEP,
    input_series: inputs,
    promql_expr_test: [
      expect(S.requestsRunning, [[out(s1), 7], [out(s2), 2]]),
      // The waiting queue holds only requests ready to run: all of it waits for capacity.
      expect(S.requestsWaitingCapacity, [[out(s1), 7]]),
      expect(S.kvCacheUsage, [[out(s1), 0.3], [out(s2), 0.7]]),
      expect(S.generationTokens, [[out(s1), 4]]),
      expect(S.prefixCacheHitRatio, [[out(s1), 0.5]]),
      expect(S.requestsFinished, [[{ ...out(s1), finished_reason: 'all' }, 1]]),
      // SGLang has no server-error counter: aborts only.
      expect(S.requestsAborted, [[out(s1), 0.25]]),
      expect(S.requestsAbortedRatio, [[out(s1), 0.25]]),
      expect(S.preemptions, [[out(s1), 1]]),
      expect(histogramCount('itl_seconds'), [[out(s1), 2], [out(s2), 1]]),
      expect(S.prefixCacheHit, [[out(s1), 2]]),
      // E2E - TTFT = 4 - 1 s/s over 1 request/s; TTFT 1 s less queue (0.25 + 0.25) / (1 + 1).
      expect(S.decodeSecondsMean, [[out(s1), 3]]),
      expect(S.prefillSecondsMean, [[out(s1), 0.75]]),
      expect(S.tpotMean, [[out(s1), 1]]),
      // DP 0: (2 + 1) tokens/s over 2 passes/s (TP rank 1 repeats it); DP 1: 3 over 2.
      expect(S.iterationTokensMean, [[out(s1), 1.5]]),
    ],
  };
}

/** Older SGLang (the docs' production sample) has no num_requests_total: its E2E count is the request rate. */
function sglangOlderGroup(): TestGroup {
  const old = targetLabels('sglang', 'old');
  const both = targetLabels('sglang', 'new');
  const finished = (l: Labels): Labels => ({ ...l, engine: 'sglang', finished_reason: 'all' });
  return {
    name: 'sglang: without num_requests_total, finished requests are counted by the E2E histogram, never twice',
    interval: STEP,
    input_series: [
      input('sglang:e2e_request_latency_seconds_count', old, perSecond(2)),
      // Newer SGLang has both; num_requests_total wins (the rates differ here only to tell them apart).
      input('sglang:num_requests_total', both, perSecond(1)),
      input('sglang:e2e_request_latency_seconds_count', both, perSecond(0.25)),
    ],
    promql_expr_test: [expect(S.requestsFinished, [[finished(old), 2], [finished(both), 1]])],
  };
}

function gpuGroup(kind: Exclude<GpuKind, 'none'>): TestGroup {
  const t = (instance: string): Labels => ({ job: GPU_JOB[kind], instance, host: instance });
  const g = (instance: string): Labels => ({ ...t(instance), gpu: '0' });
  const reason = (instance: string, r: string): Labels => ({ ...g(instance), reason: r });
  const cause = (instance: string, c: string): Labels => ({ ...g(instance), cause: c });
  const dir = (instance: string, direction: string): Labels => ({ ...g(instance), direction });
  const inputs: InputSeries[] = [];
  const tests: PromqlExprTest[] = [];
  if (kind === 'dcgm') {
    const d = (instance: string): Labels => ({ ...g(instance), UUID: 'GPU-1', device: 'nvidia0', modelName: 'NVIDIA A100-SXM4-80GB', Hostname: instance });
    inputs.push(
      input('DCGM_FI_DEV_GPU_UTIL', d('a'), constant(50, N)),
      input('DCGM_FI_DEV_FB_USED', d('a'), constant(1024, N)),
      input('DCGM_FI_DEV_FB_FREE', d('a'), constant(3072, N)),
      input('DCGM_FI_DEV_FB_RESERVED', d('a'), constant(0, N)),
      input('DCGM_FI_DEV_SM_CLOCK', d('a'), constant(1410, N)),
      input('DCGM_FI_PROF_SM_ACTIVE', d('a'), constant(0.3, N)),
      input('DCGM_FI_DEV_ROW_REMAP_FAILURE', d('a'), constant(0, N)),
      input('DCGM_FI_DEV_ROW_REMAP_PENDING', d('a'), constant(1, N)),
      input('DCGM_FI_DEV_ECC_DBE_VOL_TOTAL', d('a'), constant(2, N)),
      input('DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS', d('a'), constant(5, N)),
      // Nanoseconds throttled: a quarter and an eighth of the time.
      input('DCGM_FI_DEV_POWER_VIOLATION', d('a'), perSecond(0.25e9)),
      input('DCGM_FI_DEV_THERMAL_VIOLATION', d('a'), perSecond(0.125e9)),
      // dcgm-exporter 4.9 names and units on a second host.
      input('DCGM_FI_DEV_GPU_UTIL_RATIO', d('b'), constant(0.25, N)),
      input('DCGM_FI_DEV_SM_CLOCK_HERTZ', d('b'), constant(1.98e9, N)),
      input('DCGM_FI_PROF_SM_UTIL_RATIO', d('b'), constant(0.6, N)),
      input('DCGM_FI_DEV_GPU_TEMP_CELSIUS', d('b'), constant(40, N)),
      input('DCGM_FI_DEV_ROW_REMAP_FAILED', d('b'), constant(1, N)),
      input('DCGM_FI_DEV_ROW_REMAP_UNCORRECTABLE_TOTAL', d('b'), constant(1, N)),
      // 4.9's byte-valued framebuffer fields, capacity collected by default.
      input('DCGM_FI_DEV_FB_USED_BYTES', d('b'), constant(2147483648, N)),
      input('DCGM_FI_DEV_FB_FREE_BYTES', d('b'), constant(6442450944, N)),
      input('DCGM_FI_DEV_FB_CAPACITY_BYTES', d('b'), constant(8589934592, N)),
      // Power limits: the enforced one wins over the configured one (a); 4.9 names (b); a V100 whose
      // CSV has only the configured limit, as in the real issue capture (d).
      input('DCGM_FI_DEV_ENFORCED_POWER_LIMIT', d('a'), constant(400, N)),
      input('DCGM_FI_DEV_POWER_MGMT_LIMIT', d('a'), constant(450, N)),
      input('DCGM_FI_DEV_BOARD_POWER_LIMIT_ENFORCED_WATTS', d('b'), constant(700, N)),
      input('DCGM_FI_DEV_BOARD_POWER_LIMIT_REQUESTED_WATTS', d('b'), constant(650, N)),
      input('DCGM_FI_DEV_POWER_MGMT_LIMIT', d('d'), constant(300, N)),
      // Interconnect: profiling fields in bytes/s (both releases), the all-links figure in MB/s (<= 4.8) and bytes/s (4.9).
      input('DCGM_FI_PROF_NVLINK_TX_BYTES', d('a'), constant(1.5e9, N)),
      input('DCGM_FI_PROF_NVLINK_RX_BYTES', d('a'), constant(2.5e9, N)),
      input('DCGM_FI_PROF_PCIE_TX_BYTES', d('a'), constant(41000, N)),
      input('DCGM_FI_PROF_PCIE_RX_BYTES', d('a'), constant(52000, N)),
      input('DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL', d('a'), constant(4000, N)),
      input('DCGM_FI_DEV_NVLINK_THROUGHPUT_BYTES_PER_SECOND', d('b'), constant(3.2e9, N)),
      input('DCGM_FI_PROF_PCIE_TX_BYTES', d('b'), constant(1e6, N)),
      input('DCGM_FI_PROF_PCIE_RX_BYTES', d('b'), constant(2e6, N)),
      // 4.9 without the enforced limit or the bytes/s NVLink field: go-dcgm's DCGM 4.6 names (configured limit; field 449, MB/s).
      input('DCGM_FI_DEV_BOARD_POWER_LIMIT_REQUESTED_WATTS', d('e'), constant(350, N)),
      input('DCGM_FI_DEV_NVLINK_THROUGHPUT_TOTAL', d('e'), constant(2000, N)),
      // An exporter that is up and reports no GPU at all.
      input('up', t('c'), constant(1, N)),
    );
    tests.push(
      expect(S.gpuUtilization, [[g('a'), 0.5], [g('b'), 0.25]]),
      expect(S.gpuMemoryUsed, [[g('a'), 1073741824], [g('b'), 2147483648]]),
      expect(S.gpuMemoryTotal, [[g('a'), 4294967296], [g('b'), 8589934592]]),
      expect(S.gpuMemoryUsedRatio, [[g('a'), 0.25], [g('b'), 0.25]]),
      expect(S.gpuPowerLimit, [[g('a'), 400], [g('b'), 700], [g('d'), 300], [g('e'), 350]]),
      expect(S.gpuNvlinkBandwidth, [[dir('a', 'tx'), 1.5e9], [dir('a', 'rx'), 2.5e9], [dir('a', 'total'), 4e9], [dir('b', 'total'), 3.2e9], [dir('e', 'total'), 2e9]]),
      expect(S.gpuPcieBandwidth, [[dir('a', 'tx'), 41000], [dir('a', 'rx'), 52000], [dir('b', 'tx'), 1e6], [dir('b', 'rx'), 2e6]]),
      expect(S.gpuSmClock, [[g('a'), 1.41e9], [g('b'), 1.98e9]]),
      expect(S.gpuSmActive, [[g('a'), 0.3], [g('b'), 0.6]]),
      expect(S.gpuRowRemapFailed, [[g('a'), 0], [g('b'), 1]]),
      expect(S.gpuRowRemapPending, [[g('a'), 1]]),
      // Steady counts: no new errors (DBE on a, the remapped-rows fallback on b).
      expect(S.gpuUncorrectableMemoryErrors, [[g('a'), 0], [g('b'), 0]]),
      expect(S.gpuThrottled, [[reason('a', 'power'), 0.25], [reason('a', 'thermal'), 0.125]]),
      expect(S.gpuDevices, [[t('a'), 1], [t('b'), 1], [t('c'), 0]]),
    );
  } else if (kind === 'nvidia-smi') {
    const l = { ...t('a'), uuid: '00000000-0000-0000-0000-000000000000' };
    const old = { ...t('b'), uuid: '00000000-0000-0000-0000-000000000001' };
    const flags = { ...t('c'), uuid: '00000000-0000-0000-0000-000000000002' };
    inputs.push(
      input('nvidia_smi_gpu_info', { ...l, index: '0', name: 'NVIDIA H100 80GB HBM3' }, constant(1, N)),
      input('nvidia_smi_utilization_gpu_ratio', l, constant(0.5, N)),
      input('nvidia_smi_memory_used_bytes', l, constant(20780679168, N)),
      input('nvidia_smi_memory_total_bytes', l, constant(85520809984, N)),
      input('nvidia_smi_clocks_current_sm_clock_hz', l, constant(1.98e9, N)),
      input('nvidia_smi_remapped_rows_failure', l, constant(0, N)),
      input('nvidia_smi_remapped_rows_pending', l, constant(1, N)),
      input('nvidia_smi_ecc_errors_uncorrected_volatile_total', l, constant(0, N)),
      // Seconds throttled (from nvidia-smi's microseconds); hardware and driver thermal slowdown overlap: the larger.
      input('nvidia_smi_clocks_event_reasons_counters_sw_power_cap_seconds', l, perSecond(0.25)),
      input('nvidia_smi_clocks_event_reasons_counters_hw_thermal_slowdown_seconds', l, perSecond(0.125)),
      input('nvidia_smi_clocks_event_reasons_counters_sw_thermal_slowdown_seconds', l, perSecond(0.25)),
      // The board's power brake held the clocks half the time: the power reason is the larger cause.
      input('nvidia_smi_clocks_event_reasons_counters_hw_power_brake_slowdown_seconds', l, perSecond(0.5)),
      input('nvidia_smi_enforced_power_limit_watts', l, constant(700, N)),
      input('nvidia_smi_power_limit_watts', l, constant(650, N)),
      // NVML backend with --collect.pcie-throughput.
      input('nvidia_smi_pcie_throughput_tx_bytes_per_second', l, constant(41000, N)),
      input('nvidia_smi_pcie_throughput_rx_bytes_per_second', l, constant(52000, N)),
      // An older driver: clocks_throttle_reasons flags only, set all the time.
      input('nvidia_smi_gpu_info', { ...old, index: '0', name: 'NVIDIA A100-SXM4-80GB' }, constant(1, N)),
      input('nvidia_smi_memory_total_bytes', old, constant(85899345920, N)),
      input('nvidia_smi_clocks_throttle_reasons_sw_power_cap', old, constant(1, N)),
      input('nvidia_smi_clocks_throttle_reasons_hw_thermal_slowdown', old, constant(0, N)),
      input('nvidia_smi_clocks_throttle_reasons_sw_thermal_slowdown', old, constant(1, N)),
      // Only the configured limit.
      input('nvidia_smi_power_limit_watts', old, constant(400, N)),
      // A driver with clocks_event_reasons flags but no counters: the power brake on all the time.
      input('nvidia_smi_gpu_info', { ...flags, index: '0', name: 'NVIDIA GeForce RTX 2080 SUPER' }, constant(1, N)),
      input('nvidia_smi_clocks_event_reasons_sw_power_cap', flags, constant(0, N)),
      input('nvidia_smi_clocks_event_reasons_hw_power_brake_slowdown', flags, constant(1, N)),
      input('nvidia_smi_clocks_event_reasons_hw_thermal_slowdown', flags, constant(0, N)),
      input('nvidia_smi_clocks_event_reasons_sw_thermal_slowdown', flags, constant(0, N)),
    );
    tests.push(
      expect(S.gpuUtilization, [[g('a'), 0.5]]),
      expect(S.gpuMemoryUsed, [[g('a'), 20780679168]]),
      expect(S.gpuSmClock, [[g('a'), 1.98e9]]),
      expect(S.gpuRowRemapFailed, [[g('a'), 0]]),
      expect(S.gpuRowRemapPending, [[g('a'), 1]]),
      expect(S.gpuUncorrectableMemoryErrors, [[g('a'), 0]]),
      expect(S.gpuThrottleCause, [
        [cause('a', 'sw_power_cap'), 0.25],
        [cause('a', 'hw_power_brake_slowdown'), 0.5],
        [cause('a', 'hw_thermal_slowdown'), 0.125],
        [cause('a', 'sw_thermal_slowdown'), 0.25],
        [cause('b', 'sw_power_cap'), 1],
        [cause('b', 'hw_thermal_slowdown'), 0],
        [cause('b', 'sw_thermal_slowdown'), 1],
        [cause('c', 'sw_power_cap'), 0],
        [cause('c', 'hw_power_brake_slowdown'), 1],
        [cause('c', 'hw_thermal_slowdown'), 0],
        [cause('c', 'sw_thermal_slowdown'), 0],
      ]),
      expect(S.gpuThrottled, [
        [reason('a', 'power'), 0.5],
        [reason('a', 'thermal'), 0.25],
        [reason('b', 'power'), 1],
        [reason('b', 'thermal'), 1],
        [reason('c', 'power'), 1],
        [reason('c', 'thermal'), 0],
      ]),
      expect(S.gpuPowerLimit, [[g('a'), 700], [g('b'), 400]]),
      expect(S.gpuPcieBandwidth, [[dir('a', 'tx'), 41000], [dir('a', 'rx'), 52000]]),
      expect(S.gpuDevices, [[t('a'), 1], [t('b'), 1]]),
    );
  } else {
    const l = { ...t('a'), gpu_id: '0', card_model: 'MI300X', hostname: 'a', serial_number: '1', gpu_partition_id: '0' };
    const appears = Math.ceil((7 * 60) / STEP_SECONDS);
    inputs.push(
      input('gpu_gfx_activity', l, constant(30, N)),
      input('gpu_used_vram', l, constant(1024, N)),
      input('gpu_total_vram', l, constant(4096, N)),
      input('gpu_clock', { ...l, clock_type: 'system', clock_index: '0' }, constant(2100, N)),
      input('gpu_clock', { ...l, clock_type: 'memory', clock_index: '0' }, constant(1300, N)),
      input('gpu_edge_temperature', l, constant(55, N)),
      input('gpu_ecc_uncorrect_total', l, constant(0, N)),
      input('gpu_violation_ppt_residency_percentage', l, constant(25, N)),
      input('gpu_violation_socket_thermal_residency_percentage', l, constant(10, N)),
      input('gpu_violation_hbm_thermal_residency_percentage', l, constant(40, N)),
      input('gpu_violation_vr_thermal_residency_percentage', l, constant(20, N)),
      // The profiler's SM activity in percent; XGMI accumulated KB per link (KiB: 1 KB/s is 1024 B/s); PCIe in megabits/s.
      input('gpu_prof_sm_active', l, constant(45, N)),
      input('gpu_xgmi_link_tx', { ...l, link_index: '0' }, perSecond(1000)),
      input('gpu_xgmi_link_tx', { ...l, link_index: '1' }, perSecond(3000)),
      input('gpu_xgmi_link_rx', { ...l, link_index: '0' }, perSecond(500)),
      input('gpu_xgmi_link_rx', { ...l, link_index: '1' }, constant(0, N)),
      input('pcie_bandwidth', l, constant(8000, N)),
      // A fatal RAS record with two AFIDs at 7m, on a GPU reported all along.
      input('gpu_health', l, constant(1, N)),
      input('gpu_afid_errors', { ...l, afid_index: '0', severity: 'fatal' }, lateConstant(appears, 30, N - appears)),
      input('gpu_afid_errors', { ...l, afid_index: '1', severity: 'fatal' }, lateConstant(appears, 25, N - appears)),
    );
    tests.push(
      expect(S.gpuUtilization, [[g('a'), 0.3]]),
      expect(S.gpuMemoryUsed, [[g('a'), 1073741824]]),
      expect(S.gpuMemoryUsedRatio, [[g('a'), 0.25]]),
      expect(S.gpuSmClock, [[g('a'), 2.1e9]]),
      expect(S.gpuTemperature, [[g('a'), 55]]),
      expect(S.gpuUncorrectableMemoryErrors, [[g('a'), 0]]),
      expect(S.gpuThrottled, [[reason('a', 'power'), 0.25], [reason('a', 'thermal'), 0.4]]),
      expect(S.gpuThrottleCause, [[cause('a', 'ppt'), 0.25], [cause('a', 'socket_thermal'), 0.1], [cause('a', 'hbm_thermal'), 0.4], [cause('a', 'vr_thermal'), 0.2]]),
      expect(S.gpuSmActive, [[g('a'), 0.45]]),
      expect(S.gpuNvlinkBandwidth, [[dir('a', 'tx'), 4096000], [dir('a', 'rx'), 512000]]),
      expect(S.gpuPcieBandwidth, [[dir('a', 'total'), 1e9]]),
      expect(S.gpuRasErrors, [[{ ...g('a'), ras_severity: 'fatal' }, 2]]),
      expect(S.gpuDevices, [[t('a'), 1]]),
    );
  }
  return { name: `${kind}: exporter fields normalise to gpu: series in base units`, interval: STEP, input_series: inputs, promql_expr_test: tests };
}

/**
 * XIDs per code over time, as the exporter exposes them: two 79s within 5 minutes count 2, one of
 * them leaving the window 1, none no series, a repeat much later 1 again. Read at minutes whose 5m
 * windows satisfy the exact-rate constraint above (no sample on the window start).
 */
function gpuXidGroup(kind: 'dcgm' | 'nvidia-smi'): TestGroup {
  const raw = rawGpu(kind, 'gpu-host-1', STEP_SECONDS);
  const at = (m: number) => Math.ceil((m * 60) / STEP_SECONDS);
  const l = { ...raw.gpuLabels, xid: '79' };
  const count = (evalMinute: number, value: number | undefined): PromqlExprTest => ({
    expr: S.gpuXidErrors,
    eval_time: `${evalMinute}m`,
    exp_samples: value === undefined ? [] : [{ labels: sel(S.gpuXidErrors, l), value }],
  });
  return {
    name: `${kind}: XIDs per code in the last 5 minutes, repeats included`,
    interval: STEP,
    input_series: raw.xids!([{ atStep: at(5), code: 79 }, { atStep: at(7), code: 79 }, { atStep: at(24), code: 79 }], at(26)),
    promql_expr_test: [count(9, 2), count(12, 1), count(17, undefined), count(25, 1)],
  };
}

function hostGroup(): TestGroup {
  const n = { job: 'node', instance: 'box', host: 'box' };
  const rootFs = { ...n, device: '/dev/sda1', mountpoint: '/', fstype: 'ext4' };
  const runFs = { ...n, device: 'tmpfs', mountpoint: '/run', fstype: 'tmpfs' };
  const sda = { ...n, device: 'sda' };
  const nvme = { ...n, device: 'nvme0n1' };
  const dm = { ...n, device: 'dm-0' };
  return {
    name: 'node-exporter: CPU, memory, network, filesystems, disk I/O, OOM kills and clock normalise to host: series',
    interval: STEP,
    input_series: [
      input('node_cpu_seconds_total', { ...n, cpu: '0', mode: 'idle' }, perSecond(0.5)),
      input('node_cpu_seconds_total', { ...n, cpu: '1', mode: 'idle' }, perSecond(1)),
      input('node_memory_MemTotal_bytes', n, constant(8e9, N)),
      input('node_memory_MemAvailable_bytes', n, constant(2e9, N)),
      input('node_network_receive_bytes_total', { ...n, device: 'eth0' }, perSecond(100)),
      input('node_network_receive_bytes_total', { ...n, device: 'lo' }, perSecond(100)),
      input('node_network_receive_bytes_total', { ...n, device: 'veth1a2b' }, perSecond(100)),
      input('node_filesystem_size_bytes', rootFs, constant(1000, N)),
      input('node_filesystem_avail_bytes', rootFs, constant(250, N)),
      input('node_filesystem_readonly', rootFs, constant(0, N)),
      input('node_filesystem_size_bytes', runFs, constant(1000, N)),
      input('node_filesystem_avail_bytes', runFs, constant(1, N)),
      input('node_filesystem_readonly', runFs, constant(0, N)),
      input('node_disk_read_bytes_total', sda, perSecond(1024)),
      input('node_disk_written_bytes_total', sda, perSecond(512)),
      input('node_disk_io_time_seconds_total', sda, perSecond(0.25)),
      // Timer skew: io_time may advance faster than wall time; busy share stays at most 1.
      input('node_disk_io_time_seconds_total', nvme, perSecond(1.5)),
      input('node_disk_read_bytes_total', dm, perSecond(256)),
      // Loop and RAM devices are not disks.
      input('node_disk_read_bytes_total', { ...n, device: 'loop0' }, perSecond(100)),
      input('node_disk_io_time_seconds_total', { ...n, device: 'loop0' }, perSecond(0.5)),
      input('node_disk_written_bytes_total', { ...n, device: 'zram0' }, perSecond(100)),
      input('node_vmstat_oom_kill', n, constant(2, N)),
      input('node_timex_offset_seconds', n, constant(-0.5, N)),
    ],
    promql_expr_test: [
      expect(S.hostCpu, [[n, 0.25]]),
      expect(S.hostMemoryUsed, [[n, 6e9]]),
      expect(S.hostMemoryUsedRatio, [[n, 0.75]]),
      expect(S.hostNetworkReceive, [[n, 100]]),
      // tmpfs is memory, not disk: only the root filesystem.
      expect(S.hostFilesystemAvailRatio, [[rootFs, 0.25]]),
      expect(S.hostFilesystemAvailIn4h, [[rootFs, 250]]),
      expect(S.hostFilesystemAvailIn24h, [[rootFs, 250]]),
      expect(S.hostFilesystemAvail, [[rootFs, 250]]),
      expect(S.hostFilesystemUsedRatio, [[rootFs, 0.75]]),
      expect(S.hostDiskRead, [[dm, 256], [sda, 1024]]),
      expect(S.hostDiskWritten, [[sda, 512]]),
      expect(S.hostDiskBusy, [[nvme, 1], [sda, 0.25]]),
      expect(S.hostOomKills, [[n, 0]]),
      expect(S.hostClockOffset, [[n, -0.5]]),
    ],
  };
}

/**
 * Newer vLLM's optional features: cached prompt tokens (local + external) on three generations, spec
 * decode, NIXL, KV offload, MFU, corrupted requests and LoRA, two DP engines on `a`.
 */
function vllmNewestGroup(): TestGroup {
  const a0 = { ...targetLabels('vllm', 'a'), dp_rank: '0' };
  const a1 = { ...a0, dp_rank: '1' };
  const b0 = { ...targetLabels('vllm', 'b'), dp_rank: '0' };
  const c0 = { ...targetLabels('vllm', 'c'), dp_rank: '0' };
  const out = (l: Labels, extra: Labels = {}): Labels => {
    const { dp_rank: _drop, ...rest } = l;
    return { ...rest, engine: 'vllm', ...extra };
  };
  const bySource = (l: Labels, compute: number, hit: number, external: number): InputSeries[] => [
    input('vllm:prompt_tokens_by_source_total', { ...l, source: 'local_compute' }, perSecond(compute)),
    input('vllm:prompt_tokens_by_source_total', { ...l, source: 'local_cache_hit' }, perSecond(hit)),
    input('vllm:prompt_tokens_by_source_total', { ...l, source: 'external_kv_transfer' }, perSecond(external)),
  ];
  const lora = { job: 'vllm', instance: 'a', host: 'a-host', max_lora: '2' };
  const inputs: InputSeries[] = [
    // a: the counter (local + external) wins over the breakdown; b: the breakdown only; c: 0.10, local hits.
    input('vllm:prompt_tokens_total', a0, perSecond(4)),
    input('vllm:prompt_tokens_total', a1, perSecond(4)),
    input('vllm:prompt_tokens_cached_total', a0, perSecond(2)),
    input('vllm:prompt_tokens_cached_total', a1, perSecond(1)),
    ...bySource(a0, 2, 1, 1),
    ...bySource(a1, 3, 1, 0),
    input('vllm:prompt_tokens_total', b0, perSecond(4)),
    ...bySource(b0, 1, 1, 2),
    input('vllm:prompt_tokens_total', c0, perSecond(2)),
    input('vllm:prefix_cache_hits_total', c0, perSecond(1)),
    input('vllm:prefix_cache_queries_total', c0, perSecond(2)),
    // Spec decode: 2 drafts/s of 3 tokens each, 3 accepted; by position 2, 1, 0.
    input('vllm:spec_decode_num_drafts_total', a0, perSecond(1)),
    input('vllm:spec_decode_num_drafts_total', a1, perSecond(1)),
    input('vllm:spec_decode_num_draft_tokens_total', a0, perSecond(3)),
    input('vllm:spec_decode_num_draft_tokens_total', a1, perSecond(3)),
    input('vllm:spec_decode_num_accepted_tokens_total', a0, perSecond(2)),
    input('vllm:spec_decode_num_accepted_tokens_total', a1, perSecond(1)),
    input('vllm:spec_decode_num_accepted_tokens_per_pos_total', { ...a0, position: '0' }, perSecond(1)),
    input('vllm:spec_decode_num_accepted_tokens_per_pos_total', { ...a0, position: '1' }, perSecond(1)),
    input('vllm:spec_decode_num_accepted_tokens_per_pos_total', { ...a0, position: '2' }, perSecond(0)),
    input('vllm:spec_decode_num_accepted_tokens_per_pos_total', { ...a1, position: '0' }, perSecond(1)),
    input('vllm:spec_decode_num_accepted_tokens_per_pos_total', { ...a1, position: '1' }, perSecond(0)),
    input('vllm:spec_decode_num_accepted_tokens_per_pos_total', { ...a1, position: '2' }, perSecond(0)),
    // NIXL and the offloading connector.
    input('vllm:nixl_num_failed_transfers_total', a0, perSecond(0.25)),
    input('vllm:nixl_num_failed_transfers_total', a1, perSecond(0)),
    input('vllm:nixl_num_kv_expired_reqs_total', a0, perSecond(0.5)),
    input('vllm:nixl_xfer_time_seconds_sum', a0, perSecond(0.5)),
    input('vllm:nixl_xfer_time_seconds_count', a0, perSecond(2)),
    input('vllm:nixl_xfer_time_seconds_sum', a1, perSecond(0.5)),
    input('vllm:nixl_xfer_time_seconds_count', a1, perSecond(2)),
    input('vllm:nixl_bytes_transferred_sum', a0, perSecond(1024)),
    input('vllm:kv_offload_total_bytes_total', { ...a0, transfer_type: 'GPU_to_CPU' }, perSecond(1000)),
    input('vllm:kv_offload_total_bytes_total', { ...a0, transfer_type: 'CPU_to_GPU' }, perSecond(500)),
    input('vllm:kv_offload_total_time_total', { ...a0, transfer_type: 'GPU_to_CPU' }, perSecond(0.25)),
    input('vllm:kv_offload_total_time_total', { ...a0, transfer_type: 'CPU_to_GPU' }, perSecond(0.125)),
    // MFU counters are per GPU: the mean over engines.
    input('vllm:estimated_flops_per_gpu_total', a0, perSecond(2e12)),
    input('vllm:estimated_flops_per_gpu_total', a1, perSecond(4e12)),
    input('vllm:estimated_read_bytes_per_gpu_total', a0, perSecond(1e9)),
    input('vllm:estimated_read_bytes_per_gpu_total', a1, perSecond(3e9)),
    input('vllm:estimated_write_bytes_per_gpu_total', a0, perSecond(1e9)),
    input('vllm:estimated_write_bytes_per_gpu_total', a1, perSecond(1e9)),
    input('vllm:corrupted_requests_total', a0, perSecond(0.25)),
    // LoRA: a new label set per change, valued with its time; the newest one is current.
    input('vllm:lora_requests_info', { ...lora, running_lora_adapters: 'sql', waiting_lora_adapters: 'chat' }, constant(1764600000, N)),
    input('vllm:lora_requests_info', { ...lora, running_lora_adapters: 'sql,chat', waiting_lora_adapters: 'code' }, constant(1764600100, N)),
  ];
  const a = out(a0);
  return {
    name: 'vllm newest features: cached prompt tokens (local + external), spec decode, NIXL, KV offload, MFU, corrupted requests, LoRA',
    interval: STEP,
    input_series: inputs,
    promql_expr_test: [
      expect(S.promptTokensCached, [[a, 3], [out(b0), 3], [out(c0), 1]]),
      expect(S.promptTokensCachedRatio, [[a, 0.375], [out(b0), 0.75], [out(c0), 0.5]]),
      expect(S.promptTokensBySource, [
        [out(a0, { source: 'local_compute' }), 5],
        [out(a0, { source: 'local_cache_hit' }), 2],
        [out(a0, { source: 'external_kv_transfer' }), 1],
        [out(b0, { source: 'local_compute' }), 1],
        [out(b0, { source: 'local_cache_hit' }), 1],
        [out(b0, { source: 'external_kv_transfer' }), 2],
      ]),
      expect(S.specDecodeSteps, [[a, 2]]),
      expect(S.specDecodeAcceptanceLength, [[a, 2.5]]),
      expect(S.specDecodeAcceptanceRatio, [[a, 0.5]]),
      expect(S.specDecodePositionAcceptance, [[out(a0, { position: '0' }), 1], [out(a0, { position: '1' }), 0.5], [out(a0, { position: '2' }), 0]]),
      expect(S.kvTransferFailures, [[a, 0.25]]),
      expect(S.kvTransferExpired, [[a, 0.5]]),
      expect(S.kvTransferSecondsMean, [[a, 0.25]]),
      expect(S.kvTransferBytes, [[a, 1024]]),
      expect(S.kvOffloadBytes, [[out(a0, { transfer_type: 'GPU_to_CPU' }), 1000], [out(a0, { transfer_type: 'CPU_to_GPU' }), 500]]),
      expect(S.kvOffloadBusy, [[out(a0, { transfer_type: 'GPU_to_CPU' }), 0.25], [out(a0, { transfer_type: 'CPU_to_GPU' }), 0.125]]),
      expect(S.estimatedFlops, [[a, 3e12]]),
      expect(S.estimatedMemoryBytes, [[a, 3e9]]),
      expect(S.requestsCorrupted, [[a, 0.25]]),
      expect(S.loraAdapters, [[{ ...lora, engine: 'vllm', running_lora_adapters: 'sql,chat', waiting_lora_adapters: 'code' }, 1]]),
    ],
  };
}

/**
 * The newest SGLang collector: acceptance length from verify calls, P/D failures and queues (old and
 * new names, histogram and gauge transfer latency), MFU, LoRA slots, forward time, aborts by reason,
 * and the hybrid model's pools; s2 is an older server (gauges, old names, no rank labels).
 */
function sglangNewestGroup(): TestGroup {
  const s1 = targetLabels('sglang', 's1');
  const s2 = targetLabels('sglang', 's2');
  const rank = (dp: string, tp: string): Labels => ({ ...s1, dp_rank: dp, tp_rank: tp, pp_rank: '0', moe_ep_rank: '0', engine_type: 'unified' });
  const out = (l: Labels, extra: Labels = {}): Labels => ({ ...l, engine: 'sglang', ...extra });
  const both = (name: string, tp0: Labels, f: string): InputSeries[] => [input(name, tp0, f), input(name, { ...tp0, tp_rank: '1' }, f)];
  const inputs: InputSeries[] = [
    input('sglang:prompt_tokens_total', s1, perSecond(4)),
    input('sglang:cached_tokens_total', { ...s1, cache_source: 'device' }, perSecond(1)),
    input('sglang:generation_tokens_total', s1, perSecond(3)),
    input('sglang:spec_verify_calls_total', s1, perSecond(1)),
    input('sglang:spec_accept_rate', rank('0', '0'), constant(0.25, N)),
    input('sglang:spec_accept_rate', rank('1', '0'), constant(0.75, N)),
    // TP rank 1 repeats DP rank 0's failures.
    ...both('sglang:num_transfer_failed_reqs_total', rank('0', '0'), perSecond(0.25)),
    input('sglang:num_transfer_failed_reqs_total', rank('1', '0'), perSecond(0.5)),
    input('sglang:num_bootstrap_failed_reqs_total', rank('0', '0'), perSecond(0.125)),
    ...both('sglang:kv_transfer_latency_ms_sum', rank('0', '0'), perSecond(100)),
    ...both('sglang:kv_transfer_latency_ms_count', rank('0', '0'), perSecond(2)),
    input('sglang:kv_transfer_latency_ms', s2, constant(20, N)),
    ...both('sglang:num_prefill_bootstrap_queue_reqs', rank('0', '0'), constant(3, N)),
    input('sglang:num_prefill_bootstrap_queue_reqs', rank('1', '0'), constant(2, N)),
    input('sglang:num_prefill_prealloc_queue_reqs', s2, constant(4, N)),
    input('sglang:num_decode_transfer_queue_reqs', rank('0', '0'), constant(1, N)),
    input('sglang:estimated_flops_per_gpu_total', rank('0', '0'), perSecond(1e12)),
    input('sglang:estimated_flops_per_gpu_total', rank('0', '1'), perSecond(3e12)),
    input('sglang:estimated_read_bytes_per_gpu_total', rank('0', '0'), perSecond(1e9)),
    input('sglang:estimated_write_bytes_per_gpu_total', rank('0', '0'), perSecond(1e9)),
    input('sglang:lora_pool_utilization', rank('0', '0'), constant(0.25, N)),
    // Forward seconds: DP 0 busy 0.75 (extend + decode), DP 1 0.25; s2 under the old name.
    ...both('sglang:forward_execution_seconds_total', { ...rank('0', '0'), category: 'extend' }, perSecond(0.25)),
    ...both('sglang:forward_execution_seconds_total', { ...rank('0', '0'), category: 'decode' }, perSecond(0.5)),
    input('sglang:forward_execution_seconds_total', { ...rank('1', '0'), category: 'decode' }, perSecond(0.25)),
    input('sglang:gpu_execution_seconds_total', { ...s2, category: 'decode' }, perSecond(0.5)),
    ...both('sglang:scheduler_aborts_total', { ...rank('0', '0'), reason: 'queue_full' }, perSecond(0.25)),
    input('sglang:scheduler_aborts_total', { ...rank('1', '0'), reason: 'queue_full' }, perSecond(0.25)),
    input('sglang:scheduler_aborts_total', { ...rank('1', '0'), reason: 'waiting_timeout' }, perSecond(0.125)),
    input('sglang:full_token_usage', rank('0', '0'), constant(0.5, N)),
    input('sglang:full_token_usage', rank('0', '1'), constant(0.25, N)),
    input('sglang:swa_token_usage', rank('0', '0'), constant(0.75, N)),
    input('sglang:mamba_usage', rank('0', '0'), constant(0.25, N)),
  ];
  const a = out(s1);
  return {
    name: 'sglang newest collector: acceptance length from verify calls, P/D failures and queues, MFU, LoRA, forward time, aborts by reason, SWA/Mamba pools',
    interval: STEP,
    input_series: inputs,
    promql_expr_test: [
      expect(S.promptTokensCachedRatio, [[a, 0.25]]),
      // 3 generated tokens per verify call: 2 accepted plus the bonus token.
      expect(S.specDecodeAcceptedTokens, [[a, 2]]),
      expect(S.specDecodeAcceptanceLength, [[a, 3]]),
      expect(S.specDecodeAcceptanceRatio, [[a, 0.5]]),
      expect(S.kvTransferFailures, [[a, 0.75]]),
      expect(S.kvBootstrapFailures, [[a, 0.125]]),
      expect(S.kvTransferSecondsMean, [[a, 0.05], [out(s2), 0.02]]),
      expect(S.pdBootstrapQueue, [[a, 5], [out(s2), 4]]),
      expect(S.pdTransferQueue, [[a, 1]]),
      expect(S.estimatedFlops, [[a, 2e12]]),
      expect(S.estimatedMemoryBytes, [[a, 2e9]]),
      expect(S.loraSlotsUsedRatio, [[a, 0.25]]),
      expect(S.forwardBusy, [[a, 0.5], [out(s2), 0.5]]),
      expect(S.schedulerAborts, [[out(s1, { reason: 'queue_full' }), 0.5], [out(s1, { reason: 'waiting_timeout' }), 0.125]]),
      expect(S.kvPoolUsage, [[out(s1, { pool: 'full' }), 0.5], [out(s1, { pool: 'swa' }), 0.75], [out(s1, { pool: 'mamba' }), 0.25]]),
    ],
  };
}

/** A start time that changes at step 12 (6.4 min: inside the 5m window read at 10m) and one that does not. */
const RESTARTED_AT = 12;
const restartedStart = `100x${RESTARTED_AT - 1} 200x${N - RESTARTED_AT}`;
/** A counter that goes back to 0 at the same step. */
const resetCounter = `0+8x${RESTARTED_AT - 1} 0+8x${N - RESTARTED_AT}`;

function restartGroup(engine: Engine): TestGroup {
  const out = (l: Labels): Labels => ({ ...l, engine });
  const [restarted, steady, counted] = ['restarted', 'steady', 'no-process'].map((i) => targetLabels(engine, i)) as [Labels, Labels, Labels];
  const process = ({ model_name: _m, ...l }: Labels): Labels => l;
  const inputs: InputSeries[] =
    engine === 'vllm'
      ? [
          ...[restarted, steady, counted].map((l) => input('vllm:num_requests_running', { ...l, dp_rank: '0' }, constant(1, N))),
          input('process_start_time_seconds', process(restarted), restartedStart),
          input('process_start_time_seconds', process(steady), constant(100, N)),
          // DP > 1: no process metrics; the counter tells. A counter reset where the start time is known does not count twice.
          input('vllm:prompt_tokens_total', { ...counted, dp_rank: '0' }, resetCounter),
          input('vllm:prompt_tokens_total', { ...restarted, dp_rank: '0' }, resetCounter),
          input('vllm:prompt_tokens_total', { ...steady, dp_rank: '0' }, perSecond(1)),
        ]
      : [input('sglang:prompt_tokens_total', restarted, resetCounter), input('sglang:prompt_tokens_total', steady, perSecond(1))];
  const expected: [Labels, number][] = engine === 'vllm' ? [[out(restarted), 1], [out(steady), 0], [out(counted), 1]] : [[out(restarted), 1], [out(steady), 0]];
  return {
    name: `${engine}: a restart counts once, from the start time where there is one, else from a counter going back`,
    interval: STEP,
    input_series: inputs,
    promql_expr_test: [expect(S.engineRestarts, expected)],
  };
}

/**
 * Token lengths per request (vLLM request_prompt_tokens / request_generation_tokens, SGLang
 * prompt_tokens_histogram / generation_tokens_histogram): bucket rates summed over vLLM's DP engines
 * with `le` kept, count and sum, and the median. Bounds in Python's spelling, as both print them.
 */
function tokenLengthGroup(engine: Engine): TestGroup {
  const raw = engine === 'vllm' ? { prompt: 'vllm:request_prompt_tokens', generation: 'vllm:request_generation_tokens' } : { prompt: 'sglang:prompt_tokens_histogram', generation: 'sglang:generation_tokens_histogram' };
  // vLLM: two DP engines of one target; SGLang's tokenizer reports once per target (no ranks).
  const base = targetLabels(engine, `${engine}-len`);
  const ranks: Labels[] = engine === 'vllm' ? [{ ...base, dp_rank: '0' }, { ...base, dp_rank: '1' }] : [base];
  const out = (extra: Labels = {}): Labels => ({ ...base, engine, ...extra });
  const n = ranks.length;
  // Per rank and second: 1 request up to 50 tokens, 1 more up to 500, none beyond; prompts 300 tokens in all, outputs 100.
  const hist = (name: string, low: string, high: string, sum: number) =>
    ranks.flatMap((l) => [
      input(`${name}_bucket`, { ...l, le: low }, perSecond(1)),
      input(`${name}_bucket`, { ...l, le: high }, perSecond(2)),
      input(`${name}_bucket`, { ...l, le: '+Inf' }, perSecond(2)),
      input(`${name}_count`, l, perSecond(2)),
      input(`${name}_sum`, l, perSecond(sum)),
    ]);
  const [low, high] = engine === 'vllm' ? ['50.0', '500.0'] : ['100.0', '500.0'];
  return {
    name: `${engine}: prompt and generation tokens per request normalise to bucket, count and sum rates (le kept) and quantiles`,
    interval: STEP,
    input_series: [...hist(raw.prompt, low, high, 300), ...hist(raw.generation, low, high, 100)],
    promql_expr_test: [
      expect(histogramBucket('request_prompt_tokens'), [[out({ le: low }), n], [out({ le: high }), 2 * n], [out({ le: '+Inf' }), 2 * n]]),
      expect(histogramCount('request_prompt_tokens'), [[out(), 2 * n]]),
      expect(histogramSum('request_prompt_tokens'), [[out(), 300 * n]]),
      // Half the requests in the lowest bucket: the median is its bound.
      expect(instanceQuantile('request_prompt_tokens', 'p50'), [[out(), Number(low)]]),
      expect(histogramBucket('request_generation_tokens'), [[out({ le: low }), n], [out({ le: high }), 2 * n], [out({ le: '+Inf' }), 2 * n]]),
      expect(histogramCount('request_generation_tokens'), [[out(), 2 * n]]),
      expect(histogramSum('request_generation_tokens'), [[out(), 100 * n]]),
      expect(instanceQuantile('request_generation_tokens', 'p50'), [[out(), Number(low)]]),
    ],
  };
}

export function engineNormaliseTests(engine: Engine): TestGroup[] {
  const shared = [tokenLengthGroup(engine), restartGroup(engine)];
  return engine === 'vllm' ? [vllmGroup(), vllmNewestGroup(), ...shared] : [sglangGroup(), sglangOlderGroup(), sglangNewestGroup(), ...shared];
}

export function gpuNormaliseTests(kind: Exclude<GpuKind, 'none'>): TestGroup[] {
  return kind === 'amd' ? [gpuGroup(kind)] : [gpuGroup(kind), gpuXidGroup(kind)];
}

/**
 * Each watched path resolves to its longest mountpoint prefix that is a disk. Per path three
 * machines: a has the path's own mount, b only its parent's (or just /), c a tmpfs at the path (no
 * disk) and /. Every path is resolved on every machine (a path holds on all of them).
 */
function watchedPathGroup(watchPaths: readonly WatchPath[]): TestGroup {
  const machines = new Map<string, { mountpoint: string; free: number; fstype: string }[]>();
  const mount = (instance: string, mountpoint: string, free: number, fstype = 'ext4') => machines.set(instance, [...(machines.get(instance) ?? []), { mountpoint, free, fstype }]);
  for (const [i, w] of watchPaths.entries()) {
    const parent = mountCandidates(w.path)[1]!;
    mount(`${i}-a`, '/', 0.1);
    if (parent !== '/') mount(`${i}-a`, parent, 0.2);
    mount(`${i}-a`, w.path, 0.3);
    mount(`${i}-b`, '/', 0.1);
    if (parent !== '/') mount(`${i}-b`, parent, 0.2);
    mount(`${i}-c`, '/', 0.1);
    mount(`${i}-c`, w.path, 0.4, 'tmpfs');
  }
  const labels = (instance: string, m: { mountpoint: string; fstype: string }): Labels => ({ job: 'node', instance, host: instance, device: `${m.fstype}-${m.mountpoint}`, mountpoint: m.mountpoint, fstype: m.fstype });
  const inputs = [...machines].flatMap(([instance, mounts]) =>
    mounts.flatMap((m) => [
      input('node_filesystem_size_bytes', labels(instance, m), constant(1000, N)),
      input('node_filesystem_avail_bytes', labels(instance, m), constant(m.free * 1000, N)),
      input('node_filesystem_readonly', labels(instance, m), constant(0, N)),
    ]),
  );
  const expected = [...machines].flatMap(([instance, mounts]) =>
    watchPaths.map((w): [Labels, number] => {
      const m = mountCandidates(w.path).flatMap((c) => mounts.filter((x) => x.mountpoint === c && x.fstype !== 'tmpfs'))[0]!;
      return [{ ...labels(instance, m), path: w.path, holds: w.name }, m.free];
    }),
  );
  // Each disk once, named after the first watched path it holds, if any.
  const named = [...machines].flatMap(([instance, mounts]) =>
    mounts
      .filter((m) => m.fstype !== 'tmpfs')
      .map((m): [Labels, number] => {
        const first = watchPaths.find((w) => expected.some(([l]) => l.instance === instance && l.mountpoint === m.mountpoint && l.path === w.path));
        return [{ ...labels(instance, m), ...(first ? { path: first.path, holds: first.name } : {}) }, m.free];
      }),
  );
  return {
    name: `watched paths (${watchPaths.map((w) => w.path).join(', ')}) resolve to the disk holding each; each disk is named after the first`,
    interval: STEP,
    input_series: inputs,
    promql_expr_test: [expect(S.hostPathFilesystemAvailRatio, expected), expect(S.hostFilesystemAvailNamedRatio, named)],
  };
}

export function hostNormaliseTests(watchPaths: readonly WatchPath[]): TestGroup[] {
  return [hostGroup(), watchedPathGroup(watchPaths)];
}
