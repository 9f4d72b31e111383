/**
 * Which service made a start fail. Compose names the container it gave up on — v1 by a short id
 * (`Container "e5ef17b3e768" is unhealthy.`, under `ERROR: for prometheus`, the service that only
 * waited for it), v2 by name (`dependency failed to start: container x-alertmanager-1 is unhealthy`,
 * `container x-alertmanager-1 exited (1)`). By the time we look, that container may be `restarting`
 * with a restart count of 0, or `starting` again after a restart: compose's word is the evidence, and
 * the container's current state only adds to it. Pure: compose's output and container states in.
 */
import type { ContainerState } from './docker.js';

export interface Culprit {
  container: ContainerState;
  /** What went wrong, in compose's words where it said it: "unhealthy", "exited (1)", "restarting". */
  reason: string;
}

/** The containers compose's error lines blame, each with compose's reason. */
export function blamedByCompose(stderr: string, containers: ContainerState[]): Culprit[] {
  const out: Culprit[] = [];
  const add = (c: ContainerState | undefined, reason: string) => {
    if (c && !out.some((x) => x.container.id === c.id)) out.push({ container: c, reason });
  };
  for (const m of stderr.matchAll(/\bcontainer "?([\w.-]+)"? (is unhealthy|exited \(\d+\)|has exited|is restarting)/gi)) {
    const who = m[1]!;
    const c = containers.find((x) => x.name === who || (/^[0-9a-f]{12,}$/.test(who) && x.id.startsWith(who)));
    const said = m[2]!.replace(/^(is|has) /, '');
    // What it does now, when that adds to compose's word ("unhealthy", now "restarting (crash loop, 2 restarts)").
    const now = c && hasFailed(c) && failureReason(c) !== said ? `, now ${failureReason(c)}` : '';
    add(c, said + now);
  }
  for (const m of stderr.matchAll(/Cannot start service ([\w.-]+):/g)) add(containers.find((c) => c.service === m[1]), 'not started');
  return out;
}

/** Failed at least once: unhealthy, exited (a service should not), restarting, or restarted since it was created. */
export function hasFailed(c: ContainerState): boolean {
  return c.health === 'unhealthy' || c.state === 'dead' || c.state === 'exited' || c.state === 'restarting' || c.restartCount > 0;
}

export function failureReason(c: ContainerState): string {
  if (c.state === 'restarting' || (c.restartCount > 0 && c.health !== 'unhealthy')) {
    const restarts = c.restartCount === 1 ? ', 1 restart' : c.restartCount ? `, ${c.restartCount} restarts` : '';
    return `restarting (crash loop${restarts}${c.exitCode ? `, last exit code ${c.exitCode}` : ''})`;
  }
  if (c.state === 'exited') return `exited (${c.exitCode})`;
  return c.health === 'none' ? c.state : c.health;
}

/**
 * The services that failed first: those compose blamed, else those with evidence of failure; a
 * service that only waited for a failed dependency (never started, or itself blamed but depending on
 * a culprit) is a victim and left out.
 */
export function culprits(stderr: string, containers: ContainerState[], dependsOn: Record<string, string[]>): Culprit[] {
  const blamed = blamedByCompose(stderr, containers);
  const found = blamed.length ? blamed : containers.filter(hasFailed).map((c) => ({ container: c, reason: failureReason(c) }));
  const failed = new Set(found.map((f) => f.container.service));
  const dependsOnFailed = (service: string, seen = new Set<string>()): boolean =>
    (dependsOn[service] ?? []).some((d) => !seen.has(d) && (seen.add(d), failed.has(d) || dependsOnFailed(d, seen)));
  const roots = found.filter((f) => !dependsOnFailed(f.container.service));
  return (roots.length ? roots : found).filter((f) => f.container.state !== 'created' || f.reason === 'not started');
}
