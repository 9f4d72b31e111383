/**
 * StackSpec: the validated, defaults-filled description of a monitoring stack. Every input mode
 * (prompts, flags, config file) produces one, and render(spec) turns it into files.
 */

export const ENGINES = ['vllm', 'sglang'] as const;
export type Engine = (typeof ENGINES)[number];

export const GPU_KINDS = ['dcgm', 'nvidia-smi', 'amd', 'none'] as const;
export type GpuKind = (typeof GPU_KINDS)[number];

export const RECEIVER_KINDS = ['none', 'webhook', 'slack', 'email', 'pagerduty', 'msteams'] as const;
export type ReceiverKind = (typeof RECEIVER_KINDS)[number];

/** `kubernetes`: objects for kube-prometheus-stack (src/render/k8s) instead of a Compose stack. */
export const PLATFORMS = ['linux', 'windows', 'macos', 'kubernetes'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Images the stack runs; each can be overridden with --image NAME=REF. */
export const COMPONENTS = [
  'prometheus',
  'alertmanager',
  'grafana',
  'node-exporter',
  'dcgm-exporter',
  'nvidia-smi-exporter',
  'amd-exporter',
] as const;
export type Component = (typeof COMPONENTS)[number];

export interface Target {
  /** Unique; becomes the `instance` label. */
  name: string;
  engine: Engine;
  /** As the user gave it. */
  url: string;
  /** What Prometheus scrapes (localhost rewritten to host.docker.internal). */
  scheme: 'http' | 'https';
  address: string;
  metricsPath: string;
  /** Machine the engine runs on; the `host` label joining serving and GPU series. */
  host: string;
  /** True when the engine runs on the machine that runs the stack. */
  local: boolean;
  labels: Record<string, string>;
  /** Name of the .env variable holding this target's bearer token, if any. */
  bearerTokenEnv?: string;
}

/**
 * A gateway in front of the engines (the SGLang Model Gateway, `--target NAME:router=URL`): its own
 * metrics (client-side latency, errors by status, worker health, circuit breakers, retries), its own
 * job. The engines behind it are targets of their own.
 */
export type RouterTarget = Omit<Target, 'engine' | 'bearerTokenEnv'>;

export interface WebhookSettings { url: string }
export interface SlackSettings { channel: string }
export interface EmailSettings { to: string; from: string; smarthost: string; username?: string; requireTls: boolean }
export type PagerdutySettings = Record<string, never>;
export type MsteamsSettings = Record<string, never>;

export type Receiver =
  | { kind: 'none' }
  | { kind: 'webhook'; webhook: WebhookSettings }
  | { kind: 'slack'; slack: SlackSettings }
  | { kind: 'email'; email: EmailSettings }
  | { kind: 'pagerduty' }
  | { kind: 'msteams' };

/** Severities a receiver can take; info alerts are shown in Alertmanager and Grafana, never sent. */
export const ROUTED_SEVERITIES = ['critical', 'warning'] as const;
export type RoutedSeverity = (typeof ROUTED_SEVERITIES)[number];

/**
 * A receiver with the severities routed to it. `name` is its name in alertmanager.yml (the kind,
 * or kind-severities when two receivers share a kind); `secretEnv` the .env variable of its secret.
 */
export type RoutedReceiver = Exclude<Receiver, { kind: 'none' }> & {
  name: string;
  severities: RoutedSeverity[];
  secretEnv?: string;
};

/**
 * The URLs people reach the components at: Prometheus' and Alertmanager's --web.external-url and
 * Grafana's root URL, hence every link in a notification. `grafana` is undefined when no Grafana
 * is known to show the dashboards (--no-grafana without --grafana-public-url).
 */
export interface PublicUrls {
  prometheus: string;
  alertmanager: string;
  grafana?: string;
  /** With --ha: the second Prometheus and Alertmanager. */
  prometheus2?: string;
  alertmanager2?: string;
}

export interface Ports {
  grafana: number;
  prometheus: number;
  alertmanager: number;
  /** With --ha only: the host ports of prometheus-2 and alertmanager-2. */
  prometheus2?: number;
  alertmanager2?: number;
}

export interface Slo {
  /** p99 time to first token, seconds. */
  ttftP99Seconds: number;
  /** p99 inter-token latency, seconds. */
  itlP99Seconds: number;
  /** p99 end-to-end request latency, seconds. */
  e2eP99Seconds: number;
  /** Percent of requests the server must not fail (HTTP 5xx, finished_reason=error), e.g. 99.9. */
  availabilityPercent: number;
}

/**
 * The dead man's switch: Watchdog, the alert that always fires, pinged to an outside service
 * (healthchecks.io, Dead Man's Snitch, any ping URL that takes a POST) that alerts when the pings stop.
 * The URL carries the check's key, so only the name of its .env variable is here.
 */
export interface Heartbeat {
  secretEnv: string;
}

/** How Prometheus authenticates to a remote-write endpoint; the secret's value is in .env (`secretEnv`). */
export type RemoteWriteAuth =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; secretEnv: string }
  | { kind: 'bearer'; secretEnv: string };

export interface RemoteWriteEndpoint {
  /** What Prometheus posts to (a local host rewritten to host.docker.internal). */
  url: string;
  auth: RemoteWriteAuth;
  /** Send only our recorded series (llm:*, model:*, gpu:*, host:*, router:*), not the raw scrapes. */
  recordedOnly: boolean;
}

