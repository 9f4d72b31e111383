/**
 * up: preflight, `compose up -d` (v2 with --wait), wait for health (v1 through dockerode), and on
 * failure the last log lines and a likely fix of each failed service.
 */
import type Docker from 'dockerode';
import { type ComposeCli, runCompose } from './compose-cli.js';
import { syncSecretFiles } from './secret-files.js';
import { likelyServiceFix } from './diagnose.js';
import { explainFailedStart, type HealthResult, waitHealthy } from './health.js';
import { type PreflightCheck, preflight } from './preflight.js';
import type { StackDir } from './stack-dir.js';

export interface UpOptions {
  /** Leave the GPU exporter out (no GPU runtime here). */
  noGpu?: boolean;
  timeoutMs?: number;
  pull?: boolean;
  onProgress?: (line: string) => void;
}

export interface UpResult {
  ok: boolean;
  preflight: PreflightCheck[];
  services: string[];
  skipped: string[];
  compose?: { code: number; stderr: string };
  health?: HealthResult;
  /** One line per problem (preflight failures, compose error, unhealthy services). */
  problems: string[];
  timings: { preflightMs: number; composeUpMs: number; healthyMs: number };
}

export const GPU_SERVICES = ['dcgm-exporter', 'nvidia-smi-exporter', 'amd-exporter'];

/** Compose's error text, minus progress noise and its closing summary, as one line. */
export function composeError(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /error|denied|failed|invalid|unhealthy|not found/i.test(l) && !/^Encountered errors while bringing up/i.test(l));
  const perService = lines.map((l) => /^ERROR: for \S+\s+(.+)$/.exec(l)?.[1]).filter((x): x is string => Boolean(x));
  const picked = perService.at(-1) ?? lines.at(-1) ?? stderr.trim().split('\n').at(-1) ?? '';
  return picked.replace(/^ERROR:\s*/, '').replace(/^Error response from daemon:\s*/, '');
}

export async function upStack(docker: Docker, compose: ComposeCli, stack: StackDir, opts: UpOptions = {}): Promise<UpResult> {
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const skipped = opts.noGpu ? Object.keys(stack.services).filter((s) => GPU_SERVICES.includes(s)) : [];
  const services = Object.keys(stack.services).filter((s) => !skipped.includes(s));
  const problems: string[] = [];
  const t0 = Date.now();
  const checks = await preflight(docker, stack, { skipServices: new Set(skipped), pull: opts.pull ?? true, onProgress: opts.onProgress });
  const t1 = Date.now();
  for (const c of checks.filter((x) => !x.ok)) problems.push(`${c.detail}${c.fix ? ` — ${c.fix}` : ''}`);
  if (problems.length) return { ok: false, preflight: checks, services, skipped, problems, timings: { preflightMs: t1 - t0, composeUpMs: 0, healthyMs: 0 } };

  const rewritten = syncSecretFiles(stack);
  if (rewritten.length) opts.onProgress?.(`secrets/ updated from .env: ${rewritten.join(', ')}`);
  opts.onProgress?.(`starting ${services.length} services with ${compose.command}${compose.prefix.length ? ` ${compose.prefix.join(' ')}` : ''} ${compose.version} ...`);
  const args = ['up', '-d', '--remove-orphans'];
  if (compose.major === 2) args.push('--wait', '--wait-timeout', String(Math.ceil(timeoutMs / 1000)));
  if (skipped.length) args.push(...services);
  const result = await runCompose(compose, stack, args, { timeoutMs: timeoutMs + 30_000 });
  const t2 = Date.now();

  const dependsOn = Object.fromEntries(Object.values(stack.services).map((s) => [s.name, s.dependsOn]));
  const health =
    result.code === 0
      ? // v1 waits for dependencies' health only; v2 --wait has waited for all. Either way, look.
        await waitHealthy(docker, stack.project, services, { timeoutMs: Math.max(5_000, timeoutMs - (t2 - t1)), dependsOn, onProgress: opts.onProgress })
      : await explainFailedStart(docker, stack.project, services, result.stderr, dependsOn);
  const t3 = Date.now();

  if (result.code !== 0 && !health.failures.length) {
    // No container explains it (a bad compose file, an image that will not pull): compose's own error.
    const err = composeError(result.stderr);
    const fix = likelyServiceFix('the service', result.stderr);
    problems.push(`compose up failed: ${err} — ${fix.startsWith('see the full log') ? `see the output of: ${compose.command} ${compose.prefix.join(' ')} up`.replace(/\s+/g, ' ') : fix}`);
  }
  for (const f of health.failures) problems.push(`${f.service} is ${f.reason} — ${f.fix}`);
  for (const m of health.missing) if (result.code === 0) problems.push(`${m} has no container — see ${compose.command} ${compose.prefix.join(' ')} ps`.replace(/\s+/g, ' '));
  return {
    ok: problems.length === 0 && health.ok,
    preflight: checks,
    services,
    skipped,
    compose: { code: result.code, stderr: result.stderr },
    health,
    problems,
    timings: { preflightMs: t1 - t0, composeUpMs: t2 - t1, healthyMs: t3 - t2 },
  };
}

export async function downStack(compose: ComposeCli, stack: StackDir, opts: { volumes?: boolean } = {}) {
  return runCompose(compose, stack, ['down', '--remove-orphans', ...(opts.volumes ? ['--volumes'] : [])], { timeoutMs: 120_000 });
}
