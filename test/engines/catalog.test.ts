import { describe, expect, it } from 'vitest';
import { ENGINE_FAMILIES, FAMILY_SIGNALS, explainMissing, findMetric, familyById, sourceMetrics, wireNames, RENAMES } from '../../src/engines/index.js';
import { servesSince, versionBefore } from '../../src/engines/catalog.js';

describe('engine catalog', () => {
  it('has unique family ids and unique metric names within each family', () => {
    const ids = ENGINE_FAMILIES.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const f of ENGINE_FAMILIES) {
      const names = f.metrics.map((m) => m.name);
      const dup = names.filter((n, i) => names.indexOf(n) !== i);
      expect(dup, `${f.id} duplicates`).toEqual([]);
    }
  });

  it('names follow the wire conventions: counters end in _total, histograms never carry a sample suffix', () => {
    for (const f of ENGINE_FAMILIES) {
      for (const m of f.metrics) {
        expect(m.source.length, `${m.name} source`).toBeGreaterThan(3);
        if (m.type === 'counter' && f.producer !== 'dcgm') expect(m.name, `${f.id}`).toMatch(/_total$/);
        if (m.type === 'histogram') expect(m.name).not.toMatch(/_(bucket|sum|count)$/);
        if (m.buckets) expect([...m.buckets].sort((a, b) => a - b)).toEqual([...m.buckets]);
        expect(m.labels).not.toContain('le');
      }
    }
  });

  it('every signal a family provides reads metrics that family really has', () => {
    for (const [id, signals] of Object.entries(FAMILY_SIGNALS)) {
      const family = familyById(id as never);
      for (const [signal, src] of Object.entries(signals)) {
        for (const metric of sourceMetrics(src!)) {
          if (metric.startsWith('process_')) continue; // prometheus_client process collector, not engine catalog
          expect(family.metrics.some((m) => m.name === metric), `${id}.${signal} → ${metric}`).toBe(true);
        }
      }
    }
  });

  it('V1 families emit _created series; V0 and SGLang do not', () => {
    const itl = familyById('vllm-v1').metrics.find((m) => m.name === 'vllm:inter_token_latency_seconds')!;
    expect(wireNames(itl, true)).toEqual([
      'vllm:inter_token_latency_seconds_bucket',
      'vllm:inter_token_latency_seconds_sum',
      'vllm:inter_token_latency_seconds_count',
      'vllm:inter_token_latency_seconds_created',
    ]);
    const success = familyById('vllm-v1').metrics.find((m) => m.name === 'vllm:request_success_total')!;
    expect(wireNames(success, true)).toEqual(['vllm:request_success_total', 'vllm:request_success_created']);
    expect(familyById('vllm-v0').exposition.createdSeries).toBe(false);
    expect(familyById('sglang').exposition.createdSeries).toBe(false);
  });

  it('finds metrics by sample name across families', () => {
    const hits = findMetric('vllm:time_per_output_token_seconds_bucket').map((h) => h.family.id);
    expect(hits).toEqual(['vllm-v0', 'vllm-v1-legacy', 'vllm-v1']);
    expect(findMetric('vllm:iteration_tokens_total_bucket').map((h) => h.metric.type)).toEqual(['histogram', 'histogram', 'histogram']);
    expect(findMetric('vllm:prefix_cache_hits_created').map((h) => h.family.id)).toEqual(['vllm-v1-legacy', 'vllm-v1']);
    expect(findMetric('nope')).toEqual([]);
  });

  it('explains missing series: renames, flags, exporter fields', () => {
    expect(explainMissing('vllm:gpu_cache_usage_perc', ['vllm-v1']).reason).toBe('version-rename');
    expect(explainMissing('vllm:gpu_cache_usage_perc').message).toContain('vllm:kv_cache_usage_perc');
    expect(explainMissing('vllm:inter_token_latency_seconds', ['vllm-v0']).message).toContain('newer name');
    expect(explainMissing('vllm:spec_decode_num_draft_tokens_total', ['vllm-v1'])).toMatchObject({ reason: 'flag-not-enabled' });
    expect(explainMissing('DCGM_FI_PROF_SM_ACTIVE', ['nvidia-smi']).reason).toBe('exporter-lacks-field');
    for (const r of RENAMES) expect(findMetric(r.from).length + (r.from.startsWith('sglang:') ? 1 : 0), r.from).toBeGreaterThan(0);
  });

  it('dates the V1 removals by the PRs that were merged (#32661, #38709), not the one closed unmerged (#30992)', () => {
    const v1 = (name: string) => familyById('vllm-v1').metrics.find((m) => m.name === name)!;
    expect(v1('vllm:time_per_output_token_seconds')).toMatchObject({ hiddenFrom: '0.12', versions: { until: '0.15' } });
    expect(v1('vllm:time_per_output_token_seconds').source).toMatch(/#32661.*0\.15 at the earliest/);
    expect(RENAMES.find((r) => r.from === 'vllm:time_per_output_token_seconds')!.when).not.toMatch(/removed 0\.13/);
    // Removed, not optional: no flag brings it back.
    expect(v1('vllm:prompt_tokens_recomputed_total')).toMatchObject({ versions: { until: '0.20' } });
    expect(v1('vllm:prompt_tokens_recomputed_total').optional).toBeUndefined();
    expect(explainMissing('vllm:prompt_tokens_recomputed_total', ['vllm-v1'])).toMatchObject({ reason: 'version-rename', message: expect.stringContaining('#38709') });
  });
});