/**
 * Remote storage (VictoriaMetrics, Mimir, Thanos Receive, another Prometheus). `cluster` and
 * `replica` become external labels: HA pairs share `cluster` and differ in `replica`, the labels
 * Mimir's HA tracker and Thanos' deduplication are configured with.
 */
export interface RemoteStorage {
  endpoints: RemoteWriteEndpoint[];
  cluster: string;
  replica: string;
}

export interface StackSpec {
  /** Compose project name, derived from the directory name. */
  project: string;
  /** Name of the machine the stack runs on: the `host` label of its own exporters. */
  localHost: string;
  platform: Platform;
  targets: Target[];
  routers: RouterTarget[];
  gpu: GpuKind;
  /** In the order given; empty: alerts are sent nowhere. */
  receivers: RoutedReceiver[];
  ports: Ports;
  urls: PublicUrls;
  /** Publish ports on all interfaces instead of 127.0.0.1. */
  expose: boolean;
  /** Run Grafana in the stack; false leaves it out (dashboards are still written, for import elsewhere). */
  grafana: boolean;
  images: Record<Component, string>;
  scrapeInterval: string;
  /** --storage.tsdb.retention.time */
  retention: string;
  /** --storage.tsdb.retention.size (B, KB ... EB, powers of 2); undefined: no size limit. */
  retentionSize?: string;
  /** Undefined: Watchdog goes to nobody, and silence means nothing (the README says so). */
  heartbeat?: Heartbeat;
  /** Directories the disk alerts name: the user's (e.g. the model cache), then Docker's data root. */
  watchPaths: WatchPath[];
  slo: Slo;
  /** Page each alert's runbook_url points into (`#<alert name in lower case>`). */
  runbookUrl: string;
  /** With platform kubernetes only: what the monitors select, where the objects go. */
  kubernetes?: KubernetesSpec;
  /** Undefined: the data stays in this Prometheus only. */
  remoteWrite?: RemoteStorage;
  /**
   * True (--ha): a highly available pair, two Prometheus replicas (services prometheus and
   * prometheus-2, the same config but their `replica` external label) and two clustered
   * Alertmanagers (alertmanager, alertmanager-2). Absent: one of each.
   */
  ha?: true;
}

export interface WatchPath {
  /** What the path holds, as alerts say it: "model cache". */
  name: string;
  /** Absolute, normalised; the filesystem holding it is found on every machine. */
  path: string;
}

/**
 * Secrets live in .env only. Render gets them as input so that it stays pure; the caller generates
 * them (CSPRNG) or reads them back from an existing .env.
 */
export interface Secrets {
  grafanaAdminPassword: string;
  /** With --expose: the Prometheus/Alertmanager basic-auth password and its bcrypt hash (for their web config). */
  web?: { password: string; bcryptHash: string };
  /** Receiver and target secrets, keyed by their .env variable name. */
  env: Record<string, string>;
}

/** The .env variables of the Grafana admin password and of the Prometheus/Alertmanager web password (--expose). */
export const GRAFANA_PASSWORD_ENV = 'GRAFANA_ADMIN_PASSWORD';
export const WEB_PASSWORD_ENV = 'MONITOR_WEB_PASSWORD';

/** The .env variable the heartbeat URL is stored in. */
export const HEARTBEAT_SECRET_ENV = 'HEARTBEAT_URL';

/** The .env variable a receiver's secret is stored in. */
export const RECEIVER_SECRET_ENV: Partial<Record<ReceiverKind, { env: string; flag: string; what: string }>> = {
  slack: { env: 'SLACK_WEBHOOK_URL', flag: '--slack-webhook-url', what: 'Slack incoming-webhook URL' },
  email: { env: 'SMTP_PASSWORD', flag: '--smtp-password', what: 'SMTP password' },
  pagerduty: { env: 'PAGERDUTY_ROUTING_KEY', flag: '--pagerduty-routing-key', what: 'PagerDuty Events API v2 routing key' },
  msteams: { env: 'MSTEAMS_WEBHOOK_URL', flag: '--msteams-webhook-url', what: 'Microsoft Teams incoming-webhook URL' },
};

/** What a monitor scrapes: the engines, the SGLang Model Gateway, the GPU exporter. */
export const K8S_ROLES = ['vllm', 'sglang', 'router', 'gpu'] as const;
export type K8sRole = (typeof K8S_ROLES)[number];

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'Exists' | 'DoesNotExist' }[];
}

export interface K8sMonitor {
  /** Pods (engines, gateway: a pod's own port) or Services (GPU exporters: the operators ship one). */
  kind: 'PodMonitor' | 'ServiceMonitor';
  selector: LabelSelector;
  /** Namespaces the pods or services run in; empty: any namespace. */
  namespaces: string[];
  /** Name of the container (PodMonitor) or service (ServiceMonitor) port serving /metrics. */
  port: string;
  path: string;
}

export interface KubernetesSpec {
  /** Namespace of every object we write (kustomization `namespace:`), kube-prometheus-stack's. */
  namespace: string;
  /** kube-prometheus-stack's Helm release: its Prometheus selects rules and monitors labelled `release: <it>`. */
  release: string;
  monitors: Record<K8sRole, K8sMonitor>;
}
