/**
 * Interactive questions. Each fills a ConfigInput field that a flag could have filled; a question
 * is asked only when its flag was not given.
 */
// The prompt packages one by one: @inquirer/prompts would also bundle the editor prompt and its
// character-set tables (~500 KB) that we never use.
import confirm from '@inquirer/confirm';
import input from '@inquirer/input';
import password from '@inquirer/password';
import select from '@inquirer/select';
import { CliError } from '../errors.js';
import { parseTargetUrl } from '../config/build.js';
import { checkHeartbeatUrl } from '../config/heartbeat.js';
import type { ConfigInput, ReceiverInput, TargetInput } from '../config/input.js';
import { type KubernetesInput, parseSelector } from '../config/kubernetes.js';
import { DEFAULT_HA_PORTS, DEFAULT_PORTS } from '../config/defaults.js';
import { SMG_METRICS_PORT } from '../engines/smg.js';
import type { GpuKind, Platform, Ports, RoutedSeverity } from '../config/types.js';
import { nextFreePort, portIsFree } from '../stack/ports.js';

export interface WizardDeps {
  detectGpu(platform: Platform): Promise<{ kind: GpuKind; reason: string }>;
  platform: Platform;
  portIsFree?: (port: number, host: string) => Promise<boolean>;
}

function validUrl(value: string): true | string {
  try {
    parseTargetUrl(value.trim(), 'URL');
    return true;
  } catch (err) {
    return err instanceof CliError ? `${err.problem} — ${err.fix}` : String(err);
  }
}

export async function askDirectory(defaultDir: string): Promise<string> {
  return (await input({ message: 'Directory for the monitoring stack', default: defaultDir, validate: (v) => (v.trim() ? true : 'enter a directory name') })).trim();
}

async function askTargets(): Promise<TargetInput[]> {
  const targets: TargetInput[] = [];
  do {
    const engine = await select({
      message: targets.length === 0 ? 'Inference engine of the server to monitor' : 'Engine of the next server',
      choices: [
        { name: 'vLLM', value: 'vllm' as const },
        { name: 'SGLang (started with --enable-metrics)', value: 'sglang' as const },
        { name: 'Detect from its /metrics now', value: 'auto' as const },
        { name: 'SGLang Model Gateway in front of the engines (its own metrics, port 29000)', value: 'router' as const },
      ],
    });
    const url = (
      await input({
        message: 'Server URL (its /metrics is scraped)',
        default: engine === 'sglang' ? 'http://localhost:30000' : engine === 'router' ? `http://localhost:${SMG_METRICS_PORT}` : 'http://localhost:8000',
        validate: validUrl,
      })
    ).trim();
    const name = (
      await input({
        message: 'Name for it (shown as instance in dashboards; empty: host-port)',
        validate: (v) => !v.trim() || /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(v.trim()) || 'letters, digits, dots, dashes, underscores',
      })
    ).trim();
    targets.push({ ...(name ? { name } : {}), engine, url });
  } while (await confirm({ message: 'Add another server?', default: false }));
  return targets;
}

const KIND_NAMES: Record<ReceiverInput['kind'], string> = { none: 'nowhere', slack: 'Slack', email: 'e-mail', pagerduty: 'PagerDuty', msteams: 'Microsoft Teams', webhook: 'the webhook' };

