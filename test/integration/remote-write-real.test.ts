/**
 * --remote-write for real: a generated stack's Prometheus (Debian 12's 2.42, the oldest we support,
 * and Debian unstable's 3.5, the major version the stack ships; the receiver is the same release) scrapes emulated vLLM, SGLang and DCGM exporters and the real node exporter, and remote-writes to
 *   (a) a real VictoriaMetrics (Debian's victoria-metrics) behind basic auth, everything, and
 *   (b) a real Prometheus started with --web.enable-remote-write-receiver, recorded series only.
 * Our recorded series must arrive in both with the `cluster` and `replica` external labels, no raw
 * engine series in (b), and every dashboard query must return the same values from each receiver
 * as from the local Prometheus, at one instant well behind the newest sample (remote write lags by
 * up to batch_send_deadline), with the external labels (receiver side only) set aside.
 *
 * Loopback adaptations, all outside what users run: the file_sd lists point at the local emulators,
 * remote_write's host.docker.internal becomes 127.0.0.1 and /run/secrets/ the stack's secrets/.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/demo/index.js';
import { probeDashboards, type ProbeReport } from '../../src/probe/index.js';
import { PrometheusClient, type SeriesResult } from '../../src/probe/prom-client.js';
import { metricNames } from '../../src/probe/promql-names.js';
import { SERIES_LEVELS } from '../../src/rules/series.js';
import { basicAuthHeaders } from '../../src/stack/access.js';
import { requireTool } from '../support/env.js';
import { PROMETHEUS_RELEASES } from '../support/versions.js';
import { freePort, type RunningPrometheus, startPrometheus, waitFor } from './support/prometheus.js';
import { startVictoriaMetrics } from './support/victoria-metrics.js';
import { type TestStack, pointTargets, renderTestStack, startNodeExporter } from './support/test-stack.js';

const VM = requireTool('victoria-metrics', 'apt-get install -y victoria-metrics');
const NODE_EXPORTER = requireTool('prometheus-node-exporter', 'apt-get install -y prometheus-node-exporter');

const VM_USER = 'vm-writer';
const VM_PASSWORD = 'vm-pass-9f8e7d6c5b4a';
const CLUSTER = 'itest-fleet';
const REPLICA = 'monitor-a';
const EXTERNAL = ['cluster', 'replica', 'monitor'];
const RECORDED = new RegExp(`^(${SERIES_LEVELS.join('|')}):`);

/** A series' labels without the external labels, as a sortable key. */
const key = (s: SeriesResult): string =>
  JSON.stringify(Object.entries(s.metric).filter(([k]) => !EXTERNAL.includes(k)).sort(([a], [b]) => a.localeCompare(b)));

/** Values of an instant result by series, rounded: the two engines sum floats in different orders. */
function values(series: SeriesResult[]): Record<string, number> {
  return Object.fromEntries(series.map((s) => [key(s), Number(s.value?.[1])]).sort(([a], [b]) => String(a).localeCompare(String(b))));
}

/**
 * The same series with the same values, to 1e-9 relative: VictoriaMetrics stores a float as a decimal
 * of limited precision, so its 12th digit may differ (rounding both to 9 digits still flips at a boundary).
 */
function sameValues(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => k in b && (Object.is(a[k], b[k]) || Math.abs(a[k]! - b[k]!) <= 1e-9 * Math.max(Math.abs(a[k]!), Math.abs(b[k]!))));
}

