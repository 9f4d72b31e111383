/**
 * validate's verdict on real captures of older engines: each is replayed under steady traffic
 * (support/replay.ts) to the generated stack (--gpu none, no Grafana) on real Prometheus and
 * Alertmanager of each toolchain in test/support/versions.ts: vLLM V0 ≈0.4/0.5 (DataDog capture,
 * opt-125m, prefix caching off) and the older SGLang of SGLang's docs (no num_requests_total).
 * validate must exit 0 with data in every panel the version can feed, and pass every other panel
 * as not applicable, naming the version that added its metric, or --gpu for the GPU panels.
 */
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import type { Check, ValidateReport } from '../../src/validate/types.js';
import { FIXTURES_PRESENT, FIXTURES_SKIP_REASON, fixture, requireTool } from '../support/env.js';
import { TOOLCHAINS } from '../support/versions.js';
import { type LocalStack, startLocalStack } from '../integration/support/local-stack.js';
import { waitFor } from '../integration/support/prometheus.js';
import { replayed } from '../integration/support/replay.js';
import { type StaticTarget, serveMetrics } from '../integration/support/static-targets.js';
import { type TestStack, pointTargets, renderTestStack, startNodeExporter } from '../integration/support/test-stack.js';

const NODE_EXPORTER = requireTool('prometheus-node-exporter', 'apt-get install -y prometheus-node-exporter');

const NO_GPU = /this stack scrapes no GPU exporter \(generated with --gpu none\): --gpu dcgm, nvidia-smi or amd brings the GPU panels/;
const GPU_PANELS = {
  'LLM serving instance / GPU utilisation on this machine': NO_GPU,
  'LLM serving instance / GPU memory on this machine': NO_GPU,
  'LLM serving overview / GPU busy: utilisation, SM and memory bandwidth': NO_GPU,
  'LLM serving overview / NVLink and PCIe traffic': NO_GPU,
  'LLM serving overview / GPU memory used': NO_GPU,
};

/** The optional-feature panels sit on both serving dashboards (collapsed rows on the overview). */
const onBoth = (panels: Record<string, RegExp>): Record<string, RegExp> =>
  Object.fromEntries(Object.entries(panels).flatMap(([title, note]) => ['LLM serving instance', 'LLM serving overview'].map((d) => [`${d} / ${title}`, note])));

interface Case {
  engine: 'vllm' | 'sglang';
  capture: string;
  /** What the engine answers about itself next to /metrics (vLLM /version), if anything. */
  serverInfo?: Record<string, unknown>;
  /** `<dashboard> / <panel>` -> what its not-applicable note must say. Every other panel has data. */
  notApplicable: Record<string, RegExp>;
}

