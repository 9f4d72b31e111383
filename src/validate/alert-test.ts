/**
 * --fire-test-alert: post a synthetic alert to Alertmanager and confirm its delivery by the
 * notification counters of the integration it routes to (webhook, slack, email, ...): the counter
 * of sent notifications rises and the failed counter does not.
 */
import { randomBytes } from 'node:crypto';

type Json = Record<string, unknown>;

export interface RouteNode {
  receiver?: string;
  matchers?: string[];
  match?: Record<string, string>;
  match_re?: Record<string, string>;
  routes?: RouteNode[];
  group_wait?: string;
  continue?: boolean;
}

export interface AmConfig {
  route?: RouteNode;
  receivers?: ({ name: string } & Json)[];
}

/** A matcher string: name="v", name!="v", name=~"re", name!~"re" (quotes optional). */
export function matcherMatches(matcher: string, labels: Record<string, string>): boolean {
  const m = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"?(.*?)"?\s*$/.exec(matcher);
  if (!m) return false;
  const [, name, op, value] = m as unknown as [string, string, string, string];
  const actual = labels[name] ?? '';
  switch (op) {
    case '=':
      return actual === value;
    case '!=':
      return actual !== value;
    case '=~':
      return new RegExp(`^(?:${value})$`).test(actual);
    default:
      return !new RegExp(`^(?:${value})$`).test(actual);
  }
}

function nodeMatches(node: RouteNode, labels: Record<string, string>): boolean {
  if (node.matchers && !node.matchers.every((x) => matcherMatches(x, labels))) return false;
  if (node.match && !Object.entries(node.match).every(([k, v]) => (labels[k] ?? '') === v)) return false;
  if (node.match_re && !Object.entries(node.match_re).every(([k, v]) => new RegExp(`^(?:${v})$`).test(labels[k] ?? ''))) return false;
  return true;
}

/** The receiver and group_wait an alert with these labels is routed to (first match, depth first). */
export function routeFor(config: AmConfig, labels: Record<string, string>): { receiver: string; groupWait: string } {
  const walk = (node: RouteNode, inherited: { receiver: string; groupWait: string }): { receiver: string; groupWait: string } => {
    const here = { receiver: node.receiver ?? inherited.receiver, groupWait: node.group_wait ?? inherited.groupWait };
    for (const child of node.routes ?? []) if (nodeMatches(child, labels)) return walk(child, here);
    return here;
  };
  return walk(config.route ?? {}, { receiver: '', groupWait: '30s' });
}

/** Integration names as Alertmanager's metrics label them, from a receiver's *_configs keys. */
export function receiverIntegrations(config: AmConfig, receiver: string): string[] {
  const r = config.receivers?.find((x) => x.name === receiver);
  if (!r) return [];
  return Object.keys(r)
    .filter((k) => k.endsWith('_configs') && Array.isArray(r[k]) && (r[k] as unknown[]).length > 0)
    .map((k) => k.replace(/_configs$/, ''));
}

export function durationSeconds(d: string): number {
  let total = 0;
  for (const m of d.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) {
    const n = Number(m[1]);
    total += m[2] === 'ms' ? n / 1000 : m[2] === 's' ? n : m[2] === 'm' ? n * 60 : m[2] === 'h' ? n * 3600 : n * 86400;
  }
  return total;
}

/** Sum of a counter over the series whose labels include `match`, from a /metrics text. */
export function counterValue(metricsText: string, name: string, match: Record<string, string>): number {
  let sum = 0;
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    if (Object.entries(match).every(([k, v]) => labels[k] === v)) sum += Number(m[4]);
  }
  return sum;
}

export interface TestAlertResult {
  delivered: boolean;
  receiver: string;
  integrations: string[];
  detail: string;
  fix?: string;
  labels: Record<string, string>;
}

export interface Counts {
  requests: number;
  failed: number;
}

/**
 * What an integration's counters say since `start`. Alertmanager counts an attempt in
 * requests_total and only then, in a separate step, in requests_failed_total, so a read can fall
 * between the two: a success is trusted only when the read before it showed the same counts.
 */
export function deliveryOutcome(start: Counts, previous: Counts | undefined, current: Counts): 'sent' | 'failed' | 'pending' {
  const failed = current.failed - start.failed;
  const sent = current.requests - start.requests - failed;
  if (sent <= 0 && failed > 0) return 'failed';
  const settled = previous !== undefined && previous.requests === current.requests && previous.failed === current.failed;
  return sent > 0 && settled ? 'sent' : 'pending';
}

