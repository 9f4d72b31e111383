/** The verdict on a panel without data, from its status and the reasons of its absent metrics. */
import { describe, expect, it } from 'vitest';
import { explainPanel } from '../../src/probe/explain.js';
import type { PanelReport } from '../../src/probe/index.js';
import type { TargetInfo } from '../../src/probe/prom-client.js';
import { type MissingReason, explainMissing } from '../../src/probe/reasons.js';
import { needsOf } from '../../src/probe/rule-graph.js';
import { NOTHING_FIRING, panelVerdict } from '../../src/probe/verdict.js';
import { engineRuleGroups } from '../../src/rules/llm.js';
import { S } from '../../src/rules/series.js';

const reason = (verdict: MissingReason['verdict'], metric = 'm', detail = `${metric} is absent`): MissingReason => ({ metric, kind: verdict === 'fault' ? 'not-exposed' : 'version-predates', detail, verdict });

describe('panel verdict', () => {
  it('takes an empty or zero alert list for nothing firing, not for missing data', () => {
    const list = { status: 'missing-series' as const, queries: [{ expr: 'ALERTS{alertstate="firing", severity="critical"} * 3 or ALERTS{alertstate="firing"}' }] };
    expect(panelVerdict(list)).toEqual({ verdict: 'not-applicable', note: NOTHING_FIRING });
    expect(panelVerdict({ status: 'waiting-for-traffic', queries: [{ expr: 'count(ALERTS{alertstate="firing"}) or vector(0)' }] })).toEqual({ verdict: 'not-applicable', note: NOTHING_FIRING });
    // A query that errs stays a fault; one reading anything besides ALERTS keeps its own verdict.
    expect(panelVerdict({ status: 'query-error', queries: [{ expr: 'ALERTS{', error: 'parse error' }] })?.verdict).toBe('fault');
    expect(panelVerdict({ status: 'waiting-for-traffic', queries: [{ expr: 'ALERTS' }, { expr: 'up' }] })).toEqual({ verdict: 'waiting-for-traffic' });
  });

  it('has none for a panel with data', () => {
    expect(panelVerdict({ status: 'data' })).toBeUndefined();
  });

  it('waits for traffic while series exist without values', () => {
    expect(panelVerdict({ status: 'waiting-for-traffic' })).toEqual({ verdict: 'waiting-for-traffic' });
  });

  it('calls a query Prometheus rejects a fault, with its error', () => {
    expect(panelVerdict({ status: 'query-error', queries: [{}, { error: 'parse error' }] })).toEqual({ verdict: 'fault', note: 'parse error' });
  });

  it('calls missing series not applicable only when every absent metric is, with the most telling reason', () => {
    expect(panelVerdict({ status: 'missing-series', missing: [reason('not-applicable', 'a', 'a came in vLLM 0.6.4'), reason('not-applicable', 'b')] })).toEqual({ verdict: 'not-applicable', note: 'a came in vLLM 0.6.4' });
    expect(panelVerdict({ status: 'missing-series', missing: [reason('not-applicable', 'a'), reason('fault', 'b', 'target down')] })).toEqual({ verdict: 'fault', note: 'b: target down' });
  });

  it('calls missing series with no known reason a fault', () => {
    expect(panelVerdict({ status: 'missing-series', missing: [] })!.verdict).toBe('fault');
  });
});

const target = (job: string, health: TargetInfo['health'] = 'up', lastError = ''): TargetInfo => ({ labels: { job, instance: 'i' }, scrapePool: job, scrapeUrl: 'http://i/metrics', health, lastError });

/** The names the oldest V0 exposes (the DataDog capture, vLLM ≈0.4/0.5). */
const OLD_V0 = new Set(['vllm:num_requests_running', 'vllm:num_requests_swapped', 'vllm:cpu_cache_usage_perc', 'vllm:gpu_cache_usage_perc', 'vllm:avg_prompt_throughput_toks_per_s', 'vllm:request_params_best_of_count', 'vllm:e2e_request_latency_seconds_count']);

