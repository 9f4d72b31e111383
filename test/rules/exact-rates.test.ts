/**
 * The generated normalisation tests expect exact values, so the rates they read must come out the
 * same in Prometheus 2.x, whose range windows include a sample on their start, and 3.x, whose do
 * not: no sample may sit on a window's start, and the samples inside must span a power of two
 * seconds, which makes rate()'s extrapolation factor (window / span) / window exactly 1 / span.
 */
import { describe, expect, it } from 'vitest';
import { renderRuleFiles } from '../../src/rules/index.js';
import { RATE_WINDOW } from '../../src/rules/series.js';
import { DEFAULT_SLO } from '../../src/config/defaults.js';

const seconds = (d: string): number => {
  const m = /^(\d+)([smh])$/.exec(d);
  if (!m) throw new Error(`unexpected duration ${d}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'];
};

describe.each(['dcgm', 'nvidia-smi', 'amd', 'none'] as const)('normalisation tests of a stack with gpu %s', (gpu) => {
  const { tests } = renderRuleFiles({ targets: [], gpu, slo: DEFAULT_SLO });
  const window = seconds(RATE_WINDOW);
  const cases = [...tests].flatMap(([file, t]) =>
    t.tests.flatMap((g) =>
      (g.promql_expr_test ?? [])
        // The alert tests' exact-set checks read ALERTS, whose value is 1 whatever the rates: no rate to make exact.
        .filter((e) => !e.expr.startsWith('ALERTS{'))
        .map((e) => ({ file, step: seconds(g.interval), eval: seconds(t.evaluation_interval), at: seconds(e.eval_time) })),
    ),
  );

  it('has some', () => expect(cases.length).toBeGreaterThan(0));

  it('read rates over windows that select the same samples in 2.x and 3.x, spanning a power of two seconds', () => {
    for (const c of cases) {
      // Recorded series hold the value of the last rule evaluation at or before eval_time.
      const end = Math.floor(c.at / c.eval) * c.eval;
      const start = end - window;
      expect(start % c.step, `${c.file}: a sample sits on the window start ${start}s`).not.toBe(0);
      const span = (Math.floor(end / c.step) - Math.floor(start / c.step) - 1) * c.step;
      expect(Number.isInteger(Math.log2(span)), `${c.file}: samples span ${span}s`).toBe(true);
    }
  });
});
