/**
 * `--platform kubernetes`: which pods and services the monitors select, per role. The defaults fit
 * the vLLM production-stack Helm chart (engines), the NVIDIA GPU Operator (dcgm-exporter) and the
 * AMD GPU Operator (device-metrics-exporter); the README names the selectors for llm-d and KServe.
 */
import { CliError, usageError } from '../errors.js';
import { type GpuKind, K8S_ROLES, type K8sMonitor, type K8sRole, type KubernetesSpec, type LabelSelector } from './types.js';

export { K8S_ROLES, type K8sRole } from './types.js';

/** A config file's `kubernetes:` section, and what the --k8s-* flags fill in. */
export interface KubernetesInput {
  namespace?: string;
  release?: string;
  monitors?: Partial<Record<K8sRole, { selector?: string; namespaces?: string[]; port?: string; path?: string }>>;
}

export const K8S_DEFAULT_NAMESPACE = 'monitoring';
export const K8S_DEFAULT_RELEASE = 'kube-prometheus-stack';

/** Selectors as --k8s-selector takes them: `key=value` or `key` (the label exists), comma-separated. */
const ENGINE_DEFAULTS: Record<'vllm' | 'sglang' | 'router', { selectorText: string; port: string; path: string }> = {
  // production-stack labels every engine pod with its release and model; its port is container-port.
  vllm: { selectorText: 'helm-release-name,model', port: 'container-port', path: '/metrics' },
  sglang: { selectorText: 'app.kubernetes.io/name=sglang', port: 'http', path: '/metrics' },
  router: { selectorText: 'app.kubernetes.io/name=sglang-router', port: 'metrics', path: '/metrics' },
};

/** The Services the GPU operators create for their exporters, in their default namespaces. */
const GPU_DEFAULTS: Record<Exclude<GpuKind, 'none'>, { selectorText: string; namespace: string; port: string }> = {
  dcgm: { selectorText: 'app=nvidia-dcgm-exporter', namespace: 'gpu-operator', port: 'gpu-metrics' },
  // The AMD GPU Operator labels the service `<DeviceConfig name>-metrics-exporter`; its Helm install names the DeviceConfig gpu-operator.
  amd: { selectorText: 'app.kubernetes.io/service=gpu-operator-metrics-exporter', namespace: 'kube-amd-gpu', port: 'exporter-port' },
  'nvidia-smi': { selectorText: 'app.kubernetes.io/name=nvidia-gpu-exporter', namespace: '', port: 'http' },
};

// https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
const LABEL_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const PORT_NAME = /^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/;

/** `key=value,key,!key` -> a LabelSelector; `field` names the input in errors. */
export function parseSelector(text: string, field: string): LabelSelector {
  const matchLabels: Record<string, string> = {};
  const matchExpressions: NonNullable<LabelSelector['matchExpressions']> = [];
  const fix = 'write it like app.kubernetes.io/name=vllm,model (key=value, or a key that must exist; !key: must not)';
  for (const part of text.split(',').map((p) => p.trim())) {
    const eq = part.indexOf('=');
    const negated = eq < 0 && part.startsWith('!');
    const key = eq >= 0 ? part.slice(0, eq) : negated ? part.slice(1) : part;
    if (!LABEL_NAME.test(key) || key.split('/').at(-1)!.length > 63) throw usageError(field, `${JSON.stringify(key)} is not a Kubernetes label name`, fix);
    if (eq < 0) {
      matchExpressions.push({ key, operator: negated ? 'DoesNotExist' : 'Exists' });
      continue;
    }
    const value = part.slice(eq + 1);
    if (!LABEL_VALUE.test(value)) throw usageError(field, `${JSON.stringify(value)} is not a Kubernetes label value`, 'use up to 63 letters, digits, - _ . (starting and ending with a letter or digit)');
    matchLabels[key] = value;
  }
  return { ...(Object.keys(matchLabels).length ? { matchLabels } : {}), ...(matchExpressions.length ? { matchExpressions } : {}) };
}

export function checkNamespace(ns: string, field: string): string {
  if (!DNS_LABEL.test(ns)) throw usageError(field, `${JSON.stringify(ns)} is not a Kubernetes namespace name`, 'use lower-case letters, digits and dashes (at most 63)');
  return ns;
}

/** The monitors for this GPU kind, with the user's selectors, namespaces and ports over the defaults. */
export function buildKubernetes(input: KubernetesInput | undefined, gpu: GpuKind, errors: CliError[]): KubernetesSpec {
  const collect = <T>(fn: () => T, fallback: T): T => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof CliError) errors.push(err);
      else throw err;
      return fallback;
    }
  };
  const given = input?.monitors ?? {};
  const gpuDefaults = gpu === 'none' ? GPU_DEFAULTS.dcgm : GPU_DEFAULTS[gpu];
  const monitor = (role: K8sRole): K8sMonitor => {
    const d = role === 'gpu' ? { ...gpuDefaults, path: '/metrics' } : { ...ENGINE_DEFAULTS[role], namespace: '' };
    const g = given[role] ?? {};
    const field = `kubernetes.monitors.${role}`;
    const port = g.port ?? d.port;
    if (!PORT_NAME.test(port) || !/[a-z]/.test(port)) {
      errors.push(usageError(`${field}.port`, `${JSON.stringify(port)} is not a port name`, 'give the name of the port in the pod or service spec (at most 15 lower-case letters, digits, dashes), e.g. --k8s-port vllm:http'));
    }
    const path = g.path ?? d.path;
    if (!/^\/[\w./-]*$/.test(path)) errors.push(usageError(`${field}.path`, `${JSON.stringify(path)} is not a URL path`, 'write it like /metrics'));
    return {
      kind: role === 'gpu' ? 'ServiceMonitor' : 'PodMonitor',
      selector: collect(() => parseSelector(g.selector ?? d.selectorText, `${field}.selector`), {}),
      namespaces: (g.namespaces ?? (d.namespace ? [d.namespace] : [])).map((ns, i) => collect(() => checkNamespace(ns, `${field}.namespaces[${i}]`), ns)),
      port,
      path,
    };
  };
  const namespace = collect(() => checkNamespace(input?.namespace ?? K8S_DEFAULT_NAMESPACE, 'kubernetes.namespace'), K8S_DEFAULT_NAMESPACE);
  const release = input?.release ?? K8S_DEFAULT_RELEASE;
  if (!LABEL_VALUE.test(release) || !release) errors.push(usageError('kubernetes.release', `${JSON.stringify(release)} is not a Helm release name`, 'give the release kube-prometheus-stack was installed as (helm list -A)'));
  return { namespace, release, monitors: Object.fromEntries(K8S_ROLES.map((r) => [r, monitor(r)])) as Record<K8sRole, K8sMonitor> };
}
