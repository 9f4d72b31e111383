import { describe, expect, it } from 'vitest';
import { metricNames, selectedSeries } from '../../src/probe/promql-names.js';

describe('metricNames', () => {
  it('finds names inside functions, aggregations and binary operations', () => {
    const expr =
      'histogram_quantile(0.99, sum by(le) (rate(vllm:e2e_request_latency_seconds_bucket{model_name="$model_name"}[$__rate_interval])))\n/\nrate(vllm:e2e_request_latency_seconds_count[5m])';
    expect(metricNames(expr)).toEqual(['vllm:e2e_request_latency_seconds_bucket', 'vllm:e2e_request_latency_seconds_count']);
  });

  it('skips label names in grouping, on/ignoring and group_left lists, strings, durations and numbers', () => {
    const expr =
      'sum without (pid, tp_rank) (sglang:num_running_reqs) * on (instance, job) group_left(model) max by (instance) (up{job="sglang", instance=~"a|b"}) offset 5m > 1e-3 and bool 2';
    expect(metricNames(expr)).toEqual(['sglang:num_running_reqs', 'up']);
  });

  it('reads {__name__="..."} selectors and recorded series names with colons', () => {
    expect(metricNames('{__name__="vllm:num_requests_waiting", job="vllm"} + model:llm_requests_running:sum')).toEqual([
      'model:llm_requests_running:sum',
      'vllm:num_requests_waiting',
    ]);
  });

  it('ignores the names of aggregations written with the grouping first', () => {
    expect(metricNames('sum by (le, model_name) (rate(x_bucket[1m])) / ignoring(le) group_left count(y)')).toEqual(['x_bucket', 'y']);
  });

  it('keeps the matchers of each selector, and its label="value" ones as values', () => {
    expect(selectedSeries('a{b="}c", e=~"f", g!="h"} + d')).toEqual([
      { name: 'a', matchers: 'b="}c", e=~"f", g!="h"', equals: { b: '}c' } },
      { name: 'd', matchers: '', equals: {} },
    ]);
  });

  it('reads a regex of literal names, groups of literals within a name too, and no other regex', () => {
    expect(metricNames('{__name__=~"DCGM_FI_DEV_(ENFORCED_POWER_LIMIT|POWER_LIMIT)|up"}')).toEqual(['DCGM_FI_DEV_ENFORCED_POWER_LIMIT', 'DCGM_FI_DEV_POWER_LIMIT', 'up']);
    for (const regex of ['a.*', 'a((b))', 'a(b|c', '(a|b)+']) expect(metricNames(`{__name__=~"${regex}"}`), regex).toEqual([]);
  });

  it("reads Prometheus 3's quoted UTF-8 names, and not quoted label names, in selectors and grouping", () => {
    const expr = 'sum by ("k8s.pod.name") (rate({"http.server.request.duration_seconds_count", "service.name"="api", job="x"}[5m])) / {"process.cpu.time"}';
    expect(selectedSeries(expr)).toEqual([
      { name: 'http.server.request.duration_seconds_count', matchers: '"service.name"="api", job="x"', equals: { job: 'x' } },
      { name: 'process.cpu.time', matchers: '', equals: {} },
    ]);
    expect(metricNames('{"service.name"="api"} + {"a\\"b"}')).toEqual(['a"b']);
  });

  it('does not take unsubstituted variables or subquery steps for names', () => {
    expect(metricNames('max_over_time(DCGM_FI_DEV_GPU_TEMP{gpu=~"$gpu"}[1h:${__interval}]) > $threshold')).toEqual(['DCGM_FI_DEV_GPU_TEMP']);
  });
});

describe('a regex of literal names', () => {
  it('selects each of them (one field under its two names)', () => {
    expect(metricNames('max by (gpu) ({__name__=~"DCGM_FI_DEV_XID_ERRORS|DCGM_FI_DEV_XID_ERROR"} != 0)')).toEqual(['DCGM_FI_DEV_XID_ERROR', 'DCGM_FI_DEV_XID_ERRORS']);
  });
  it('selects nothing it cannot name exactly', () => {
    expect(metricNames('{__name__=~"DCGM_FI_DEV_.+"}')).toEqual([]);
  });
});

describe('what a selector of a recorded series needs', () => {
  it('only the rules that can produce what it selects: another engine\'s rule feeds no engine="vllm" selector', async () => {
    const { needsOf, rawMetrics } = await import('../../src/probe/rule-graph.js');
    const rules = [
      { record: 'llm:x:rate5m', expr: 'rate(vllm:x_total[5m])', labels: { engine: 'vllm' } },
      { record: 'llm:x:rate5m', expr: 'rate(sglang:x_total[5m])', labels: { engine: 'sglang' } },
    ];
    expect(rawMetrics(needsOf('llm:x:rate5m{engine="vllm", model_name="m"}', rules))).toEqual(['vllm:x_total']);
    expect(rawMetrics(needsOf('llm:x:rate5m{model_name=~"$model"}', rules))).toEqual(['sglang:x_total', 'vllm:x_total']);
  });
});
