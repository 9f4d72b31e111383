/**
 * Generated rules are read by operators: raw names are normalised once, one short rule per
 * variant, and everything above reads normalised series. So no expression of a mixed-fleet stack
 * (vLLM V0/V1 and SGLang, every GPU exporter) may pass 400 characters, and the median stays short.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SLO } from '../../src/config/defaults.js';
import { GPU_KINDS } from '../../src/config/types.js';
import { renderRuleFiles } from '../../src/rules/index.js';

const MAX = 400;
const MEDIAN = 120;

describe.each(GPU_KINDS)('rule expressions of a mixed fleet with --gpu %s', (gpu) => {
  const exprs = [...renderRuleFiles({ targets: [], gpu, slo: DEFAULT_SLO }).rules].flatMap(([file, f]) =>
    f.groups.flatMap((g) => g.rules.map((r) => ({ name: `${file} ${'record' in r ? r.record : r.alert}`, length: r.expr.length }))),
  );

  it(`none is longer than ${MAX} characters`, () => {
    expect(exprs.filter((e) => e.length > MAX).map((e) => `${e.name}: ${e.length}`)).toEqual([]);
  });

  it(`the median is under ${MEDIAN} characters`, () => {
    const sorted = exprs.map((e) => e.length).sort((a, b) => a - b);
    expect(sorted.length).toBeGreaterThan(100);
    expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(MEDIAN);
  });
});
