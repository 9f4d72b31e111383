import type { Io } from './io.js';

/**
 * The create command's flags: one table drives parsing and --help, so they cannot drift apart.
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
  { name: 'watch-path', type: 'string', multiple: true, arg: 'NAME=PATH', help: 'A directory whose disk the alerts name, e.g. model-cache=/data/huggingface (Docker\'s data root always). Repeat for more' },
  { name: 'public-url', type: 'string', arg: 'URL', help: 'How other machines reach this one, e.g. http://gpu-box.example.org: the links in alerts use it (default http://localhost)' },
  { name: 'grafana-public-url', type: 'string', arg: 'URL', help: "Grafana's URL as people open it (reverse proxy, your own Grafana with --no-grafana)" },
  { name: 'prometheus-public-url', type: 'string', arg: 'URL', help: "Prometheus' URL as people open it (its --web.external-url)" },
  { name: 'alertmanager-public-url', type: 'string', arg: 'URL', help: "Alertmanager's URL as people open it (its --web.external-url; silence links)" },
  { name: 'grafana-port', type: 'string', arg: 'N', help: 'Host port for Grafana (default 3000)' },
  { name: 'prometheus-port', type: 'string', arg: 'N', help: 'Host port for Prometheus (default 9090)' },
  { name: 'alertmanager-port', type: 'string', arg: 'N', help: 'Host port for Alertmanager (default 9093)' },
  { name: 'expose', type: 'boolean', help: 'Publish ports on all interfaces (default: 127.0.0.1 only)' },
  { name: 'no-grafana', type: 'boolean', help: 'Leave Grafana out of the stack (dashboards are still written, for import into your Grafana)' },
  { name: 'image', type: 'string', multiple: true, arg: 'NAME=REF', help: 'Use another image, e.g. prometheus=mirror.local/prom/prometheus:v3.5.0. Repeat for more' },
  { name: 'platform', type: 'string', arg: 'P', help: 'Where the stack runs: linux | windows | macos (default: this machine)' },
  { name: 'scrape-interval', type: 'string', arg: 'DUR', help: 'Prometheus scrape interval (default 15s)' },
  { name: 'retention', type: 'string', arg: 'DUR', help: 'How long Prometheus keeps data (default 15d)' },
  { name: 'retention-size', type: 'string', arg: 'SIZE', help: 'Most disk Prometheus data may take, e.g. 50GB; oldest data goes first (default 20GB; 0: no limit)' },
  { name: 'slo-ttft-p99', type: 'string', arg: 'SECONDS', help: 'p99 time-to-first-token objective (default 2.5)' },
  { name: 'slo-itl-p99', type: 'string', arg: 'SECONDS', help: 'p99 inter-token latency objective (default 0.1)' },
  { name: 'slo-e2e-p99', type: 'string', arg: 'SECONDS', help: 'p99 end-to-end latency objective (default 60)' },
  { name: 'slo-availability', type: 'string', arg: 'PERCENT', help: 'requests served without a server error (default 99.9)' },
  { name: 'runbook-url', type: 'string', arg: 'URL', help: "Page the alerts' runbook links point into, e.g. where you host the stack's RUNBOOKS.md" },
  { name: 'overwrite', type: 'boolean', help: 'Write into a non-empty directory not made by this tool' },
  { name: 'force', type: 'boolean', help: 'Replace files you edited since the last generation' },
  { name: 'start', type: 'boolean', help: 'Then start the stack (Docker Compose, health-gated) and validate it; exit code says if it passed' },
  { name: 'dry-run', type: 'boolean', help: 'Show what would be created, changed or kept; write nothing' },
  { name: 'json', type: 'boolean', help: 'Print the result as JSON' },
];

/** Commands besides the default (generate); each module exports `run(argv): Promise<number>`. */
export interface CommandDef {
  name: string;
  args: string;
  help: string;
  load: () => Promise<{ run(argv: string[], io: Io): Promise<number> }>;
}

