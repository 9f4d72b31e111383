/**
 * The alert scenario suite (issue 10): one generated stack on the newest real Prometheus and the
 * newest real Alertmanager present (test/support/versions.ts), scraping at once an emulated engine
 * per scenario (its own `instance` and its own model, so every alert names the scenario it belongs
 * to), a GPU exporter per GPU scenario, the real node exporter, and the pipeline's own parts, some
 * broken on purpose: a second Prometheus whose Alertmanager is a closed port, an Alertmanager whose
 * webhook answers 500, a Prometheus and an Alertmanager whose config reload failed, a Grafana that
 * is not running. Each scenario states the exact set of {alertname, severity} it must fire; the
 * suite watches Prometheus' alerts until every expected one fires and a minute longer, then
 * compares per scenario (no more, no fewer), prints scenarios, alerts expected, fired, precision
 * and recall, and checks what the webhook receiver got from Alertmanager: every alert with its
 * runbook, dashboard and silence links (the silence filter naming the alert's labels), Prometheus'
 * generatorURL, and for SLO alerts their value and threshold.
 *
 * Loopback adaptations, all outside what users run: the file_sd target lists and the static
 * targets of the prometheus, alertmanager and grafana jobs and of `alerting` point at the local
 * processes (Prometheus also alerts the failing Alertmanager, as a second Alertmanager of the
 * stack); alert `for:` durations are shortened to seconds and the 3-day SLO window group is
 * evaluated every minute instead of every five (its expressions are untouched), so a burn's
 * ticket band shows within the run; Alertmanager groups for 1s.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type Emulator, type EmulatorKind, type EmulatorOptions, type EmulatorState, startEmulator } from '../../src/demo/index.js';
import type { AlertInfo } from '../../src/probe/prom-client.js';
import { type RunningAlertmanager, startAlertmanager } from '../alertmanager/support.js';
import { requireTool } from '../support/env.js';
import { ALERTMANAGER_RELEASES, PROMETHEUS_RELEASES } from '../support/versions.js';
import { closedAddress, nodeExporterWithDisks, webhookReceiver } from './support/platform.js';
import { type RunningPrometheus, startPrometheus, waitFor } from './support/prometheus.js';
import { type TestStack, pointTargets, renderTestStack, shortenAlertFor, startNodeExporter } from './support/test-stack.js';

const NODE_EXPORTER = requireTool('prometheus-node-exporter', 'apt-get install -y prometheus-node-exporter');
const PUBLIC = 'http://gpu-box.example.org';
const RUNBOOK = 'https://wiki.example.org/llm/runbooks';
/** The host label of every engine scenario: one GPU exporter and one node exporter target for them all. */
const ENGINE_HOST = 'engines';

type Expected = `${string}/${'critical' | 'warning' | 'info'}`;
const slo = (alert: string): Expected[] => [`${alert}/critical`, `${alert}/warning`];

interface EngineSetup {
  kind: EmulatorKind;
  state?: EmulatorState;
  faults?: EmulatorOptions['faults'];
  arrivalRate?: number;
  httpMetrics?: boolean;
  /** Serve traffic (simulated seconds) before the state, so counters are non-zero and then flat. */
  warmup?: number;
  /** Enter the state before any traffic. */
  fromStart?: boolean;
}

type Platform = 'pipeline' | 'alertmanager-unreachable' | 'receiver-failing' | 'prometheus-reload-failed' | 'alertmanager-reload-failed' | 'grafana-down' | 'healthy-host';

interface Scenario {
  id: string;
  what: string;
  /** An engine target named after the scenario (its instance), serving model scenario/<id>. */
  engine?: EngineSetup;
  /** A GPU exporter in this state on the scenario's own host (the scenario's engine runs there). */
  gpu?: EmulatorState;
  /** A node exporter on the scenario's own host whose disks are in this state. */
  disk?: 'filling';
  platform?: Platform;
  expected: Expected[];
  /**
   * The critical alerts Alertmanager notifies of in the end, inhibition applied: one per cause.
   * Default: the critical ones of `expected`.
   */
  pages?: string[];
}

/** The model directory of the disk scenario, watched (--watch-path): its alerts name it. */
const MODEL_CACHE = { name: 'model cache', path: '/data/models' };

