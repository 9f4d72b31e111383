/**
 * The whole probe against a real Prometheus (each release of test/support/versions.ts: 2.42, 2.53, 3.5)
 * scraping real captures served as-is:
 * a vLLM V0 scrape (facebook/opt-125m), a DCGM capture with its profiling fields removed (what a
 * GeForce card or a default counters CSV gives) and an SGLang started without --enable-metrics.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type ProbeReport, probeDashboards } from '../../src/probe/index.js';
import { FIXTURES_PRESENT, FIXTURES_SKIP_REASON, fixture } from '../support/env.js';
import { PROMETHEUS_RELEASES } from '../support/versions.js';
import { type RunningPrometheus, startPrometheus, waitFor } from '../integration/support/prometheus.js';
import { type StaticTarget, serveMetrics } from '../integration/support/static-targets.js';

if (!FIXTURES_PRESENT) console.warn(`skipped: ${FIXTURES_SKIP_REASON}`);

const rules = {
  groups: [
    {
      name: 'probe-test',
      rules: [
        // Two alternatives for one series, as the generated rules do across engine versions.
        { record: 'llm:kv_cache_usage_ratio:max', expr: 'max by (instance, model_name) (vllm:kv_cache_usage_perc)' },
        { record: 'llm:kv_cache_usage_ratio:max', expr: 'max by (instance, model_name) (vllm:gpu_cache_usage_perc)' },
        { record: 'llm:requests_running:sum', expr: 'sum by (instance, model_name) (sglang:num_running_reqs)' },
        {
          record: 'llm:ttft_seconds:p99_5m',
          expr: 'histogram_quantile(0.99, sum by (le, instance, model_name) (rate(vllm:time_to_first_token_seconds_bucket[5m])))',
        },
        { record: 'gpu:sm_active:ratio', expr: 'DCGM_FI_PROF_SM_ACTIVE' },
      ],
    },
  ],
};

const panel = (id: number, title: string, ...exprs: string[]) => ({
  id,
  title,
  type: 'timeseries',
  datasource: { type: 'prometheus', uid: '${datasource}' },
  targets: exprs.map((expr, i) => ({ refId: String.fromCharCode(65 + i), expr, datasource: { type: 'prometheus', uid: '${datasource}' } })),
});

const dashboard = {
  uid: 'probe-test',
  title: 'Probe test',
  templating: {
    list: [
      { name: 'datasource', type: 'datasource', query: 'prometheus' },
      { name: 'model_name', type: 'query', query: 'label_values(vllm:num_requests_running, model_name)', includeAll: false, multi: false },
      { name: 'instance', type: 'query', query: 'label_values(up{job=~"vllm|sglang"}, instance)', includeAll: true, multi: true },
    ],
  },
  panels: [
    panel(1, 'Process memory', 'process_resident_memory_bytes{job="vllm", instance=~"$instance"}'),
    panel(2, 'KV cache (normalised)', 'max(llm:kv_cache_usage_ratio:max{model_name="$model_name"})'),
    panel(3, 'TTFT p99 (normalised)', 'max(llm:ttft_seconds:p99_5m)'),
    panel(4, 'KV cache (raw V1 name)', 'vllm:kv_cache_usage_perc{model_name="$model_name"}'),
    panel(5, 'SGLang running (normalised)', 'sum(llm:requests_running:sum)'),
    panel(6, 'SM active', 'avg(gpu:sm_active:ratio)'),
    panel(7, 'Broken query', 'sum(rate(vllm:prompt_tokens_total[$__rate_interval])'),
    panel(8, 'Prompt tokens (raw rate)', 'sum(rate(vllm:prompt_tokens_total{instance=~"$instance"}[$__rate_interval]))'),
    // The quoted syntax of UTF-8 (e.g. OpenTelemetry) names, Prometheus 3's; 2.53 parses it, 2.42 cannot.
    panel(9, 'UTF-8 name', 'sum(rate({"http.server.request.duration_seconds_count", job="vllm"}[$__rate_interval]))'),
  ],
};

for (const release of PROMETHEUS_RELEASES) describe(`panel probe against real ${release.name} and real captures`, () => {
  const prometheus = release.path('prometheus');
  if (!FIXTURES_PRESENT || !prometheus) {
    // Reported as skipped, with the reason, rather than as an empty (failing) suite.
    it.skip(`needs ${!FIXTURES_PRESENT ? FIXTURES_SKIP_REASON : release.missing('prometheus')}`, () => {});
    return;
  }
  let dir: string;
  let prom: RunningPrometheus;
  const servers: StaticTarget[] = [];
  let report: ProbeReport;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cvm-probe-'));
    const vllm = await serveMetrics(readFileSync(fixture('datadog__vllm_metrics_e99474c0.txt'), 'utf8'));
    const dcgmBody = readFileSync(fixture('datadog__dcgm_metrics_2931c104.txt'), 'utf8')
      .split('\n')
      .filter((l) => !l.includes('DCGM_FI_PROF_'))
      .join('\n');
    const dcgm = await serveMetrics(dcgmBody);
    const sglang = await serveMetrics('{"detail":"Not Found"}', 404);
    servers.push(vllm, dcgm, sglang);
    const job = (name: string, t: StaticTarget, instance: string) => ({
      job_name: name,
      static_configs: [{ targets: [t.address], labels: { instance, host: 'box' } }],
    });
    writeFileSync(join(dir, 'rules.yml'), stringify(rules));
    writeFileSync(
      join(dir, 'prometheus.yml'),
      stringify({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        rule_files: ['rules.yml'],
        scrape_configs: [job('vllm', vllm, 'opt'), job('gpu-dcgm', dcgm, 'box'), job('sglang', sglang, 'sgl')],
      }),
    );
    prom = await startPrometheus({ binary: prometheus!, configFile: join(dir, 'prometheus.yml') });
    // Enough scrapes and rule evaluations for range queries over a short window.
    await waitFor('scrapes and rule evaluations', async () => {
      const r = await prom.client.query('count_over_time(llm:kv_cache_usage_ratio:max[1m])');
      return r.series.length && Number(r.series[0]!.value![1]) >= 4 ? true : undefined;
    });
    report = await probeDashboards({
      prometheusUrl: prom.url,
      dashboards: [dashboard],
      rangeSeconds: 60,
      scrapeIntervalSeconds: 1,
    });
  });

  afterAll(async () => {
    await prom?.stop();
    for (const s of servers) await s.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const byTitle = (t: string) => report.panels.find((p) => p.title === t)!;

  it('resolves label_values variables from Prometheus and All to .*', () => {
    expect(report.variables['probe-test']).toEqual({ datasource: ['prometheus'], model_name: ['facebook/opt-125m'], instance: 'All' });
    expect(byTitle('KV cache (normalised)').queries[0]!.expr).toBe('max(llm:kv_cache_usage_ratio:max{model_name="facebook/opt-125m"})');
    expect(byTitle('Prompt tokens (raw rate)').queries[0]!.expr).toBe('sum(rate(vllm:prompt_tokens_total{instance=~".*"}[4s]))');
  });

  it('says data for a series with values', () => {
    expect(byTitle('Process memory').status).toBe('data');
  });

  it('says waiting-for-traffic for an idle gauge, a quantile over zero rates and a rate of a still counter', () => {
    expect(byTitle('KV cache (normalised)').status).toBe('waiting-for-traffic');
    const ttft = byTitle('TTFT p99 (normalised)');
    expect(ttft.status).toBe('waiting-for-traffic');
    expect(ttft.queries[0]!.counts!.nan).toBeGreaterThan(0);
    expect(byTitle('Prompt tokens (raw rate)').status).toBe('waiting-for-traffic');
  });

  it('names a version rename for a V1 name on a V0 server', () => {
    const p = byTitle('KV cache (raw V1 name)');
    expect(p.status).toBe('missing-series');
    expect(p.missing![0]).toMatchObject({ metric: 'vllm:kv_cache_usage_perc', kind: 'version-rename' });
    expect(p.missing![0]!.detail).toMatch(/newer name of vllm:gpu_cache_usage_perc/);
  });

  it('names --enable-metrics for an SGLang that answers 404, walking from the normalised series to the raw one', () => {
    const p = byTitle('SGLang running (normalised)');
    expect(p.status).toBe('missing-series');
    expect(p.needs).toEqual({ recorded: ['llm:requests_running:sum'], raw: [{ metric: 'sglang:num_running_reqs', present: false }] });
    expect(p.missing![0]).toMatchObject({ metric: 'sglang:num_running_reqs', kind: 'flag-not-enabled' });
    expect(p.explanation).toMatch(/--enable-metrics/);
  });

  it('says the exporter lacks the profiling field when DCGM reports no DCGM_FI_PROF_*', () => {
    const p = byTitle('SM active');
    expect(p.status).toBe('missing-series');
    expect(p.missing![0]).toMatchObject({ metric: 'DCGM_FI_PROF_SM_ACTIVE', kind: 'exporter-lacks-field' });
  });

  it('reports a query Prometheus rejects as a query error', () => {
    const p = byTitle('Broken query');
    expect(p.status).toBe('query-error');
    expect(p.queries[0]!.error).toMatch(/parse error/);
  });

  const quotedNames = release.atLeast('2.53');
  it(`${quotedNames ? 'names the missing series of a quoted UTF-8 selector' : 'reports a quoted UTF-8 selector as the parse error it is here'}`, () => {
    const p = byTitle('UTF-8 name');
    if (!quotedNames) {
      expect(p.status).toBe('query-error');
      expect(p.queries[0]!.error).toMatch(/parse error/);
    } else {
      expect(p.status).toBe('missing-series');
      expect(p.missing![0]!.metric).toBe('http.server.request.duration_seconds_count');
    }
  });

  it('counts panels by status', () => {
    expect(report.summary).toEqual(quotedNames ? { data: 1, 'waiting-for-traffic': 3, 'missing-series': 4, 'query-error': 1 } : { data: 1, 'waiting-for-traffic': 3, 'missing-series': 3, 'query-error': 2 });
  });
});
