/** prometheus/prometheus.yml and the file_sd target lists it reads. */
import { EXPORTER_PORTS } from '../config/defaults.js';
import { nativeNameRelabelling } from '../engines/transports.js';
import { ENGINES, type Engine, type GpuKind, type RouterTarget, type StackSpec } from '../config/types.js';
import { ROUTER_JOB } from '../rules/router.js';
import { alertmanagerServices, GPU_SERVICE_NAME, hasLocalTargetsOrNone, localGpuContainer, prometheusServices } from './compose.js';
import { alertRelabelConfigs, externalLabels, renderRemoteWrite } from './remote-write.js';
import { targetSecretFiles, WEB_USER, webPasswordFile } from './secrets.js';

export interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

export const GPU_JOB: Record<Exclude<GpuKind, 'none'>, string> = {
  dcgm: 'gpu-dcgm',
  'nvidia-smi': 'gpu-nvidia-smi',
  amd: 'gpu-amd',
};

/** One file_sd group per target, so each keeps its own name, host and labels. */
export function engineTargetGroups(targets: readonly RouterTarget[]): TargetGroup[] {
  return targets.map((t) => ({
    targets: [t.address],
    labels: {
      ...t.labels,
      instance: t.name,
      host: t.host,
      // Per-target scheme and path travel as target labels, so one job serves them all.
      ...(t.scheme !== 'http' ? { __scheme__: t.scheme } : {}),
      ...(t.metricsPath !== '/metrics' ? { __metrics_path__: t.metricsPath } : {}),
    },
  }));
}

/** Hosts that run engines on other machines; each gets an agent with node and GPU exporters. */
export function remoteHosts(spec: StackSpec): string[] {
  return [...new Set(spec.targets.filter((t) => !t.local).map((t) => t.host))].sort();
}

export function nodeTargetGroups(spec: StackSpec): TargetGroup[] {
  const groups: TargetGroup[] = [];
  const localAddress = spec.platform === 'linux' ? `host.docker.internal:${EXPORTER_PORTS.node}` : `node-exporter:${EXPORTER_PORTS.node}`;
  groups.push({ targets: [localAddress], labels: { instance: spec.localHost, host: spec.localHost } });
  for (const host of remoteHosts(spec)) {
    groups.push({ targets: [`${host}:${EXPORTER_PORTS.node}`], labels: { instance: host, host } });
  }
  return groups;
}

export function gpuTargetGroups(spec: StackSpec): TargetGroup[] {
  if (spec.gpu === 'none') return [];
  const port = EXPORTER_PORTS[spec.gpu];
  const groups: TargetGroup[] = [];
  if (localGpuContainer(spec)) {
    groups.push({ targets: [`${GPU_SERVICE_NAME[spec.gpu]}:${port}`], labels: { instance: spec.localHost, host: spec.localHost } });
  } else if (spec.platform === 'windows' && hasLocalTargetsOrNone(spec)) {
    // nvidia_gpu_exporter runs as a native Windows service next to Docker Desktop.
    groups.push({ targets: [`host.docker.internal:${port}`], labels: { instance: spec.localHost, host: spec.localHost } });
  }
  for (const host of remoteHosts(spec)) {
    groups.push({ targets: [`${host}:${port}`], labels: { instance: host, host } });
  }
  return groups;
}

/** Relative to prometheus.yml, so promtool checks the very files Prometheus will read. */
function fileSd(name: string): Record<string, unknown> {
  return { file_sd_configs: [{ files: [`targets/${name}.json`] }] };
}

/**
 * Every engine job: names a gateway, Ray Serve or an older NIM renamed are put back first (a
 * gateway carries vLLM and SGLang alike); then vLLM V1's `engine` label (the DP rank) becomes
 * `dp_rank`, as our `engine` label means vllm|sglang.
 */
export const ENGINE_METRIC_RELABEL = [
  ...nativeNameRelabelling(),
  { source_labels: ['engine'], regex: '(.+)', target_label: 'dp_rank' },
  { action: 'labeldrop', regex: 'engine' },
];

