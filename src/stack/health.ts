/**
 * Health-gated startup for Compose v1 (which has no `up --wait`), and the post-mortem of a service
 * that failed: its last log lines and a likely fix. Polls the containers through dockerode.
 */
import type Docker from 'dockerode';
import { type ContainerState, lastLogLines, projectContainers } from './docker.js';
import { likelyServiceFix } from './diagnose.js';

export interface ServiceFailure {
  service: string;
  state: string;
  health: string;
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

/** Failed for good: unhealthy, or exited/dead/restarting instead of running. */
export function containerFailed(c: ContainerState): boolean {
  return c.health === 'unhealthy' || c.state === 'exited' || c.state === 'dead' || (c.state === 'restarting' && c.restartCount > 0);
}

export async function explainFailure(docker: Docker, c: ContainerState, extra = ''): Promise<ServiceFailure> {
  const logs = await lastLogLines(docker, c.id, 15).catch(() => [] as string[]);
  return { service: c.service, state: c.state, health: c.health, logs, fix: likelyServiceFix(c.service, `${logs.join('\n')}\n${extra}`) };
}

export async function waitHealthy(
  docker: Docker,
  project: string,
  services: string[],
  opts: { timeoutMs: number; onProgress?: (line: string) => void; pollMs?: number; reportStarting?: boolean },
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
      const notReady = Date.now() > deadline && opts.reportStarting !== false ? containers.filter((c) => !containerReady(c) && !containerFailed(c)) : [];
      const failures = await Promise.all([...failed, ...notReady].map((c) => explainFailure(docker, c)));
      return { ok: failures.length === 0 && missing.length === 0, containers, failures, missing };
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 1000));
  }
}
