/**
 * The `le` forms rule and report matchers must accept: what the target printed (Prometheus 2 keeps it)
 * and what Prometheus 3 normalises it to at scrape time. The Prometheus 3 forms below are those a
 * real Prometheus 3.5.3 stored for a target printing le="1", "0.00001" and "1000000".
 */
import { describe, expect, it } from 'vitest';
import { leIn, prometheus3Float } from '../../src/rules/promql.js';

/** The PromQL `le=~"..."` matcher as a JS RegExp (PromQL anchors regex matchers). */
function matcher(m: string): RegExp {
  const body = /^le=~"(.*)"$/.exec(m)![1]!.replace(/\\\\/g, '\\');
  return new RegExp(`^(?:${body})$`);
}

describe('le forms across Prometheus 2 and 3', () => {
  it('prometheus3Float writes a bound as Prometheus 3.5 stores it', () => {
    const seen: [number, string][] = [[1, '1.0'], [0.5, '0.5'], [2.5, '2.5'], [5, '5.0'], [0.00001, '1e-05'], [1e6, '1e+06'], [0, '0.0'], [Infinity, '+Inf'], [60, '60.0'], [0.0001, '0.0001'], [123456, '123456.0']];
    for (const [n, stored] of seen) expect(prometheus3Float(n), String(n)).toBe(stored);
  });

  it('leIn matches Python, Go/Rust and Prometheus 3 forms of every bound, and no other bound', () => {
    const re = matcher(leIn([0.00001, 1, 2.5, 1e6]));
    for (const form of ['1e-05', '0.00001', '1', '1.0', '2.5', '1000000', '1000000.0', '1e+06']) expect(form, form).toMatch(re);
    for (const other of ['10', '10.0', '1e-06', '1e+07', '2.50001', '25', '1x0', '1e006']) expect(other, other).not.toMatch(re);
  });

  it('keeps the matcher the generated rules carry for ordinary bounds (no new alternatives)', () => {
    expect(leIn([0.1, 1, 2])).toBe('le=~"0\\\\.1|1\\\\.0|1|2\\\\.0|2"');
  });
});
