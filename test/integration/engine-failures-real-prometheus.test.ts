/**
 * Two engine failures that leave the HTTP server answering, against real Prometheus (each release of
 * test/support/versions.ts: 2.42, 2.53, 3.5) with the generated config and rules:
 *   - a hung engine core (vLLM V1 and SGLang): the batch stays, the queue grows, no token comes out
 *     -> LLMThroughputCollapsed, and not LLMAdmissionStalled (requests are still running);
 *   - vLLM started with --disable-log-stats: /metrics serves only process metrics
 *     -> LLMMetricsAbsent, and not LLMTargetDown (the target is up).
 * The hung engines serve traffic for 30 simulated seconds first, so their counters are non-zero and
 * flat once Prometheus scrapes them. As in engines-real-prometheus.test.ts, only the file_sd target
 * lists and the alerts' `for:` durations are adapted to the loopback test.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/demo/index.js';
import { PROMETHEUS_RELEASES } from '../support/versions.js';
import { type RunningPrometheus, startPrometheus, waitFor } from './support/prometheus.js';
import { type TestStack, pointTargets, renderTestStack, shortenAlertFor } from './support/test-stack.js';

const TARGETS = [
  { name: 'hung-vllm', kind: 'vllm-v1', engine: 'vllm', state: 'hung' },
  { name: 'hung-sglang', kind: 'sglang', engine: 'sglang', state: 'hung' },
  { name: 'stats-off-vllm', kind: 'vllm-v1', engine: 'vllm', state: 'stats-off' },
] as const;

for (const release of PROMETHEUS_RELEASES) describe(`engine failures behind a live server, real ${release.name}`, () => {
  const binary = release.path('prometheus');
  if (!binary) {
    it.skip(`needs ${release.missing('prometheus')}`, () => {});
    return;
  }

  const emulators = new Map<string, Emulator>();
  let stack: TestStack;
  let prom: RunningPrometheus;
  let alerts: string[];

  beforeAll(async () => {
    for (const [i, t] of TARGETS.entries()) {
      const e = await startEmulator({ kind: t.kind, model: 'meta-llama/Llama-3.1-8B-Instruct', seed: 71 + i, arrivalRate: 6 });
      e.advance(30);
      await e.setState(t.state);
      emulators.set(t.name, e);
    }
    stack = await renderTestStack({ targets: TARGETS.map((t) => ({ name: t.name, engine: t.engine, url: emulators.get(t.name)!.url })), gpu: 'none', scrapeInterval: '1s' });
    for (const engine of ['vllm', 'sglang'] as const) {
      pointTargets(stack, engine, Object.fromEntries(TARGETS.filter((t) => t.engine === engine).map((t) => [t.name, `127.0.0.1:${emulators.get(t.name)!.port}`])));
    }
    alerts = shortenAlertFor(stack, '2s');
    prom = await startPrometheus({ binary, configFile: stack.configFile });
  });

  afterAll(async () => {
    await prom?.stop();
    if (stack) rmSync(stack.dir, { recursive: true, force: true });
    for (const e of emulators.values()) await e.stop();
  });

  const active = async (alert: string, instance: string) =>
    (await prom.client.alerts()).find((a) => a.labels.alertname === alert && a.labels.instance === instance && (a.state === 'firing' || a.state === 'pending'));

  it('a hung engine core fires LLMThroughputCollapsed, not LLMAdmissionStalled', async () => {
    expect(alerts).toContain('LLMThroughputCollapsed');
    for (const instance of ['hung-vllm', 'hung-sglang']) {
      const a = await waitFor(`LLMThroughputCollapsed firing for ${instance}`, async () => {
        const x = await active('LLMThroughputCollapsed', instance);
        return x?.state === 'firing' ? x : undefined;
      }, 60_000, 1_000);
      expect(a.labels.severity).toBe('critical');
      expect(a.labels.engine).toBe(instance.endsWith('vllm') ? 'vllm' : 'sglang');
      // Running requests are still in the batch: the stalled-admission alert's condition is false.
      expect(await active('LLMAdmissionStalled', instance)).toBeUndefined();
      const running = await prom.client.query(`llm:requests_running:sum{instance="${instance}"}`);
      expect(Number(running.series[0]?.value?.[1])).toBeGreaterThan(0);
    }
  });

  it('engine stats switched off fire LLMMetricsAbsent, not LLMTargetDown', async () => {
    expect(alerts).toContain('LLMMetricsAbsent');
    const a = await waitFor('LLMMetricsAbsent firing for stats-off-vllm', async () => {
      const x = await active('LLMMetricsAbsent', 'stats-off-vllm');
      return x?.state === 'firing' ? x : undefined;
    }, 60_000, 1_000);
    expect(a.labels.job).toBe('vllm');
    expect(await active('LLMTargetDown', 'stats-off-vllm')).toBeUndefined();
    // The other targets expose engine metrics, so the alert names only this one.
    for (const other of ['hung-vllm', 'hung-sglang']) expect(await active('LLMMetricsAbsent', other)).toBeUndefined();
  });
});
