/** Our number formatting reproduces every value printed in the real captures, character for character. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dcgmValue, goFloat, pythonFloat } from '../../src/engines/number-format.js';
import { parseExposition } from '../../src/engines/exposition.js';
import { FIXTURES_PRESENT, FIXTURES_SKIP_REASON, fixture } from '../support/env.js';

const NVSMI = 'utkuozdemir-nvgpuexp__linux-x86_64__nvidia-h100-80gb-hbm3__590.48.01__load.metrics';

describe('number formatting', () => {
  it('prometheus_client style (Python repr, Go exponent past six integer digits)', () => {
    expect(pythonFloat(1)).toBe('1.0');
    expect(pythonFloat(0)).toBe('0.0');
    expect(pythonFloat(8128902)).toBe('8.128902e+06');
    expect(pythonFloat(1753795326.9352946)).toBe('1.7537953269352946e+09');
    expect(pythonFloat(9.75010481363281e-6)).toBe('9.75010481363281e-06');
    expect(pythonFloat(20000)).toBe('20000.0');
    expect(pythonFloat(Infinity)).toBe('+Inf');
  });
  it('client_golang style', () => {
    expect(goFloat(1.98e9)).toBe('1.98e+09');
    expect(goFloat(631.95)).toBe('631.95');
    expect(goFloat(4000)).toBe('4000');
    expect(goFloat(1)).toBe('1');
  });
  it('dcgm-exporter style', () => {
    expect(dcgmValue(8.969, 'double')).toBe('8.969000');
    expect(dcgmValue(300, 'int')).toBe('300');
  });

  describe.skipIf(!FIXTURES_PRESENT)(`against the captures${FIXTURES_PRESENT ? '' : ` (skipped: ${FIXTURES_SKIP_REASON})`}`, () => {
    for (const name of ['datadog__vllm_metrics_e99474c0.txt', 'sglang-docs__production_metrics_example.prom', 'vllm__issue_excerpts.prom']) {
      it(`prints every value and le of ${name} as prometheus_client did`, () => {
        const e = parseExposition(readFileSync(fixture(name), 'utf8'));
        const values = e.samples.filter((s) => s.rawValue.includes('.') || s.rawValue.includes('e') || s.rawValue.includes('Inf'));
        expect(values.length).toBeGreaterThan(10);
        for (const s of values) expect(pythonFloat(s.value), `line ${s.line}`).toBe(s.rawValue);
        for (const s of e.samples.filter((x) => x.labels.le)) expect(pythonFloat(Number(s.labels.le === '+Inf' ? Infinity : s.labels.le)), `le on line ${s.line}`).toBe(s.labels.le);
      });
    }
    it('prints every value of the nvidia_gpu_exporter capture as client_golang did', () => {
      const e = parseExposition(readFileSync(fixture(NVSMI), 'utf8'));
      for (const s of e.samples) expect(goFloat(s.value), `line ${s.line}`).toBe(s.rawValue);
    });
  });
});