const PREEMPTED: Expected[] = ['LLMPreemptionsSustained/critical', 'LLMPreemptionsSustained/warning', 'LLMQueueDepthHigh/warning', ...slo('LLMTTFTErrorBudgetBurn'), ...slo('LLME2EErrorBudgetBurn')];
const vllm = (setup: Partial<EngineSetup> = {}): EngineSetup => ({ kind: 'vllm-v1', arrivalRate: 5, ...setup });

const SCENARIOS: Scenario[] = [
  // Healthy engines of every version under load, latency well under the objectives: nothing.
  { id: 'healthy-vllm-v0', what: 'vLLM V0 under load', engine: { kind: 'vllm-v0', arrivalRate: 5 }, expected: [] },
  { id: 'healthy-vllm-v1-legacy', what: 'vLLM V1 (<= 0.10 names) under load', engine: { kind: 'vllm-v1-legacy', arrivalRate: 5 }, expected: [] },
  { id: 'healthy-vllm-v1', what: 'vLLM V1 (>= 0.11 names) under load', engine: vllm(), expected: [] },
  { id: 'healthy-sglang', what: 'SGLang under load', engine: { kind: 'sglang', arrivalRate: 5 }, expected: [] },
  // The TTFT objective is 2.5s: every first token 1.5s late stays under it, 3s late misses it. At 2
  // requests/s a late first token does not hold batch slots long enough to queue requests.
  { id: 'ttft-under-objective', what: 'first tokens 1.5s late (objective 2.5s)', engine: vllm({ arrivalRate: 2, faults: { ttftDelaySeconds: 1.5 } }), expected: [] },
  { id: 'ttft-over-objective', what: 'first tokens 3s late (objective 2.5s)', engine: vllm({ arrivalRate: 2, faults: { ttftDelaySeconds: 3 } }), expected: slo('LLMTTFTErrorBudgetBurn') },
  // Tokens 0.12s apart (objective 0.1s); 1.5 requests/s stays within the slower engine's capacity.
  // Outputs over 500 tokens then take more than the 60s E2E objective: about 5.6% of the emulator's
  // log-normal outputs (median 140, sigma 0.8), over the 1% budget and under the 14.4% page band,
  // so the E2E objective tickets and does not page.
  { id: 'itl-over-objective', what: 'tokens 0.12s apart (objective 0.1s)', engine: vllm({ arrivalRate: 1.5, faults: { itlDelaySeconds: 0.1 } }), expected: [...slo('LLMITLErrorBudgetBurn'), 'LLME2EErrorBudgetBurn/warning'] },
  { id: 'trickle', what: 'one request every 20s: under every traffic guard', engine: vllm({ state: 'trickle' }), expected: [] },
  { id: 'abort-storm', what: 'half the clients abort', engine: vllm({ faults: { abortShare: 0.5 } }), expected: ['LLMClientAbortsHigh/info'] },
  { id: 'http-5xx-storm', what: '30% of requests answered 5xx', engine: vllm({ httpMetrics: true, faults: { http5xxShare: 0.3 } }), expected: slo('LLMAvailabilityErrorBudgetBurn') },
  { id: 'engine-error-storm', what: '30% of requests finish with an engine error', engine: vllm({ faults: { errorShare: 0.3 } }), expected: slo('LLMAvailabilityErrorBudgetBurn') },
  { id: 'kv-saturated', what: 'KV cache full, no preemption', engine: vllm({ state: 'kv-saturated' }), expected: [] },
  // A KV cache too small for the load preempts, queues more than 20 requests, and (recomputed
  // prefills, time in the queue) misses the TTFT and E2E objectives. Prometheus shows each; one
  // cause pages once: the TTFT burn, which inhibits the E2E burn and the preemption page.
  { id: 'kv-full', what: 'KV cache too small for twice the load: preemptions', engine: vllm({ state: 'kv-full' }), expected: [...PREEMPTED], pages: ['LLMTTFTErrorBudgetBurn'] },
  { id: 'preemption-storm', what: 'continuous preemption', engine: vllm({ state: 'preemption-storm' }), expected: [...PREEMPTED], pages: ['LLMTTFTErrorBudgetBurn'] },
  // Nothing admitted: requests wait and none runs. One page: the throughput alert is for a batch that runs and yields nothing.
  { id: 'stalled', what: 'scheduler admits nothing, queue grows', engine: vllm({ state: 'stalled', warmup: 30 }), expected: ['LLMAdmissionStalled/critical', 'LLMQueueDepthHigh/warning'] },
  { id: 'hung-vllm', what: 'vLLM engine core hung behind a live server', engine: vllm({ state: 'hung', warmup: 30 }), expected: ['LLMThroughputCollapsed/critical', 'LLMQueueDepthHigh/warning'] },
  { id: 'hung-sglang', what: 'SGLang scheduler hung behind a live server', engine: { kind: 'sglang', arrivalRate: 5, state: 'hung', warmup: 30 }, expected: ['LLMThroughputCollapsed/critical', 'LLMQueueDepthHigh/warning'] },
  // A sleeping engine gets the odd request (the router sends elsewhere): they wait, nobody is paged.
  { id: 'sleeping-engine', what: 'vLLM in sleep mode', engine: vllm({ state: 'asleep', arrivalRate: 0.02, warmup: 30 }), expected: [] },
  { id: 'pd-deferral', what: 'P/D decode node: every request waits for its KV transfer', engine: vllm({ state: 'pd-deferred', fromStart: true, faults: { pdTransferSeconds: 3600 } }), expected: [] },
  { id: 'stats-off', what: 'vLLM --disable-log-stats: process metrics only', engine: vllm({ state: 'stats-off' }), expected: ['LLMMetricsAbsent/warning'] },
  { id: 'engine-down', what: 'inference server not listening', engine: vllm({ state: 'down' }), expected: ['LLMTargetDown/critical'] },
  // GPU faults the DCGM exporter emulation shows. XIDs by NVIDIA's catalogue: 79 (fallen off the bus)
  // pages, 13 (the application's own out-of-range access) is info only.
  { id: 'gpu-xid-79', what: 'DCGM reports XID 79', engine: vllm({ arrivalRate: 2 }), gpu: 'gpu-xid', expected: ['GPUXidError/critical'] },
  { id: 'gpu-xid-13', what: 'DCGM reports XID 13', engine: vllm({ arrivalRate: 2 }), gpu: 'gpu-xid-13', expected: ['GPUXidError/info'] },
  { id: 'gpu-gone', what: 'a GPU disappears from its host, the exporter up', engine: vllm({ arrivalRate: 2 }), gpu: 'gpu-gone', expected: ['GPUMissing/critical'] },
  { id: 'gpu-hot', what: 'GPU at 93 °C', engine: vllm({ arrivalRate: 2 }), gpu: 'gpu-hot', expected: ['GPUTemperatureHigh/warning'] },
  { id: 'gpu-memory-full', what: 'GPU memory 99.5% used', engine: vllm({ arrivalRate: 2 }), gpu: 'gpu-memory-full', expected: ['GPUMemoryPressure/warning'] },
  { id: 'gpu-exporter-down', what: 'DCGM exporter not listening', engine: vllm({ arrivalRate: 2 }), gpu: 'down', expected: ['GPUExporterDown/warning'] },
  // A host whose root disk fills up (35% free, losing 0.01% a second: full within a day) and whose
  // watched model cache, a disk of its own, is almost full.
  { id: 'disk-filling', what: 'root disk filling up, model cache disk 4% free', engine: vllm({ arrivalRate: 2 }), disk: 'filling', expected: ['HostFilesystemFillingUp/warning', 'HostFilesystemAlmostFull/warning'] },
  // The pipeline itself.
  { id: 'healthy-host', what: "the engines' host: healthy GPU exporter, real node exporter", platform: 'healthy-host', expected: [] },
  { id: 'pipeline', what: 'Prometheus and Alertmanager of the stack, working', platform: 'pipeline', expected: ['Watchdog/info'] },
  { id: 'alertmanager-unreachable', what: "a Prometheus whose Alertmanager's port is closed", platform: 'alertmanager-unreachable', expected: ['PrometheusErrorSendingAlerts/critical', 'PrometheusErrorSendingAlerts/warning', 'PrometheusNotificationsDropped/warning'] },
  { id: 'receiver-failing', what: 'an Alertmanager whose webhook answers 500', platform: 'receiver-failing', expected: ['AlertmanagerNotificationsFailing/warning'] },
  { id: 'prometheus-reload-failed', what: 'a Prometheus whose config reload failed', platform: 'prometheus-reload-failed', expected: ['PrometheusConfigReloadFailed/warning'] },
  { id: 'alertmanager-reload-failed', what: 'an Alertmanager whose config reload failed', platform: 'alertmanager-reload-failed', expected: ['AlertmanagerConfigReloadFailed/critical'] },
  { id: 'grafana-down', what: 'Grafana not running', platform: 'grafana-down', expected: ['MonitoringTargetDown/warning'] },
];

