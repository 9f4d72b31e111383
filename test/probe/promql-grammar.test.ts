/**
 * Every query the generator writes parses with Prometheus' own grammar (@prometheus-io/lezer-promql,
 * the parser the panel probe reads them with): every recording rule and alert of every GPU kind,
 * every dashboard panel query (Grafana variables as Grafana substitutes them). And the grammar
 * does reject what is not PromQL.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SLO } from '../../src/config/defaults.js';
import { GPU_KINDS } from '../../src/config/types.js';
import { panelQueries, renderDashboards } from '../../src/dashboards/index.js';
import { promqlError } from '../../src/probe/promql-names.js';
import { renderRuleFiles } from '../../src/rules/index.js';

describe('every generated query parses as PromQL', () => {
  it.each(GPU_KINDS)('rules and alerts with --gpu %s', (gpu) => {
    const exprs = [...renderRuleFiles({ targets: [], gpu, slo: DEFAULT_SLO }).rules].flatMap(([file, f]) => f.groups.flatMap((g) => g.rules.map((r) => ({ where: `${file} ${'record' in r ? r.record : r.alert}`, expr: r.expr }))));
    expect(exprs.length).toBeGreaterThan(100);
    expect(exprs.map((e) => [e.where, promqlError(e.expr)]).filter(([, err]) => err)).toEqual([]);
  });

  it('dashboard panel queries', () => {
    const queries = [...renderDashboards('dcgm').values()].flatMap((d) => panelQueries(d).map((q) => ({ where: `${d.uid} ${q.title}`, expr: q.expr })));
    expect(queries.length).toBeGreaterThan(50);
    expect(queries.map((q) => [q.where, promqlError(q.expr)]).filter(([, err]) => err)).toEqual([]);
  });

  it('rejects what is not PromQL', () => {
    expect(promqlError('sum by (job) (rate(x[5m])')).toMatch(/does not parse/);
    expect(promqlError('x{job="a"')).toMatch(/does not parse/);
    expect(promqlError('rate(x[5m]) +')).toMatch(/does not parse/);
  });
});
