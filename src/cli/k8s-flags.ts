/** The --k8s-* flags -> a config file's `kubernetes:` section, merged over the file's (flags win). */
import { usageError } from '../errors.js';
import { checkNamespace, K8S_ROLES, type K8sRole, type KubernetesInput, parseSelector } from '../config/kubernetes.js';
import type { FlagValues } from './create-flags.js';

type Monitors = NonNullable<KubernetesInput['monitors']>;

/** `ROLE:VALUE` -> [role, value]; without a role, `defaultRoles` (undefined: the role is required). */
function byRole(flag: string, value: string, defaultRoles?: readonly K8sRole[]): [readonly K8sRole[], string] {
  const colon = value.indexOf(':');
  const role = colon >= 0 ? value.slice(0, colon) : undefined;
  if (role !== undefined && (K8S_ROLES as readonly string[]).includes(role)) return [[role as K8sRole], value.slice(colon + 1)];
  if (role !== undefined || !defaultRoles) {
    throw usageError(`--${flag}`, `${JSON.stringify(value)} does not start with a role`, `write it like --${flag} vllm:VALUE (roles: ${K8S_ROLES.join(', ')})`);
  }
  return [defaultRoles, value];
}

export function kubernetesFromFlags(f: FlagValues): KubernetesInput | undefined {
  const monitors: Monitors = {};
  const at = (role: K8sRole) => (monitors[role] ??= {});
  const list = (name: string) => (f[name] as string[] | undefined) ?? [];
  // A namespace without a role is where the servers run: the engines' and the gateway's.
  for (const v of list('k8s-namespace')) {
    const [roles, ns] = byRole('k8s-namespace', v, ['vllm', 'sglang', 'router']);
    checkNamespace(ns, '--k8s-namespace');
    for (const r of roles) (at(r).namespaces ??= []).push(ns);
  }
  for (const v of list('k8s-selector')) {
    const [[role], selector] = byRole('k8s-selector', v);
    parseSelector(selector, '--k8s-selector');
    at(role!).selector = selector;
  }
  for (const v of list('k8s-port')) {
    const [[role], port] = byRole('k8s-port', v);
    at(role!).port = port;
  }
  const out: KubernetesInput = {};
  if (Object.keys(monitors).length) out.monitors = monitors;
  if (typeof f['k8s-monitoring-namespace'] === 'string') out.namespace = checkNamespace(f['k8s-monitoring-namespace'], '--k8s-monitoring-namespace');
  if (typeof f['k8s-release'] === 'string') out.release = f['k8s-release'];
  return Object.keys(out).length ? out : undefined;
}

/** Per role and field, the flags' value wins over the file's. */
export function mergeKubernetes(file: KubernetesInput | undefined, flags: KubernetesInput | undefined): KubernetesInput | undefined {
  if (!file || !flags) return file ?? flags;
  const monitors: Monitors = { ...file.monitors };
  for (const [role, m] of Object.entries(flags.monitors ?? {}) as [K8sRole, Monitors[K8sRole]][]) monitors[role] = { ...monitors[role], ...m };
  return { ...file, ...flags, ...(Object.keys(monitors).length ? { monitors } : {}) };
}
