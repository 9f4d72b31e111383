/**
 * Engines idle on purpose, against real Prometheus (each release of test/support/versions.ts) with
 * the generated config and rules: a sleeping vLLM (requests wait, none runs, no token comes out) and
 * a P/D decode node whose requests all wait for their KV cache trip neither LLMAdmissionStalled nor
 * LLMThroughputCollapsed, while the same picture on an awake engine does (a stalled scheduler and a
 * hung engine core, side by side in the same Prometheus, prove the alerts were evaluated). As in
 * engine-failures-real-prometheus.test.ts, only the file_sd target lists and the alerts' `for:`
 * durations are adapted to the loopback test.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/demo/index.js';
import { PROMETHEUS_RELEASES } from '../support/versions.js';
import { type RunningPrometheus, startPrometheus, waitFor } from './support/prometheus.js';
import { type TestStack, pointTargets, renderTestStack, shortenAlertFor } from './support/test-stack.js';

const TARGETS: { name: string; state: NonNullable<EmulatorOptions['initialState']>; fromStart?: boolean; faults?: EmulatorOptions['faults'] }[] = [
  { name: 'stalled-vllm', state: 'stalled' },
  { name: 'hung-vllm', state: 'hung' },
  // Serves traffic first: the requests in flight when it falls asleep are aborted, new ones wait.
  { name: 'asleep-vllm', state: 'asleep' },
  // Deferring from the start: no request has its KV yet, none ever ran.
  { name: 'deferring-vllm', state: 'pd-deferred', fromStart: true, faults: { pdTransferSeconds: 3600 } },
];

for (const release of PROMETHEUS_RELEASES) describe(`engines idle on purpose, real ${release.name}`, () => {
  const binary = release.path('prometheus');
  if (!binary) {
    it.skip(`needs ${release.missing('prometheus')}`, () => {});
    return;
  }

  const emulators = new Map<string, Emulator>();
  let stack: TestStack;
  let prom: RunningPrometheus;

  beforeAll(async () => {
    for (const [i, t] of TARGETS.entries()) {
      const e = await startEmulator({ kind: 'vllm-v1', model: 'meta-llama/Llama-3.1-8B-Instruct', seed: 81 + i, arrivalRate: 6, ...(t.faults ? { faults: t.faults } : {}) });
      if (t.fromStart) await e.setState(t.state);
      e.advance(30);
      await e.setState(t.state);
      emulators.set(t.name, e);
    }
    stack = await renderTestStack({ targets: TARGETS.map((t) => ({ name: t.name, engine: 'vllm', url: emulators.get(t.name)!.url })), gpu: 'none', scrapeInterval: '1s' });
    pointTargets(stack, 'vllm', Object.fromEntries(TARGETS.map((t) => [t.name, `127.0.0.1:${emulators.get(t.name)!.port}`])));
    shortenAlertFor(stack, '2s');
    prom = await startPrometheus({ binary, configFile: stack.configFile });
  });

  afterAll(async () => {
    await prom?.stop();
    if (stack) rmSync(stack.dir, { recursive: true, force: true });
    for (const e of emulators.values()) await e.stop();
  });

  const active = async (alert: string, instance: string) =>
    (await prom.client.alerts()).find((a) => a.labels.alertname === alert && a.labels.instance === instance && (a.state === 'firing' || a.state === 'pending'));
  const value = async (expr: string) => {
    const r = await prom.client.query(expr);
    return r.series.length === 0 ? undefined : Number(r.series[0]!.value![1]);
  };

  it('awake engines that stop serving fire the stall alerts; the sleeping and the deferring one do not', async () => {
    for (const [alert, instance] of [
      ['LLMAdmissionStalled', 'stalled-vllm'],
      ['LLMThroughputCollapsed', 'hung-vllm'],
    ] as const) {
      await waitFor(`${alert} firing for ${instance}`, async () => ((await active(alert, instance))?.state === 'firing' ? true : undefined), 60_000, 1_000);
    }
    // Both idle engines look stalled to the raw series: requests wait and none runs.
    for (const instance of ['asleep-vllm', 'deferring-vllm']) {
      expect(await value(`llm:requests_waiting:sum{instance="${instance}"}`), instance).toBeGreaterThan(0);
      expect(await value(`llm:requests_running:sum{instance="${instance}"}`), instance).toBe(0);
      expect(await value(`llm:generation_tokens:rate5m{instance="${instance}"}`), instance).toBe(0);
    }
    expect(await value('llm:engine_asleep:max{instance="asleep-vllm"}')).toBe(1);
    expect(await value('llm:engine_asleep:max{instance="stalled-vllm"}')).toBe(0);
    expect(await value('llm:requests_waiting_deferred:sum{instance="deferring-vllm"}')).toBeGreaterThan(0);
    expect(await value('llm:requests_waiting_capacity:sum{instance="deferring-vllm"}')).toBe(0);
    // Give the rules a few more evaluations than the controls needed, then nothing may be pending.
    await new Promise((r) => setTimeout(r, 5_000));
    for (const instance of ['asleep-vllm', 'deferring-vllm']) {
      for (const alert of ['LLMAdmissionStalled', 'LLMThroughputCollapsed']) expect(await active(alert, instance), `${alert} ${instance}`).toBeUndefined();
    }
  });
});
