import { describe, expect, it } from 'vitest';
import { countValues, panelStatus } from '../../src/probe/classify.js';
import { dashboardPanels, templateVariables } from '../../src/probe/dashboard-panels.js';
import { feedable, needsOf, rawMetrics, recordedSeries } from '../../src/probe/rule-graph.js';
import { parseLabelValues } from '../../src/probe/variables.js';

const dashboard = {
  uid: 'llm-overview',
  title: 'LLM overview',
  __inputs: [{ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' }],
  templating: {
    list: [
      { name: 'job', type: 'query', query: { query: 'label_values(model:llm_requests_running:sum, job)' }, includeAll: true, multi: true },
      { name: 'model_name', type: 'query', definition: 'label_values(x{job=~"$job"}, model_name)', query: '', multi: false, current: { value: 'm' } },
      { name: 'quantile', type: 'custom', query: '0.5,0.99', options: [{ value: '0.5' }, { value: '0.99' }] },
    ],
  },
  panels: [
    { type: 'text', id: 1, title: 'About' },
    { type: 'row', id: 2, title: 'Overview', collapsed: false, panels: [] },
    {
      type: 'timeseries',
      id: 3,
      title: 'QPS',
      datasource: { type: 'prometheus', uid: '${DS_PROMETHEUS}' },
      targets: [
        { refId: 'A', expr: 'sum(rate(a_total[$__rate_interval]))' },
        { refId: 'B', expr: 'b', hide: true },
        { refId: 'C', datasource: { type: '__expr__', uid: '__expr__' }, expression: '$A * 2' },
      ],
    },
    {
      type: 'row',
      id: 4,
      title: 'Memory',
      collapsed: true,
      panels: [{ type: 'stat', id: 5, title: 'KV', targets: [{ refId: 'A', expr: 'max(kv)', instant: true }] }],
    },
  ],
};

describe('dashboard reading', () => {
  it('lists Prometheus panels with their row, skipping hidden targets, expressions and text panels', () => {
    const panels = dashboardPanels(dashboard);
    expect(panels.map((p) => [p.panelId, p.title, p.row, p.queries.map((q) => q.refId)])).toEqual([
      [3, 'QPS', 'Overview', ['A']],
      [5, 'KV', 'Memory', ['A']],
    ]);
    expect(panels[1]!.queries[0]!.instant).toBe(true);
  });

  it('reads template variables in order, including the import datasource input', () => {
    const vars = templateVariables(dashboard);
    expect(vars.map((v) => [v.name, v.type, v.query, v.includeAll])).toEqual([
      ['DS_PROMETHEUS', 'datasource', 'prometheus', false],
      ['job', 'query', 'label_values(model:llm_requests_running:sum, job)', true],
      ['model_name', 'query', 'label_values(x{job=~"$job"}, model_name)', false],
      ['quantile', 'custom', '0.5,0.99', false],
    ]);
    expect(vars[2]!.current).toEqual(['m']);
  });

  it('parses label_values with and without a selector', () => {
    expect(parseLabelValues('label_values(model_name)')).toEqual({ label: 'model_name' });
    expect(parseLabelValues('label_values(x{a="1",b=~"2"}, instance)')).toEqual({ selector: 'x{a="1",b=~"2"}', label: 'instance' });
    expect(parseLabelValues('query_result(up)')).toBeUndefined();
  });
});

describe('classification', () => {
  const matrix = (...values: string[]) => ({ resultType: 'matrix' as const, series: [{ metric: {}, values: values.map((v, i) => [i, v] as [number, string]) }] });

  it('counts non-zero, zero and NaN points', () => {
    expect(countValues(matrix('1', '0', 'NaN', '+Inf', '0.5'))).toEqual({ series: 1, nonZero: 2, zero: 1, nan: 2 });
  });

  it('says data when any query has a finite non-zero point', () => {
    expect(panelStatus([{ ok: true, counts: countValues(matrix('NaN')) }, { ok: true, counts: countValues(matrix('0', '3')) }])).toBe('data');
  });

  it('says waiting-for-traffic when series exist but are all zero or NaN', () => {
    expect(panelStatus([{ ok: true, counts: countValues(matrix('NaN', 'NaN')) }, { ok: true, counts: countValues(matrix('0')) }])).toBe('waiting-for-traffic');
  });

  it('says missing-series when nothing is selected, and surfaces query errors first', () => {
    const empty = { ok: true as const, counts: countValues({ resultType: 'matrix', series: [] }) };
    expect(panelStatus([empty, empty])).toBe('missing-series');
    expect(panelStatus([{ ok: true, counts: countValues(matrix('1')) }, { ok: false, error: 'parse error' }])).toBe('query-error');
  });
});

describe('rule graph', () => {
  const rules = [
    { record: 'instance:kv_usage:max', expr: 'max by (instance) (vllm:kv_cache_usage_perc)' },
    { record: 'instance:kv_usage:max', expr: 'max by (instance) (vllm:gpu_cache_usage_perc)' },
    { record: 'instance:kv_usage:max', expr: 'max by (instance) (sglang:token_usage)' },
    { record: 'model:kv_usage:max', expr: 'max by (model_name) (instance:kv_usage:max)' },
    { record: 'model:hit:ratio', expr: 'rate(vllm:prefix_cache_hits_total[5m]) / rate(vllm:prefix_cache_queries_total[5m])' },
    { record: 'model:hit_any:ratio', expr: 'model:hit:ratio or sglang:cache_hit_rate' },
  ];

  it('walks recorded series back to every raw alternative', () => {
    const needs = needsOf('max(model:kv_usage:max{model_name=~".*"})', rules);
    expect(recordedSeries(needs)).toEqual(['instance:kv_usage:max', 'model:kv_usage:max']);
    expect(rawMetrics(needs)).toEqual(['sglang:token_usage', 'vllm:gpu_cache_usage_perc', 'vllm:kv_cache_usage_perc']);
  });

  it('is feedable when one alternative rule has all its inputs', () => {
    const [kv] = needsOf('model:kv_usage:max', rules);
    expect(feedable(kv!, new Set(['vllm:gpu_cache_usage_perc']))).toBe(true);
    expect(feedable(kv!, new Set(['vllm:num_requests_running']))).toBe(false);
    const [hit] = needsOf('model:hit:ratio', rules);
    expect(feedable(hit!, new Set(['vllm:prefix_cache_hits_total']))).toBe(false);
    const [hitAny] = needsOf('model:hit_any:ratio', rules);
    expect(feedable(hitAny!, new Set(['sglang:cache_hit_rate']))).toBe(true);
  });

  it('stops on a cycle instead of recursing forever', () => {
    const cyclic = [{ record: 'a', expr: 'b' }, { record: 'b', expr: 'a' }];
    expect(rawMetrics(needsOf('a', cyclic))).toEqual(['a']);
  });
});

describe('which rule expressions can be fed', () => {
  const fed = (names: string[]) => (n: string) => names.includes(n);
  const proc =
    '(sum by (job, instance, host) (process_resident_memory_bytes and on (job, instance) sglang:num_running_reqs)) or on (job, instance, host) (sum by (job, instance, host) (process_resident_memory_bytes and on (job, instance) sglang_num_running_reqs))';

  it('needs both sides of and, one side of or', async () => {
    const { exprFeedable } = await import('../../src/probe/rule-graph.js');
    expect(exprFeedable(proc, fed(['sglang:num_running_reqs']))).toBe(false);
    expect(exprFeedable(proc, fed(['sglang:num_running_reqs', 'process_resident_memory_bytes']))).toBe(true);
    expect(exprFeedable(proc, fed(['sglang_num_running_reqs', 'process_resident_memory_bytes']))).toBe(true);
  });

  it('needs every input of arithmetic and functions, only the left of unless', async () => {
    const { exprFeedable } = await import('../../src/probe/rule-graph.js');
    const ratio = 'sum by (instance) (rate(a_total[5m])) / sum by (instance) (rate(b_total{x="or"}[5m]))';
    expect(exprFeedable(ratio, fed(['a_total']))).toBe(false);
    expect(exprFeedable(ratio, fed(['a_total', 'b_total']))).toBe(true);
    expect(exprFeedable('histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m]))) unless on (instance) c', fed(['h_bucket']))).toBe(true);
  });
});