describe('dating a server by what it exposes', () => {
  it('orders versions numerically', () => {
    expect(versionBefore('0.5.5', '0.6.4')).toBe(true);
    expect(versionBefore('0.6.4', '0.10')).toBe(true);
    expect(versionBefore('0.6.4', '0.6.4')).toBe(false);
    expect(versionBefore('0.11', '0.9.2')).toBe(false);
  });

  it('holds a V0 server older than a version until it exposes a metric that came then or later', () => {
    const v0 = familyById('vllm-v0');
    expect(servesSince(v0, '0.5.5', new Set(['vllm:num_requests_running']))).toBe(false);
    expect(servesSince(v0, '0.5.5', new Set(['vllm:request_queue_time_seconds_bucket']))).toBe(true);
    expect(servesSince(v0, '0.6.4', new Set(['vllm:gpu_prefix_cache_hit_rate']))).toBe(false);
    // A family whose whole range starts later (current SGLang, from 0.4.5) is that new by itself.
    expect(servesSince(familyById('sglang'), '0.4.5', new Set())).toBe(true);
  });
});

describe('dating a server by the release it reports', () => {
  const v1 = new Set(['vllm:num_requests_running', 'vllm:kv_cache_usage_perc', 'vllm:inter_token_latency_seconds_bucket']);

  it('reads the release part of what servers report', async () => {
    const { releaseOf } = await import('../../src/engines/catalog.js');
    expect(['0.11.0', '0.10.1.1', '0.11.0rc2.dev45+g1a2b3c', 'v0.5.4.post1', 'main'].map(releaseOf)).toEqual(['0.11.0', '0.10.1.1', '0.11.0', '0.5.4', undefined]);
  });

  it('a removed metric is not applicable from its removal on, and a fault before it', () => {
    const after = explainMissing('vllm:prompt_tokens_recomputed_total', ['vllm-v1'], v1, ['0.20.1']);
    expect(after).toMatchObject({ reason: 'version-rename', message: expect.stringMatching(/gone from vLLM 0\.20 on .*#38709.*reports vLLM 0\.20\.1/) });
    // 0.19 still has it: its absence is not the removal.
    expect(explainMissing('vllm:prompt_tokens_recomputed_total', ['vllm-v1'], v1, ['0.19.0']).reason).toBe('unknown-metric');
  });

  it('a hidden metric stays explained by its deprecation while hidden, by its removal after', () => {
    expect(explainMissing('vllm:time_per_output_token_seconds_bucket', ['vllm-v1'], v1, ['0.13.0']).message).toMatch(/hidden from 0\.12/);
    expect(explainMissing('vllm:time_per_output_token_seconds_bucket', ['vllm-v1'], v1, ['0.15.0']).message).toMatch(/gone from vLLM 0\.15 on/);
  });

  it('a V0 the names would date older, but that reports a release with the metric, lacks it for another reason', () => {
    const oldV0 = new Set(['vllm:num_requests_running', 'vllm:gpu_cache_usage_perc', 'vllm:e2e_request_latency_seconds_bucket']);
    expect(explainMissing('vllm:request_queue_time_seconds_bucket', ['vllm-v0'], oldV0).reason).toBe('version-predates');
    expect(explainMissing('vllm:request_queue_time_seconds_bucket', ['vllm-v0'], oldV0, ['0.5.3'])).toMatchObject({ reason: 'version-predates', message: expect.stringMatching(/reports vLLM 0\.5\.3: vLLM >= 0\.6\.4 brings it/) });
    expect(explainMissing('vllm:request_queue_time_seconds_bucket', ['vllm-v0'], oldV0, ['0.6.4']).reason).not.toBe('version-predates');
  });
});
