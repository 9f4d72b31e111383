/** README.md of the kubernetes folder: its view here, its layout in templates/README.kubernetes.md.hbs. */
import type { K8sRole, LabelSelector } from '../../config/types.js';
import { S } from '../../rules/series.js';
import { BUILT_IN_TEMPLATES, layout, type TemplateSources } from '../templates.js';
import { secretKeys, secretName } from './alertmanager-config.js';
import { DASHBOARD_FOLDER } from './dashboards.js';
import { monitoredRoles, roleJob } from './monitors.js';
import type { K8sStackSpec } from './objects.js';

const GPU_TEXT: Record<K8sStackSpec['gpu'], string> = {
  dcgm: "the NVIDIA GPU Operator's `nvidia-dcgm-exporter` service (namespace `gpu-operator`, port `gpu-metrics`).",
  amd: "the AMD GPU Operator's device-metrics-exporter service (namespace `kube-amd-gpu`, port `exporter-port`, labelled after the DeviceConfig: `gpu-operator-metrics-exporter` for the Helm install's; another DeviceConfig name: `--k8s-selector gpu:app.kubernetes.io/service=NAME-metrics-exporter`).",
  'nvidia-smi': 'nvidia_gpu_exporter, as its Helm chart labels its service.',
  none: 'none (`--gpu none`): no GPU monitor, rules or dashboard.',
};

/** The selector as --k8s-selector writes it. */
export function selectorText(s: LabelSelector): string {
  const labels = Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  const exprs = (s.matchExpressions ?? []).map((e) => (e.operator === 'Exists' ? e.key : `!${e.key}`));
  return [...labels, ...exprs].join(',') || '(everything)';
}

/** The chart's Prometheus and Grafana services: Helm's fullname rule (the release, or release-chart, at most 26 characters here). */
export function chartServices(release: string): { prometheus: string; grafana: string } {
  const fullname = release.includes('kube-prometheus-stack') ? release : `${release}-kube-prometheus-stack`.slice(0, 26).replace(/-+$/, '');
  return { prometheus: `${fullname}-prometheus`, grafana: release.includes('grafana') ? release : `${release}-grafana` };
}

export function renderKubernetesReadme(spec: K8sStackSpec, files: string[], hasAlertmanagerConfig: boolean, templates: TemplateSources = BUILT_IN_TEMPLATES): string {
  const k = spec.kubernetes;
  const monitor = (role: K8sRole) => {
    const m = k.monitors[role];
    return {
      kind: m.kind,
      name: `${spec.project}-${role === 'gpu' ? roleJob(spec, role) : role}`,
      selector: selectorText(m.selector),
      namespaces: m.namespaces.length ? m.namespaces.map((n) => `\`${n}\``).join(', ') : 'any',
      port: m.port,
      path: m.path,
      job: roleJob(spec, role),
    };
  };
  const roles = monitoredRoles(spec);
  return layout(templates, 'README.kubernetes.md.hbs', {
    project: spec.project,
    namespace: k.namespace,
    release: k.release,
    releaseLabel: `release: ${k.release}`,
    services: chartServices(k.release),
    folder: DASHBOARD_FOLDER,
    monitors: roles.map(monitor),
    jobs: roles.map((r) => roleJob(spec, r)).join('|'),
    requestsSeries: S.requestsRunning,
    grafanaUrl: spec.urls.grafana ?? '(none)',
    alertmanagerUrl: spec.urls.alertmanager,
    gpuText: GPU_TEXT[spec.gpu],
    alertmanagerConfig: hasAlertmanagerConfig,
    secretName: secretName(spec),
    secretKeys: secretKeys(spec),
    files,
  });
}
