import { describe, expect, it } from 'vitest';
import { labelKeysOf, parseExposition } from '../../src/engines/exposition.js';

describe('exposition parser', () => {
  it('groups histogram samples under their family whatever their order, and keeps _created apart in text format', () => {
    const text = [
      '# HELP vllm:e2e_request_latency_seconds Histogram of end to end request latency in seconds.',
      '# TYPE vllm:e2e_request_latency_seconds histogram',
      'vllm:e2e_request_latency_seconds_sum{engine="0",model_name="m"} 1.5',
      'vllm:e2e_request_latency_seconds_bucket{engine="0",le="0.3",model_name="m"} 0.0',
      'vllm:e2e_request_latency_seconds_bucket{engine="0",le="+Inf",model_name="m"} 2.0',
      'vllm:e2e_request_latency_seconds_count{engine="0",model_name="m"} 2.0',
      '# HELP vllm:e2e_request_latency_seconds_created Histogram of end to end request latency in seconds.',
      '# TYPE vllm:e2e_request_latency_seconds_created gauge',
      'vllm:e2e_request_latency_seconds_created{engine="0",model_name="m"} 1.7537953269352946e+09',
    ].join('\n');
    const e = parseExposition(text);
    expect(e.issues).toEqual([]);
    expect(e.families.map((f) => [f.name, f.type, f.samples.length])).toEqual([
      ['vllm:e2e_request_latency_seconds', 'histogram', 4],
      ['vllm:e2e_request_latency_seconds_created', 'gauge', 1],
    ]);
    const inf = e.samples.find((s) => s.labels.le === '+Inf')!;
    expect(inf.value).toBe(2);
    expect(inf.rawValue).toBe('2.0');
    expect(e.samples.at(-1)!.value).toBeCloseTo(1753795326.9352946, 6);
    expect(labelKeysOf(e.families[0]!)).toEqual(['engine', 'model_name']);
  });

  it('reads label escapes, spaces after commas, timestamps and special values', () => {
    const e = parseExposition(
      [
        'a{path="C:\\\\dir",msg="say \\"hi\\"\\nbye"} NaN',
        'b{gpu="0", UUID="GPU-1"} -Inf 1700000000000',
        'c 8.128902e+06',
        'd{x="y",} 1',
      ].join('\n'),
    );
    expect(e.issues).toEqual([]);
    expect(e.samples[0]!.labels).toEqual({ path: 'C:\\dir', msg: 'say "hi"\nbye' });
    expect(Number.isNaN(e.samples[0]!.value)).toBe(true);
    expect(e.samples[1]).toMatchObject({ labels: { gpu: '0', UUID: 'GPU-1' }, value: -Infinity, timestamp: 1700000000000 });
    expect(e.samples[2]!.value).toBe(8128902);
    expect(e.samples[3]!.labels).toEqual({ x: 'y' });
  });

  it('understands OpenMetrics: counter families without _total in TYPE, _created inside the family, exemplars, # EOF', () => {
    const e = parseExposition(
      [
        '# TYPE sglang:prompt_tokens counter',
        '# HELP sglang:prompt_tokens Number of prefill tokens processed.',
        'sglang:prompt_tokens_total{model_name="m"} 5.0 # {trace_id="abc"} 1.0',
        'sglang:prompt_tokens_created{model_name="m"} 1.7e+09',
        '# EOF',
        'garbage after eof',
      ].join('\n'),
    );
    expect(e.format).toBe('openmetrics');
    expect(e.families).toHaveLength(1);
    expect(e.families[0]!.samples.map((s) => s.name)).toEqual(['sglang:prompt_tokens_total', 'sglang:prompt_tokens_created']);
    expect(e.issues).toEqual([{ line: 6, message: 'content after # EOF' }]);
  });

  it('reports bad lines without giving up on the rest', () => {
    const e = parseExposition(['ok 1', 'bad{le="1" 2', 'worse 1.2.3', '# TYPE ok gauge', '# TYPE ok gauge', 'fine{a="b"} 3'].join('\n'));
    expect(e.samples.map((s) => s.name)).toEqual(['ok', 'fine']);
    expect(e.issues.map((i) => i.line)).toEqual([2, 3, 4, 5]);
    expect(e.issues[1]!.message).toContain('bad value');
  });
});
