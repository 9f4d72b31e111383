import { describe, expect, it } from 'vitest';
import type { TargetInfo } from '../../src/probe/prom-client.js';
import { explainMissing, presentFamilies } from '../../src/probe/reasons.js';

const target = (job: string, instance: string, health: TargetInfo['health'], lastError = ''): TargetInfo => ({
  labels: { job, instance },
  scrapePool: job,
  scrapeUrl: `http://${instance}/metrics`,
  health,
  lastError,
});

describe('why a raw metric is missing', () => {
  it('says no target when the stack scrapes nothing of that kind', () => {
    expect(explainMissing('sglang:num_running_reqs', { present: new Set(), targets: [target('vllm', 'a', 'up')] }).kind).toBe('no-target');
  });

  it('passes on the last scrape error of a target that is down', () => {
    const r = explainMissing('vllm:num_requests_running', { present: new Set(), targets: [target('vllm', 'a', 'down', 'connection refused')] });
    expect(r).toMatchObject({ kind: 'target-down' });
    expect(r.detail).toMatch(/connection refused/);
  });

  it('recognises router-rewritten SGLang names', () => {
    const r = explainMissing('sglang:num_running_reqs', { present: new Set(['sglang_num_running_reqs', 'up']), targets: [target('sglang', 's', 'up')] });
    expect(r.kind).toBe('names-rewritten');
  });

  it('asks for --enable-metrics when SGLang answers without sglang metrics', () => {
    const r = explainMissing('sglang:num_running_reqs', { present: new Set(['up', 'python_info']), targets: [target('sglang', 's', 'up')] });
    expect(r).toMatchObject({ kind: 'flag-not-enabled' });
    expect(r.detail).toMatch(/--enable-metrics/);
  });

  it('blames --disable-log-stats when vLLM answers without vllm:* metrics', () => {
    const r = explainMissing('vllm:num_requests_running', { present: new Set(['up', 'process_resident_memory_bytes']), targets: [target('vllm', 'v', 'up')] });
    expect(r.detail).toMatch(/--disable-log-stats/);
  });

  it('names the rename when a V0-era name is asked of a V1 server', () => {
    const present = new Set(['vllm:kv_cache_usage_perc', 'vllm:num_requests_running', 'vllm:inter_token_latency_seconds_bucket', 'vllm:prefix_cache_hits_total']);
    const r = explainMissing('vllm:gpu_cache_usage_perc', { present, targets: [target('vllm', 'v', 'up')] });
    expect(r).toMatchObject({ kind: 'version-rename' });
    expect(r.detail).toMatch(/vllm:kv_cache_usage_perc/);
    expect(presentFamilies('vllm', present)).toContain('vllm-v1');
  });

  it('says an optional group is off for speculative-decoding metrics', () => {
    const r = explainMissing('vllm:spec_decode_num_draft_tokens_total', { present: new Set(['vllm:kv_cache_usage_perc']), targets: [target('vllm', 'v', 'up')] });
    expect(r.kind).toBe('flag-not-enabled');
  });

  it('names --collect-tokens-histogram for the SGLang token-length histograms, not applicable', () => {
    const present = new Set(['sglang:num_running_reqs', 'sglang:token_usage', 'sglang:prompt_tokens_total', 'sglang:time_to_first_token_seconds_bucket', 'sglang:inter_token_latency_seconds_bucket', 'sglang:queue_time_seconds_bucket']);
    for (const metric of ['sglang:prompt_tokens_histogram_bucket', 'sglang:generation_tokens_histogram_bucket']) {
      const r = explainMissing(metric, { present, targets: [target('sglang', 's', 'up')] });
      expect(r, metric).toMatchObject({ kind: 'flag-not-enabled', verdict: 'not-applicable' });
      expect(r.detail, metric).toMatch(/--collect-tokens-histogram/);
    }
  });

  it('says the exporter lacks the field for DCGM profiling metrics', () => {
    const r = explainMissing('DCGM_FI_PROF_DRAM_ACTIVE', { present: new Set(['DCGM_FI_DEV_GPU_UTIL', 'DCGM_FI_DEV_FB_USED']), targets: [target('gpu-dcgm', 'g', 'up')] });
    expect(r.kind).toBe('exporter-lacks-field');
  });
});

