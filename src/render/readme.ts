/**
 * README.md of the generated stack: its view here, its layout in templates/README.md.hbs. User
 * strings that reach it (target names, URLs, hosts) are validated to a safe character set upstream
 * and are put in code spans.
 */
import { OTHER_RECEIVERS_DEDUP, vmDedupRelabelYaml } from './remote-write-dedup.js';
import { REMOTE_WRITE_ALERTS } from '../rules/remote-write-alerts.js';
import { DEFAULT_RETENTION_SIZE, DEFAULT_RUNBOOK_URL, EXPORTER_PORTS } from '../config/defaults.js';
import { effectiveObjectives, LATENCY_SLO } from '../rules/slo.js';
import { SLO_HISTOGRAMS } from '../rules/series.js';
import { HEARTBEAT_RECEIVER } from './alertmanager.js';
import { type StackSpec, WEB_PASSWORD_ENV } from '../config/types.js';
import { WEB_USER } from './secrets.js';
import { ALERTMANAGER_CLUSTER_PORT, GPU_SERVICE_NAME, localGpuContainer } from './compose.js';
import { remoteHosts } from './prometheus.js';
import { BUILT_IN_TEMPLATES, layout, mdCode, type TemplateSources } from './templates.js';

const GPU_TEXT: Record<StackSpec['gpu'], string> = {
  dcgm: 'NVIDIA DCGM exporter (datacenter GPUs; SM, DRAM and tensor activity need SYS_ADMIN, which the service has)',
  'nvidia-smi': 'nvidia_gpu_exporter (reads nvidia-smi; suits GeForce/RTX cards and Windows)',
  amd: 'AMD ROCm device-metrics-exporter',
  none: 'none',
};

const code = mdCode;

/** What README.md.hbs lays out: Markdown built here from validated values, user strings in code spans. */
function readmeView(spec: StackSpec, files: string[]) {
  const webAuth = spec.expose ? ` (user ${code(WEB_USER)}, password: ${code(WEB_PASSWORD_ENV)} in ${code('.env')})` : '';
  const bind = spec.expose
    ? `all interfaces (you chose --expose). Prometheus and Alertmanager ask for user ${code(WEB_USER)} and the password ${code(WEB_PASSWORD_ENV)} in ${code('.env')} (their ${code('web.yml')} holds its bcrypt hash), the lifecycle endpoints (${code('/-/reload')}, ${code('/-/quit')}) too; Grafana asks for its admin password. Still put a firewall in front, and TLS (a reverse proxy) if the network is not yours`
    : '127.0.0.1 only (pass --expose when generating to publish them on the network, behind basic auth)';
  const gpu = spec.gpu;
  return {
    project: spec.project,
    windows: spec.platform === 'windows',
    linux: spec.platform === 'linux',
    ports: spec.ports,
    ha: spec.ha === true,
    clusterPort: ALERTMANAGER_CLUSTER_PORT,
    webAuth,
    bind,
    targets: spec.targets.map(({ name, engine, url, host }) => ({ name, engine, url, host })),
    localTargets: spec.targets.some((t) => t.local),
    gpuText: GPU_TEXT[gpu],
    gpuService: localGpuContainer(spec) ? GPU_SERVICE_NAME[gpu as 'dcgm'] : false,
    windowsGpuExporter: spec.platform === 'windows' && gpu === 'nvidia-smi' ? `host.docker.internal:${EXPORTER_PORTS['nvidia-smi']}` : false,
    dockerVm: spec.platform !== 'linux',
    remoteHosts: remoteHosts(spec).map(
      (h) => `${code(`agents/${h}/`)} → on ${code(h)} (Prometheus scrapes ${code(`${h}:${EXPORTER_PORTS.node}`)}${gpu !== 'none' ? ` and ${code(`${h}:${EXPORTER_PORTS[gpu]}`)}` : ''})`,
    ),
    objectives: objectiveItems(spec),
    receivers: receiverLines(spec).join('\n'),
    heartbeat: heartbeatLines(spec).join('\n'),
    runbookTarget:
      spec.runbookUrl === DEFAULT_RUNBOOK_URL
        ? "this project's runbook page; to link to your own copy instead, host RUNBOOKS.md (a wiki, your git server) and generate again with `--runbook-url URL`"
        : code(spec.runbookUrl),
    retention: retentionLines(spec).join('\n'),
    reloadUser: spec.expose ? `-u ${WEB_USER} ` : '',
    reloadNote: spec.expose ? ' (curl asks for the password)' : '',
    images: upgradeImages(spec),
    files,
  };
}

