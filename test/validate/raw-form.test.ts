/** Which recorded series have no output yet, and what the probe sends while they have none. */
import { describe, expect, it } from 'vitest';
import { notYetRecorded, pendingReader } from '../../src/validate/raw-form.js';
import type { RuleGroup } from '../../src/validate/rule-health.js';

const rule = (name: string, query: string, health: string) => ({ name, query, type: 'recording', health });
const groups = (slowHealth: string): RuleGroup[] => [
  { name: 'slow', file: 'r.yml', interval: 300, rules: [rule('s:good', 'sum(rate(good_total[5m]))', slowHealth), rule('s:all', 'sum(rate(all_total[5m]))', slowHealth)] },
  // Evaluated, but from the slow group's output: empty until that group has run.
  { name: 'fast', file: 'r.yml', interval: 15, rules: [rule('f:ratio', 's:good / s:all', 'ok'), rule('f:pct', '100 * f:ratio', 'ok'), rule('f:up', 'sum(up)', 'ok')] },
];

describe('series not recorded yet', () => {
  it('are those of groups not evaluated, and every rule computed from them, however deep', () => {
    expect([...notYetRecorded(groups('unknown'))].sort()).toEqual(['f:pct', 'f:ratio', 's:all', 's:good']);
    expect(notYetRecorded(groups('ok')).size).toBe(0);
  });

  it('are read in raw form at once; others as written unless Prometheus is young and they come back empty', () => {
    const queries = ['f:pct', 'f:up'];
    const old = pendingReader(groups('unknown'), queries, false)!;
    expect(old.before('f:pct')).toMatch(/^\(100 \* \(\(sum\(rate\(good_total\[5m\]\)\)\) \/ \(sum\(rate\(all_total\[5m\]\)\)\)\)\)$/);
    expect(old.before('f:up')).toBeUndefined();
    expect(old.ifEmpty('f:up')).toBeUndefined();
    const young = pendingReader(groups('ok'), queries, true)!;
    expect(young.before('f:pct')).toBeUndefined();
    expect(young.ifEmpty('f:up')).toBe('(sum(up))');
    expect(young.ifEmpty('sum(up)'), 'reads no recorded series').toBeUndefined();
  });

  it('make validate wait as before where a query over them has no raw form', () => {
    // A recorded series under @ has no raw form (the inliner refuses it).
    expect(pendingReader(groups('unknown'), ['f:pct @ 1700000000'], false)).toBeUndefined();
    expect(pendingReader(groups('ok'), ['f:pct @ 1700000000'], true), 'nothing pending: nothing to wait for').toBeDefined();
  });
});