async function askReceiver(message: string): Promise<ReceiverInput> {
  const kind = await select({
    message,
    choices: [
      { name: 'Nowhere yet (see them in Alertmanager/Grafana)', value: 'none' as const },
      { name: 'Slack', value: 'slack' as const },
      { name: 'E-mail', value: 'email' as const },
      { name: 'PagerDuty', value: 'pagerduty' as const },
      { name: 'Microsoft Teams', value: 'msteams' as const },
      { name: 'Webhook (any HTTP endpoint)', value: 'webhook' as const },
    ],
  });
  switch (kind) {
    case 'none':
      return { kind };
    case 'webhook':
      return { kind, webhook: { url: (await input({ message: 'Webhook URL', validate: validUrl })).trim() } };
    case 'slack':
      return {
        kind,
        slack: {
          webhookUrl: (await password({ message: 'Slack incoming-webhook URL (stored in .env)', mask: '*' })).trim(),
          channel: (await input({ message: 'Slack channel (empty: the webhook default)' })).trim() || undefined,
        },
      };
    case 'email': {
      const to = (await input({ message: 'Send alerts to (e-mail)' })).trim();
      const from = (await input({ message: 'Send from (e-mail)' })).trim();
      const smarthost = (await input({ message: 'SMTP server host:port', default: 'smtp.example.org:587' })).trim();
      const username = (await input({ message: 'SMTP user (empty: no authentication)' })).trim();
      const pass = username ? (await password({ message: 'SMTP password (stored in .env)', mask: '*' })).trim() : undefined;
      return { kind, email: { to, from, smarthost, ...(username ? { username, password: pass } : {}) } };
    }
    case 'pagerduty':
      return { kind, pagerduty: { routingKey: (await password({ message: 'PagerDuty Events API v2 routing key (stored in .env)', mask: '*' })).trim() } };
    case 'msteams':
      return { kind, msteams: { webhookUrl: (await password({ message: 'Teams incoming-webhook URL (stored in .env)', mask: '*' })).trim() } };
  }
}

/**
 * A receiver for everything, or one per severity (e.g. PagerDuty for critical, Slack for
 * warning). Info alerts are never sent, so they are not asked about.
 */
async function askRouting(): Promise<Pick<ConfigInput, 'receiver' | 'receivers'>> {
  const first = await askReceiver('Where should alerts go?');
  if (first.kind === 'none') return { receiver: first };
  const which = await select({
    message: `Which alerts should go to ${KIND_NAMES[first.kind]}?`,
    choices: [
      { name: 'All: critical (pages) and warning (tickets)', value: 'all' as const },
      { name: 'Critical only (another receiver can take warnings)', value: 'critical' as const },
      { name: 'Warning only (another receiver can take critical alerts)', value: 'warning' as const },
    ],
  });
  if (which === 'all') return { receiver: first };
  const other: RoutedSeverity = which === 'critical' ? 'warning' : 'critical';
  const second = await askReceiver(`Where should ${other} alerts go?`);
  return { receivers: [{ ...first, severities: [which] }, ...(second.kind === 'none' ? [] : [{ ...second, severities: [other] }])] };
}

/**
 * The dead man's switch, asked only when alerts go somewhere: without a receiver nobody hears of
 * a live pipeline either. Masked, since the URL is the check's key.
 */
async function askHeartbeat(): Promise<ConfigInput['heartbeat']> {
  const url = (
    await password({
      message: "Heartbeat ping URL for a dead man's switch (healthchecks.io, Dead Man's Snitch; stored in .env; empty: none)",
      mask: '*',
      validate: (v) => {
        if (!v.trim()) return true;
        try {
          checkHeartbeatUrl(v.trim(), 'heartbeat URL');
          return true;
        } catch (err) {
          return err instanceof CliError ? `${err.problem} — ${err.fix}` : String(err);
        }
      },
    })
  ).trim();
  return url ? { url } : undefined;
}

/** Offers the next free port for each one in use on this machine. */
async function askPorts(given: Partial<Ports> | undefined, expose: boolean, ha: boolean, deps: WizardDeps): Promise<Partial<Ports>> {
  const isFree = deps.portIsFree ?? portIsFree;
  const host = expose ? '0.0.0.0' : '127.0.0.1';
  const ports: Partial<Ports> = { ...given };
  const taken = new Set<number>();
  for (const name of ['grafana', 'prometheus', 'alertmanager', ...(ha ? (['prometheus2', 'alertmanager2'] as const) : [])] as const) {
    const wanted = ports[name] ?? (name === 'prometheus2' || name === 'alertmanager2' ? DEFAULT_HA_PORTS[name] : DEFAULT_PORTS[name]);
    if (await isFree(wanted, host)) {
      taken.add(wanted);
      continue;
    }
    const suggestion = await nextFreePort(wanted, host, taken);
    const answer = await input({
      message: `Port ${wanted} for ${name} is in use on this machine. Port to use instead`,
      default: suggestion ? String(suggestion) : undefined,
      validate: (v) => (/^\d{1,5}$/.test(v) && Number(v) >= 1 && Number(v) <= 65535 && !taken.has(Number(v))) || 'a free port number from 1 to 65535',
    });
    ports[name] = Number(answer);
    taken.add(Number(answer));
  }
  return ports;
}