export function renderStackReadme(spec: StackSpec, files: string[], templates: TemplateSources = BUILT_IN_TEMPLATES): string {
  return layout(templates, 'README.md.hbs', readmeView(spec, files));
}

/** The images this stack runs ("Upgrading the images"): label and pinned reference. */
function upgradeImages(spec: StackSpec): { label: string; ref: string }[] {
  return Object.entries(spec.images)
    .filter(([name]) => name in IMAGE_SERVICE && (IMAGE_SERVICE[name]!.gpu === undefined || IMAGE_SERVICE[name]!.gpu === spec.gpu))
    .map(([name, ref]) => ({ label: IMAGE_SERVICE[name]!.label, ref }));
}

const IMAGE_SERVICE: Record<string, { label: string; gpu?: StackSpec['gpu'] }> = {
  prometheus: { label: 'Prometheus' },
  alertmanager: { label: 'Alertmanager' },
  grafana: { label: 'Grafana' },
  'node-exporter': { label: 'node exporter' },
  'dcgm-exporter': { label: 'DCGM exporter', gpu: 'dcgm' },
  'nvidia-smi-exporter': { label: 'nvidia_gpu_exporter', gpu: 'nvidia-smi' },
  'amd-exporter': { label: 'AMD device-metrics-exporter', gpu: 'amd' },
};

/** Who gets which severity, where the secrets are, what a message holds. */
function receiverLines(spec: StackSpec): string[] {
  if (spec.receivers.length === 0) {
    return ['No receiver is configured: alerts are visible in Alertmanager and Grafana but sent nowhere. Generate again with `--receiver slack|email|pagerduty|msteams|webhook` (add `:critical` or `:warning` to route one severity to it).'];
  }
  const secrets = spec.receivers.filter((r) => r.secretEnv).map((r) => code(r.secretEnv!));
  return [
    ...spec.receivers.map((r) => `- ${r.severities.join(' and ')} alerts: ${r.kind} (receiver ${code(r.name)} in alertmanager.yml)`),
    `- info alerts${spec.heartbeat ? '' : ' and Watchdog'} are sent to nobody: look at them in Alertmanager.`,
    '',
    `${secrets.length ? `Receiver secrets are in ${code('.env')} (${secrets.join(', ')}). ` : ''}Resolved notifications are sent too. Messages come from ${code('alertmanager/templates/')}: severity, summary, model, instance and host, the value against its threshold, and links to the runbook, ${spec.urls.grafana ? 'the dashboard, ' : ''}a prefilled silence and the query. Links point to ${spec.urls.alertmanager} (Alertmanager)${spec.urls.grafana ? `, ${spec.urls.grafana} (Grafana)` : ''} and ${spec.urls.prometheus} (Prometheus)${spec.urls.alertmanager.startsWith('http://localhost:') ? `; to make them work from other machines, generate again with ${code('--public-url http://HOST')}` : ''}.`,
  ];
}

/** The SLOs, with the bucket bound each engine version measures them at where it differs. */
function objectiveItems(spec: StackSpec): string[] {
  const items: string[] = [];
  for (const h of SLO_HISTOGRAMS) {
    const { field, what } = LATENCY_SLO[h];
    const requested = spec.slo[field];
    const other = effectiveObjectives(h, requested).filter((e) => e.bound !== requested);
    const note = other.length ? ` (measured at ${[...new Set(other.map((e) => `${e.bound} s on ${e.family.title}`))].join('; ')}: no ${requested} s bucket there)` : '';
    items.push(`99% of ${h === 'itl_seconds' ? 'token intervals' : 'requests'} within ${requested} s ${what}${note}`);
  }
  items.push(`${spec.slo.availabilityPercent}% of requests served without a server error (vLLM: HTTP 5xx, finished_reason=error; SGLang exposes no such signal)`);
  return items;
}