export const COMMANDS: CommandDef[] = [
  { name: 'up', args: '[dir]', help: 'Start the stack (Docker Compose) and wait until every service is healthy', load: () => import('../commands/up.js') },
  { name: 'down', args: '[dir]', help: 'Stop the stack (--volumes also removes its data)', load: () => import('../commands/down.js') },
  { name: 'status', args: '[dir]', help: 'State and health of each service of the stack', load: () => import('../commands/status.js') },
  { name: 'validate', args: '[dir]', help: 'Check the stack: configs (promtool, amtool, compose), targets, rules, Alertmanager, Grafana, every panel', load: () => import('../commands/validate.js') },
  { name: 'demo', args: '[dir]', help: 'Emulated vLLM/SGLang servers and GPU exporter + a stack for them, started and validated (no GPU needed)', load: () => import('../commands/demo.js') },
  { name: 'top', args: '[dir]', help: 'Live terminal view of the overview: targets, firing alerts, per model QPS, tokens/s, p99 vs objective, errors, KV, GPU', load: () => import('../commands/top.js') },
  { name: 'detect', args: '<url-or-file>', help: 'Which engine or GPU exporter serves a /metrics, its version family, models, ranks and problems', load: () => import('../commands/detect.js') },
  { name: 'report', args: '[--since 1h]', help: 'Performance and SLO report per model and instance from a running Prometheus', load: () => import('../commands/report.js') },
  { name: 'emulate', args: '--kind KIND', help: 'Serve an emulated vLLM, SGLang or GPU exporter /metrics (demos, trying a stack without GPUs)', load: () => import('../commands/emulate.js') },
  { name: 'analyze', args: '<file>...', help: 'Statistics, anomalies and charts from scheduler profiles (JSONL) or vLLM iteration logs', load: () => import('../commands/analyze.js') },
];

export function helpText(version: string): string {
  const width = Math.max(...CREATE_FLAGS.map((f) => flagLabel(f).length));
  const cmdWidth = Math.max(13, ...COMMANDS.map((c) => `${c.name} ${c.args}`.length));
  return [
    `create-vllm-monitor ${version}`,
    'Generate, start and validate a Prometheus + Alertmanager + Grafana stack for vLLM and SGLang servers.',
    '',
    'Usage:',
    '  create-vllm-monitor [dir] [flags]',
    '  create-vllm-monitor <command> [args]',
    '',
    'Commands:',
    `  ${'[dir] [flags]'.padEnd(cmdWidth)}  Generate a monitoring stack into dir (default ./vllm-monitor)`,
    ...COMMANDS.map((c) => `  ${`${c.name} ${c.args}`.padEnd(cmdWidth)}  ${c.help}`),
    '',
    'Flags (generate):',
    ...CREATE_FLAGS.map((f) => `  ${flagLabel(f).padEnd(width)}  ${f.help}`),
    `  ${'-h, --help'.padEnd(width)}  Show this help`,
    `  ${'-v, --version'.padEnd(width)}  Show the version`,
    '',
    'Without --yes and with a terminal, missing answers are asked for; otherwise defaults are used.',
    'Exit codes: 0 ok, 1 failure, 2 bad usage or bad input. NO_COLOR is respected.',
    '',
    'Examples:',
    '  npx create-vllm-monitor my-stack --yes --target vllm=http://10.0.0.5:8000 --gpu dcgm',
    '  npx create-vllm-monitor --yes --target llama:vllm=http://localhost:8000 --target qwen:sglang=http://localhost:30000',
    '  npx create-vllm-monitor my-stack --config monitor.yaml --dry-run',
    '',
  ].join('\n');
}

function flagLabel(f: FlagDef): string {
  const name = `${f.short ? `-${f.short}, ` : '    '}--${f.name}`;
  return f.arg ? `${name} ${f.arg}` : name;
}