/** The vLLM pods' namespaces, selector and port (the flags set the other roles), unless the flags gave them. */
async function askKubernetes(given: KubernetesInput | undefined): Promise<KubernetesInput> {
  const vllm = { ...given?.monitors?.vllm };
  const check = (v: string, fn: (t: string) => unknown) => {
    try {
      fn(v.trim());
      return true;
    } catch (err) {
      return err instanceof CliError ? `${err.problem} — ${err.fix}` : String(err);
    }
  };
  if (!vllm.namespaces) {
    const answer = (await input({ message: 'Namespaces the inference servers run in (comma-separated; empty: any)' })).trim();
    const namespaces = answer ? answer.split(',').map((n) => n.trim()) : [];
    if (namespaces.length) vllm.namespaces = namespaces;
  }
  if (!vllm.selector) {
    vllm.selector = (
      await input({
        message: 'Labels of the vLLM pods (key=value or key, comma-separated; default: the production-stack chart)',
        default: 'helm-release-name,model',
        validate: (v) => check(v, (t) => parseSelector(t, 'selector')),
      })
    ).trim();
  }
  if (!vllm.port) vllm.port = (await input({ message: "Name of the vLLM pods' metrics port", default: 'container-port' })).trim();
  const namespaces = vllm.namespaces ? { sglang: { namespaces: vllm.namespaces, ...given?.monitors?.sglang }, router: { namespaces: vllm.namespaces, ...given?.monitors?.router } } : {};
  return { ...given, monitors: { ...given?.monitors, ...namespaces, vllm } };
}

/** Asks for whatever `given` leaves open and returns the completed input. */
export async function runWizard(given: ConfigInput, deps: WizardDeps): Promise<ConfigInput> {
  const out: ConfigInput = { ...given };
  const k8s = out.platform === 'kubernetes';
  if (k8s) out.kubernetes = await askKubernetes(out.kubernetes);
  else if (!out.targets?.length) out.targets = await askTargets();
  if (!out.gpu) {
    // A cluster's GPUs cannot be looked at from here; the GPU Operator's exporter is the usual one.
    const detected = k8s ? { kind: 'dcgm' as const, reason: "the NVIDIA GPU Operator's, usual on GPU clusters" } : await deps.detectGpu(out.platform ?? deps.platform);
    out.gpu = await select({
      message: `GPU exporter (detected: ${detected.kind}, ${detected.reason})`,
      default: detected.kind,
      choices: [
        { name: 'NVIDIA DCGM exporter (datacenter GPUs: A100, H100, L40S...)', value: 'dcgm' as const },
        { name: 'nvidia-smi exporter (GeForce/RTX, Windows)', value: 'nvidia-smi' as const },
        { name: 'AMD device-metrics-exporter (Instinct MI2xx/MI3xx)', value: 'amd' as const },
        { name: 'None', value: 'none' as const },
      ],
    });
  }
  if (!out.receiver && !out.receivers) Object.assign(out, await askRouting());
  const sendsAlerts = (out.receivers ?? (out.receiver ? [out.receiver] : [])).some((r) => r.kind !== 'none');
  if (sendsAlerts && !out.heartbeat) {
    const heartbeat = await askHeartbeat();
    if (heartbeat) out.heartbeat = heartbeat;
  }
  if (k8s) return out;
  if (out.expose === undefined) {
    out.expose = await confirm({ message: 'Publish Grafana/Prometheus/Alertmanager on the network (not only 127.0.0.1)?', default: false });
  }
  if (out.ha === undefined) {
    out.ha = await confirm({ message: 'Run a highly available pair (two Prometheus replicas, two clustered Alertmanagers)?', default: false });
  }
  out.ports = await askPorts(out.ports, out.expose, out.ha, deps);
  return out;
}
