/**
 * Health-gated startup for Compose v1 (which has no `up --wait`), and the post-mortem of a service
 * that failed: its last log lines and a likely fix. Polls the containers through dockerode.
 */
import type Docker from 'dockerode';
import { culprits, failureReason, hasFailed } from './culprits.js';
import { type ContainerState, lastLogLines, projectContainers } from './docker.js';
import { likelyServiceFix } from './diagnose.js';

export interface ServiceFailure {
  service: string;
  state: string;
  health: string;
  /** What went wrong: "unhealthy", "exited (1)", "restarting (crash loop, 3 restarts)". */
  reason: string;
  logs: string[];
  fix: string;
}

export interface HealthResult {
  ok: boolean;
  containers: ContainerState[];
  failures: ServiceFailure[];
  /** Services expected but without a container. */
  missing: string[];
}

/** Ready: running and, when it has a healthcheck, healthy. */
export function containerReady(c: ContainerState): boolean {
  return c.state === 'running' && (c.health === 'healthy' || c.health === 'none');
}

/** Not ready and failed at least once (a crash loop counts from its first exit, whatever the restart count says). */
export function containerFailed(c: ContainerState): boolean {
  return !containerReady(c) && hasFailed(c);
}

const ERROR_LINE = /level=(?:error|fatal|crit)|\b(?:ERROR|FATAL|panic:)|\berr(?:or)?="/;

/**
 * The log lines worth showing: the last `n`, unless a crash loop has already started the next run
 * and pushed its error out of them; then the `n` lines that end with the last error.
 */
export function relevantLogLines(lines: string[], n = 15): string[] {
  const tail = lines.slice(-n);
  if (tail.some((l) => ERROR_LINE.test(l))) return tail;
  let last = lines.length - 1;
  while (last >= 0 && !ERROR_LINE.test(lines[last]!)) last--;
  return last < 0 ? tail : lines.slice(Math.max(0, last + 1 - n), last + 1);
}

export async function explainFailure(docker: Docker, c: ContainerState, reason = failureReason(c), extra = ''): Promise<ServiceFailure> {
  const lines = await lastLogLines(docker, c.id, 200).catch(() => [] as string[]);
  const logs = relevantLogLines(lines);
  return { service: c.service, state: c.state, health: c.health, reason, logs, fix: likelyServiceFix(c.service, `${lines.join('\n')}\n${extra}`) };
}

export async function waitHealthy(
  docker: Docker,
  project: string,
  services: string[],
  opts: { timeoutMs: number; dependsOn: Record<string, string[]>; onProgress?: (line: string) => void; pollMs?: number },
): Promise<HealthResult> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastLine = '';
  for (;;) {
    const containers = (await projectContainers(docker, project)).filter((c) => services.includes(c.service));
    const missing = services.filter((s) => !containers.some((c) => c.service === s));
    const failed = containers.filter(containerFailed);
    const ready = containers.filter(containerReady);
    const line = `healthy ${ready.length}/${services.length}: ${containers.map((c) => `${c.service}=${c.health === 'none' ? c.state : c.health}`).join(' ')}`;
    if (line !== lastLine) opts.onProgress?.(line);
    lastLine = line;
    if (failed.length > 0 || (missing.length === 0 && ready.length === services.length) || Date.now() > deadline) {
      const first = culprits('', failed, opts.dependsOn).map((f) => f.container);
      const notReady = Date.now() > deadline ? containers.filter((c) => !containerReady(c) && !containerFailed(c)) : [];
      const failures = await Promise.all([...first, ...notReady].map((c) => explainFailure(docker, c)));
      return { ok: failures.length === 0 && missing.length === 0, containers, failures, missing };
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 1000));
  }
}

/** After compose gave up: the services that failed first (whatever state they are in now), with their logs. */
export async function explainFailedStart(
  docker: Docker,
  project: string,
  services: string[],
  composeStderr: string,
  dependsOn: Record<string, string[]>,
): Promise<HealthResult> {
  const containers = (await projectContainers(docker, project)).filter((c) => services.includes(c.service));
  const found = culprits(composeStderr, containers, dependsOn);
  const failures = await Promise.all(found.map((f) => explainFailure(docker, f.container, f.reason, composeStderr)));
  return { ok: false, containers, failures, missing: services.filter((s) => !containers.some((c) => c.service === s)) };
}
