/**
 * Inlining recorded series into queries (the raw-query form of `import --raw`): every generated
 * query of every dashboard parses with Prometheus' grammar and reads no recorded series afterwards;
 * matchers move to where they filter the same series; labels a rule adds are decided statically or
 * at query time. That the raw form returns the recorded form's values is proved on real Prometheus
 * in test/integration/raw-form-real-prometheus.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SLO } from '../../src/config/defaults.js';
import { panelQueries, renderDashboards } from '../../src/dashboards/index.js';
import { rawVariant } from '../../src/dashboards/raw.js';
import { metricNames, promqlError } from '../../src/probe/promql-names.js';
import { renderRuleFiles } from '../../src/rules/index.js';
import { InlineError, inlineRecorded, recordingDefinitions } from '../../src/rules/inline.js';
import type { RuleFile } from '../../src/rules/types.js';

const file = (rules: { record: string; expr: string; labels?: Record<string, string> }[], interval?: string): RuleFile => ({ groups: [{ name: 'g', ...(interval ? { interval } : {}), rules }] });

describe('inlineRecorded on the generated dashboards', () => {
  for (const gpu of ['dcgm', 'nvidia-smi', 'amd'] as const) {
    it(`every query, variable and annotation of the ${gpu} stack's dashboards parses and reads only raw series`, () => {
      const defs = recordingDefinitions(renderRuleFiles({ targets: [], gpu, slo: DEFAULT_SLO }).rules.values());
      let queries = 0;
      for (const d of renderDashboards(gpu, true).values()) {
        const raw = rawVariant(d, defs, '30s');
        const variableQueries = raw.templating.list.flatMap((v) => (typeof v.query === 'object' ? [v.query.query.replace(/^query_result\((.*)\)$/, '$1')] : []));
        const annotations = raw.annotations.list.flatMap((a) => (typeof a.expr === 'string' ? [a.expr] : []));
        for (const expr of [...panelQueries(raw).map((q) => q.expr), ...annotations, ...variableQueries.filter((q) => !q.startsWith('label_values('))]) {
          queries++;
          expect(promqlError(expr), expr).toBeUndefined();
          expect(metricNames(expr).filter((n) => defs.has(n)), expr).toEqual([]);
        }
      }
      expect(queries).toBeGreaterThan(100);
    });
  }
});

describe('inlineRecorded semantics', () => {
  const defs = recordingDefinitions([
    file([
      { record: 'llm:x:rate5m', expr: 'sum by (job, instance, model_name) (rate(vllm:x_total[5m]))', labels: { engine: 'vllm' } },
      { record: 'llm:x:rate5m', expr: 'sum by (job, instance, model_name) (rate(sglang:x_total[5m]))', labels: { engine: 'sglang' } },
      { record: 'llm:y:ratio', expr: 'llm:x:rate5m / on (job, instance) group_left () max by (job, instance) (up)' },
    ]),
  ]);

  it('pushes matchers on kept labels down to the raw selectors, and adds the rule\'s own labels', () => {
    const out = inlineRecorded('llm:x:rate5m{model_name="m", engine="vllm"}', defs, '1m');
    expect(out).toBe('(label_replace(sum by (job, instance, model_name) (rate(vllm:x_total{model_name="m"}[5m])), "engine", "vllm", "", ""))');
  });

  it('a literal matcher on a rule\'s label selects its rule only; one no rule meets gives the empty vector', () => {
    expect(inlineRecorded('llm:x:rate5m{engine="sglang"}', defs, '1m')).not.toContain('vllm:');
    expect(inlineRecorded('llm:x:rate5m{engine=~"vllm|sglang"}', defs, '1m')).toMatch(/vllm:x_total.* or .*sglang:x_total/);
    expect(inlineRecorded('llm:x:rate5m{engine="tgi"}', defs, '1m')).toBe('(vector(1) < 0)');
  });

  it('a Grafana variable on a rule\'s label is decided when the query runs', () => {
    const out = inlineRecorded('llm:x:rate5m{engine=~"$engine"}', defs, '1m');
    expect(out).toContain('and on () (label_replace(label_replace(vector(1), "cvm_value", "vllm", "", ""), "cvm_match", "1", "cvm_value", "$engine")');
    expect(promqlError(out)).toBeUndefined();
  });

  it('through a join only the matched labels reach the one side; the many side gets them all', () => {
    const out = inlineRecorded('llm:y:ratio{model_name="m", job="j"}', defs, '1m');
    expect(out).toContain('vllm:x_total{model_name="m", job="j"}');
    expect(out).toContain('max by (job, instance) (up{job="j"})');
  });

  it('an aggregation stops matchers on labels it drops', () => {
    const d = recordingDefinitions([file([{ record: 'a:total', expr: 'sum by (job) (m)' }])]);
    expect(inlineRecorded('a:total{job="j"}', d, '1m')).toBe('(sum by (job) (m{job="j"}))');
    expect(inlineRecorded('sum(a:total)', d, '1m')).toBe('sum((sum by (job) (m)))');
  });

  it('a range over a recorded series becomes a subquery at the rules\' interval, at most 8,640 steps', () => {
    const d = recordingDefinitions([file([{ record: 'a:rate5m', expr: 'rate(m[5m])' }], '1m')]);
    expect(inlineRecorded('sum_over_time(a:rate5m[1h])', d, '15s')).toBe('sum_over_time((rate(m[5m]))[1h:1m])');
    expect(inlineRecorded('sum_over_time(a:rate5m[30d])', d, '15s')).toBe('sum_over_time((rate(m[5m]))[30d:300s])');
  });

  it('an offset on a recorded series reads its value then, also where the grammar hangs the offset on the binary expression', () => {
    const d = recordingDefinitions([file([{ record: 'a:last', expr: 'max by (gpu) (m)' }])]);
    const out = inlineRecorded('n != on (gpu) group_left a:last offset 5m', d, '30s');
    expect(out).toBe('n != on (gpu) group_left () last_over_time((max by (gpu) (m))[30s:30s] offset 5m)');
    expect(promqlError(out)).toBeUndefined();
  });

  it('through label_replace: a rename filters the source label, a constant is decided, any other rewrite is refused', () => {
    const d = recordingDefinitions([
      file([
        { record: 'a:renamed', expr: 'max by (gpu) (label_replace(m, "gpu", "$1", "gpu_id", "(.*)"))' },
        { record: 'a:constant', expr: 'label_replace(m, "pool", "full", "", "")' },
        { record: 'a:class', expr: 'label_replace(m, "code_class", "${1}xx", "code", "([1-5])..")' },
      ]),
    ]);
    expect(inlineRecorded('a:renamed{gpu="3"}', d, '1m')).toBe('(max by (gpu) (label_replace(m{gpu_id="3"}, "gpu", "$1", "gpu_id", "(.*)")))');
    expect(inlineRecorded('a:constant{pool="swa"}', d, '1m')).toBe('((vector(1) < 0))');
    expect(inlineRecorded('a:constant{pool="full"}', d, '1m')).toBe('(label_replace(m, "pool", "full", "", ""))');
    expect(inlineRecorded('a:constant{pool=~"$pool"}', d, '1m')).toContain('and on () (label_replace(label_replace(vector(1), "cvm_value", "full"');
    expect(() => inlineRecorded('a:class{code_class="5xx"}', d, '1m')).toThrow(InlineError);
  });
});
