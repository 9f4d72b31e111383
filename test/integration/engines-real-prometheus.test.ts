/**
 * The generated stack against real Prometheus (each release of test/support/versions.ts: 2.42, 2.53,
 * 3.5): one Prometheus per NVIDIA exporter kind, each with the generated prometheus.yml and rules,
 * scraping at once emulated vLLM V0, vLLM V1 with old names (<= 0.10), vLLM V1 with new names (>= 0.11, two DP
 * engines), SGLang (two DP x two TP ranks), the GPU exporter and the real node exporter, at a 1s
 * scrape interval. The panel probe must find data in every panel of every dashboard for every
 * engine (the exceptions are listed below, each with its reason); then each emulator is driven into
 * a bad state and the matching alert must fire in that Prometheus.
 *
 * Loopback adaptations, all outside what users run: the file_sd target lists point at the local
 * emulators, the `prometheus` self-scrape job points at the test's port, and alert `for:` durations
 * are shortened to seconds (the thresholds and expressions are untouched).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type Emulator, type EmulatorKind, type EmulatorState, startEmulator } from '../../src/demo/index.js';
import { type PanelReport, type ProbeReport, probeDashboards } from '../../src/probe/index.js';
import type { AlertInfo } from '../../src/probe/prom-client.js';
import { instanceQuantile } from '../../src/rules/series.js';
import { requireTool } from '../support/env.js';
import { PROMETHEUS_RELEASES } from '../support/versions.js';
import { type RunningPrometheus, startPrometheus, waitFor } from './support/prometheus.js';
import { type TestStack, pointTargets, renderTestStack, shortenAlertFor, startNodeExporter } from './support/test-stack.js';

const NODE_EXPORTER = requireTool('prometheus-node-exporter', 'apt-get install -y prometheus-node-exporter');

interface EngineTarget {
  name: string;
  kind: EmulatorKind;
  engine: 'vllm' | 'sglang';
  model: string;
  dpRanks?: number;
  tpSize?: number;
}

const ENGINES: EngineTarget[] = [
  { name: 'vllm-v0', kind: 'vllm-v0', engine: 'vllm', model: 'facebook/opt-125m' },
  { name: 'vllm-v1-legacy', kind: 'vllm-v1-legacy', engine: 'vllm', model: 'Qwen/Qwen2.5-7B-Instruct' },
  { name: 'vllm-v1', kind: 'vllm-v1', engine: 'vllm', model: 'meta-llama/Llama-3.1-8B-Instruct', dpRanks: 2 },
  { name: 'sglang', kind: 'sglang', engine: 'sglang', model: 'Qwen/Qwen2.5-32B-Instruct', dpRanks: 2, tpSize: 2 },
];
const GPU_KINDS = ['dcgm', 'nvidia-smi'] as const;

/**
 * Panels that legitimately show no data, keyed `<dashboard title> / <panel title>`, with the engine
 * targets (or GPU kinds) they apply to and why. Anything else without data fails the test.
 */
const NO_DATA_EXPECTED: { panel: RegExp; only: string[]; why: string }[] = [
  { panel: /^GPUs \/ (SM activity|Memory bandwidth \(DRAM\) activity|Tensor core activity)$/, only: ['nvidia-smi'], why: 'the nvidia-smi exporter has no profiling (DCP) fields' },
  { panel: /^GPUs \/ XID errors \(5m\)$/, only: ['nvidia-smi'], why: 'nvidia_smi_xid_errors_total needs the exporter NVML backend; the emulated exporter runs the default nvidia-smi backend' },
];

const ALERT_FOR = '2s';

function panelKey(p: PanelReport): string {
  return `${p.dashboard} / ${p.title}`;
}

/**
 * A panel without data passes when it is listed above, or when the probe finds it not applicable
 * to this target and says why (an optional feature the emulator leaves off, another engine's
 * metric): validate's own verdict. A fault or a panel still waiting fails.
 */
function allowedWithoutData(p: PanelReport, who: string): boolean {
  return NO_DATA_EXPECTED.some((x) => x.panel.test(panelKey(p)) && x.only.includes(who)) || (p.verdict === 'not-applicable' && Boolean(p.note));
}

