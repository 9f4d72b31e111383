/**
 * The kubernetes folder's monitors give the labels our rules and dashboards expect. There is no
 * cluster here, so the operator's part is emulated, honestly and no more: the Prometheus Operator
 * turns a PodMonitor / ServiceMonitor into a scrape job whose relabel_configs first set `namespace`,
 * `container`, `pod` and `job` (`<namespace>/<monitor>`) from the kubernetes_sd meta labels, then
 * append the monitor's own `relabelings` (and `metricRelabelings` as metric_relabel_configs). This
 * test builds exactly such jobs from the generated objects, over static targets that carry the meta
 * labels kubernetes_sd would give each pod (its name, node, namespace, container), pointing at the
 * emulated vLLM, SGLang and DCGM exporter; real Prometheus (each release) scrapes them and
 * evaluates the rules taken out of the generated PrometheusRules. The recorded `llm:*` and `gpu:*`
 * series must carry `job`, `instance` (the pod; the GPU exporter: its node), `host` (the node) and
 * `model_name`, and join serving to GPUs on `host` as the dashboards do; the panel probe then finds
 * data in the overview's panels (as the ConfigMap holds it) that join on host or pick the pod.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type Emulator, startEmulator } from '../../src/demo/index.js';
import { type PanelReport, probeDashboards } from '../../src/probe/index.js';
import { render } from '../../src/render/index.js';
import { S } from '../../src/rules/series.js';
import { specFor } from '../support/stacks.js';
import { PROMETHEUS_RELEASES } from '../support/versions.js';
import { type RunningPrometheus, startPrometheus, waitFor } from './support/prometheus.js';

const NODE = 'gpu-node-7';
const NAMESPACE = 'llm';
const PODS = { vllm: 'llama-8b-engine-6d5f9c7b8-x2k4p', sglang: 'qwen-32b-sglang-0', gpu: 'nvidia-dcgm-exporter-8f2lq' } as const;
const MODELS = { vllm: 'meta-llama/Llama-3.1-8B-Instruct', sglang: 'Qwen/Qwen2.5-32B-Instruct' } as const;

type Relabel = { sourceLabels?: string[]; targetLabel?: string; regex?: string; replacement?: string; action?: string };
type Endpoint = { relabelings?: Relabel[]; metricRelabelings?: Relabel[] };
type Monitor = { kind: string; metadata: { name: string; namespace: string }; spec: { podMetricsEndpoints?: Endpoint[]; endpoints?: Endpoint[] } };

/** The operator's RelabelConfig -> prometheus.yml's relabel_config (the field names it writes). */
function promForm(r: Relabel): Record<string, unknown> {
  return {
    ...(r.sourceLabels ? { source_labels: r.sourceLabels } : {}),
    ...(r.regex !== undefined ? { regex: r.regex } : {}),
    ...(r.targetLabel ? { target_label: r.targetLabel } : {}),
    ...(r.replacement !== undefined ? { replacement: r.replacement } : {}),
    ...(r.action ? { action: r.action.toLowerCase() } : {}),
  };
}

