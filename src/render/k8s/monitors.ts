/**
 * PodMonitors for the engines and the gateway, a ServiceMonitor for the GPU exporter. Their
 * relabelings give each target the labels the rules and dashboards aggregate by, as the Compose
 * stack's file_sd lists do: `job` the engine (or gateway, GPU exporter job), `instance` the pod (the
 * GPU exporter: its node), `host` the node, which joins serving and GPU series.
 */
import type { K8sRole } from '../../config/types.js';
import { ROUTER_JOB } from '../../rules/router.js';
import { ENGINE_METRIC_RELABEL, GPU_JOB } from '../prometheus.js';
import { type K8sStackSpec, metadata } from './objects.js';

/** A relabel rule as prometheus.yml writes it. */
export interface PromRelabel {
  source_labels?: string[];
  target_label?: string;
  regex?: string;
  replacement?: string;
  action?: string;
}

/** The job label each role's series carry, as in the Compose stack. */
export function roleJob(spec: K8sStackSpec, role: K8sRole): string | undefined {
  if (role === 'gpu') return spec.gpu === 'none' ? undefined : GPU_JOB[spec.gpu];
  return role === 'router' ? ROUTER_JOB : role;
}

/**
 * The target relabelling of one role, in prometheus.yml's form: what the operator appends after
 * its own (which set namespace, pod, container and job `<namespace>/<monitor>` first).
 */
export function targetRelabelling(spec: K8sStackSpec, role: K8sRole): PromRelabel[] {
  const node = '__meta_kubernetes_pod_node_name';
  return [
    { target_label: 'job', replacement: roleJob(spec, role)! },
    // One GPU exporter runs per node: the node is the instance, as a machine is in the Compose stack.
    { source_labels: [role === 'gpu' ? node : '__meta_kubernetes_pod_name'], target_label: 'instance' },
    { source_labels: [node], target_label: 'host' },
  ];
}

/** Metric relabelling: the engines' names put back (gateway, Ray Serve, NIM) and vLLM's `engine` label made `dp_rank`. */
export function metricRelabelling(role: K8sRole): PromRelabel[] {
  return role === 'vllm' || role === 'sglang' ? ENGINE_METRIC_RELABEL : [];
}

/** prometheus.yml's snake_case -> the operator's camelCase RelabelConfig. */
function operatorForm(r: PromRelabel): Record<string, unknown> {
  return {
    ...(r.source_labels ? { sourceLabels: r.source_labels } : {}),
    ...(r.regex !== undefined ? { regex: r.regex } : {}),
    ...(r.target_label ? { targetLabel: r.target_label } : {}),
    ...(r.replacement !== undefined ? { replacement: r.replacement } : {}),
    ...(r.action ? { action: r.action } : {}),
  };
}

export function renderMonitor(spec: K8sStackSpec, role: K8sRole): Record<string, unknown> {
  const m = spec.kubernetes.monitors[role];
  const endpoint = {
    port: m.port,
    path: m.path,
    interval: spec.scrapeInterval,
    relabelings: targetRelabelling(spec, role).map(operatorForm),
    ...(metricRelabelling(role).length ? { metricRelabelings: metricRelabelling(role).map(operatorForm) } : {}),
  };
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: m.kind,
    metadata: metadata(spec, role === 'gpu' ? roleJob(spec, role)! : role),
    spec: {
      selector: m.selector,
      namespaceSelector: m.namespaces.length ? { matchNames: m.namespaces } : { any: true },
      [m.kind === 'PodMonitor' ? 'podMetricsEndpoints' : 'endpoints']: [endpoint],
    },
  };
}

/** Roles with a monitor: every engine and the gateway (a selector that matches nothing costs nothing), the GPU exporter unless --gpu none. */
export function monitoredRoles(spec: K8sStackSpec): K8sRole[] {
  return spec.gpu === 'none' ? ['vllm', 'sglang', 'router'] : ['vllm', 'sglang', 'router', 'gpu'];
}
