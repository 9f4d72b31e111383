/** The CLI's command table and --help: each command's module is loaded only when it runs. */
import { CREATE_FLAGS, type FlagDef } from './create-flags.js';
import type { Io } from './io.js';

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
  { name: 'import', args: '[dir] --grafana-url URL', help: 'Upload the stack\'s dashboards to an existing Grafana (folder, datasource; --raw without our rules)', load: () => import('../commands/import.js') },
  { name: 'targets', args: 'add|remove|list [dir]', help: 'Add or remove a server of a running stack without a restart (file_sd lists), or list them', load: () => import('../commands/targets.js') },
  { name: 'doctor', args: '[dir]', help: 'Checklist with a fix per finding: Docker, image support windows, disk headroom, engine flags, clock skew, scrape duration, series', load: () => import('../commands/doctor.js') },
  { name: 'detect', args: '<url-or-file>', help: 'Which engine or GPU exporter serves a /metrics, its version family, models, ranks and problems', load: () => import('../commands/detect.js') },
  { name: 'report', args: '[--since 1h]', help: 'Performance and SLO report per model and instance from a running Prometheus', load: () => import('../commands/report.js') },
  { name: 'emulate', args: '--kind KIND', help: 'Serve an emulated vLLM, SGLang or GPU exporter /metrics (demos, trying a stack without GPUs)', load: () => import('../commands/emulate.js') },
  { name: 'profile', args: '<url> | summarize <trace>...', help: 'Run the engine\'s torch profiler and summarise the traces: busy/idle GPU, top kernels, communication overlap, CPU ops, layers, steps', load: () => import('../commands/profile.js') },
  { name: 'loadtest', args: '<url> [--rate R]', help: 'Load an OpenAI-compatible server with streamed requests: TTFT, TPOT, ITL, E2E, throughput, goodput (vllm bench serve\'s definitions)', load: () => import('../commands/loadtest.js') },
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