/** The scrape job the operator generates for a monitor's first endpoint, over one static target. */
function operatorJob(m: Monitor, address: string, pod: string, container: string): Record<string, unknown> {
  const endpoint = (m.spec.podMetricsEndpoints ?? m.spec.endpoints)![0]!;
  const kind = m.kind === 'PodMonitor' ? 'podMonitor' : 'serviceMonitor';
  return {
    job_name: `${kind}/${m.metadata.namespace}/${m.metadata.name}/0`,
    static_configs: [
      {
        targets: [address],
        labels: { __meta_kubernetes_namespace: kind === 'podMonitor' ? NAMESPACE : 'gpu-operator', __meta_kubernetes_pod_name: pod, __meta_kubernetes_pod_node_name: NODE, __meta_kubernetes_pod_container_name: container },
      },
    ],
    relabel_configs: [
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
      { source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
      { target_label: 'job', replacement: `${m.metadata.namespace}/${m.metadata.name}` },
      ...(endpoint.relabelings ?? []).map(promForm),
    ],
    ...(endpoint.metricRelabelings ? { metric_relabel_configs: endpoint.metricRelabelings.map(promForm) } : {}),
  };
}

for (const release of PROMETHEUS_RELEASES) describe(`kubernetes monitors' relabelling, as the operator writes it, on real ${release.name}`, () => {
  const binary = release.path('prometheus');
  if (!binary) {
    it.skip(`needs ${release.missing('prometheus')}`, () => {});
    return;
  }
  let dir: string;
  let prom: RunningPrometheus;
  let dashboards: Record<string, unknown>[] = [];
  const emulators: Emulator[] = [];

  beforeAll(async () => {
    const vllm = await startEmulator({ kind: 'vllm-v1', model: MODELS.vllm, seed: 3, dpRanks: 2, arrivalRate: 4 });
    const sglang = await startEmulator({ kind: 'sglang', model: MODELS.sglang, seed: 4, arrivalRate: 4 });
    const gpu = await startEmulator({ kind: 'dcgm', gpus: 2, seed: 5, follow: [vllm, sglang] });
    emulators.push(vllm, sglang, gpu);

    const { spec, secrets } = await specFor({ platform: 'kubernetes', gpu: 'dcgm', scrapeInterval: '1s' }, 'llm-monitor');
    const files = render(spec, secrets);
    const monitor = (path: string) => parse(files.get(path)!.content) as Monitor;
    dashboards = [...files].filter(([p]) => p.startsWith('dashboards/')).map(([, f]) => {
      const data = (parse(f.content) as { data: Record<string, string> }).data;
      return JSON.parse(Object.values(data)[0]!) as Record<string, unknown>;
    });
    dir = mkdtempSync(join(tmpdir(), 'cvm-k8s-relabel-'));
    mkdirSync(join(dir, 'rules'));
    const ruleFiles: string[] = [];
    for (const [path, f] of files) {
      if (!path.startsWith('prometheusrules/')) continue;
      const rule = parse(f.content) as { spec: { groups: unknown[] } };
      const file = `rules/${path.slice('prometheusrules/'.length)}`;
      writeFileSync(join(dir, file), stringify({ groups: rule.spec.groups }));
      ruleFiles.push(file);
    }
    const address = (e: Emulator) => `127.0.0.1:${e.port}`;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      stringify({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        rule_files: ruleFiles,
        scrape_configs: [
          operatorJob(monitor('monitors/vllm.yaml'), address(vllm), PODS.vllm, 'vllm'),
          operatorJob(monitor('monitors/sglang.yaml'), address(sglang), PODS.sglang, 'sglang'),
          operatorJob(monitor('monitors/gpu-dcgm.yaml'), address(gpu), PODS.gpu, 'nvidia-dcgm-exporter'),
        ],
      }),
    );
    prom = await startPrometheus({ binary, configFile: join(dir, 'prometheus.yml') });
  }, 120_000);

  afterAll(async () => {
    await prom?.stop();
    for (const e of emulators) await e.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const series = async (expr: string) => (await prom.client.query(expr)).series.map((s) => s.metric);

  it('records llm:* series per engine with job, instance (the pod), host (the node) and model_name', async () => {
    for (const engine of ['vllm', 'sglang'] as const) {
      const got = await waitFor(`${S.requestsRunning} of ${engine}`, async () => {
        const r = await series(`${S.requestsRunning}{job="${engine}"}`);
        return r.length ? r : undefined;
      });
      expect(got).toEqual([{ __name__: S.requestsRunning, engine, job: engine, instance: PODS[engine], host: NODE, model_name: MODELS[engine] }]);
    }
  }, 90_000);

  it("keeps the operator's namespace and pod labels on the raw series, and vLLM's DP rank as dp_rank", async () => {
    const up = await series('up{job=~"vllm|sglang|gpu-dcgm"} == 1');
    expect(up.map((m) => `${m.job} ${m.instance} ${m.host} ${m.namespace} ${m.pod}`).sort()).toEqual(
      [`gpu-dcgm ${NODE} ${NODE} gpu-operator ${PODS.gpu}`, `sglang ${PODS.sglang} ${NODE} ${NAMESPACE} ${PODS.sglang}`, `vllm ${PODS.vllm} ${NODE} ${NAMESPACE} ${PODS.vllm}`].sort(),
    );
    const ranks = await series(`count by (dp_rank, engine) (vllm:num_requests_running{job="vllm"})`);
    expect(ranks.map((m) => m.dp_rank).sort()).toEqual(['0', '1']);
    expect(ranks.every((m) => m.engine === undefined)).toBe(true);
  });

  it('records gpu:* series per node and joins them to the servers on host, as the dashboards do', async () => {
    const gpus = await waitFor(S.gpuUtilization, async () => {
      const r = await series(S.gpuUtilization);
      return r.length === 2 ? r : undefined;
    });
    for (const g of gpus) expect({ job: g.job, instance: g.instance, host: g.host }).toEqual({ job: 'gpu-dcgm', instance: NODE, host: NODE });
    const joined = await series(`avg by (host) (${S.gpuUtilization} and on (host) ${S.requestsRunning})`);
    expect(joined).toEqual([{ host: NODE }]);
  }, 90_000);

  it("shows data in the dashboards' panels that join on host and pick by instance, read from the ConfigMaps", async () => {
    const overview = dashboards.find((d) => d.uid === 'llm-serving-overview') ?? dashboards[0]!;
    const vars = { instance: PODS.vllm, model_name: MODELS.vllm, engine: 'vllm', job: 'vllm' };
    // The panels whose queries need the labels the monitors set: the GPUs of the serving hosts, the pod as instance.
    const labelBound = (q: string) => q.includes('on (host)') || q.includes(PODS.vllm);
    // A panel of a feature the emulator leaves off (LoRA, speculative decoding, P/D) passes with validate's note, as in engines-real-prometheus.
    const shown = (p: PanelReport) => p.status === 'data' || (p.verdict === 'not-applicable' && Boolean(p.note));
    const probe = async () => {
      const r = await probeDashboards({ prometheusUrl: prom.url, dashboards: [overview], rangeSeconds: 60, scrapeIntervalSeconds: 1, variables: vars });
      return r.panels.filter((p) => p.queries.some((q) => labelBound(q.expr)));
    };
    const report = await waitFor('the label-bound panels with data', async () => {
      const bound = await probe();
      return bound.length > 0 && bound.every(shown) ? bound : undefined;
    }, 60_000, 3_000).catch(async () => {
      const without = (await probe()).filter((p) => !shown(p));
      throw new Error(`panels without data: ${without.map((p) => `${p.title}: ${p.status} ${p.explanation ?? ''} [${p.queries.map((q) => q.expr).join(' | ')}]`).join('; ')}`);
    });
    const withData = report.filter((p) => p.status === 'data');
    expect(withData.some((p) => p.queries.some((q) => q.expr.includes('on (host)')))).toBe(true);
    expect(withData.filter((p) => p.queries.some((q) => q.expr.includes(PODS.vllm))).length).toBeGreaterThan(10);
  }, 90_000);
});
