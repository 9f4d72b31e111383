/**
 * What validate reads from promtool's own output. `promtool test rules` prints the same failures in
 * 2.42 and 3.5 (below, verbatim from Debian's binaries on one failing file), but 3.x no longer heads
 * them with "Unit Testing: <file>", so validate names the failing files itself.
 */
import { describe, expect, it } from 'vitest';
import { testRulesFailures } from '../../src/validate/static.js';

const FAILURES = '  FAILED:\n    alertname: XHigh, time: 10m, \n        exp:[\n            0:\n              Labels:{alertname="XHigh", job="a"}\n              Annotations:{}\n            ], \n        got:[]\n\n    expr: "x:rate", time: 10m,\n        exp: {__name__="x:rate", job="a"} 2E+00\n        got: {__name__="x:rate", job="a"} 1E+00\n\n\n';
const PROMTOOL_2_42 = `Unit Testing:  t.yml\n${FAILURES}`;
const PROMTOOL_3_5 = FAILURES;

describe('promtool test rules output', () => {
  it('lists each failed case, alert and expression, from promtool 2.42 and 3.5 alike', () => {
    const expected = ['alert XHigh at 10m: expected 1 alert(s), got 0', 'expr "x:rate" at 10m: expected 2E+00, got 1E+00'];
    expect(testRulesFailures(PROMTOOL_2_42)).toEqual(expected);
    expect(testRulesFailures(PROMTOOL_3_5)).toEqual(expected);
  });

  it('shows every value of a multi-series expectation (a float difference of promtool 3.5)', () => {
    const out = '  FAILED:\n    expr: "llm:itl_seconds_count:rate5m", time: 10m,\n        exp: {__name__="llm:itl_seconds_count:rate5m", instance="s1"} 2E+00, {__name__="llm:itl_seconds_count:rate5m", instance="s2"} 1E+00\n        got: {__name__="llm:itl_seconds_count:rate5m", instance="s1"} 1.9999999999999998E+00, {__name__="llm:itl_seconds_count:rate5m", instance="s2"} 9.999999999999999E-01\n';
    expect(testRulesFailures(out)).toEqual(['expr "llm:itl_seconds_count:rate5m" at 10m: expected 2E+00, 1E+00, got 1.9999999999999998E+00, 9.999999999999999E-01']);
  });

  it('finds nothing in output without failed cases', () => {
    expect(testRulesFailures('Unit Testing:  t.yml\n  SUCCESS\n\n')).toEqual([]);
    expect(testRulesFailures('  FAILED:\nyaml: unmarshal errors:\n  line 3: field nope not found\n')).toEqual([]);
  });
});
