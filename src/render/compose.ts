/** docker-compose.yml for the stack, and for the agents on remote GPU hosts. */
import { EXPORTER_PORTS } from '../config/defaults.js';
import { DOCKER_HOST_ALIAS, urlPath } from '../config/url.js';
import type { GpuKind, StackSpec } from '../config/types.js';
import { allSecretFiles, SECRETS_DIR, type SecretFile, serviceSecretFiles, grafanaPasswordFile } from './secrets.js';
import { HEALTHCHECK_CLIENT_FILE, WEB_CONFIG_FILE } from './web-config.js';
import { OVERVIEW_FILE } from '../dashboards/index.js';
import { DASHBOARDS_CONTAINER_DIR } from './grafana.js';
import { HA_ALERTMANAGER, HA_PROMETHEUS } from '../config/ha.js';

type Service = Record<string, unknown>;

const HOST_GATEWAY = [`${DOCKER_HOST_ALIAS}:host-gateway`];
const LOGGING = { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } };

/**
 * Every 2 s, so health (what `up` waits for) follows readiness within 2 s; 30
 * misses (a minute) make a service unhealthy. Docker 25+ could probe faster only during start
 * (start_interval), but docker-compose v1 rejects that key and Docker 20.10 ignores it; a local
 * wget every 2 s costs nothing.
 */
const PROBE = { interval: '2s', timeout: '3s', retries: 30 };

/** Official Prometheus-family images are busybox based: wget is there, curl is not. */
function wgetHealthcheck(url: string, startPeriod = '20s'): Service {
  return { test: ['CMD', 'wget', '-q', '-O', '/dev/null', url], ...PROBE, start_period: startPeriod };
}

function publish(spec: StackSpec, hostPort: number, containerPort: number): string {
  return spec.expose ? `${hostPort}:${containerPort}` : `127.0.0.1:${hostPort}:${containerPort}`;
}

/**
 * Secrets are Compose `secrets:` (bind mounts of secrets/<name> at /run/secrets/<name>, in
 * docker-compose v1 and Compose v2 alike), never environment variables.
 */
function withSecrets(service: Service, files: SecretFile[]): Service {
  return files.length === 0 ? service : { ...service, secrets: files.map((f) => f.name) };
}

/**
 * With --expose every request needs the web password, the healthcheck's too. promtool and amtool
 * (in the official images) read it from its secret file through an http_config, so it is never on
 * a command line (the host's `ps` shows containers' processes) nor in the compose file.
 */
function readyHealthcheck(spec: StackSpec, service: 'prometheus' | 'alertmanager', startPeriod?: string): Service {
  const port = service === 'prometheus' ? 9090 : 9093;
  const url = `http://127.0.0.1:${port}`;
  if (!spec.expose) return wgetHealthcheck(`${url}/-/ready`, startPeriod);
  const client = `--http.config.file=/etc/${service}/${HEALTHCHECK_CLIENT_FILE}`;
  return {
    ...wgetHealthcheck('', startPeriod),
    // promtool check ready: Prometheus 2.44+. amtool has no readiness command: its status call answers once the API serves.
    test: service === 'prometheus' ? ['CMD', 'promtool', 'check', 'ready', `--url=${url}`, client] : ['CMD', 'amtool', `--alertmanager.url=${url}`, client, 'cluster', 'show'],
  };
}

/** Basic auth on every endpoint, /-/quit and /-/reload included (exporter-toolkit's web config). */
function webConfigFlag(spec: StackSpec, configDir: string): string[] {
  return spec.expose ? [`--web.config.file=${configDir}/${WEB_CONFIG_FILE}`] : [];
}

const GPU_RESERVATION = { resources: { reservations: { devices: [{ driver: 'nvidia', count: 'all', capabilities: ['gpu'] }] } } };