async function amMetrics(amUrl: string, headers: Record<string, string>): Promise<string> {
  const res = await fetch(`${amUrl}/metrics`, { headers, signal: AbortSignal.timeout(5000) });
  return res.text();
}

export async function fireTestAlert(amUrl: string, config: AmConfig, opts: { timeoutMs?: number; onProgress?: (l: string) => void; headers?: Record<string, string> } = {}): Promise<TestAlertResult> {
  const base = { alertname: 'CreateVllmMonitorTestAlert', job: 'create-vllm-monitor', instance: `validate-${randomBytes(4).toString('hex')}` };
  // A warning, unless only critical alerts reach a receiver (e.g. --receiver pagerduty:critical alone).
  const severity = ['warning', 'critical'].find((s) => receiverIntegrations(config, routeFor(config, { ...base, severity: s }).receiver).length > 0) ?? 'warning';
  const labels = { ...base, severity };
  const { receiver, groupWait } = routeFor(config, labels);
  const integrations = receiverIntegrations(config, receiver);
  if (integrations.length === 0) {
    return { delivered: false, receiver, integrations, labels, detail: `receiver "${receiver}" has no integration configured, so there is nowhere to deliver to`, fix: 'regenerate with --receiver webhook|slack|email|pagerduty|msteams' };
  }
  // Per-attempt counters: notifications_total rises before the attempt and its failure is only
  // counted after all retries, so requests_total/requests_failed_total tell success sooner.
  // With receiver names in the metrics (the stack turns them on with a heartbeat), only this
  // receiver counts: the heartbeat's pings go through the webhook integration too.
  const counts = (text: string, i: string): Counts => {
    const match = { integration: i, ...(text.includes('receiver_name="') ? { receiver_name: receiver } : {}) };
    return {
      requests: counterValue(text, 'alertmanager_notification_requests_total', match),
      failed: counterValue(text, 'alertmanager_notification_requests_failed_total', match),
    };
  };
  const before = await amMetrics(amUrl, opts.headers ?? {});
  const start = Object.fromEntries(integrations.map((i) => [i, counts(before, i)]));

  const now = new Date();
  const res = await fetch(`${amUrl}/api/v2/alerts`, {
    method: 'POST',
    headers: { ...opts.headers, 'content-type': 'application/json' },
    body: JSON.stringify([
      {
        labels,
        annotations: { summary: 'Test alert from create-vllm-monitor validate', description: 'Sent by `create-vllm-monitor validate --fire-test-alert` to prove that alerts reach this receiver. It resolves by itself.' },
        startsAt: now.toISOString(),
        endsAt: new Date(now.getTime() + 10 * 60_000).toISOString(),
      },
    ]),
    signal: AbortSignal.timeout(5000),
  });
  if (!res.ok) return { delivered: false, receiver, integrations, labels, detail: `Alertmanager refused the test alert: HTTP ${res.status} ${(await res.text()).slice(0, 160)}` };

  const waitS = durationSeconds(groupWait);
  opts.onProgress?.(`test alert posted; Alertmanager sends it to "${receiver}" (${integrations.join(', ')}) after group_wait ${groupWait}`);
  const deadline = Date.now() + (opts.timeoutMs ?? (waitS + 45) * 1000);
  const previous: Record<string, Counts | undefined> = {};
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    const text = await amMetrics(amUrl, opts.headers ?? {}).catch(() => '');
    if (!text) continue;
    for (const i of integrations) {
      const current = counts(text, i);
      const outcome = deliveryOutcome(start[i]!, previous[i], current);
      previous[i] = current;
      if (outcome === 'failed') {
        return {
          delivered: false, receiver, integrations, labels,
          detail: `${i} notification failed (alertmanager_notification_requests_failed_total rose by ${current.failed - start[i]!.failed})`,
          fix: `look at the reason: docker compose logs alertmanager | grep -i ${i} — usually a wrong URL, a revoked key or a blocked outbound connection`,
        };
      }
      if (outcome === 'sent') return { delivered: true, receiver, integrations, labels, detail: `delivered through ${i} to receiver "${receiver}" (successful requests +${current.requests - start[i]!.requests - (current.failed - start[i]!.failed)})` };
    }
  }
  return { delivered: false, receiver, integrations, labels, detail: `no ${integrations.join('/')} notification was attempted within ${Math.round((opts.timeoutMs ?? (waitS + 45) * 1000) / 1000)}s`, fix: 'check the route in alertmanager/alertmanager.yml (inhibit rules, group_wait) and the Alertmanager log' };
}
