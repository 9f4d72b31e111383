/** What every object we write for kube-prometheus-stack shares: its metadata and our labels. */
import type { KubernetesSpec, StackSpec } from '../../config/types.js';

export const PART_OF = 'create-vllm-monitor';

/** `release` is what kube-prometheus-stack's Prometheus selects rules and monitors by (its default selectors). */
export function metadata(spec: StackSpec & { kubernetes: KubernetesSpec }, name: string, extra: { labels?: Record<string, string>; annotations?: Record<string, string> } = {}) {
  return {
    name: `${spec.project}-${name}`,
    namespace: spec.kubernetes.namespace,
    labels: { 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/instance': spec.project, release: spec.kubernetes.release, ...extra.labels },
    ...(extra.annotations ? { annotations: extra.annotations } : {}),
  };
}

export type K8sStackSpec = StackSpec & { kubernetes: KubernetesSpec };
