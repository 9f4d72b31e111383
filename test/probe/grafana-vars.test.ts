import { describe, expect, it } from 'vitest';
import { promDuration, rateIntervalSeconds, referencedVariables, regexEscape, substitute } from '../../src/probe/grafana-vars.js';

const window = { rangeSeconds: 3600, stepSeconds: 15, scrapeIntervalSeconds: 5 };

describe('Grafana variable substitution', () => {
  it('computes $__rate_interval as max(interval + scrape, 4 * scrape)', () => {
    expect(rateIntervalSeconds({ rangeSeconds: 300, stepSeconds: 5, scrapeIntervalSeconds: 15 })).toBe(60);
    expect(rateIntervalSeconds({ rangeSeconds: 3600, stepSeconds: 60, scrapeIntervalSeconds: 15 })).toBe(75);
    expect(substitute('rate(x[$__rate_interval])', window, {})).toBe('rate(x[20s])');
  });

  it('substitutes $__interval, $__range and their _ms/_s forms', () => {
    expect(substitute('increase(x[$__range]) / $__range_s + $__interval_ms + avg_over_time(y[$__interval])', window, {})).toBe(
      'increase(x[3600s]) / 3600 + 15000 + avg_over_time(y[15s])',
    );
    expect(promDuration(1.5)).toBe('1500ms');
  });

  it('turns All into .* (or the allValue) and multi values into an escaped alternation', () => {
    const vars = {
      model_name: { values: ['meta-llama/Llama-3.1-8B', 'Qwen/Qwen2.5-7B'], multi: true },
      instance: { values: ['a', 'b'], multi: true, all: {} },
      job: { values: ['vllm'], multi: true, all: { allValue: 'vllm|sglang' } },
    };
    expect(substitute('x{model_name=~"$model_name", instance=~"${instance}", job=~"[[job]]"}', window, vars)).toBe(
      'x{model_name=~"(meta-llama/Llama-3\\\\.1-8B|Qwen/Qwen2\\\\.5-7B)", instance=~".*", job=~"vllm|sglang"}',
    );
  });

  it('keeps a single-value variable as it is and escapes it for a PromQL string', () => {
    const vars = { model_name: { values: ['my "model"'], multi: false }, datasource: { values: ['prometheus'], multi: false } };
    expect(substitute('x{model_name="$model_name"}', window, vars)).toBe('x{model_name="my \\"model\\""}');
  });

  it('applies ${var:format} formats', () => {
    const vars = { engine: { values: ['vllm', 'sglang'], multi: true } };
    expect(substitute('${engine:pipe} ${engine:csv} ${engine:json} ${engine:regex}', window, vars)).toBe('vllm|sglang vllm,sglang ["vllm","sglang"] (vllm|sglang)');
  });

  it('leaves unknown variables in place so the query fails visibly', () => {
    expect(substitute('x{a="$nope"}', window, {})).toBe('x{a="$nope"}');
    expect(referencedVariables('x{a="$nope", b="${datasource}", c="$__interval"}')).toEqual(['nope', 'datasource']);
  });

  it('escapes every regex special character', () => {
    expect(regexEscape('a.b*c(d)|e')).toBe('a\\\\.b\\\\*c\\\\(d\\\\)\\\\|e');
  });
});
