/**
 * The create command's flags: one table drives parsing (src/cli/create.ts) and --help
 * (src/cli/flags.ts), so they cannot drift apart.
 */
export interface FlagDef {
  name: string;
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  arg?: string;
  help: string;
}

export const CREATE_FLAGS: FlagDef[] = [
  { name: 'yes', short: 'y', type: 'boolean', help: 'Do not ask; take defaults for anything not given' },
  { name: 'config', short: 'c', type: 'string', arg: 'FILE', help: 'Read settings from a YAML or JSON file (schema: schema/config.schema.json)' },
  { name: 'target', short: 't', type: 'string', multiple: true, arg: '[NAME:]ENGINE=URL', help: 'A server to scrape; ENGINE is vllm | sglang | auto. Repeat for more' },
  { name: 'gpu', type: 'string', arg: 'KIND', help: 'GPU exporter: dcgm | nvidia-smi | amd | none | auto (default: auto)' },
  {
    name: 'receiver',
    type: 'string',
    multiple: true,
    arg: 'KIND[:SEVERITY]',
    help: 'Alert receiver: none | webhook | slack | email | pagerduty | msteams; :critical or :warning sends it only those (e.g. --receiver pagerduty:critical --receiver slack:warning). Repeat for more',
  },
  // Receiver settings may be repeated when two receivers share a kind: the n-th goes to the n-th.
  { name: 'webhook-url', type: 'string', multiple: true, arg: 'URL', help: 'webhook receiver: URL that gets the alerts' },
  { name: 'slack-webhook-url', type: 'string', multiple: true, arg: 'URL', help: 'slack receiver: incoming-webhook URL (or env SLACK_WEBHOOK_URL)' },
  { name: 'slack-channel', type: 'string', multiple: true, arg: 'CHANNEL', help: 'slack receiver: channel, e.g. #alerts' },
  { name: 'email-to', type: 'string', multiple: true, arg: 'ADDR', help: 'email receiver: recipient' },
  { name: 'email-from', type: 'string', multiple: true, arg: 'ADDR', help: 'email receiver: sender' },
  { name: 'smtp-smarthost', type: 'string', multiple: true, arg: 'HOST:PORT', help: 'email receiver: SMTP server' },
  { name: 'smtp-username', type: 'string', multiple: true, arg: 'USER', help: 'email receiver: SMTP user' },
  { name: 'smtp-password', type: 'string', multiple: true, arg: 'PASS', help: 'email receiver: SMTP password (or env SMTP_PASSWORD)' },
  { name: 'pagerduty-routing-key', type: 'string', multiple: true, arg: 'KEY', help: 'pagerduty receiver: Events API v2 key (or env PAGERDUTY_ROUTING_KEY)' },
  { name: 'msteams-webhook-url', type: 'string', multiple: true, arg: 'URL', help: 'msteams receiver: incoming-webhook URL (or env MSTEAMS_WEBHOOK_URL)' },
  { name: 'heartbeat-url', type: 'string', arg: 'URL', help: "Dead man's switch: ping URL (healthchecks.io, Dead Man's Snitch) that gets Watchdog about every minute; kept in .env" },
  { name: 'remote-write', type: 'string', multiple: true, arg: 'URL', help: 'Also write the data to this remote storage (VictoriaMetrics, Mimir, Thanos Receive, Prometheus), e.g. https://vm.example.org/api/v1/write. Repeat for more' },
  { name: 'remote-write-user', type: 'string', multiple: true, arg: 'USER', help: 'remote write: basic-auth user, one per --remote-write in order' },
  { name: 'remote-write-password', type: 'string', multiple: true, arg: 'PASS', help: 'remote write: basic-auth password (or env REMOTE_WRITE_PASSWORD, REMOTE_WRITE_2_PASSWORD ...); kept in .env' },
  { name: 'remote-write-token', type: 'string', multiple: true, arg: 'TOKEN', help: 'remote write: bearer token (or env REMOTE_WRITE_TOKEN, REMOTE_WRITE_2_TOKEN ...); kept in .env' },
  { name: 'remote-write-recorded-only', type: 'boolean', help: 'remote write: send only the recorded llm:, model:, gpu:, host:, router: series, not the raw scrapes' },
  { name: 'cluster', type: 'string', arg: 'NAME', help: 'remote write: external label cluster, shared by HA replicas (default: the stack name)' },
  { name: 'replica', type: 'string', arg: 'NAME', help: "remote write: external label replica, one per HA replica (default: this machine's name)" },
  { name: 'watch-path', type: 'string', multiple: true, arg: 'NAME=PATH', help: 'A directory whose disk the alerts name, e.g. model-cache=/data/huggingface (Docker\'s data root always). Repeat for more' },
  { name: 'public-url', type: 'string', arg: 'URL', help: 'How other machines reach this one, e.g. http://gpu-box.example.org: the links in alerts use it (default http://localhost)' },
  { name: 'grafana-public-url', type: 'string', arg: 'URL', help: "Grafana's URL as people open it (reverse proxy, your own Grafana with --no-grafana)" },
  { name: 'prometheus-public-url', type: 'string', arg: 'URL', help: "Prometheus' URL as people open it (its --web.external-url)" },
  { name: 'alertmanager-public-url', type: 'string', arg: 'URL', help: "Alertmanager's URL as people open it (its --web.external-url; silence links)" },
  { name: 'grafana-port', type: 'string', arg: 'N', help: 'Host port for Grafana (default 3000)' },
  { name: 'prometheus-port', type: 'string', arg: 'N', help: 'Host port for Prometheus (default 9090)' },
  { name: 'alertmanager-port', type: 'string', arg: 'N', help: 'Host port for Alertmanager (default 9093)' },
  { name: 'prometheus2-port', type: 'string', arg: 'N', help: 'With --ha: host port for the second Prometheus (default 19090)' },
  { name: 'alertmanager2-port', type: 'string', arg: 'N', help: 'With --ha: host port for the second Alertmanager (default 19093)' },
  { name: 'ha', type: 'boolean', help: 'A highly available pair: two Prometheus replicas (same targets and rules) and two clustered Alertmanagers that deliver each alert once (Compose only)' },
  { name: 'expose', type: 'boolean', help: 'Publish ports on all interfaces (default: 127.0.0.1 only); Prometheus and Alertmanager then require basic auth (user monitor, password generated into .env)' },
  { name: 'no-grafana', type: 'boolean', help: 'Leave Grafana out of the stack (dashboards are still written, for import into your Grafana)' },
  { name: 'image', type: 'string', multiple: true, arg: 'NAME=REF', help: 'Use another image, e.g. prometheus=mirror.local/prom/prometheus:v3.5.0. Repeat for more' },
  { name: 'platform', type: 'string', arg: 'P', help: 'Where the stack runs: linux | windows | macos | kubernetes (default: this machine); kubernetes writes objects for kube-prometheus-stack, applied with kubectl apply -k' },
  { name: 'k8s-namespace', type: 'string', multiple: true, arg: '[ROLE:]NS', help: 'kubernetes: namespace the servers run in (default: any); ROLE (vllm, sglang, router, gpu) for one monitor only. Repeat for more' },
  { name: 'k8s-selector', type: 'string', multiple: true, arg: 'ROLE:SELECTOR', help: 'kubernetes: labels of the pods (services for gpu) a monitor scrapes, key=value or key, comma-separated, e.g. vllm:app=vllm (defaults: README)' },
  { name: 'k8s-port', type: 'string', multiple: true, arg: 'ROLE:PORT', help: 'kubernetes: name of the port serving /metrics, e.g. vllm:http (default vllm:container-port, the production-stack chart)' },
  { name: 'k8s-monitoring-namespace', type: 'string', arg: 'NS', help: "kubernetes: namespace of the objects written, kube-prometheus-stack's (default monitoring)" },
  { name: 'k8s-release', type: 'string', arg: 'NAME', help: 'kubernetes: Helm release of kube-prometheus-stack, whose Prometheus selects objects labelled release=NAME (default kube-prometheus-stack)' },
  { name: 'scrape-interval', type: 'string', arg: 'DUR', help: 'Prometheus scrape interval (default 15s)' },
  { name: 'retention', type: 'string', arg: 'DUR', help: 'How long Prometheus keeps data (default 15d)' },
  { name: 'retention-size', type: 'string', arg: 'SIZE', help: 'Most disk Prometheus data may take, e.g. 50GB; oldest data goes first (default 20GB; 0: no limit)' },
  { name: 'slo-ttft-p99', type: 'string', arg: 'SECONDS', help: 'p99 time-to-first-token objective (default 2.5)' },
  { name: 'slo-itl-p99', type: 'string', arg: 'SECONDS', help: 'p99 inter-token latency objective (default 0.1)' },
  { name: 'slo-e2e-p99', type: 'string', arg: 'SECONDS', help: 'p99 end-to-end latency objective (default 60)' },
  { name: 'slo-availability', type: 'string', arg: 'PERCENT', help: 'requests served without a server error (default 99.9)' },
  { name: 'runbook-url', type: 'string', arg: 'URL', help: "Page the alerts' runbook links point into, e.g. where you host the stack's RUNBOOKS.md" },
  {
    name: 'templates',
    type: 'string',
    arg: 'DIR',
    help: 'Handlebars templates that replace the built-in ones by file name: README.md.hbs, RUNBOOKS.md.hbs, {start,stop}-monitoring.{sh,ps1,bat}.hbs (see templates/ in the package)',
  },
  { name: 'overwrite', type: 'boolean', help: 'Write into a non-empty directory not made by this tool' },
  { name: 'force', type: 'boolean', help: 'Replace files you edited since the last generation' },
  { name: 'start', type: 'boolean', help: 'Then start the stack (Docker Compose, health-gated) and validate it; exit code says if it passed' },
  { name: 'dry-run', type: 'boolean', help: 'Show what would be created, changed or kept; write nothing' },
  { name: 'json', type: 'boolean', help: 'Print the result as JSON' },
];

/** What parseArgs makes of CREATE_FLAGS, by flag name. */
export type FlagValues = Record<string, string | boolean | string[] | undefined>;
