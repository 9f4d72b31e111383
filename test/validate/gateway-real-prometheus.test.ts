/**
 * validate on a stack with a gateway target, on real Prometheus and Alertmanager of every
 * toolchain: the gateway (its registry as metrics-exporter-prometheus renders it, engines/smg.ts)
 * routes over HTTP, so it reports no client TTFT/TPOT, and nothing has failed or been retried yet.
 * validate must pass, with data on every gateway panel the gateway can feed (circuit breakers all
 * closed, 0, while requests flow: data) and each other one not applicable, saying why.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import type { ValidateReport } from '../../src/validate/types.js';
import { requireTool } from '../support/env.js';
import { TOOLCHAINS } from '../support/versions.js';
import { startLocalStack } from '../integration/support/local-stack.js';
import { waitFor } from '../integration/support/prometheus.js';
import { replayed } from '../integration/support/replay.js';
import { serveMetrics } from '../integration/support/static-targets.js';
import { pointTargets, renderTestStack, startNodeExporter } from '../integration/support/test-stack.js';

const NODE_EXPORTER = requireTool('prometheus-node-exporter', 'apt-get install -y prometheus-node-exporter');

const MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
const WORKERS = ['http://10.0.0.5:30000', 'http://10.0.0.6:30000'];
const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 45, 60, 90, 120, 180, 240];

/** A gateway in HTTP mode after 600 requests, 1.2 s each: counters the replay makes grow. */
function gatewayBody(): string {
  const routed = `router_type="http",backend_type="regular",connection_mode="http",model="${MODEL}",endpoint="chat"`;
  const lines = [
    '# TYPE smg_http_requests_total counter',
    'smg_http_requests_total{method="POST",path="/v1/chat/completions"} 600',
    '# TYPE smg_http_responses_total counter',
    'smg_http_responses_total{status_code="200",error_code=""} 600',
    '# TYPE smg_http_connections_active gauge',
    'smg_http_connections_active 8',
    '# TYPE smg_router_requests_total counter',
    `smg_router_requests_total{${routed},streaming="true"} 600`,
    '# TYPE smg_router_request_duration_seconds histogram',
    ...DURATION_BUCKETS.map((b) => `smg_router_request_duration_seconds_bucket{${routed},le="${b}"} ${b >= 2.5 ? 600 : b >= 1 ? 100 : 0}`),
    `smg_router_request_duration_seconds_bucket{${routed},le="+Inf"} 600`,
    `smg_router_request_duration_seconds_sum{${routed}} 720`,
    `smg_router_request_duration_seconds_count{${routed}} 600`,
    '# TYPE smg_worker_pool_size gauge',
    `smg_worker_pool_size{worker_type="regular",connection_mode="http",model="${MODEL}"} 2`,
    '# TYPE smg_worker_health gauge',
    ...WORKERS.map((w) => `smg_worker_health{worker="${w}"} 1`),
    '# TYPE smg_worker_cb_state gauge',
    ...WORKERS.map((w) => `smg_worker_cb_state{worker="${w}"} 0`),
    '# TYPE smg_worker_requests_active gauge',
    ...WORKERS.map((w) => `smg_worker_requests_active{worker="${w}"} 4`),
  ];
  return `${lines.join('\n')}\n`;
}

const WITH_DATA = ['Requests/s by model', 'Answers by status class', 'Healthy workers', 'Health by worker', 'Circuit breakers'];
const NOT_APPLICABLE: Record<string, RegExp> = {
  'Errors by type': /smg_router_request_errors_total: the gateway creates it on its first event/,
  'Client TTFT, p50 and p99': /smg_router_ttft_seconds\S*: gRPC mode only/,
  'Client TPOT, p50 and p99': /smg_router_tpot_seconds\S*: gRPC mode only/,
  Retries: /smg_worker_retries\S*_total: the gateway creates it on its first event/,
  'P/D KV handoff failures': /smg_pd_kv_transfer_failures_total: the decode worker recomputes/,
};

function captureIo(): Io & { stdout: string[] } {
  const stdout: string[] = [];
  return { stdout, out: (l) => stdout.push(l), err: () => {}, isTTY: false, env: {} };
}

for (const tc of TOOLCHAINS) describe(`validate on a stack with a gateway target, ${tc.name}`, () => {
  const prometheus = tc.prometheus.path('prometheus');
  const alertmanager = tc.alertmanager.path('prometheus-alertmanager');
  if (!prometheus || !alertmanager || !NODE_EXPORTER) {
    it.skip(`needs ${!prometheus ? tc.prometheus.missing('prometheus') : !alertmanager ? tc.alertmanager.missing('prometheus-alertmanager') : 'prometheus-node-exporter'}`, () => {});
    return;
  }
  const cleanup: (() => Promise<void>)[] = [];
  let run: { code: number; report: ValidateReport };

  beforeAll(async () => {
    const node = await startNodeExporter(NODE_EXPORTER!);
    cleanup.push(node.stop);
    const gateway = await serveMetrics(replayed(gatewayBody()));
    cleanup.push(gateway.close);
    const stack = await renderTestStack({ targets: [{ name: 'gw', engine: 'router', url: 'http://127.0.0.1:29000' }], gpu: 'none', grafana: false, scrapeInterval: '1s' });
    cleanup.push(async () => rmSync(stack.dir, { recursive: true, force: true }));
    pointTargets(stack, 'router', { gw: gateway.address });
    pointTargets(stack, 'node', { [stack.spec.localHost]: node.address });
    const local = await startLocalStack(stack, { prometheus: prometheus!, alertmanager: alertmanager! });
    cleanup.push(local.stop);
    await waitFor('gateway rates', async () => ((await local.prom.client.query('router:requests:rate5m{instance="gw"} > 0')).series.length ? true : undefined), 120_000, 1_000);
    const io = captureIo();
    const code = await main(['validate', stack.dir, '--live', '--prometheus-url', local.prom.url, '--alertmanager-url', local.am.url, '--wait', '60', '--json'], io);
    run = { code, report: JSON.parse(io.stdout.join('\n')) as ValidateReport };
  }, 300_000);

  afterAll(async () => {
    for (const f of cleanup.reverse()) await f();
  });

  // The Hosts dashboard reads this test machine's own network, idle or not: not the gateway's to judge.
  const aboutThisMachine = (name: string) => / Hosts( |$)/.test(name);

  it('validate passes (exit 0), no check about the gateway fails or warns', () => {
    expect(run.report.checks.filter((x) => (x.status === 'fail' || x.status === 'warn') && !aboutThisMachine(x.name)).map((x) => `${x.status} ${x.name}: ${x.detail}`)).toEqual([]);
    expect(run.report.checks.filter((x) => x.status === 'fail').map((x) => x.name)).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('the gateway dashboard: data where the gateway feeds it, not applicable elsewhere, saying why', () => {
    const panels = run.report.panels!.filter((p) => p.dashboard === 'LLM gateway');
    expect(panels.filter((p) => p.status === 'data').map((p) => p.title).sort()).toEqual([...WITH_DATA].sort());
    const rest = panels.filter((p) => p.status !== 'data');
    expect(rest.map((p) => p.title).sort()).toEqual(Object.keys(NOT_APPLICABLE).sort());
    for (const p of rest) {
      expect(p.verdict, p.title).toBe('not-applicable');
      expect(`${p.note ?? ''} ${p.explanation ?? ''}`, p.title).toMatch(NOT_APPLICABLE[p.title]!);
    }
  });
});
