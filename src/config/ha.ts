/**
 * --ha: a highly available pair. Checks that it fits the rest of the input (Compose only; the
 * second instances' ports given only with it; no --replica, the replicas name themselves) and fills
 * the second instances' ports.
 */
import { type CliError, usageError } from '../errors.js';
import { DEFAULT_HA_PORTS } from './defaults.js';
import type { ConfigInput } from './input.js';
import type { Platform, Ports } from './types.js';

/** The Compose services of the pair, and the `replica` external label each Prometheus carries. */
export const HA_PROMETHEUS = ['prometheus', 'prometheus-2'] as const;
export const HA_ALERTMANAGER = ['alertmanager', 'alertmanager-2'] as const;

/** Whether the stack is an HA pair; errors go to `errors`, `ports` gets the second instances' ports. */
export function buildHa(input: ConfigInput, platform: Platform, ports: Ports, errors: CliError[]): boolean {
  const ha = input.ha === true;
  if (ha && platform === 'kubernetes') {
    errors.push(usageError('ha (--ha)', 'is for Compose stacks', "kube-prometheus-stack runs the replicas itself: set prometheus.prometheusSpec.replicas: 2 and alertmanager.alertmanagerSpec.replicas: 2 in its values, and drop --ha"));
    return false;
  }
  if (!ha) {
    for (const name of ['prometheus2', 'alertmanager2'] as const) {
      if (input.ports?.[name] !== undefined) errors.push(usageError(`ports.${name} (--${name}-port)`, 'is only used with --ha (the second instance of an HA pair)', `add --ha, or remove --${name}-port`));
    }
    return false;
  }
  if (input.remoteWrite?.replica !== undefined) {
    errors.push(usageError('remoteWrite.replica (--replica)', `is set by --ha: the replicas are labelled replica="${HA_PROMETHEUS[0]}" and replica="${HA_PROMETHEUS[1]}"`, 'remove --replica (keep --cluster to name the pair)'));
  }
  ports.prometheus2 ??= DEFAULT_HA_PORTS.prometheus2;
  ports.alertmanager2 ??= DEFAULT_HA_PORTS.alertmanager2;
  return true;
}

/**
 * The second instance's public URL: the first's at the second's port where the first is linked at
 * its published port (the default), else the same URL (a reverse proxy or load balancer in front of
 * both, which is what people open).
 */
export function secondUrl(first: string, firstPort: number, secondPort: number): string {
  const url = new URL(first);
  if (url.port !== String(firstPort)) return first;
  url.port = String(secondPort);
  return url.href.replace(/\/$/, '');
}