/** Dashboards about serving (they have a model_name variable) are probed once per engine target. */
function isServingDashboard(d: Record<string, unknown>): boolean {
  const list = ((d.templating as { list?: { name?: string }[] } | undefined)?.list ?? []).map((v) => v.name);
  return list.includes('model_name');
}

for (const release of PROMETHEUS_RELEASES) describe(`generated stack on real ${release.name}`, () => {
  const binary = release.path('prometheus');
  if (!binary || !NODE_EXPORTER) {
    // Reported as skipped, with the reason, rather than as an empty (failing) suite.
    it.skip(`needs ${!binary ? release.missing('prometheus') : 'prometheus-node-exporter'}`, () => {});
    return;
  }

  const engines = new Map<string, Emulator>();
  const gpus = new Map<string, Emulator>();
  const stacks = new Map<string, { stack: TestStack; prom: RunningPrometheus; alerts: string[] }>();
  let node: Awaited<ReturnType<typeof startNodeExporter>>;

  beforeAll(async () => {
    for (const [i, e] of ENGINES.entries()) {
      engines.set(e.name, await startEmulator({ kind: e.kind, model: e.model, seed: 11 + i, dpRanks: e.dpRanks ?? 1, tpSize: e.tpSize ?? 1, arrivalRate: 4 }));
    }
    for (const [i, kind] of GPU_KINDS.entries()) gpus.set(kind, await startEmulator({ kind, gpus: 2, seed: 41 + i, follow: [...engines.values()] }));
    node = await startNodeExporter(NODE_EXPORTER!);

    for (const kind of GPU_KINDS) {
      const stack = await renderTestStack({
        targets: ENGINES.map((e) => ({ name: e.name, engine: e.engine, url: engines.get(e.name)!.url })),
        gpu: kind,
        scrapeInterval: '1s',
      });
      const host = stack.spec.localHost;
      pointTargets(stack, 'vllm', Object.fromEntries(ENGINES.filter((e) => e.engine === 'vllm').map((e) => [e.name, `127.0.0.1:${engines.get(e.name)!.port}`])));
      pointTargets(stack, 'sglang', { sglang: `127.0.0.1:${engines.get('sglang')!.port}` });
      pointTargets(stack, 'gpu', { [host]: `127.0.0.1:${gpus.get(kind)!.port}` });
      pointTargets(stack, 'node', { [host]: node.address });
      const alerts = shortenAlertFor(stack, ALERT_FOR);
      // Prometheus scrapes itself; in the test it listens on a free port, set after start below.
      const prom = await startPrometheus({ binary, configFile: stack.configFile });
      const config = parse(readFileSync(stack.configFile, 'utf8')) as { scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[] };
      for (const job of config.scrape_configs.filter((j) => j.job_name === 'prometheus')) job.static_configs![0]!.targets = [prom.url.replace('http://', '')];
      writeFileSync(stack.configFile, stringify(config));
      await fetch(`${prom.url}/-/reload`, { method: 'POST' });
      stacks.set(kind, { stack, prom, alerts });
    }
  });

  afterAll(async () => {
    for (const { stack, prom } of stacks.values()) {
      await prom.stop();
      rmSync(stack.dir, { recursive: true, force: true });
    }
    for (const e of [...engines.values(), ...gpus.values()]) await e.stop();
    await node?.stop();
  });

  it('scrapes every target of the generated config', async () => {
    for (const { prom } of stacks.values()) {
      const down = await waitFor(
        'engine, GPU and node targets up',
        async () => {
          const targets = await prom.client.targets();
          const ours = targets.filter((t) => !['alertmanager', 'grafana'].includes(t.labels.job ?? ''));
          return ours.length > 0 && ours.every((t) => t.health === 'up') ? [] : undefined;
        },
        30_000,
      );
      expect(down).toEqual([]);
    }
  });

  const firing = async (prom: RunningPrometheus, alert: string, match: Record<string, string>): Promise<AlertInfo | undefined> =>
    (await prom.client.alerts()).find((a) => a.labels.alertname === alert && a.state === 'firing' && Object.entries(match).every(([k, v]) => a.labels[k] === v));

  const stackOf = (emulator: string) => (emulator === 'nvidia-smi' ? [stacks.get('nvidia-smi')!] : emulator === 'dcgm' ? [stacks.get('dcgm')!] : [...stacks.values()]);

  it('fires Watchdog, and no serving alert while every engine is healthy', async () => {
    for (const { prom } of stacks.values()) {
      await waitFor('Watchdog firing', () => firing(prom, 'Watchdog', {}), 30_000);
      // Judge only once every engine's latency quantiles are computed from traffic.
      await waitFor(
        'TTFT p99 of every engine target',
        async () => ((await prom.client.query(`count(${instanceQuantile('ttft_seconds', 'p99')} >= 0)`)).series[0]?.value?.[1] === String(ENGINES.length) ? true : undefined),
        60_000,
      );
    }
    // Ratios over a few seconds of traffic are noise (a couple of client aborts early on exceed
    // the 5% abort threshold); give the windows half a minute of steady load first.
    await new Promise((r) => setTimeout(r, 30_000));
    for (const { prom } of stacks.values()) {
      const serving = (await prom.client.alerts()).filter((a) => a.state === 'firing' && /^(LLM|GPU)/.test(a.labels.alertname ?? ''));
      expect(serving.map((a) => `${a.labels.alertname} ${a.labels.instance}`)).toEqual([]);
    }
  });

  it('finds data in every panel of every dashboard for every engine, or validate\'s reason it cannot (not applicable)', async () => {
    // Healthy load never preempts and GPUs report no XID: a short burst of KV pressure and one
    // XID give those panels something to show (their 5m windows keep it visible while probing).
    for (const e of engines.values()) await e.setState('kv-full');
    for (const g of gpus.values()) await g.setState('gpu-xid');
    await new Promise((r) => setTimeout(r, 10_000));
    for (const e of [...engines.values(), ...gpus.values()]) await e.setState('normal');
    const problems: string[] = [];
    const excused: string[] = [];
    for (const [kind, { stack, prom }] of stacks) {
      expect(stack.dashboards.length).toBeGreaterThanOrEqual(4);
      const runs: { who: string; dashboards: Record<string, unknown>[]; variables?: Record<string, string> }[] = [
        ...ENGINES.map((e) => ({
          who: e.name,
          dashboards: stack.dashboards.filter(isServingDashboard),
          variables: { instance: e.name, model_name: e.model, engine: e.engine, job: e.engine },
        })),
        { who: kind, dashboards: stack.dashboards.filter((d) => !isServingDashboard(d)) },
      ];
      for (const run of runs) {
        const probe = () =>
          probeDashboards({ prometheusUrl: prom.url, dashboards: run.dashboards, rangeSeconds: 60, scrapeIntervalSeconds: 1, ...(run.variables ? { variables: run.variables } : {}) });
        const unexpectedIn = (r: ProbeReport) => r.panels.filter((p) => p.status !== 'data' && !allowedWithoutData(p, run.who));
        // Rates and quantiles need a few scrapes and rule evaluations: probe until stable.
        const report = await waitFor(
          `panels with data for ${run.who} (${kind} stack)`,
          async () => {
            const r = await probe();
            return unexpectedIn(r).length === 0 ? r : undefined;
          },
          Number(process.env.CVM_PROBE_WAIT_MS ?? 90_000),
          3_000,
        ).catch(async (e: Error) => {
          const r = await probe();
          const lines = unexpectedIn(r).map((p) => `${panelKey(p)}: ${p.status} ${p.explanation ?? p.queries.find((q) => q.error)?.error ?? ''}`);
          problems.push(...lines.map((l) => `${run.who} (${kind} stack): ${l}`), `(${e.message})`);
          return r;
        });
        // The excused panels must be excused by the probe too: missing series, with a reason.
        for (const p of report.panels.filter((x) => x.status !== 'data' && allowedWithoutData(x, run.who))) {
          const reason = p.missing?.[0];
          excused.push(`${run.who} (${kind}): ${panelKey(p)}: ${p.status}; ${reason ? `${reason.kind}: ${reason.detail}` : 'no reason'}${p.optional ? ` [contract: ${p.optional[0]!.reason}]` : ''}`);
          if (p.status !== 'missing-series' || !reason || (reason.kind === 'not-exposed' && !p.optional)) problems.push(`${run.who} (${kind} stack): ${panelKey(p)} is excused but the probe says ${p.status} without a reason`);
        }
      }
    }
    console.info(`panels without data, as the probe explains them:\n${excused.join('\n')}`);
    expect(problems.join('\n')).toBe('');
  }, 900_000);

  /** Bad states and the alerts they must fire, with the label that names the culprit. */
  const SCENARIOS: { emulator: string; state: EmulatorState; alerts: string[]; match: Record<string, string>; within?: number }[] = [
    { emulator: 'vllm-v1', state: 'kv-full', alerts: ['LLMPreemptionsSustained'], match: { instance: 'vllm-v1' } },
    { emulator: 'vllm-v1-legacy', state: 'stalled', alerts: ['LLMAdmissionStalled'], match: { instance: 'vllm-v1-legacy' } },
    // Per model, from rule groups evaluated once a minute: a few minutes to burn through the windows.
    { emulator: 'sglang', state: 'slow-ttft', alerts: ['LLMTTFTErrorBudgetBurn'], match: { engine: 'sglang', severity: 'critical' }, within: 360_000 },
    { emulator: 'vllm-v0', state: 'down', alerts: ['LLMTargetDown'], match: { instance: 'vllm-v0' } },
    { emulator: 'dcgm', state: 'gpu-xid', alerts: ['GPUXidError'], match: { job: 'gpu-dcgm', xid: '79', severity: 'critical' } },
    { emulator: 'nvidia-smi', state: 'gpu-hot', alerts: ['GPUTemperatureHigh'], match: { job: 'gpu-nvidia-smi' } },
  ];
  const SECOND_WAVE: typeof SCENARIOS = [
    { emulator: 'dcgm', state: 'gpu-memory-full', alerts: ['GPUMemoryPressure'], match: { job: 'gpu-dcgm' } },
    { emulator: 'nvidia-smi', state: 'down', alerts: ['GPUExporterDown'], match: { job: 'gpu-nvidia-smi' } },
  ];

  it.each([SCENARIOS, SECOND_WAVE].map((wave, i) => ({ wave, name: `wave ${i + 1}: ${wave.map((s) => `${s.emulator} ${s.state}`).join(', ')}` })))(
    'fires the matching alert for each bad state ($name)',
    async ({ wave }) => {
      for (const s of wave) await (engines.get(s.emulator) ?? gpus.get(s.emulator))!.setState(s.state);
      for (const s of wave) {
        for (const { prom, alerts } of stackOf(s.emulator)) {
          for (const alert of s.alerts) {
            expect(alerts, `the generated rules define ${alert}`).toContain(alert);
            const a = await waitFor(`${alert} firing for ${JSON.stringify(s.match)}`, () => firing(prom, alert, s.match), s.within ?? 120_000, 1_000);
            expect(a.labels.severity).toMatch(/^(critical|warning|info)$/);
          }
        }
      }
    },
    900_000,
  );

  it('fires PrometheusConfigReloadFailed when a broken config is reloaded', async () => {
    const { stack, prom } = stacks.get('dcgm')!;
    const good = readFileSync(stack.configFile, 'utf8');
    writeFileSync(stack.configFile, `${good}\nnot_a_field: [\n`);
    await fetch(`${prom.url}/-/reload`, { method: 'POST' });
    await waitFor('PrometheusConfigReloadFailed firing', () => firing(prom, 'PrometheusConfigReloadFailed', {}), 60_000);
    writeFileSync(stack.configFile, good);
    await fetch(`${prom.url}/-/reload`, { method: 'POST' });
  });
});

// The exception list must name real targets or GPU kinds, or it silently excuses nothing.
for (const x of NO_DATA_EXPECTED) {
  for (const who of x.only) if (![...ENGINES.map((e) => e.name), ...GPU_KINDS].includes(who as never)) throw new Error(`NO_DATA_EXPECTED names unknown target ${who}`);
}
