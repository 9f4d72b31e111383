/**
 * The AlertmanagerConfig: the Compose stack's routing tree and inhibition rules (render/alertmanager.ts,
 * converted), with receivers whose secrets are `Secret` key references, never values. The Secret is
 * created by the user (README), so that no manifest holds one and sealed or external secrets work.
 * The receivers use Alertmanager's default notification texts: an AlertmanagerConfig cannot load
 * our template files (they are global to Alertmanager).
 */
import type { RoutedReceiver } from '../../config/types.js';
import { HEARTBEAT_RECEIVER, renderAlertmanagerConfig } from '../alertmanager.js';
import { type K8sStackSpec, metadata } from './objects.js';

export const SECRET_NAME_SUFFIX = 'alertmanager';

/** The Secret the receivers read, and its key per .env variable (SLACK_WEBHOOK_URL -> slack-webhook-url). */
export function secretName(spec: K8sStackSpec): string {
  return `${spec.project}-${SECRET_NAME_SUFFIX}`;
}
export const secretKey = (env: string): string => env.toLowerCase().replace(/_/g, '-');
const ref = (spec: K8sStackSpec, env: string) => ({ name: secretName(spec), key: secretKey(env) });

/** The Secret's keys: what the README tells the user to create, with the .env variable each holds. */
export function secretKeys(spec: K8sStackSpec): { key: string; env: string }[] {
  const envs = [...spec.receivers.flatMap((r) => (r.secretEnv ? [r.secretEnv] : [])), ...(spec.heartbeat ? [spec.heartbeat.secretEnv] : [])];
  return envs.map((env) => ({ key: secretKey(env), env }));
}

/** `severity=~"a|b"` -> the operator's matcher. */
export function matcher(text: string): { name: string; matchType: string; value: string } {
  const m = /^([a-zA-Z_][a-zA-Z0-9_]*)(=~|!~|!=|=)"(.*)"$/.exec(text);
  if (!m) throw new Error(`not a matcher: ${text}`);
  return { name: m[1]!, matchType: m[2]!, value: m[3]! };
}

type Route = Record<string, unknown> & { matchers?: string[]; routes?: Route[]; group_by?: string[] };

/** prometheus' snake_case route -> the operator's camelCase one. */
function route(r: Route): Record<string, unknown> {
  const keys: Record<string, string> = { group_by: 'groupBy', group_wait: 'groupWait', group_interval: 'groupInterval', repeat_interval: 'repeatInterval' };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    if (k === 'matchers') out.matchers = (v as string[]).map(matcher);
    else if (k === 'routes') out.routes = (v as Route[]).map(route);
    else out[keys[k] ?? k] = v;
  }
  return out;
}

function receiver(spec: K8sStackSpec, r: RoutedReceiver): Record<string, unknown> {
  const key = () => ref(spec, r.secretEnv!);
  switch (r.kind) {
    case 'webhook':
      return { name: r.name, webhookConfigs: [{ url: r.webhook.url, sendResolved: true }] };
    case 'slack':
      return { name: r.name, slackConfigs: [{ apiURL: key(), ...(r.slack.channel ? { channel: r.slack.channel } : {}), sendResolved: true }] };
    case 'email':
      return {
        name: r.name,
        emailConfigs: [
          {
            to: r.email.to,
            from: r.email.from,
            smarthost: r.email.smarthost,
            ...(r.email.username ? { authUsername: r.email.username, authPassword: key() } : {}),
            requireTLS: r.email.requireTls,
            sendResolved: true,
          },
        ],
      };
    case 'pagerduty':
      return { name: r.name, pagerdutyConfigs: [{ routingKey: key(), sendResolved: true }] };
    case 'msteams':
      return { name: r.name, msteamsConfigs: [{ webhookUrl: key(), sendResolved: true }] };
  }
}

/** Undefined when alerts go nowhere: kube-prometheus-stack's own Alertmanager routing then applies. */
export function renderAlertmanagerConfigObject(spec: K8sStackSpec): Record<string, unknown> | undefined {
  if (spec.receivers.length === 0 && !spec.heartbeat) return undefined;
  const am = renderAlertmanagerConfig(spec) as { route: Route; receivers: { name: string }[]; inhibit_rules: { source_matchers: string[]; target_matchers: string[]; equal: string[] }[] };
  const receivers = am.receivers.map((x) => {
    const routed = spec.receivers.find((r) => r.name === x.name);
    if (routed) return receiver(spec, routed);
    if (x.name === HEARTBEAT_RECEIVER) return { name: x.name, webhookConfigs: [{ urlSecret: ref(spec, spec.heartbeat!.secretEnv), sendResolved: false }] };
    return { name: x.name };
  });
  return {
    apiVersion: 'monitoring.coreos.com/v1alpha1',
    kind: 'AlertmanagerConfig',
    metadata: metadata(spec, 'alerts'),
    spec: {
      route: route(am.route),
      receivers,
      inhibitRules: am.inhibit_rules.map((i) => ({ sourceMatch: i.source_matchers.map(matcher), targetMatch: i.target_matchers.map(matcher), equal: i.equal })),
    },
  };
}

