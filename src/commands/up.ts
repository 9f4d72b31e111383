/** `create-vllm-monitor up [dir]`: preflight, start, wait until healthy. */
import { EXIT_FAILURE, EXIT_OK } from '../errors.js';
import type { Io } from '../cli/io.js';
import { parseCommandArgs, progressPrinter, seconds } from '../stack/args.js';
import { findCompose } from '../stack/compose-cli.js';
import { dockerClient } from '../stack/docker.js';
import { loadStackDir, stackUrls, type StackDir } from '../stack/stack-dir.js';
import { WEB_PASSWORD_ENV } from '../config/types.js';
import { WEB_USER } from '../render/secrets.js';
import { type UpResult, upStack } from '../stack/up.js';

export const HELP = `Usage: create-vllm-monitor up [dir] [--no-gpu] [--timeout SECONDS] [--json]

Checks Docker, ports, GPU runtime and images, starts the stack in dir (default .) with Docker Compose
and waits until every service is healthy. A failed service is shown with its last log lines.
  --no-gpu          start without the GPU exporter (no NVIDIA/AMD container runtime here)
  --timeout N       seconds to wait for health (default 180)
  --json            print the result as JSON`;

export function printUpResult(r: UpResult, stack: StackDir, io: Io): void {
  if (r.skipped.length) io.err(`Left out: ${r.skipped.join(', ')} (--no-gpu).`);
  if (!stack.services.grafana) io.err('Grafana is not part of this stack (generated with --no-grafana); dashboards are in grafana/dashboards/ for import.');
  if (!r.ok) {
    io.err(`The stack did not come up (${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}):`);
    for (const p of r.problems) io.err(`  ✗ ${p}`);
    for (const f of r.health?.failures ?? []) {
      if (!f.logs.length) continue;
      io.err(`  last log lines of ${f.service}:`);
      for (const l of f.logs) io.err(`    | ${l}`);
    }
    return;
  }
  const u = stackUrls(stack);
  io.out(`Stack ${stack.project} is up: ${r.services.length} services healthy (${((r.timings.composeUpMs + r.timings.healthyMs) / 1000).toFixed(1)}s).`);
  if (u.grafana) io.out(`  Grafana      ${u.grafana}  (user admin, password: GRAFANA_ADMIN_PASSWORD in .env)`);
  // Names where the password is, never the password.
  const auth = (service: string) => (stack.services[service]?.webConfig ? `  (user ${WEB_USER}, password: ${WEB_PASSWORD_ENV} in .env)` : '');
  if (u.prometheus) io.out(`  Prometheus   ${u.prometheus}${auth('prometheus')}`);
  if (u.alertmanager) io.out(`  Alertmanager ${u.alertmanager}${auth('alertmanager')}`);
}

export function upJson(r: UpResult, stack: StackDir): Record<string, unknown> {
  return {
    ok: r.ok,
    project: stack.project,
    services: r.health?.containers.map((c) => ({ service: c.service, state: c.state, health: c.health })) ?? [],
    skipped: r.skipped,
    problems: r.problems,
    failures: r.health?.failures ?? [],
    preflight: r.preflight,
    urls: stackUrls(stack),
    timings: r.timings,
  };
}

/** Starts the stack in dir; shared by `up`, `create --start` and `demo`. */
export async function startStack(dir: string, io: Io, opts: { noGpu?: boolean; timeoutMs?: number; json?: boolean }): Promise<{ result: UpResult; stack: StackDir }> {
  const stack = loadStackDir(dir);
  const docker = dockerClient();
  const compose = await findCompose(io.env);
  const result = await upStack(docker, compose, stack, { noGpu: opts.noGpu, timeoutMs: opts.timeoutMs, onProgress: progressPrinter(io.err.bind(io)) });
  return { result, stack };
}

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs('up', argv, {
    'no-gpu': { type: 'boolean' },
    timeout: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(HELP);
    return EXIT_OK;
  }
  const { result, stack } = await startStack(positionals[0] ?? '.', io, {
    noGpu: values['no-gpu'] === true,
    timeoutMs: seconds('timeout', values.timeout, 180) * 1000,
  });
  if (values.json) io.out(JSON.stringify(upJson(result, stack), null, 2));
  printUpResult(result, stack, values.json ? { ...io, out: () => {} } : io);
  if (result.ok && !values.json) io.out(`Check it: create-vllm-monitor validate ${positionals[0] ?? '.'}`);
  return result.ok ? EXIT_OK : EXIT_FAILURE;
}

export interface StartAndValidateResult {
  code: number;
  json: Record<string, unknown>;
  timings: { preflightMs: number; composeUpMs: number; healthyMs: number; validateMs: number };
}

/** `create --start` and `demo`: start the stack, then validate it; prints as it goes unless json. */
export async function startAndValidate(
  dir: string,
  io: Io,
  opts: { json?: boolean; noGpu?: boolean; timeoutMs?: number; fireTestAlert?: boolean; strictPanels?: boolean; waitMs?: number },
): Promise<StartAndValidateResult> {
  const quiet: Io = { ...io, out: () => {} };
  const { validate } = await import('../validate/index.js');
  const { findCompose } = await import('../stack/compose-cli.js');
  const { formatTable, summaryLine } = await import('../validate/report.js');
  const { reportOk } = await import('../validate/types.js');
  const compose = await findCompose(io.env);
  // The static checks need no running stack: they run while it starts.
  const staticRun = validate({ dir, compose, env: io.env, staticOnly: true });
  // Handled now, awaited later: a rejection while the stack starts must not count as unhandled.
  staticRun.catch(() => undefined);
  const { result, stack } = await startStack(dir, io, { ...(opts.noGpu ? { noGpu: true } : {}), ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) });
  printUpResult(result, stack, opts.json ? quiet : io);
  const timings = { ...result.timings, validateMs: 0 };
  if (!result.ok) {
    await staticRun.catch(() => undefined);
    return { code: EXIT_FAILURE, json: { up: upJson(result, stack) }, timings };
  }
  const t0 = Date.now();
  const live = await validate({
    dir,
    compose,
    env: io.env,
    liveOnly: true,
    fireTestAlert: opts.fireTestAlert ?? false,
    strictPanels: opts.strictPanels ?? false,
    waitMs: opts.waitMs ?? 120_000,
    onProgress: progressPrinter(io.err.bind(io)),
  });
  const checks = [...(await staticRun).checks, ...live.checks];
  const report = { ...live, ok: reportOk(checks), checks };
  timings.validateMs = Date.now() - t0;
  if (!opts.json) {
    for (const line of formatTable(report.checks)) io.out(line);
    io.out(summaryLine(report));
  }
  return { code: report.ok ? EXIT_OK : EXIT_FAILURE, json: { up: upJson(result, stack), validate: report }, timings };
}
