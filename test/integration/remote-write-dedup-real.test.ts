/**
 * HA replicas deduplicated in real VictoriaMetrics (Debian's victoria-metrics, single node), as the
 * generated README and docs/scale.md tell: two real Prometheus processes run generated stacks that
 * differ only in --replica, scrape the same emulated vLLM and SGLang servers, and remote-write to
 *   (a) VictoriaMetrics started with -dedup.minScrapeInterval=<scrape interval> and a -relabelConfig
 *       dropping the `replica` label (DEDUP_ARGS), and
 *   (b) a plain VictoriaMetrics, the control: without dedup it holds both replicas' series.
 * In (a) a query returns one series per target, each of its raw samples is a sample one of the
 * replicas took (same timestamp, same value), at most one per scrape interval; (b) returns two.
 *
 * Loopback adaptations as in remote-write-real: the file_sd lists point at the local emulators, and
 * remote_write's host.docker.internal becomes 127.0.0.1.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/demo/index.js';
import { PrometheusClient } from '../../src/probe/prom-client.js';
import { VM_DEDUP_RELABEL, vmDedupArgs } from '../../src/render/remote-write-dedup.js';
import { requireTool } from '../support/env.js';
import { PROMETHEUS_RELEASES } from '../support/versions.js';
import { type RunningPrometheus, startPrometheus, waitFor } from './support/prometheus.js';
import { type RunningVictoriaMetrics, startVictoriaMetrics } from './support/victoria-metrics.js';
import { type TestStack, pointTargets, renderTestStack } from './support/test-stack.js';

const VM = requireTool('victoria-metrics', 'apt-get install -y victoria-metrics');
const release = PROMETHEUS_RELEASES.at(-1)!;
const PROMETHEUS = release.path('prometheus');
const SCRAPE = '1s';

describe(`HA replicas (${release.name}) deduplicated by real VictoriaMetrics`, () => {
  if (!VM || !PROMETHEUS) {
    it.skip(`needs ${!VM ? 'victoria-metrics (apt-get install -y victoria-metrics)' : release.missing('prometheus')}`, () => {});
    return;
  }
  const emulators: Emulator[] = [];
  const stacks: TestStack[] = [];
  const replicas: RunningPrometheus[] = [];
  let dedup: RunningVictoriaMetrics;
  let plain: RunningVictoriaMetrics;
  let relabelDir: string;

  beforeAll(async () => {
    const vllm = await startEmulator({ kind: 'vllm-v1', model: 'meta-llama/Llama-3.1-8B-Instruct', seed: 7, arrivalRate: 4 });
    const sglang = await startEmulator({ kind: 'sglang', model: 'Qwen/Qwen2.5-32B-Instruct', seed: 8, arrivalRate: 4 });
    emulators.push(vllm, sglang);
    relabelDir = mkdtempSync(join(tmpdir(), 'cvm-vm-relabel-'));
    const relabel = join(relabelDir, 'relabel.yml');
    writeFileSync(relabel, stringify(VM_DEDUP_RELABEL));
    dedup = await startVictoriaMetrics(VM!, vmDedupArgs(SCRAPE, relabel));
    plain = await startVictoriaMetrics(VM!);
    for (const replica of ['monitor-a', 'monitor-b']) {
      const stack = await renderTestStack(
        {
          targets: [
            { name: 'vllm-a', engine: 'vllm', url: vllm.url },
            { name: 'sglang-a', engine: 'sglang', url: sglang.url },
          ],
          gpu: 'none',
          scrapeInterval: SCRAPE,
          remoteWrite: { endpoints: [{ url: `http://localhost:${new URL(dedup.url).port}/api/v1/write` }, { url: `http://localhost:${new URL(plain.url).port}/api/v1/write` }], cluster: 'ha-itest', replica },
        },
        'ha-itest',
      );
      pointTargets(stack, 'vllm', { 'vllm-a': `127.0.0.1:${vllm.port}` });
      pointTargets(stack, 'sglang', { 'sglang-a': `127.0.0.1:${sglang.port}` });
      writeFileSync(stack.configFile, readFileSync(stack.configFile, 'utf8').replaceAll('host.docker.internal', '127.0.0.1'));
      stacks.push(stack);
    }
    for (const stack of stacks) replicas.push(await startPrometheus({ binary: PROMETHEUS!, configFile: stack.configFile }));
  }, 120_000);

  afterAll(async () => {
    for (const r of replicas) await r.stop();
    await dedup?.stop();
    await plain?.stop();
    for (const e of emulators) await e.stop();
    for (const s of stacks) rmSync(s.dir, { recursive: true, force: true });
    if (relabelDir) rmSync(relabelDir, { recursive: true, force: true });
  });

  it('the two replicas run the same prometheus.yml but for the replica label', () => {
    const [a, b] = stacks.map((s) => parse(readFileSync(s.configFile, 'utf8')) as { global: { external_labels: Record<string, string> } });
    expect([a!.global.external_labels.replica, b!.global.external_labels.replica]).toEqual(['monitor-a', 'monitor-b']);
    b!.global.external_labels.replica = 'monitor-a';
    expect(b).toEqual(a);
  });

  const engineUp = 'up{job=~"vllm|sglang"}';

  it('one series per target in the deduplicating receiver, two (one per replica) in the plain one', async () => {
    const dedupClient = new PrometheusClient(dedup.url);
    const plainClient = new PrometheusClient(plain.url);
    // Both replicas have sent some seconds of scrapes to both receivers.
    await waitFor('both replicas in the plain receiver', async () => {
      const r = await plainClient.query(`count by (replica) (count_over_time(${engineUp}[30s]) >= 10)`);
      return r.series.length === 2 ? true : undefined;
    }, 90_000, 1_000);
    const count = async (c: PrometheusClient) =>
      Object.fromEntries((await c.query(`count by (instance) (${engineUp})`)).series.map((s) => [s.metric.instance, Number(s.value![1])]));
    expect(await count(dedupClient)).toEqual({ 'sglang-a': 1, 'vllm-a': 1 });
    expect(await count(plainClient)).toEqual({ 'sglang-a': 2, 'vllm-a': 2 });
    const labels = (await dedupClient.query(engineUp)).series.map((s) => s.metric);
    for (const l of labels) {
      expect(l.replica).toBeUndefined();
      expect(l.cluster).toBe('ha-itest');
    }
  }, 120_000);

  it("the deduplicated samples are the replicas' own, at most one per scrape interval", async () => {
    const counter = 'vllm:prompt_tokens_total{instance="vllm-a"}';
    const window = '20s';
    type Raw = Map<number, number>;
    const raw = async (c: PrometheusClient, expr: string, time: number): Promise<Raw[]> =>
      (await c.query(`${expr}[${window}]`, time)).series.map((s) => new Map((s.values ?? []).map(([t, v]) => [Math.round(t * 1000), Number(v)])));
    // 20 s of both replicas' scrapes, ending 10 s back (remote write lags by up to its 5 s batch deadline).
    const { time, a, b } = await waitFor('20 s of scrapes from both replicas', async () => {
      const time = Math.floor(Date.now() / 1000) - 10;
      const [a, b] = await Promise.all(replicas.map(async (r) => (await raw(r.client, counter, time))[0]));
      return a && b && a.size >= 15 && b.size >= 15 ? { time, a, b } : undefined;
    }, 60_000, 1_000);
    const got = await raw(new PrometheusClient(dedup.url), counter, time);
    expect(got).toHaveLength(1);
    const samples = [...got[0]!];
    // No more samples than scrape intervals in the window (the replicas together took about twice as many).
    expect(samples.length).toBeLessThanOrEqual(21);
    expect(samples.length).toBeLessThan(a.size + b.size - 5);
    // VictoriaMetrics keeps the last sample of each interval of -dedup.minScrapeInterval (1 s, aligned).
    const buckets = samples.map(([t]) => Math.floor(t / 1000));
    expect(new Set(buckets).size, 'two samples in one dedup interval').toBe(buckets.length);
    for (const [t, v] of samples) {
      const mine = a.get(t) ?? b.get(t);
      expect(mine, `a sample at ${t} that neither replica took`).toBeDefined();
      expect(Math.abs(mine! - v)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(v)));
    }
  }, 120_000);
});