/** Optional-feature panels (issue 11): not applicable on these older servers, each saying why. */
const V1_ONLY = (metric: string) => new RegExp(`${metric} is exposed only by vLLM V1 engine`);
const VLLM_FEATURE_PANELS = onBoth({
  'Prompt tokens from cache': /vllm:gpu_prefix_cache_hits_total was renamed vllm:prefix_cache_hits_total/,
  'Speculative decoding acceptance': /appears only when enabled: speculative decoding is off \(vLLM --speculative-config/,
  'P/D KV transfer failures': V1_ONLY('vllm:nixl_num_failed_transfers_total'),
  'P/D KV transfer time and queues': V1_ONLY('vllm:nixl_xfer_time_seconds_count'),
  'KV offload traffic': V1_ONLY('vllm:kv_offload_total_bytes_total'),
  'Estimated compute per GPU': V1_ONLY('vllm:estimated_flops_per_gpu_total'),
  'Estimated memory traffic per GPU': V1_ONLY('vllm:estimated_read_bytes_per_gpu_total'),
  'Corrupted and scheduler-aborted requests': V1_ONLY('vllm:corrupted_requests_total'),
  'LoRA adapters': /appears only when enabled: LoRA is off \(vLLM --enable-lora/,
  // The instance dashboard names its one selected target; the overview selects them all.
  'Forward-pass busy share': /sglang:forward_execution_seconds_total(?: comes from sglang; the selected target srv is not sglang|: no sglang target is configured in this Prometheus)/,
});
const SGLANG_ONLY_NEWER = (metric: string) => new RegExp(`${metric} is exposed only by SGLang \\(current \`sglang:\` names\\) \\(SGLang >= 0\\.4\\.5\\)`);
const SGLANG_FEATURE_PANELS = onBoth({
  'Prompt tokens from cache': /sglang:cached_tokens_total: absent from the docs sample/,
  'Speculative decoding acceptance': SGLANG_ONLY_NEWER('sglang:spec_verify_calls_total'),
  'P/D KV transfer failures': /appears only when enabled: prefill\/decode disaggregation is not used/,
  'P/D KV transfer time and queues': /appears only when enabled: prefill\/decode disaggregation is not used/,
  'KV offload traffic': /vllm:kv_offload_total_bytes_total(?: comes from vllm; the selected target srv is not vllm|: no vllm target is configured in this Prometheus)/,
  'Estimated compute per GPU': /appears only when enabled: MFU metrics are off \(--enable-mfu-metrics\)/,
  'Estimated memory traffic per GPU': /appears only when enabled: MFU metrics are off \(--enable-mfu-metrics\)/,
  'Corrupted and scheduler-aborted requests': SGLANG_ONLY_NEWER('sglang:scheduler_aborts_total'),
  'LoRA adapters': /appears only when enabled: LoRA is off/,
  'Forward-pass busy share': /sglang:forward_execution_seconds_total is the newer name of sglang:gpu_execution_seconds_total \(2026\); this server is older/,
});

const CASES: Record<string, Case> = {
  'vLLM V0 (DataDog capture)': {
    engine: 'vllm',
    capture: 'datadog__vllm_metrics_e99474c0.txt',
    // A /version within the capture's era (June 2024, ≈0.4/0.5): validate asks it and names it.
    serverInfo: { '/version': { version: '0.4.3' } },
    notApplicable: {
      'LLM serving instance / Queue time': /vllm:request_queue_time_seconds_bucket came in vLLM 0\.6\.4; this server reports vLLM 0\.4\.3: vLLM >= 0\.6\.4 brings it/,
      'LLM serving instance / Prefix-cache hit ratio': /vllm:gpu_prefix_cache_hit_rate came in vLLM 0\.5\.5; this server reports vLLM 0\.4\.3: vLLM >= 0\.5\.5 brings it/,
      'LLM serving overview / Prefix-cache hit ratio': /vllm:gpu_prefix_cache_hit_rate came in vLLM 0\.5\.5/,
      'LLM serving overview / Tokens per engine step (batch size)': /vllm:iteration_tokens_total_count came in vLLM 0\.6\.1; this server reports vLLM 0\.4\.3: vLLM >= 0\.6\.1 brings it/,
      ...VLLM_FEATURE_PANELS,
      ...GPU_PANELS,
    },
  },
  'older SGLang (docs sample)': {
    engine: 'sglang',
    capture: 'sglang-docs__production_metrics_example.prom',
    notApplicable: {
      'LLM serving instance / Queue time': /sglang:queue_time_seconds_bucket came in SGLang 0\.4\.5; .* SGLang >= 0\.4\.5 brings it/,
      'LLM serving instance / Server errors and client aborts': /sglang:num_aborted_requests_total: newer versions/,
      'LLM serving instance / Preemptions/s': /sglang:num_retracted_requests_total is exposed only by SGLang .*\(SGLang >= 0\.4\.5\)/,
      // The overview draws preemptions beside KV usage, which this server has: that panel has data.
      // SGLang exposes no server-error counter: the availability SLI is vLLM's.
      'LLM serving overview / Availability and error rate (5m)': /http_requests_total: no vllm target is configured in this Prometheus/,
      'LLM serving overview / Prompt length, distribution': /--collect-tokens-histogram/,
      'LLM serving overview / Generation length, distribution': /--collect-tokens-histogram/,
      'LLM serving overview / Tokens per engine step (batch size)': /sglang:cuda_graph_passes_total is exposed only by SGLang .*\(SGLang >= 0\.4\.5\)/,
      ...SGLANG_FEATURE_PANELS,
      ...GPU_PANELS,
    },
  },
};

function captureIo(): Io & { stdout: string[] } {
  const stdout: string[] = [];
  return { stdout, out: (l) => stdout.push(l), err: () => {}, isTTY: false, env: {} };
}

for (const tc of TOOLCHAINS) describe(`validate's verdict on replayed real captures, ${tc.name}`, () => {
  const prometheus = tc.prometheus.path('prometheus');
  const alertmanager = tc.alertmanager.path('prometheus-alertmanager');
  if (!FIXTURES_PRESENT || !prometheus || !alertmanager || !NODE_EXPORTER) {
    // Reported as skipped, with the reason, rather than as an empty (failing) suite.
    const why = !FIXTURES_PRESENT ? FIXTURES_SKIP_REASON : !prometheus ? tc.prometheus.missing('prometheus') : !alertmanager ? tc.alertmanager.missing('prometheus-alertmanager') : 'prometheus-node-exporter';
    it.skip(`needs ${why}`, () => {});
    return;
  }
  const runs = new Map<string, { code: number; report: ValidateReport }>();
  const cleanup: (() => Promise<void>)[] = [];

  async function runCase(c: Case, node: string): Promise<{ code: number; report: ValidateReport }> {
    const engine: StaticTarget = await serveMetrics(replayed(readFileSync(fixture(c.capture), 'utf8')), 200, c.serverInfo);
    cleanup.push(engine.close);
    const stack: TestStack = await renderTestStack({ targets: [{ name: 'srv', engine: c.engine, url: 'http://127.0.0.1:8000' }], gpu: 'none', grafana: false, scrapeInterval: '1s' });
    cleanup.push(async () => rmSync(stack.dir, { recursive: true, force: true }));
    pointTargets(stack, c.engine, { srv: engine.address });
    pointTargets(stack, 'node', { [stack.spec.localHost]: node });
    const local: LocalStack = await startLocalStack(stack, { prometheus: prometheus!, alertmanager: alertmanager! });
    cleanup.push(local.stop);
    // The SLO group evaluates once a minute: validate once it has recorded from traffic.
    await waitFor('SLO series from the replayed traffic', async () => ((await local.prom.client.query('llm:e2e_seconds_slo_bad:rate5m{instance="srv"}')).series.length ? true : undefined), 180_000, 2_000);
    // Watchdog fires a minute after the rules load: until then the alert panels are (rightly) empty, after it they show it.
    await waitFor('Watchdog firing', async () => ((await local.prom.client.query('ALERTS{alertname="Watchdog", alertstate="firing"}')).series.length ? true : undefined), 180_000, 2_000);
    const io = captureIo();
    const code = await main(['validate', stack.dir, '--live', '--prometheus-url', local.prom.url, '--alertmanager-url', local.am.url, '--wait', '60', '--json'], io);
    return { code, report: JSON.parse(io.stdout.join('\n')) as ValidateReport };
  }

  beforeAll(async () => {
    const node = await startNodeExporter(NODE_EXPORTER!);
    cleanup.push(node.stop);
    const results = await Promise.all(Object.values(CASES).map((c) => runCase(c, node.address)));
    Object.keys(CASES).forEach((name, i) => runs.set(name, results[i]!));
  }, 420_000);

  afterAll(async () => {
    for (const f of cleanup.reverse()) await f();
  });

  for (const [name, c] of Object.entries(CASES)) {
    const panelRows = (report: ValidateReport): Check[] => report.checks.filter((x) => x.name.startsWith('panel '));

    it(`${name}: validate passes (exit 0), no check fails or warns`, () => {
      const { code, report } = runs.get(name)!;
      expect(report.checks.filter((x) => x.status === 'fail' || x.status === 'warn').map((x) => `${x.status} ${x.name}: ${x.detail}`)).toEqual([]);
      expect(code).toBe(0);
    });

    it(`${name}: passes exactly the panels its version cannot feed as not applicable, saying what brings each`, () => {
      const rows = panelRows(runs.get(name)!.report);
      expect(Object.fromEntries(rows.map((r) => [r.name.replace(/^panel /, ''), r.status])), 'one row per panel without data').toEqual(Object.fromEntries(Object.keys(c.notApplicable).map((k) => [k, 'pass'])));
      for (const r of rows) {
        expect(r.detail).toMatch(/^not applicable: /);
        expect(r.detail).toMatch(c.notApplicable[r.name.replace(/^panel /, '')]!);
        expect(r.detail).not.toMatch(/raw metrics are present/);
      }
    });

    it(`${name}: every other panel shows data, QPS included`, () => {
      const panels = runs.get(name)!.report.panels!;
      const withoutData = panels.filter((p) => p.status !== 'data').map((p) => `${p.dashboard} / ${p.title}`);
      expect(withoutData.sort()).toEqual(Object.keys(c.notApplicable).sort());
      expect(panels.filter((p) => p.title === 'Requests/s').map((p) => p.status)).toEqual(['data']);
      expect(panels.filter((p) => p.status !== 'data').every((p) => p.verdict === 'not-applicable')).toBe(true);
    });
  }
});