/** What silence means: with a heartbeat, a stopped pipeline is noticed from outside; without, nothing is. */
function heartbeatLines(spec: StackSpec): string[] {
  if (!spec.heartbeat) {
    return [
      '**No heartbeat.** `Watchdog` fires all the time and is sent to nobody, so a dead pipeline is silent: with Prometheus or Alertmanager stopped, this machine off or its network cut, no alert reaches anyone, and the silence looks like a healthy night.',
      "To be told, add a dead man's switch: create a check at healthchecks.io (period 2 minutes, grace 5 minutes), Dead Man's Snitch or any service that alerts when a ping URL stops getting POSTs, and generate again with `--heartbeat-url URL`. Alertmanager then pings it with Watchdog about every 70 seconds; the service alerts you when the pings stop.",
    ];
  }
  return [
    `**Heartbeat.** \`Watchdog\` fires all the time and goes only to the heartbeat (receiver ${code(HEARTBEAT_RECEIVER)}), never to a person: Alertmanager posts it to the URL in ${code('.env')} (${code(spec.heartbeat.secretEnv)}) about every 70 seconds. Give the check a period of 2 minutes and a grace time of 5 minutes: when Alertmanager, this machine or its network stops, the service alerts you within about 7 minutes; when Prometheus stops, Alertmanager keeps pinging with its last Watchdog for up to 4 minutes first (Prometheus sends alerts valid for 4 times its 1-minute resend delay).`,
    "A ping that fails raises the `AlertmanagerNotificationsFailing` warning (integration `webhook`). The URL is the check's key: keep `.env` private, and change the check's URL if it leaks.",
  ];
}

function retentionLines(spec: StackSpec): string[] {
  const size = spec.retentionSize;
  return [
    size
      ? `Prometheus keeps ${spec.retention} of data, or less when its data reaches ${size} (powers of 2, its write-ahead log included): whichever comes first deletes the oldest blocks, so the ${code('prometheus_data')} volume stays near that size however many series arrive. ${size === DEFAULT_RETENTION_SIZE ? `${size} is the default: it holds 15 days of about 150,000 series at a 15 s scrape interval (1.5 bytes a sample) and fits small disks. ` : ''}Prometheus recommends at most 80-85% of the space it may use; to change it, generate again with ${code('--retention-size SIZE')} (${spec.platform === 'linux' ? `free space: ${code('df -h /var/lib/docker')}` : "Docker Desktop's disk: Settings, Resources"}).`
      : `Prometheus keeps ${spec.retention} of data with no size limit (${code('--retention-size 0')}): the ${code('prometheus_data')} volume grows with the number of series, up to a full disk. To cap it, generate again with ${code('--retention-size SIZE')} (at most 80-85% of the free space).`,
    '',
    `Every writable disk of every machine alerts when it fills up or is almost full; the alert of the disk holding a watched path names it: ${spec.watchPaths.map((w) => `${w.name} (${code(w.path)})`).join(', ')}. To watch another, generate again with ${code('--watch-path NAME=PATH')}.`,
    ...remoteWriteLines(spec),
  ];
}

/** Where the data also goes (--remote-write); the credentials are named by their .env variable only. */
function remoteWriteLines(spec: StackSpec): string[] {
  const remote = spec.remoteWrite;
  if (!remote) return [];
  const auth = (e: (typeof remote.endpoints)[number]) =>
    e.auth.kind === 'basic' ? `, user ${code(e.auth.username)}, password ${code(e.auth.secretEnv)} in ${code('.env')}` : e.auth.kind === 'bearer' ? `, bearer token ${code(e.auth.secretEnv)} in ${code('.env')}` : '';
  return [
    '',
    `Prometheus also writes to remote storage, with the external labels ${code(`cluster="${remote.cluster}"`)} and ${code(`replica="${remote.replica}"`)} (a second stack for HA: same cluster, its own replica; alerts go without ${code('replica')}):`,
    '',
    ...remote.endpoints.map((e) => `- ${code(e.url)}${auth(e)}${e.recordedOnly ? ': the recorded series only (llm:, model:, gpu:, host:, router:)' : ': every series'}`),
    '',
    `An endpoint down for less than about 2 hours loses nothing (the queue replays the write-ahead log); longer, and the oldest unsent data is gone. The queues (${code('prometheus_remote_storage_*')}, label ${code('remote_name')}) alert: ${REMOTE_WRITE_ALERTS.map(code).join(', ')}. After editing a password or token in ${code('.env')}, run ${code('create-vllm-monitor up')}.`,
    '',
    `**Two replicas, one copy.** An HA pair sends every sample twice, differing only in ${code('replica')}; have the receiver keep one. VictoriaMetrics: start it with ${code(`-dedup.minScrapeInterval=${spec.scrapeInterval}`)} (the scrape interval) and ${code('-relabelConfig=relabel.yml')}, a file holding:`,
    '',
    '```yaml',
    vmDedupRelabelYaml(),
    '```',
    '',
    `Without the relabelling the two copies stay two series; with it, VictoriaMetrics keeps the last sample of each interval. ${OTHER_RECEIVERS_DEDUP.mimir} ${OTHER_RECEIVERS_DEDUP.thanos}`,
  ];
}
