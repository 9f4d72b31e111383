/**
 * The `le` forms rule and report matchers must accept: what the target printed (Prometheus 2 keeps it)
 * and what Prometheus 3 normalises it to at scrape time. The Prometheus 3 forms below are those a
 * real Prometheus 3.5.3 stored for a target printing le="1", "0.00001" and "1000000".
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leIn, prometheus3Float, pythonFloat } from '../../src/rules/promql.js';
import { REPO_ROOT } from '../support/env.js';

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

  it('every le or quantile matcher in the shipped rules and dashboards accepts each form of its bounds', () => {
    // The canonical copies equal what the generator writes (test/dashboards checks that).
    const files = ['prometheus/rules', 'grafana/dashboards', 'grafana/import'].flatMap((d) => readdirSync(join(REPO_ROOT, d)).map((f) => join(REPO_ROOT, d, f)));
    const found: string[] = [];
    for (const file of files) {
      // Escaped quotes (JSON) or doubled backslashes (YAML) alike: unescape to the PromQL text.
      const text = readFileSync(file, 'utf8').replace(/\\"/g, '"');
      for (const m of text.matchAll(/\b(le|quantile)\s*(=~|!~|=|!=)\s*"([^"]*)"/g)) {
        const [all, , op, value] = m as unknown as [string, string, string, string];
        found.push(all);
        if (op === '=' || op === '!=') {
          expect(value, `${file}: ${all} compares one spelling; Prometheus 2 and 3 store bounds differently`).toMatch(/^[+-]Inf$/);
          continue;
        }
        const re = new RegExp(`^(?:${value.replace(/\\\\/g, '\\')})$`);
        for (const bound of value.replace(/\\+/g, '').split('|').map(Number)) {
          for (const form of [pythonFloat(bound), String(bound), prometheus3Float(bound)]) expect(form, `${file}: ${all} misses ${form}`).toMatch(re);
        }
      }
    }
    expect(found.length).toBeGreaterThan(0);
  });
});