function engineJobs(spec: StackSpec, engine: Engine): Record<string, unknown>[] {
  const extra = { metric_relabel_configs: ENGINE_METRIC_RELABEL };
  const jobs: Record<string, unknown>[] = [{ job_name: engine, ...fileSd(engine), ...extra }];
  // Prometheus sets credentials per scrape config, so each target with a token gets its own,
  // relabelled back to the engine's job name so dashboards and rules see one job.
  const secretPath = new Map(targetSecretFiles(spec).map((f) => [f.env, f.path]));
  for (const t of spec.targets.filter((x) => x.engine === engine && x.bearerTokenEnv)) {
    jobs.push({
      job_name: `${engine}-${t.name}`,
      authorization: { type: 'Bearer', credentials_file: secretPath.get(t.bearerTokenEnv!) },
      ...fileSd(`${engine}-${t.name}`),
      relabel_configs: [{ target_label: 'job', replacement: engine }],
      ...extra,
    });
  }
  return jobs;
}

/**
 * prometheus.yml, loadable by every Prometheus we support (2.42 to 3.x): no field only Prometheus 3
 * knows. Above all no `fallback_scrape_protocol`, which 2.x refuses to load: Prometheus 3 fails a
 * scrape whose Content-Type is blank or unknown unless it is set, but vLLM and SGLang
 * (prometheus_client) and the exporters (client_golang) all send `text/plain; version=0.0.4`, and
 * `validate` names the fix for a target, or a proxy in front of it, that sends none.
 */
export function renderPrometheusConfig(spec: StackSpec, ruleFiles: string[], replica = 0): Record<string, unknown> {
  // With --expose, Prometheus and Alertmanager answer only with the web password, to Prometheus too.
  const auth = spec.expose ? { basic_auth: { username: WEB_USER, password_file: webPasswordFile().path } } : {};
  const scrapeConfigs: Record<string, unknown>[] = [];
  for (const engine of ENGINES) scrapeConfigs.push(...engineJobs(spec, engine));
  // Always there, like the engines' jobs, so a gateway added to its list later is scraped.
  scrapeConfigs.push({ job_name: ROUTER_JOB, ...fileSd(ROUTER_JOB) });
  if (spec.gpu !== 'none') scrapeConfigs.push({ job_name: GPU_JOB[spec.gpu], ...fileSd('gpu') });
  scrapeConfigs.push({ job_name: 'node', ...fileSd('node') });
  // An HA pair's replicas scrape each other too, by service name, so each config is the same.
  const prometheusTargets = spec.ha ? prometheusServices(spec).map((p) => `${p}:9090`) : ['localhost:9090'];
  const alertmanagerTargets = alertmanagerServices(spec).map((a) => `${a}:9093`);
  scrapeConfigs.push({ job_name: 'prometheus', ...auth, static_configs: [{ targets: prometheusTargets, labels: { host: spec.localHost } }] });
  scrapeConfigs.push({ job_name: 'alertmanager', ...auth, static_configs: [{ targets: alertmanagerTargets, labels: { host: spec.localHost } }] });
  if (spec.grafana) scrapeConfigs.push({ job_name: 'grafana', static_configs: [{ targets: ['grafana:3000'], labels: { host: spec.localHost } }] });

  return {
    global: {
      scrape_interval: spec.scrapeInterval,
      evaluation_interval: spec.scrapeInterval,
      external_labels: externalLabels(spec, spec.ha ? prometheusServices(spec)[replica] : undefined),
    },
    rule_files: ruleFiles,
    alerting: {
      ...(spec.remoteWrite || spec.ha ? { alert_relabel_configs: alertRelabelConfigs() } : {}),
      // With --ha every replica sends every alert to both Alertmanagers, which deliver it once.
      alertmanagers: [{ ...auth, static_configs: [{ targets: alertmanagerTargets }] }],
    },
    scrape_configs: scrapeConfigs,
    ...(spec.remoteWrite ? { remote_write: renderRemoteWrite(spec) } : {}),
  };
}

/** prometheus/targets/*.json, keyed by file name without extension. */
export function renderTargetFiles(spec: StackSpec): Map<string, TargetGroup[]> {
  const files = new Map<string, TargetGroup[]>();
  for (const engine of ENGINES) {
    files.set(engine, engineTargetGroups(spec.targets.filter((t) => t.engine === engine && !t.bearerTokenEnv)));
    for (const t of spec.targets.filter((x) => x.engine === engine && x.bearerTokenEnv)) {
      files.set(`${engine}-${t.name}`, engineTargetGroups([t]));
    }
  }
  files.set(ROUTER_JOB, engineTargetGroups(spec.routers));
  if (spec.gpu !== 'none') files.set('gpu', gpuTargetGroups(spec));
  files.set('node', nodeTargetGroups(spec));
  return files;
}