describe('reason verdicts', () => {
  const explain = (metric: string, present: ReadonlySet<string>, targets = [target('vllm')]) => explainMissing(metric, { present, targets });

  it('dates an old V0 older than the metrics V0 gained later: not applicable, naming the version', () => {
    const queue = explain('vllm:request_queue_time_seconds_bucket', OLD_V0);
    expect(queue).toMatchObject({ kind: 'version-predates', verdict: 'not-applicable' });
    expect(queue.detail).toMatch(/vLLM >= 0\.6\.4 brings it/);
    expect(explain('vllm:gpu_prefix_cache_hit_rate', OLD_V0).detail).toMatch(/vLLM >= 0\.5\.5/);
  });

  it('calls a V0 that has metrics of 0.6.4 yet lacks another of 0.6.4 faulty', () => {
    const late = new Set([...OLD_V0, 'vllm:request_inference_time_seconds_bucket']);
    expect(explain('vllm:request_queue_time_seconds_bucket', late).verdict).toBe('fault');
    // The hit-rate gauge (0.5.5) is older than what this server has: its absence is not its age.
    expect(explain('vllm:gpu_prefix_cache_hit_rate', late)).toMatchObject({ kind: 'flag-not-enabled', verdict: 'not-applicable' });
  });

  it('calls engine metrics switched off altogether a fault, and a target down one', () => {
    expect(explain('vllm:num_requests_running', new Set(['process_resident_memory_bytes'])).verdict).toBe('fault');
    expect(explain('sglang:num_running_reqs', new Set(), [target('sglang', 'down', 'server returned HTTP status 404 Not Found')]).verdict).toBe('fault');
    expect(explain('vllm:num_requests_running', new Set(), [target('vllm', 'down', 'connection refused')]).verdict).toBe('fault');
  });

  it('calls a metric of the server version that is simply absent a fault', () => {
    const v1 = new Set(['vllm:kv_cache_usage_perc', 'vllm:num_requests_running', 'vllm:inter_token_latency_seconds_bucket', 'vllm:prefix_cache_hits_total']);
    expect(explain('vllm:request_queue_time_seconds_bucket', v1)).toMatchObject({ kind: 'not-exposed', verdict: 'fault' });
  });

  it('calls the router-rewritten form of a name the server exposes not applicable', () => {
    expect(explain('sglang_num_running_reqs', new Set(['sglang:num_running_reqs']), [target('sglang')])).toMatchObject({ kind: 'other-form', verdict: 'not-applicable' });
  });

  it('calls no target of a kind not applicable, and the API server\'s HTTP metrics vLLM\'s', () => {
    expect(explain('sglang:num_running_reqs', OLD_V0)).toMatchObject({ kind: 'no-target', verdict: 'not-applicable' });
    expect(explain('http_requests_total', new Set(['sglang:num_running_reqs']), [target('sglang')])).toMatchObject({ kind: 'no-target', verdict: 'not-applicable' });
  });
});

describe('a GPU panel in a stack without a GPU exporter', () => {
  // The overview's GPU panel: GPU series on the hosts that serve, `and on (host)` the serving ones.
  const expr = 'avg(gpu:utilization:ratio and on (host) llm:requests_running:sum)';
  const rules = [{ record: 'llm:requests_running:sum', expr: 'sum by (instance, host) (vllm:num_requests_running)' }];
  const explainGpu = (gpuExporter: boolean) => {
    const panel: PanelReport = { dashboard: 'd', dashboardUid: 'd', panelId: 1, title: 'GPU utilisation', status: 'missing-series', queries: [] };
    explainPanel(panel, [expr], needsOf(expr, rules), { rules, present: new Set(['vllm:num_requests_running']), targets: [target('vllm')], scoped: false, gpuExporter });
    return { ...panel, ...panelVerdict(panel) };
  };

  it('is not applicable, naming --gpu, and never "raw metrics are present"', () => {
    const p = explainGpu(false);
    expect(p.status).toBe('missing-series');
    expect(p.verdict).toBe('not-applicable');
    expect(p.note).toMatch(/--gpu none\): --gpu dcgm, nvidia-smi or amd brings the GPU panels/);
    expect(p.explanation).not.toMatch(/raw metrics are present/);
  });

  it('is a fault when an exporter is scraped but no rule records the GPU series', () => {
    expect(explainGpu(true).verdict).toBe('fault');
  });
});