const modelOf = (id: string) => `scenario/${id}`;
const pagesOf = (s: Scenario): string[] => [...new Set(s.pages ?? s.expected.filter((e) => e.endsWith('/critical')).map((e) => e.split('/')[0]!))].sort();
/** A scenario with a GPU or disk of its own runs its engine on a host of its own. */
const ownHost = (s: Scenario) => s.gpu !== undefined || s.disk !== undefined;
// The newest release of each that is present: one real run, not one per release.
const PROMETHEUS = [...PROMETHEUS_RELEASES].reverse().find((r) => r.path('prometheus') !== undefined);
const ALERTMANAGER = [...ALERTMANAGER_RELEASES].reverse().find((r) => r.path('prometheus-alertmanager') !== undefined);

/** Go's url.QueryEscape, which Prometheus' urlquery template function is. */
const queryEscape = (s: string) => encodeURIComponent(s).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

interface Config {
  alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
  scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[];
  [k: string]: unknown;
}

describe(`alert scenarios on real ${PROMETHEUS?.name ?? 'Prometheus'} and ${ALERTMANAGER?.name ?? 'Alertmanager'}`, () => {
  if (!PROMETHEUS || !ALERTMANAGER || !NODE_EXPORTER) {
    const why = [
      !PROMETHEUS && PROMETHEUS_RELEASES.map((r) => r.missing('prometheus')).join('; '),
      !ALERTMANAGER && ALERTMANAGER_RELEASES.map((r) => r.missing('prometheus-alertmanager')).join('; '),
      !NODE_EXPORTER && 'prometheus-node-exporter (apt-get install -y prometheus-node-exporter)',
    ].filter(Boolean);
    it.skip(`needs ${why.join('; ')}`, () => {});
    return;
  }
  const promBin = PROMETHEUS.path('prometheus')!;
  const amBin = ALERTMANAGER.path('prometheus-alertmanager')!;

  const emulators: Emulator[] = [];
  const processes: { stop: () => Promise<void> }[] = [];
  let stack: TestStack;
  let prom: RunningPrometheus;
  let hook: Awaited<ReturnType<typeof webhookReceiver>>;
  let am: RunningAlertmanager;
  /** Scenario of an alert's `instance` label (engine targets, GPU and node hosts, pipeline parts). */
  const byInstance = new Map<string, string>();
  const byModel = new Map(SCENARIOS.filter((s) => s.engine).map((s) => [modelOf(s.id), s.id]));
  const fired = new Map<string, Set<string>>(SCENARIOS.map((s) => [s.id, new Set()]));
  const unattributed = new Set<string>();
  let watchedSeconds = 0;

  const scenarioOf = (a: AlertInfo): string | undefined =>
    (a.labels.instance !== undefined ? byInstance.get(a.labels.instance) : undefined) ??
    (a.labels.model_name !== undefined && a.labels.instance === undefined ? byModel.get(a.labels.model_name) : undefined) ??
    (a.labels.alertname === 'Watchdog' ? 'pipeline' : undefined);

  beforeAll(async () => {
    hook = await webhookReceiver(['/fail']);
    processes.push({ stop: hook.close });
    // Engines and GPU exporters.
    const engines = new Map<string, Emulator>();
    for (const [i, s] of SCENARIOS.entries()) {
      if (!s.engine) continue;
      const e = s.engine;
      const em = await startEmulator({
        kind: e.kind,
        model: modelOf(s.id),
        seed: 301 + i,
        arrivalRate: e.arrivalRate ?? 5,
        ...(e.faults ? { faults: e.faults } : {}),
        ...(e.httpMetrics ? { httpMetrics: true } : {}),
      });
      emulators.push(em);
      if (e.state && e.fromStart) await em.setState(e.state);
      if (e.warmup) em.advance(e.warmup);
      if (e.state && e.state !== 'down') await em.setState(e.state);
      engines.set(s.id, em);
    }
    const gpus = new Map<string, Emulator>();
    for (const [i, s] of SCENARIOS.entries()) {
      if (!s.gpu) continue;
      const g = await startEmulator({ kind: 'dcgm', gpus: 1, seed: 401 + i, hostname: s.id, follow: [engines.get(s.id)!] });
      emulators.push(g);
      gpus.set(s.id, g);
    }
    const engineHostGpu = await startEmulator({ kind: 'dcgm', gpus: 2, seed: 499, hostname: ENGINE_HOST, follow: SCENARIOS.filter((s) => s.engine && !s.gpu).map((s) => engines.get(s.id)!) });
    emulators.push(engineHostGpu);
    // Without its filesystem collector: this machine's disks are shared with other jobs, whose
    // writes are no scenario's (the disk-filling scenario has disks of its own, below).
    const node = await startNodeExporter(NODE_EXPORTER, ['--no-collector.filesystem']);
    processes.push(node);
    const diskNodes = new Map<string, string>();
    for (const s of SCENARIOS.filter((x) => x.disk)) {
      const disks = await nodeExporterWithDisks(startNodeExporter, NODE_EXPORTER, [
        { device: '/dev/nvme0n1p2', mountpoint: '/', fstype: 'ext4', free: 0.35, lossPerSecond: 1e-4 },
        { device: '/dev/nvme1n1', mountpoint: MODEL_CACHE.path, fstype: 'xfs', free: 0.04, lossPerSecond: 0 },
      ]);
      processes.push(disks);
      diskNodes.set(s.id, disks.address);
    }

    stack = await renderTestStack(
      {
        targets: SCENARIOS.filter((s) => s.engine).map((s, i) => ({
          name: s.id,
          engine: s.engine!.kind === 'sglang' ? 'sglang' : 'vllm',
          // A remote address, so each host gets its GPU and node exporter targets; pointed at the emulator below.
          url: `http://${ownHost(s) ? s.id : ENGINE_HOST}.scenarios.test:${(s.engine!.kind === 'sglang' ? 30000 : 8000) + i}`,
          host: ownHost(s) ? s.id : ENGINE_HOST,
        })),
        gpu: 'dcgm',
        scrapeInterval: '1s',
        receivers: [{ kind: 'webhook', webhook: { url: `${hook.url}/hook` } }],
        // Links only: --expose would put this Prometheus and Alertmanager behind basic auth (expose-auth-real tests that).
        publicUrl: PUBLIC,
        runbookUrl: RUNBOOK,
        watchPaths: [MODEL_CACHE],
      },
      'scenarios',
    );
    for (const engine of ['vllm', 'sglang'] as const) {
      pointTargets(stack, engine, Object.fromEntries(SCENARIOS.filter((s) => s.engine && (s.engine.kind === 'sglang') === (engine === 'sglang')).map((s) => [s.id, `127.0.0.1:${engines.get(s.id)!.port}`])));
    }
    const engineGpu = `127.0.0.1:${engineHostGpu.port}`;
    pointTargets(stack, 'gpu', {
      [stack.spec.localHost]: engineGpu,
      [ENGINE_HOST]: engineGpu,
      ...Object.fromEntries([...gpus].map(([id, g]) => [id, `127.0.0.1:${g.port}`])),
      ...Object.fromEntries([...diskNodes.keys()].map((id) => [id, engineGpu])),
    });
    const hosts = [stack.spec.localHost, ENGINE_HOST, ...gpus.keys()];
    pointTargets(stack, 'node', { ...Object.fromEntries(hosts.map((h) => [h, node.address])), ...Object.fromEntries(diskNodes) });
    for (const s of SCENARIOS) if (s.engine) byInstance.set(s.id, s.id);
    byInstance.set(ENGINE_HOST, 'healthy-host');
    byInstance.set(stack.spec.localHost, 'pipeline');
    shortenAlertFor(stack, '2s');
    const sloFile = join(stack.dir, 'prometheus/rules/slo.yml');
    const sloRules = parse(readFileSync(sloFile, 'utf8')) as { groups: { name: string; interval?: string }[] };
    for (const g of sloRules.groups) if (g.name === 'slo-windows-3d') g.interval = '1m';
    writeFileSync(sloFile, stringify(sloRules));
    for (const [id, e] of engines) if (SCENARIOS.find((s) => s.id === id)!.engine!.state === 'down') await e.setState('down');

    // Alertmanagers: the stack's config, the webhook pointed at the local receiver (or its failing path).
    const amDir = join(stack.dir, 'alertmanager');
    const amConfig = (path: string) => {
      const c = parse(readFileSync(join(amDir, 'alertmanager.yml'), 'utf8')) as { route: Record<string, unknown>; receivers: { webhook_configs?: { url: string }[] }[] };
      Object.assign(c.route, { group_wait: '1s', group_interval: '1s', repeat_interval: '1h' });
      for (const r of c.receivers) for (const w of r.webhook_configs ?? []) w.url = `${hook.url}${path}`;
      return c;
    };
    const writeAm = (name: string, config: unknown) => {
      const file = join(amDir, name);
      writeFileSync(file, stringify(config));
      return file;
    };
    am = await startAlertmanager(amBin, writeAm('alertmanager.yml', amConfig('/hook')), [`--web.external-url=${stack.spec.urls.alertmanager}`]);
    processes.push(am);
    const failingAm = await startAlertmanager(amBin, writeAm('alertmanager-failing.yml', amConfig('/fail')));
    processes.push(failingAm);
    const reloadAmFile = writeAm('alertmanager-reload.yml', amConfig('/hook'));
    const reloadAm = await startAlertmanager(amBin, reloadAmFile);
    processes.push(reloadAm);
    writeFileSync(reloadAmFile, 'route: [unclosed\n');
    expect((await fetch(`${reloadAm.url}/-/reload`, { method: 'POST' })).ok).toBe(false);
    const addr = (url: string) => url.replace('http://', '');

    // Side Prometheuses: one alerting a closed port (it fires Watchdog, so it sends), one whose reload failed.
    const promDir = join(stack.dir, 'prometheus');
    const mainConfig = parse(readFileSync(stack.configFile, 'utf8')) as Config;
    const side = (name: string, alertmanager: string, rules: string[]) => {
      const file = join(promDir, name);
      writeFileSync(file, stringify({ global: mainConfig.global, rule_files: rules, alerting: { alertmanagers: [{ static_configs: [{ targets: [alertmanager] }] }] } }));
      return file;
    };
    const unreachable = await startPrometheus({ binary: promBin, configFile: side('prometheus-unreachable.yml', await closedAddress(), ['rules/alerts.yml']) });
    processes.push(unreachable);
    const reloadFile = side('prometheus-reload.yml', addr(am.url), []);
    const reloadProm = await startPrometheus({ binary: promBin, configFile: reloadFile });
    processes.push(reloadProm);
    writeFileSync(reloadFile, 'scrape_configs: [unclosed\n');
    expect((await fetch(`${reloadProm.url}/-/reload`, { method: 'POST' })).ok).toBe(false);
    const grafana = await closedAddress();

    // The stack's Prometheus: alerting both Alertmanagers, scraping every part of the pipeline.
    mainConfig.alerting.alertmanagers[0]!.static_configs[0]!.targets = [addr(am.url), addr(failingAm.url)];
    const setJob = (job: string, targets: string[]) => {
      const j = mainConfig.scrape_configs.find((x) => x.job_name === job);
      if (!j?.static_configs?.[0]) throw new Error(`prometheus.yml has no static ${job} job`);
      j.static_configs[0].targets = targets;
    };
    setJob('alertmanager', [addr(am.url), addr(failingAm.url), addr(reloadAm.url)]);
    setJob('grafana', [grafana]);
    setJob('prometheus', [addr(unreachable.url), addr(reloadProm.url)]);
    writeFileSync(stack.configFile, stringify(mainConfig));
    prom = await startPrometheus({ binary: promBin, configFile: stack.configFile, extraArgs: [`--web.external-url=${stack.spec.urls.prometheus}`] });
    processes.push(prom);
    // It scrapes itself too, at the port it got.
    setJob('prometheus', [addr(prom.url), addr(unreachable.url), addr(reloadProm.url)]);
    writeFileSync(stack.configFile, stringify(mainConfig));
    expect((await fetch(`${prom.url}/-/reload`, { method: 'POST' })).ok).toBe(true);

    for (const [url, id] of [
      [prom.url, 'pipeline'],
      [am.url, 'pipeline'],
      [unreachable.url, 'alertmanager-unreachable'],
      [failingAm.url, 'receiver-failing'],
      [reloadProm.url, 'prometheus-reload-failed'],
      [reloadAm.url, 'alertmanager-reload-failed'],
    ] as const) byInstance.set(addr(url), id);
    byInstance.set(grafana, 'grafana-down');
    // GPU faults start once Prometheus has seen the exporters healthy: DCGM's XID field holds the
    // last code, and an XID is its change.
    await waitFor('healthy GPU samples of every GPU scenario', async () => {
      const seen = new Set((await prom.client.query('gpu:xid_last:code')).series.map((x) => x.metric.instance));
      return [...gpus.keys()].every((id) => seen.has(id)) ? true : undefined;
    }, 60_000, 1_000);
    for (const [id, g] of gpus) await g.setState(SCENARIOS.find((s) => s.id === id)!.gpu!);
  }, 180_000);

  afterAll(async () => {
    for (const p of processes.reverse()) await p.stop().catch(() => {});
    for (const e of emulators) await e.stop();
    if (stack) rmSync(stack.dir, { recursive: true, force: true });
  });

  const key = (a: AlertInfo) => `${a.labels.alertname}/${a.labels.severity}`;
  const expectedTotal = SCENARIOS.reduce((n, s) => n + s.expected.length, 0);

  it(`fires exactly each scenario's alerts (${SCENARIOS.length} scenarios, ${expectedTotal} alerts)`, async () => {
    const started = Date.now();
    const record = async () => {
      for (const a of await prom.client.alerts()) {
        if (a.state !== 'firing') continue;
        const id = scenarioOf(a);
        if (id) fired.get(id)!.add(key(a));
        else unattributed.add(`${key(a)} ${JSON.stringify(a.labels)}`);
      }
    };
    const missing = () => SCENARIOS.flatMap((s) => s.expected.filter((e) => !fired.get(s.id)!.has(e)).map((e) => `${s.id}: ${e}`));
    await waitFor('every expected alert firing', async () => {
      await record();
      return missing().length === 0 ? true : undefined;
    }, 300_000, 3_000).catch(() => undefined);
    // A minute more for alerts nobody expected to show.
    const quietUntil = Date.now() + 60_000;
    while (Date.now() < quietUntil) {
      await record();
      await new Promise((r) => setTimeout(r, 3_000));
    }
    watchedSeconds = Math.round((Date.now() - started) / 1000);

    let tp = 0;
    let firedTotal = unattributed.size;
    const rows = SCENARIOS.map((s) => {
      const got = fired.get(s.id)!;
      const hits = s.expected.filter((e) => got.has(e)).length;
      tp += hits;
      firedTotal += got.size;
      const extra = [...got].filter((g) => !s.expected.includes(g as Expected));
      const lost = s.expected.filter((e) => !got.has(e));
      return { scenario: s.id, expected: s.expected.join(', ') || '-', fired: [...got].sort().join(', ') || '-', ok: extra.length === 0 && lost.length === 0 ? 'yes' : `NO (extra: ${extra.join(', ') || '-'}; missing: ${lost.join(', ') || '-'})` };
    });
    const precision = firedTotal === 0 ? 1 : tp / firedTotal;
    const recall = expectedTotal === 0 ? 1 : tp / expectedTotal;
    console.info(
      [
        `Alert scenarios on ${PROMETHEUS.name} and ${ALERTMANAGER.name}, watched ${watchedSeconds}s`,
        ...rows.map((r) => `  ${r.scenario.padEnd(28)} expected: ${r.expected.padEnd(72)} fired: ${r.fired.padEnd(72)} ${r.ok}`),
        ...(unattributed.size ? [`  unattributed: ${[...unattributed].join('; ')}`] : []),
        `scenarios ${SCENARIOS.length}, alerts expected ${expectedTotal}, fired ${firedTotal}, true positives ${tp}, precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`,
      ].join('\n'),
    );
    expect(rows.filter((r) => r.ok !== 'yes')).toEqual([]);
    expect([...unattributed]).toEqual([]);
    expect({ precision, recall }).toEqual({ precision: 1, recall: 1 });
  }, 480_000);

  it('pages once per cause: the critical alerts Alertmanager still notifies of, its inhibition applied, are each scenario\'s pages', async () => {
    const res = await fetch(`${am.url}/api/v2/alerts?active=true&silenced=false&inhibited=false`);
    expect(res.ok).toBe(true);
    const paged = new Map(SCENARIOS.map((s) => [s.id, new Set<string>()]));
    for (const a of (await res.json()) as Pick<AlertInfo, 'labels'>[]) {
      if (a.labels.severity !== 'critical') continue;
      const id = scenarioOf(a as AlertInfo);
      if (id) paged.get(id)!.add(a.labels.alertname!);
    }
    const rows = SCENARIOS.map((s) => ({
      scenario: s.id,
      pages: pagesOf(s).join(', '),
      paged: [...paged.get(s.id)!].sort().join(', '),
    }));
    console.info(['Pages after inhibition (expected | notified):', ...rows.filter((r) => r.pages || r.paged).map((r) => `  ${r.scenario.padEnd(28)} ${r.pages.padEnd(40)} | ${r.paged}`)].join('\n'));
    expect(rows.filter((r) => r.pages !== r.paged)).toEqual([]);
  }, 30_000);

  it('delivers every alert to the webhook with its runbook, dashboard and silence links, generatorURL, and SLO value and threshold', async () => {
    interface Delivered {
      labels: Record<string, string>;
      annotations: Record<string, string>;
      generatorURL: string;
      status: string;
    }
    const delivered = () => hook.received.filter((d) => d.path === '/hook').flatMap((d) => (JSON.parse(d.body) as { alerts: Delivered[] }).alerts).filter((a) => a.status === 'firing');
    // Every page reaches the receiver (the other alerts may be inhibited by one).
    const criticals = new Set(SCENARIOS.flatMap(pagesOf));
    await waitFor('every critical alert delivered', async () => {
      const names = new Set(delivered().map((a) => a.labels.alertname));
      return [...criticals].every((c) => names.has(c)) ? true : undefined;
    }, 30_000, 1_000);
    const alerts = delivered();
    expect(alerts.length).toBeGreaterThan(0);
    const problems: string[] = [];
    const check = (ok: boolean, what: string, a: Delivered) => {
      if (!ok) problems.push(`${a.labels.alertname} ${a.labels.instance ?? a.labels.model_name ?? ''}: ${what}`);
    };
    for (const a of alerts) {
      const name = a.labels.alertname!;
      check(a.annotations.runbook_url?.startsWith(`${RUNBOOK}#`) === true, `runbook_url ${a.annotations.runbook_url}`, a);
      check(a.annotations.dashboard_url?.startsWith(`${stack.spec.urls.grafana}/d/`) === true, `dashboard_url ${a.annotations.dashboard_url}`, a);
      const silence = a.annotations.silence_url ?? '';
      check(silence.startsWith(`${stack.spec.urls.alertmanager}/#/silences/new?filter=%7Balertname%3D%22${name}%22`), `silence_url ${silence}`, a);
      // The filter names the series' labels; severity is the rule's and monitor Prometheus' external label.
      for (const [k, v] of Object.entries(a.labels)) {
        if (k === 'alertname' || k === 'severity' || k === 'monitor') continue;
        check(silence.includes(`%2C${k}%3D%22${queryEscape(v)}%22`), `silence_url lacks ${k}="${v}": ${silence}`, a);
      }
      check(a.generatorURL.startsWith(`${stack.spec.urls.prometheus}/graph?g0.expr=`), `generatorURL ${a.generatorURL}`, a);
      if (name.endsWith('ErrorBudgetBurn')) {
        check(/^\d+(\.\d+)?%$/.test(a.annotations.value ?? ''), `value ${a.annotations.value}`, a);
        check(/%/.test(a.annotations.threshold ?? ''), `threshold ${a.annotations.threshold}`, a);
        check(byModel.has(a.labels.model_name ?? ''), `model_name ${a.labels.model_name}`, a);
      }
    }
    // The watched model cache is named in its disk's alert.
    const cache = alerts.find((a) => a.labels.alertname === 'HostFilesystemAlmostFull' && a.labels.instance === 'disk-filling');
    expect(cache?.annotations.description).toContain(`which holds the ${MODEL_CACHE.name} (${MODEL_CACHE.path})`);
    const names = [...new Set(alerts.map((a) => a.labels.alertname))].sort();
    console.info(`webhook: ${alerts.length} firing alerts delivered (${names.join(', ')})`);
    expect(problems).toEqual([]);
    // The SLO alerts were among them, so their value and threshold were checked.
    expect(names.some((n) => n!.endsWith('ErrorBudgetBurn'))).toBe(true);
  }, 60_000);
});