/** The GPU exporter service for a Linux host (in the stack, or in a remote agent). */
export function gpuExporterService(spec: StackSpec, kind: GpuKind, hostLabel: string, publishPort: boolean): Service | undefined {
  switch (kind) {
    case 'dcgm':
      return {
        image: spec.images['dcgm-exporter'],
        restart: 'unless-stopped',
        // Profiling fields (SM / DRAM / tensor activity) need CAP_SYS_ADMIN, which only root gets.
        cap_add: ['SYS_ADMIN'],
        environment: {
          DCGM_EXPORTER_INTERVAL: '5000',
          DCGM_EXPORTER_COLLECTORS: '/etc/dcgm-exporter/llm-counters.csv',
          NODE_NAME: hostLabel,
        },
        volumes: ['./gpu/dcgm-counters.csv:/etc/dcgm-exporter/llm-counters.csv:ro'],
        deploy: GPU_RESERVATION,
        healthcheck: {
          test: ['CMD', 'bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${EXPORTER_PORTS.dcgm}`],
          ...PROBE,
          start_period: '30s',
        },
        ...(publishPort ? { ports: [`${EXPORTER_PORTS.dcgm}:${EXPORTER_PORTS.dcgm}`] } : {}),
        logging: LOGGING,
      };
    case 'nvidia-smi':
      return {
        image: spec.images['nvidia-smi-exporter'],
        restart: 'unless-stopped',
        // The image is distroless (no shell), so it has no healthcheck; the GPUExporterDown and
        // collect-failure alerts watch it instead.
        environment: { NVIDIA_DRIVER_CAPABILITIES: 'utility' },
        deploy: GPU_RESERVATION,
        ...(publishPort ? { ports: [`${EXPORTER_PORTS['nvidia-smi']}:${EXPORTER_PORTS['nvidia-smi']}`] } : {}),
        logging: LOGGING,
      };
    case 'amd':
      return {
        image: spec.images['amd-exporter'],
        restart: 'unless-stopped',
        // The exporter reads /dev/kfd, /dev/dri and sysfs; upstream documents --privileged.
        privileged: true,
        devices: ['/dev/kfd', '/dev/dri'],
        volumes: ['/sys:/sys:ro'],
        ...(publishPort ? { ports: [`${EXPORTER_PORTS.amd}:${EXPORTER_PORTS.amd}`] } : {}),
        logging: LOGGING,
      };
    case 'none':
      return undefined;
  }
}

export const GPU_SERVICE_NAME: Record<Exclude<GpuKind, 'none'>, string> = {
  dcgm: 'dcgm-exporter',
  'nvidia-smi': 'nvidia-smi-exporter',
  amd: 'amd-exporter',
};

/**
 * node-exporter on Linux: host network and PID namespace, so CPU, memory and network are the host's;
 * / mounted at /host (--path.rootfs) gives the host's filesystems, and /proc/diskstats, which no
 * namespace filters, the host's block devices (disk I/O).
 *
 * `listen` says who scrapes it. In the stack only Prometheus does, through host.docker.internal:
 * the same host-gateway entry in this container's /etc/hosts makes node-exporter bind that one
 * address (the Docker bridge's), not every interface. On a remote agent the monitoring host
 * scrapes it over the network, so it listens on all of them.
 */
export function nodeExporterService(spec: StackSpec, linux: boolean, listen: 'docker-host' | 'network'): Service {
  const base: Service = { image: spec.images['node-exporter'], restart: 'unless-stopped', logging: LOGGING };
  if (!linux) {
    // Docker Desktop: the container sees the Docker VM, not Windows/macOS (see the stack README).
    // It publishes no port: Prometheus reaches it by name on the stack's own network.
    return { ...base, healthcheck: wgetHealthcheck(`http://127.0.0.1:${EXPORTER_PORTS.node}/metrics`, '10s') };
  }
  const address = listen === 'docker-host' ? `${DOCKER_HOST_ALIAS}:${EXPORTER_PORTS.node}` : `:${EXPORTER_PORTS.node}`;
  return {
    ...base,
    command: ['--path.rootfs=/host', `--web.listen-address=${address}`],
    network_mode: 'host',
    pid: 'host',
    ...(listen === 'docker-host' ? { extra_hosts: HOST_GATEWAY } : {}),
    volumes: ['/:/host:ro,rslave'],
    healthcheck: wgetHealthcheck(`http://${listen === 'docker-host' ? DOCKER_HOST_ALIAS : '127.0.0.1'}:${EXPORTER_PORTS.node}/metrics`, '10s'),
  };
}

/** Whether this stack runs a GPU exporter container itself (Windows runs it natively instead). */
export function localGpuContainer(spec: StackSpec): boolean {
  return spec.gpu !== 'none' && spec.platform === 'linux' && hasLocalTargetsOrNone(spec);
}

/** A stack with no remote targets is assumed to run on the GPU machine itself. */
export function hasLocalTargetsOrNone(spec: StackSpec): boolean {
  return spec.targets.length === 0 || spec.targets.some((t) => t.local);
}

/**
 * --web.external-url makes the links of alerts (generatorURL, Alertmanager's ExternalURL) work
 * from outside. A URL with a path (reverse proxy at /prometheus) would also move the routes
 * there; route-prefix=/ keeps them at / for the healthchecks, Grafana and validate, and the
 * proxy strips the path.
 */
function externalUrlFlags(url: string): string[] {
  return [`--web.external-url=${url}`, ...(urlPath(url) ? ['--web.route-prefix=/'] : [])];
}

/**
 * The Compose services of Prometheus and Alertmanager: one each, or with --ha two each (the second
 * `-2`), in this order. See src/config/ha.ts.
 */
export function prometheusServices(spec: StackSpec): string[] {
  return spec.ha ? [...HA_PROMETHEUS] : ['prometheus'];
}
export function alertmanagerServices(spec: StackSpec): string[] {
  return spec.ha ? [...HA_ALERTMANAGER] : ['alertmanager'];
}

/** The config file of Prometheus replica `i` (0-based), in prometheus/: both read the same rules and targets. */
export function prometheusConfigFile(i: number): string {
  return i === 0 ? 'prometheus.yml' : `prometheus-${i + 1}.yml`;
}

/** Named volumes get `_2` for the second instance: prometheus_2_data. */
const dataVolume = (component: string, i: number): string => (i === 0 ? `${component}_data` : `${component}_${i + 1}_data`);

/** The gossip port Alertmanagers of a pair talk on; on the stack's network only, never published. */
export const ALERTMANAGER_CLUSTER_PORT = 9094;

function prometheusService(spec: StackSpec, i: number, files: SecretFile[]): Service {
  const [hostPort, url] = i === 0 ? [spec.ports.prometheus, spec.urls.prometheus] : [spec.ports.prometheus2!, spec.urls.prometheus2!];
  return withSecrets(
    {
      image: spec.images.prometheus,
      restart: 'unless-stopped',
      command: [
        `--config.file=/etc/prometheus/${prometheusConfigFile(i)}`,
        '--storage.tsdb.path=/prometheus',
        `--storage.tsdb.retention.time=${spec.retention}`,
        // Whichever comes first; the WAL counts toward the size, so the volume stays near it.
        ...(spec.retentionSize ? [`--storage.tsdb.retention.size=${spec.retentionSize}`] : []),
        // POST /-/reload after editing rules; target files are picked up without it.
        '--web.enable-lifecycle',
        ...webConfigFlag(spec, '/etc/prometheus'),
        ...externalUrlFlags(url),
      ],
      volumes: ['./prometheus:/etc/prometheus:ro', `${dataVolume('prometheus', i)}:/prometheus`],
      ports: [publish(spec, hostPort, 9090)],
      extra_hosts: HOST_GATEWAY,
      healthcheck: readyHealthcheck(spec, 'prometheus'),
      // Started, not healthy: Prometheus scrapes from its first second and retries sending alerts
      // until Alertmanager answers, so waiting for Alertmanager's health only delays the first scrape.
      depends_on: Object.fromEntries(alertmanagerServices(spec).map((a) => [a, { condition: 'service_started' }])),
      logging: LOGGING,
    },
    files,
  );
}

/**
 * With --ha each Alertmanager gossips with the other (notification log, silences): the one first
 * in the cluster sends, the other waits --cluster.peer-timeout (15 s) and sends only what its peer
 * did not, so each alert that reaches both is delivered once.
 */
function clusterFlags(spec: StackSpec, i: number): string[] {
  if (!spec.ha) return [];
  const peers = alertmanagerServices(spec).filter((_, j) => j !== i);
  return [`--cluster.listen-address=0.0.0.0:${ALERTMANAGER_CLUSTER_PORT}`, ...peers.map((p) => `--cluster.peer=${p}:${ALERTMANAGER_CLUSTER_PORT}`)];
}

function alertmanagerService(spec: StackSpec, i: number, files: SecretFile[]): Service {
  const [hostPort, url] = i === 0 ? [spec.ports.alertmanager, spec.urls.alertmanager] : [spec.ports.alertmanager2!, spec.urls.alertmanager2!];
  return withSecrets(
    {
      image: spec.images.alertmanager,
      restart: 'unless-stopped',
      command: [
        '--config.file=/etc/alertmanager/alertmanager.yml',
        '--storage.path=/alertmanager',
        ...webConfigFlag(spec, '/etc/alertmanager'),
        ...externalUrlFlags(url),
        // The heartbeat is a webhook too: per-receiver counters keep its pings apart from the
        // people's webhook (validate --fire-test-alert). Alertmanager 0.27+, and the heartbeat needs 0.28.
        ...(spec.heartbeat ? ['--enable-feature=receiver-name-in-metrics'] : []),
        ...clusterFlags(spec, i),
      ],
      volumes: ['./alertmanager:/etc/alertmanager:ro', `${dataVolume('alertmanager', i)}:/alertmanager`],
      ports: [publish(spec, hostPort, 9093)],
      extra_hosts: HOST_GATEWAY,
      healthcheck: readyHealthcheck(spec, 'alertmanager', '10s'),
      logging: LOGGING,
    },
    files,
  );
}

export function renderCompose(spec: StackSpec): Record<string, unknown> {
  const linux = spec.platform === 'linux';
  const services: Record<string, Service> = {};
  const secrets = serviceSecretFiles(spec);

  prometheusServices(spec).forEach((name, i) => (services[name] = prometheusService(spec, i, secrets.prometheus)));
  alertmanagerServices(spec).forEach((name, i) => (services[name] = alertmanagerService(spec, i, secrets.alertmanager)));

  if (spec.grafana) services.grafana = withSecrets({
    image: spec.images.grafana,
    restart: 'unless-stopped',
    environment: {
      // Links Grafana makes (shares, its own alert messages) use the URL people open it at.
      ...(spec.urls.grafana ? { GF_SERVER_ROOT_URL: spec.urls.grafana } : {}),
      GF_SECURITY_ADMIN_USER: 'admin',
      // Applies when Grafana first creates its database; see the stack README to change it later.
      GF_SECURITY_ADMIN_PASSWORD__FILE: grafanaPasswordFile().path,
      GF_USERS_ALLOW_SIGN_UP: 'false',
      GF_AUTH_ANONYMOUS_ENABLED: 'false',
      GF_ANALYTICS_REPORTING_ENABLED: 'false',
      GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
      GF_NEWS_NEWS_FEED_ENABLED: 'false',
      // Grafana opens on the LLM serving overview instead of its welcome page.
      GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH: `${DASHBOARDS_CONTAINER_DIR}/${OVERVIEW_FILE}`,
    },
    volumes: [
      './grafana/provisioning:/etc/grafana/provisioning:ro',
      './grafana/dashboards:/etc/grafana/dashboards:ro',
      'grafana_data:/var/lib/grafana',
    ],
    ports: [publish(spec, spec.ports.grafana, 3000)],
    healthcheck: wgetHealthcheck('http://127.0.0.1:3000/api/health', '30s'),
    // Grafana queries Prometheus only when a dashboard is viewed: no need to wait for its health.
    depends_on: { prometheus: { condition: 'service_started' } },
    logging: LOGGING,
  }, secrets.grafana);

  services['node-exporter'] = nodeExporterService(spec, linux, 'docker-host');

  if (localGpuContainer(spec)) {
    const gpu = spec.gpu as Exclude<GpuKind, 'none'>;
    services[GPU_SERVICE_NAME[gpu]] = gpuExporterService(spec, gpu, spec.localHost, false)!;
  }

  const secretFiles = allSecretFiles(spec);
  return {
    services,
    ...(secretFiles.length > 0 ? { secrets: Object.fromEntries(secretFiles.map((f) => [f.name, { file: `./${SECRETS_DIR}/${f.name}` }])) } : {}),
    volumes: {
      ...Object.fromEntries(prometheusServices(spec).map((_, i) => [dataVolume('prometheus', i), {}])),
      ...Object.fromEntries(alertmanagerServices(spec).map((_, i) => [dataVolume('alertmanager', i), {}])),
      ...(spec.grafana ? { grafana_data: {} } : {}),
    },
  };
}

/** agents/<host>/docker-compose.yml: the exporters a remote GPU machine runs for this stack. */
export function renderAgentCompose(spec: StackSpec, host: string): Record<string, unknown> {
  const services: Record<string, Service> = {
    // On the agent, node-exporter uses the host network and is reached at <host>:9100.
    'node-exporter': nodeExporterService(spec, true, 'network'),
  };
  if (spec.gpu !== 'none') {
    services[GPU_SERVICE_NAME[spec.gpu]] = gpuExporterService(spec, spec.gpu, host, true)!;
  }
  return { services };
}