describe('the process-memory panel on a vLLM serving multiprocess metrics (DP > 1)', () => {
  // vLLM's own normalisation rules, as the stack loads them.
  const rules = engineRuleGroups('vllm').flatMap((g) => g.rules.flatMap((r) => ('record' in r && r.record ? [{ record: r.record, expr: r.expr }] : [])));
  const expr = `sum by (instance) (${S.processMemory}{job=~"vllm"})`;
  const explainProcess = (present: string[]) => {
    const panel: PanelReport = { dashboard: 'd', dashboardUid: 'd', panelId: 1, title: 'Process memory', status: 'missing-series', queries: [] };
    explainPanel(panel, [expr], needsOf(expr, rules), { rules, present: new Set(present), targets: [target('vllm')], scoped: true, gpuExporter: false });
    return { ...panel, ...panelVerdict(panel) };
  };
  const V1 = ['vllm:num_requests_running', 'vllm:kv_cache_usage_perc', 'vllm:prefix_cache_hits_total', 'vllm:inter_token_latency_seconds_bucket'];

  it('is not applicable, naming multiprocess mode and what brings it there', () => {
    const p = explainProcess(V1);
    expect(p.verdict).toBe('not-applicable');
    expect(p.note).toMatch(/multiprocess metrics.*DP > 1.*--api-server-count > 1/);
  });

  it('is a fault on a single-process V1 (it has _created gauges) without process_*', () => {
    expect(explainProcess([...V1, 'vllm:prefix_cache_hits_created']).verdict).toBe('fault');
  });
});

describe('reason verdicts with the versions the targets report', () => {
  const at = (metric: string, present: ReadonlySet<string>, versions: { job: string; instance: string; version: string }[], targets = [target('vllm')]) => explainMissing(metric, { present, targets, versions });
  const late = new Set([...OLD_V0, 'vllm:request_inference_time_seconds_bucket']);

  it('names the reported version that predates the metric: not applicable', () => {
    const r = at('vllm:request_queue_time_seconds_bucket', OLD_V0, [{ job: 'vllm', instance: 'i', version: '0.4.3' }]);
    expect(r).toMatchObject({ kind: 'version-predates', verdict: 'not-applicable' });
    expect(r.detail).toMatch(/this server reports vLLM 0\.4\.3: vLLM >= 0\.6\.4 brings it/);
  });

  it('a reported version that has the metric makes its absence a fault, whatever the names suggest', () => {
    expect(at('vllm:request_queue_time_seconds_bucket', OLD_V0, [{ job: 'vllm', instance: 'i', version: '0.6.4' }]).verdict).toBe('fault');
  });

  it('uses versions only when every up target of that engine reported one', () => {
    const two = [target('vllm'), { ...target('vllm'), labels: { job: 'vllm', instance: 'j' } }];
    // One of two silent: dated by names, as without versions.
    expect(at('vllm:request_queue_time_seconds_bucket', late, [{ job: 'vllm', instance: 'i', version: '0.4.3' }], two).verdict).toBe('fault');
    expect(at('vllm:request_queue_time_seconds_bucket', late, [{ job: 'vllm', instance: 'i', version: '0.4.3' }, { job: 'vllm', instance: 'j', version: '0.5.0' }], two)).toMatchObject({ verdict: 'not-applicable', detail: expect.stringContaining('reports vLLM 0.4.3, 0.5.0') });
  });
});
