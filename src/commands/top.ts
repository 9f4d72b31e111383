/**
 * `create-vllm-monitor top [dir]`: the overview's first screen in a terminal, for SSH sessions
 * without a browser: targets up, firing alerts, and per model QPS, tokens/s, p99 latencies against
 * the stack's objectives, errors, KV usage, and GPU utilisation. Live (redrawn every few seconds) or
 * one frame (--once, --json).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Io } from '../cli/io.js';
import { type CliError, envError, EXIT_OK, usageError } from '../errors.js';
import { PrometheusClient, PrometheusError } from '../probe/prom-client.js';
import { DEFAULT_SLO } from '../config/defaults.js';
import { httpUrl, parseCommandArgs, seconds } from '../stack/args.js';
import { COMPOSE_FILE, loadStackDir, stackUrls } from '../stack/stack-dir.js';
import { stackAccess } from '../stack/access.js';
import type { FrameContext, TopFrame } from '../top/frame.js';
import { processScreen, runLive } from '../top/live.js';
import { collectFrame } from '../top/collect.js';
import { renderFrame } from '../top/render.js';
import { readManifest } from '../write/manifest.js';

export const HELP = `Usage: create-vllm-monitor top [dir] [flags]

A live view of the overview dashboard's first screen, in the terminal: targets up / expected per job,
firing alerts by severity, and per model requests/s, output tokens/s, p99 TTFT / ITL / E2E against
the stack's objectives, server-error share and KV-cache usage, and GPU utilisation. It reads the
same normalised series (llm:, model:, gpu:) the dashboards read, from the Prometheus of the stack
in dir (default .). q or Ctrl-C quits.
  --prometheus-url URL  Prometheus to read (default: from dir's docker-compose.yml)
  --interval N          seconds between refreshes (default 5)
  --once                print one frame and exit
  --json                print one frame as JSON and exit (implies --once)
  --time T              with --once/--json: the frame at instant T (unix seconds or RFC 3339)
Colour only on a terminal, and not with NO_COLOR set.`;


function parseTime(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const s = String(v);
  const t = /^\d+(\.\d+)?$/.test(s) ? Number(s) : Date.parse(s) / 1000;
  if (!Number.isFinite(t)) throw usageError('--time', `${JSON.stringify(s)} is neither unix seconds nor an RFC 3339 time`, 'write it like --time 1767225600 or --time 2026-01-01T00:00:00Z');
  return t;
}

/** The error a failed frame turns into: what went wrong with which Prometheus, and what to do. */
export function prometheusProblem(url: string, err: unknown, fix: string): CliError {
  if (err instanceof PrometheusError) return envError(url, `answers, but not as the Prometheus API expects (${err.message})`, 'point --prometheus-url at the root of Prometheus 2.x or 3.x, e.g. http://127.0.0.1:9090');
  const e = err as Error & { cause?: { code?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return envError(url, 'Prometheus did not answer within 10s', 'check that it is not overloaded, or pass another --prometheus-url');
  const code = e.cause?.code;
  return envError(url, `cannot reach Prometheus${code ? ` (${code})` : ` (${e.message})`}`, fix);
}

const noColor = (env: NodeJS.ProcessEnv) => Boolean(env.NO_COLOR) || env.TERM === 'dumb';

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs('top', argv, {
    'prometheus-url': { type: 'string' },
    interval: { type: 'string' },
    once: { type: 'boolean' },
    json: { type: 'boolean' },
    time: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(HELP);
    return EXIT_OK;
  }
  const flagUrl = httpUrl('prometheus-url', values['prometheus-url']);
  const intervalMs = seconds('interval', values.interval, 5) * 1000;
  const once = values.once === true || values.json === true;
  const at = parseTime(values.time);
  if (at !== undefined && !once) throw usageError('--time', 'a past instant makes sense for one frame only', 'add --once or --json, or leave --time out');

  const dir = positionals[0] ?? '.';
  const hasStack = existsSync(join(dir, COMPOSE_FILE));
  if (!hasStack && (positionals[0] !== undefined || !flagUrl)) {
    throw envError(dir, `has no ${COMPOSE_FILE}, so no stack to show`, 'pass the directory create-vllm-monitor generated, or --prometheus-url URL for any Prometheus with our rules');
  }
  const stack = hasStack ? loadStackDir(dir) : undefined;
  const url = flagUrl ?? (stack ? stackUrls(stack).prometheus : undefined);
  if (!url) throw envError(stack!.composeFile, 'publishes no Prometheus port', 'pass --prometheus-url URL');
  const manifest = stack ? readManifest(stack.dir) : undefined;
  const ctx = (time: number): FrameContext => ({
    time,
    prometheusUrl: url,
    ...(stack ? { stack: stack.project } : {}),
    objectives: { ...DEFAULT_SLO, ...(manifest?.input.slo ?? {}), source: manifest ? 'stack' : 'default' },
  });
  const fix = stack && !flagUrl ? `start the stack: create-vllm-monitor up ${dir}` : 'check the URL, or start the stack: create-vllm-monitor up DIR';
  // The stack's credentials (--expose) go only to its own Prometheus, not to a --prometheus-url.
  const own = stack ? stackAccess(stack).prometheus : undefined;
  const client = new PrometheusClient(url, 10_000, own && own.url === url ? own.headers : {});
  const collect = async (time = Date.now() / 1000): Promise<TopFrame> => {
    try {
      return await collectFrame(client, ctx(Math.round(time * 1000) / 1000));
    } catch (err) {
      throw prometheusProblem(url, err, fix);
    }
  };

  const first = await collect(at);
  if (values.json) {
    io.out(JSON.stringify(first, null, 2));
    return EXIT_OK;
  }
  if (once) {
    const width = process.stdout.isTTY ? process.stdout.columns : Number(io.env.COLUMNS) || 100;
    for (const line of renderFrame(first, { width, color: io.isTTY && !noColor(io.env) })) io.out(line);
    return EXIT_OK;
  }
  const screen = processScreen();
  const color = screen.tty && !noColor(io.env);
  const code = await runLive({ screen, intervalMs, first, collect: () => collect(), render: (f, width) => renderFrame(f, { width, color }) });
  // A query still in flight must not hold the exit up to its timeout.
  setTimeout(() => process.exit(), 1000).unref();
  return code;
}