describe('process metrics where the server runs multiprocess', () => {
  // A V1 server (0.11+ names) with one series per DP engine.
  const V1 = ['vllm:num_requests_running', 'vllm:kv_cache_usage_perc', 'vllm:prefix_cache_hits_total', 'vllm:inter_token_latency_seconds_bucket', 'vllm:request_time_per_output_token_seconds_bucket'];

  it('calls process memory not applicable, naming DP > 1 and --api-server-count, when V1 serves no _created either', () => {
    const r = explainMissing('process_resident_memory_bytes', { present: new Set(V1), targets: [target('vllm', 'v', 'up')] });
    expect(r).toMatchObject({ kind: 'multiprocess', verdict: 'not-applicable' });
    expect(r.detail).toMatch(/DP > 1 .*#32525.*--api-server-count > 1/);
  });

  it('calls it a fault where the V1 server is single-process (it has _created gauges)', () => {
    const r = explainMissing('process_resident_memory_bytes', { present: new Set([...V1, 'vllm:prefix_cache_hits_created']), targets: [target('vllm', 'v', 'up')] });
    expect(r.verdict).toBe('fault');
  });

  it('calls it not applicable to an SGLang-only stack', () => {
    const r = explainMissing('process_resident_memory_bytes', { present: new Set(['sglang:num_running_reqs']), targets: [target('sglang', 's', 'up')] });
    expect(r).toMatchObject({ kind: 'multiprocess', verdict: 'not-applicable' });
  });
});

describe("why a gateway metric is missing", () => {
  const up = [target('router', 'gw', 'up')];
  const present = new Set(['smg_http_responses_total', 'smg_worker_health']);
  it('client TTFT on a gateway routing over HTTP: not applicable, gRPC mode only', () => {
    expect(explainMissing('smg_router_ttft_seconds_bucket', { present, targets: up })).toMatchObject({ verdict: 'not-applicable', detail: expect.stringMatching(/gRPC mode only/) });
  });
  it('an error counter before the first error: not applicable, created on its first event', () => {
    expect(explainMissing('smg_worker_retries_exhausted_total', { present, targets: up })).toMatchObject({ verdict: 'not-applicable', detail: expect.stringMatching(/first event/) });
  });
  it('a gateway that is down is a fault; none configured is not applicable', () => {
    expect(explainMissing('smg_worker_health', { present: new Set(), targets: [target('router', 'gw', 'down', 'connection refused')] })).toMatchObject({ kind: 'target-down', verdict: 'fault' });
    expect(explainMissing('smg_worker_health', { present: new Set(), targets: [target('vllm', 'a', 'up')] })).toMatchObject({ kind: 'no-target', verdict: 'not-applicable' });
  });
  it('node-exporter up without block-device statistics (a sandbox hides /proc/diskstats): not applicable; no node target: a fault', () => {
    const up = explainMissing('node_disk_io_time_seconds_total', { present: new Set(['node_cpu_seconds_total']), targets: [target('node', 'box:9100', 'up')] });
    expect(up).toMatchObject({ kind: 'exporter-lacks-field', verdict: 'not-applicable' });
    expect(up.detail).toMatch(/diskstats/);
    expect(explainMissing('node_disk_io_time_seconds_total', { present: new Set(), targets: [target('node', 'box:9100', 'down')] }).verdict).toBe('fault');
    expect(explainMissing('node_cpu_seconds_total', { present: new Set(), targets: [target('node', 'box:9100', 'up')] }).verdict).toBe('fault');
  });

  it('a name the gateway catalog does not know, with the gateway up: a fault', () => {
    expect(explainMissing('smg_no_such_metric', { present, targets: up }).verdict).toBe('fault');
  });
});