for (const release of [PROMETHEUS_RELEASES[0]!, PROMETHEUS_RELEASES.at(-1)!]) describe(`--remote-write from ${release.name} to real VictoriaMetrics and a real Prometheus receiver`, () => {
  const PROMETHEUS = release.path('prometheus');
  if (!VM || !NODE_EXPORTER || !PROMETHEUS) {
    it.skip(`needs ${!VM ? 'victoria-metrics (apt-get install -y victoria-metrics)' : !NODE_EXPORTER ? 'prometheus-node-exporter' : release.missing('prometheus')}`, () => {});
    return;
  }
  const emulators: Emulator[] = [];
  let node: Awaited<ReturnType<typeof startNodeExporter>>;
  let vm: Awaited<ReturnType<typeof startVictoriaMetrics>>;
  let receiver: RunningPrometheus;
  let local: RunningPrometheus;
  let stack: TestStack;
  let vmClient: PrometheusClient;
  const vmAuth = basicAuthHeaders({ user: VM_USER, password: VM_PASSWORD });

  beforeAll(async () => {
    const vllm = await startEmulator({ kind: 'vllm-v1', model: 'meta-llama/Llama-3.1-8B-Instruct', seed: 7, arrivalRate: 4 });
    const sglang = await startEmulator({ kind: 'sglang', model: 'Qwen/Qwen2.5-32B-Instruct', seed: 8, arrivalRate: 4 });
    const gpu = await startEmulator({ kind: 'dcgm', gpus: 2, seed: 9, follow: [vllm, sglang] });
    emulators.push(vllm, sglang, gpu);
    node = await startNodeExporter(NODE_EXPORTER!);
    vm = await startVictoriaMetrics(VM!, [`-httpAuth.username=${VM_USER}`, `-httpAuth.password=${VM_PASSWORD}`]);
    vmClient = new PrometheusClient(vm.url, undefined, vmAuth);
    const receiverDir = mkdtempSync(join(tmpdir(), 'cvm-rw-receiver-'));
    writeFileSync(join(receiverDir, 'prometheus.yml'), stringify({ global: {} }));
    receiver = await startPrometheus({ binary: PROMETHEUS!, configFile: join(receiverDir, 'prometheus.yml'), extraArgs: ['--web.enable-remote-write-receiver'] });

    const [vmPort, receiverPort] = [new URL(vm.url).port, new URL(receiver.url).port];
    stack = await renderTestStack(
      {
        targets: [
          { name: 'vllm-a', engine: 'vllm', url: vllm.url },
          { name: 'sglang-a', engine: 'sglang', url: sglang.url },
        ],
        gpu: 'dcgm',
        scrapeInterval: '1s',
        remoteWrite: {
          endpoints: [
            { url: `http://localhost:${vmPort}/api/v1/write`, username: VM_USER, password: VM_PASSWORD },
            { url: `http://localhost:${receiverPort}/api/v1/write`, recordedOnly: true },
          ],
          cluster: CLUSTER,
          replica: REPLICA,
        },
      },
      'rw-itest',
    );
    const host = stack.spec.localHost;
    pointTargets(stack, 'vllm', { 'vllm-a': `127.0.0.1:${vllm.port}` });
    pointTargets(stack, 'sglang', { 'sglang-a': `127.0.0.1:${sglang.port}` });
    pointTargets(stack, 'gpu', { [host]: `127.0.0.1:${gpu.port}` });
    pointTargets(stack, 'node', { [host]: node.address });
    const text = readFileSync(stack.configFile, 'utf8');
    expect(text).not.toContain(VM_PASSWORD);
    writeFileSync(stack.configFile, text.replaceAll('host.docker.internal', '127.0.0.1').replaceAll('/run/secrets/', `${join(stack.dir, 'secrets')}/`));
    local = await startPrometheus({ binary: PROMETHEUS!, configFile: stack.configFile });
    rmSync(receiverDir, { recursive: true, force: true });
  }, 120_000);

  afterAll(async () => {
    await local?.stop();
    await receiver?.stop();
    await vm?.stop();
    for (const e of emulators) await e.stop();
    await node?.stop();
    if (stack) rmSync(stack.dir, { recursive: true, force: true });
  });

  const ttft = 'llm:ttft_seconds_bucket:rate5m';

  it('our recorded series arrive in both receivers with the cluster and replica labels', async () => {
    for (const [name, client] of [['VictoriaMetrics', vmClient], ['Prometheus receiver', receiver.client]] as const) {
      const got = await waitFor(`${ttft} in ${name}`, async () => {
        const r = await client.query(`count by (cluster, replica, instance) (${ttft})`);
        return r.series.length >= 2 ? r.series : undefined;
      }, 90_000, 1_000);
      expect(got.map((s) => s.metric).sort((a, b) => a.instance!.localeCompare(b.instance!)), name).toEqual([
        { cluster: CLUSTER, replica: REPLICA, instance: 'sglang-a' },
        { cluster: CLUSTER, replica: REPLICA, instance: 'vllm-a' },
      ]);
      for (const level of SERIES_LEVELS.filter((l) => l !== 'router')) {
        const r = await client.query(`count({__name__=~"${level}:.+", cluster="${CLUSTER}", replica="${REPLICA}"})`);
        expect(Number(r.series[0]?.value?.[1] ?? 0), `${level}:* series in ${name}`).toBeGreaterThan(0);
      }
    }
    // Locally the external labels are not there: they are added on the way out.
    expect((await local.client.query(`count(${ttft}{cluster!=""})`)).series).toEqual([]);
  });

  it('recorded-only sends no raw series; the full endpoint gets the raw scrapes too', async () => {
    const raw = 'count({__name__=~"vllm:.+|sglang:.+|DCGM_.+|node_.+|up"})';
    expect(Number((await local.client.query(raw)).series[0]?.value?.[1]), 'raw series locally').toBeGreaterThan(0);
    expect(Number((await vmClient.query(raw)).series[0]?.value?.[1]), 'raw series in VictoriaMetrics').toBeGreaterThan(0);
    const names = await receiver.client.metricNames();
    expect(names.filter((n) => !RECORDED.test(n))).toEqual([]);
  });

  it('every dashboard query returns the same values from each receiver as from the local Prometheus', async () => {
    // Well behind the newest sample: a batch waits up to 5 s (batch_send_deadline) to be sent.
    const time = Math.floor(Date.now() / 1000) - 10;
    for (const client of [vmClient, receiver.client]) {
      await waitFor('the receivers caught up with the compared instant', async () => {
        const r = await client.query(`max(timestamp(${ttft}))`);
        return Number(r.series[0]?.value?.[1] ?? 0) > time + 2 ? true : undefined;
      }, 30_000, 1_000);
    }
    const probe = (url: string, headers?: Record<string, string>): Promise<ProbeReport> =>
      probeDashboards({ prometheusUrl: url, ...(headers ? { prometheusHeaders: headers } : {}), dashboards: stack.dashboards, instant: true, time, scrapeIntervalSeconds: 1, rules: [] });
    const mine = await probe(local.url);
    const withData = mine.panels.filter((p) => p.status === 'data');
    expect(withData.length, 'panels with data locally').toBeGreaterThan(20);

    const receivers = [
      { name: 'VictoriaMetrics', url: vm.url, headers: vmAuth, client: vmClient, all: true },
      { name: 'Prometheus receiver (recorded only)', url: receiver.url, headers: undefined, client: receiver.client, all: false },
    ];
    /** What differs between local and receiver at `time`, and how many queries were compared. */
    const compare = async (r: (typeof receivers)[number]): Promise<{ differences: string[]; compared: number }> => {
      const theirs = await probe(r.url, r.headers);
      const differences: string[] = [];
      let compared = 0;
      for (const p of withData) {
        const exprs = p.queries.map((q) => q.expr);
        // Raw series do not reach a recorded-only receiver: its panels over raw series are out.
        if (!r.all && exprs.some((e) => metricNames(e).some((n) => !RECORDED.test(n)))) continue;
        const other = theirs.panels.find((x) => x.dashboardUid === p.dashboardUid && x.panelId === p.panelId)!;
        // All zeros count as data only while raw request counters move (the probe's traffic check),
        // and those stay home with recorded-only: there the panel waits for traffic; its values still match below.
        const zerosWithoutCounters = !r.all && other.status === 'waiting-for-traffic' && p.explanation === 'all values are zero while requests are being served';
        if (other.status !== 'data' && !zerosWithoutCounters) differences.push(`${p.dashboard} / ${p.title}: ${other.status} in ${r.name}`);
        for (const expr of exprs) {
          // MetricsQL's histogram_quantile is not PromQL's: where a rank falls on a bucket boundary it
          // answered the next bound (CI: 0.1 where Prometheus said 0.08). Its inputs, the recorded
          // bucket rates, are compared exactly where panels read them, and the Prometheus receiver
          // compares these quantiles too.
          if (r.name === 'VictoriaMetrics' && expr.includes('histogram_quantile(')) continue;
          const [a, b] = await Promise.all([local.client.query(expr, time), r.client.query(expr, time)]);
          compared++;
          const [va, vb] = [values(a.series), values(b.series)];
          if (!sameValues(va, vb)) differences.push(`${p.dashboard} / ${p.title}: ${expr}\n  local ${JSON.stringify(va)}\n  ${r.name} ${JSON.stringify(vb)}`);
        }
      }
      return { differences, compared };
    };
    for (const r of receivers) {
      // Remote write sends each shard on its own, so one family caught up (above) does not mean all
      // did: a difference counts only if it is still there 15 s later, at the same instant.
      let result = await compare(r);
      for (let tries = 0; result.differences.length > 0 && tries < 5; tries++) {
        await new Promise((done) => setTimeout(done, 3_000));
        result = await compare(r);
      }
      expect(result.compared, `queries compared against ${r.name}`).toBeGreaterThan(20);
      expect(result.differences, r.name).toEqual([]);
    }
  }, 240_000);
});
