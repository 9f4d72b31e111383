/** Query results -> frame: targets per job, alerts by severity, one row per (engine, model), GPUs per host. */
import { describe, expect, it } from 'vitest';
import type { SeriesResult } from '../../src/probe/prom-client.js';
import { DEFAULT_SLO } from '../../src/config/defaults.js';
import { type QueryResults, frameFromResults, valueOf } from '../../src/top/frame.js';
import { TOP_QUERIES, type TopQuery } from '../../src/top/queries.js';

const T = 1_767_225_600;
const s = (metric: Record<string, string>, v: string): SeriesResult => ({ metric, value: [T, v] });
const empty = (): QueryResults => Object.fromEntries((Object.keys(TOP_QUERIES) as TopQuery[]).map((q) => [q, []])) as unknown as QueryResults;
const ctx = { time: T, prometheusUrl: 'http://127.0.0.1:9090', stack: 'demo', objectives: { ...DEFAULT_SLO, source: 'stack' as const } };
const llama = { engine: 'vllm', model_name: 'meta-llama/Llama-3.1-8B-Instruct' };
const qwen = { engine: 'sglang', model_name: 'Qwen/Qwen2.5-32B-Instruct' };

describe('frameFromResults', () => {
  it('counts targets up / expected per job, engines first, GPU exporter next, and names the ones down', () => {
    const r = empty();
    r.up = [
      s({ job: 'node', instance: 'gpu-box' }, '0'),
      s({ job: 'vllm', instance: 'b' }, '1'),
      s({ job: 'vllm', instance: 'a' }, '0'),
      s({ job: 'prometheus', instance: 'localhost:9090' }, '1'),
      s({ job: 'gpu-dcgm', instance: 'gpu-box' }, '1'),
      s({ job: 'sglang', instance: 'q' }, '1'),
    ];
    const f = frameFromResults(r, ctx);
    expect(f.targets).toEqual([
      { job: 'sglang', role: 'engine', up: 1, expected: 1, down: [] },
      { job: 'vllm', role: 'engine', up: 1, expected: 2, down: ['a'] },
      { job: 'gpu-dcgm', role: 'gpu', up: 1, expected: 1, down: [] },
      { job: 'node', role: 'stack', up: 0, expected: 1, down: ['gpu-box'] },
      { job: 'prometheus', role: 'stack', up: 1, expected: 1, down: [] },
    ]);
  });

  it('lists firing alerts most severe first, counts them, and reports Watchdog apart', () => {
    const r = empty();
    const a = (alertname: string, severity: string, more: Record<string, string> = {}) => s({ __name__: 'ALERTS', alertname, alertstate: 'firing', severity, ...more }, '1');
    r.alerts = [a('Watchdog', 'info'), a('LLMQueueDeep', 'warning', { instance: 'a' }), a('Custom', 'page'), a('LLMTargetDown', 'critical', { instance: 'b', job: 'vllm' }), a('GPUXid', 'info')];
    const f = frameFromResults(r, ctx);
    expect(f.watchdog).toBe(true);
    expect(f.alerts.map((x) => x.alertname)).toEqual(['LLMTargetDown', 'LLMQueueDeep', 'GPUXid', 'Custom']);
    expect(f.alerts[0]).toEqual({ alertname: 'LLMTargetDown', severity: 'critical', labels: { instance: 'b', job: 'vllm' } });
    expect(f.alertCounts).toEqual({ critical: 1, warning: 1, info: 1, other: 1 });
    expect(frameFromResults(empty(), ctx).watchdog).toBe(false);
  });

  it('makes one row per engine and model, each field from its query, NaN and absent as null', () => {
    const r = empty();
    r.instances = [s(llama, '2'), s(qwen, '1')];
    r.requestsPerSecond = [s(llama, '3.5'), s(qwen, '1.25')];
    r.outputTokensPerSecond = [s(llama, '812.4')];
    r.ttftP99Seconds = [s(llama, '0.18'), s(qwen, 'NaN')];
    r.itlP99Seconds = [s(llama, '0.025')];
    r.e2eP99Seconds = [s(llama, '4.2'), s(qwen, '+Inf')];
    r.errorRatio = [s(llama, '0.001')];
    r.kvUsageMax = [s(llama, '0.42'), s(qwen, '0.9')];
    const f = frameFromResults(r, ctx);
    expect(f.models).toEqual([
      { model: 'meta-llama/Llama-3.1-8B-Instruct', engine: 'vllm', instances: 2, requestsPerSecond: 3.5, outputTokensPerSecond: 812.4, ttftP99Seconds: 0.18, itlP99Seconds: 0.025, e2eP99Seconds: 4.2, errorRatio: 0.001, kvUsageMax: 0.42 },
      { model: 'Qwen/Qwen2.5-32B-Instruct', engine: 'sglang', instances: 1, requestsPerSecond: 1.25, outputTokensPerSecond: null, ttftP99Seconds: null, itlP99Seconds: null, e2eP99Seconds: null, errorRatio: null, kvUsageMax: 0.9 },
    ]);
  });

  it('the same model on two engines is two rows', () => {
    const r = empty();
    r.requestsPerSecond = [s({ engine: 'vllm', model_name: 'm' }, '1'), s({ engine: 'sglang', model_name: 'm' }, '2')];
    expect(frameFromResults(r, ctx).models.map((m) => [m.engine, m.requestsPerSecond])).toEqual([['sglang', 2], ['vllm', 1]]);
  });

  it('GPU utilisation per host and over the serving hosts', () => {
    const r = empty();
    r.gpuCountByHost = [s({ host: 'b' }, '8'), s({ host: 'a' }, '2')];
    r.gpuUtilByHost = [s({ host: 'a' }, '0.5'), s({ host: 'b' }, '0.25')];
    r.gpuUtilisationServing = [s({}, '0.3')];
    const f = frameFromResults(r, ctx);
    expect(f.gpuHosts).toEqual([{ host: 'a', gpus: 2, utilisation: 0.5 }, { host: 'b', gpus: 8, utilisation: 0.25 }]);
    expect(f.gpuUtilisationServing).toBe(0.3);
    expect(frameFromResults(empty(), ctx).gpuUtilisationServing).toBeNull();
  });

  it('keeps the instant and the objectives it was given', () => {
    const f = frameFromResults(empty(), ctx);
    expect(f).toMatchObject({ time: T, prometheusUrl: 'http://127.0.0.1:9090', stack: 'demo', objectives: { ttftP99Seconds: 2.5, source: 'stack' } });
    expect(valueOf(undefined)).toBeNull();
  });

  it('queries only normalised series (and up / ALERTS), each aggregated per model or host', () => {
    for (const [q, expr] of Object.entries(TOP_QUERIES)) {
      const names = expr.match(/[a-zA-Z_:][a-zA-Z0-9_:]*(?=\s*[{)]|$)/g) ?? [];
      for (const n of names.filter((x) => x.includes(':'))) expect(n, q).toMatch(/^(llm|model|gpu):/);
    }
    expect(TOP_QUERIES.ttftP99Seconds).toBe('max by (engine, model_name) (histogram_quantile(0.99, sum by (engine, model_name, job, le) (llm:ttft_seconds_bucket:rate5m)))');
    expect(TOP_QUERIES.errorRatio).toBe('max by (engine, model_name) (model:availability_slo_bad:ratio_rate5m)');
  });
});
