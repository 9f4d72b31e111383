/**
 * The series contract and the rules agree: every normalised series is recorded by some rule set,
 * every recorded series is in the contract, and names follow level:metric:operations.
 */
import { describe, expect, it } from 'vitest';
import { renderRuleFiles } from '../../src/rules/index.js';
import { SERIES } from '../../src/rules/series.js';
import { isAlert } from '../../src/rules/types.js';
import { seriesUsage } from '../../src/dashboards/usage.js';
import { DEFAULT_SLO } from '../../src/config/defaults.js';

function recorded(gpu: 'dcgm' | 'nvidia-smi' | 'amd'): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of renderRuleFiles({ targets: [], gpu, slo: DEFAULT_SLO }).rules.values()) {
    for (const g of f.groups) for (const r of g.rules) if (!isAlert(r)) out.set(r.record, [...(out.get(r.record) ?? []), g.name]);
  }
  return out;
}

describe('series contract', () => {
  const all = new Map<string, string[]>();
  for (const gpu of ['dcgm', 'nvidia-smi', 'amd'] as const) for (const [k, v] of recorded(gpu)) all.set(k, [...(all.get(k) ?? []), ...v]);

  it('names every series level:metric:operations with a known level and no duplicates', () => {
    const names = SERIES.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const s of SERIES) expect(s.name).toMatch(new RegExp(`^${s.level}:[a-z0-9_]+:[a-z0-9_]+$`));
  });

  it('is exactly what the rules record', () => {
    expect([...all.keys()].sort()).toEqual(SERIES.map((s) => s.name).sort());
  });

  it('records serving series once per engine, never twice in one engine file', () => {
    for (const engine of ['vllm', 'sglang']) {
      const groups = renderRuleFiles({ targets: [], gpu: 'none', slo: DEFAULT_SLO }).rules.get(`rules/llm-${engine}.yml`)!.groups;
      const records = groups.flatMap((g) => g.rules.filter((r) => !isAlert(r)).map((r) => ('record' in r ? r.record : '')));
      expect(new Set(records).size).toBe(records.length);
      for (const g of groups) for (const r of g.rules) if (!isAlert(r)) expect(r.labels).toEqual({ engine });
    }
  });

  it('serves dashboards and alerts: the core serving and GPU series are all read somewhere', () => {
    const usage = seriesUsage();
    for (const name of ['llm:requests_running:sum', 'llm:requests_waiting:sum', 'llm:kv_cache_usage_ratio:max', 'llm:ttft_seconds_bucket:rate5m', 'llm:engine_restarts:count5m', 'gpu:utilization:ratio', 'gpu:memory_used:bytes', 'host:cpu_utilization:ratio']) {
      expect(usage.get(name)?.length, name).toBeGreaterThan(0);
    }
  });
});
