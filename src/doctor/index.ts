/** doctor: every check of a stack, in checklist order. Each check is its own module returning findings. */
import type Docker from 'dockerode';
import type { StackSpec } from '../config/types.js';
import type { StackDir } from '../stack/stack-dir.js';
import { dockerChecks } from './docker.js';
import { diskCheck } from './disk.js';
import { engineChecks } from './engines.js';
import type { Finding } from './finding.js';
import { imageChecks } from './images.js';
import { scrapeChecks } from './scrapes.js';

export { needsAction, type Finding, type FindingStatus } from './finding.js';

export interface DoctorInput {
  stack: StackDir;
  spec: StackSpec;
  docker: Docker;
  env: NodeJS.ProcessEnv;
  prometheusUrl: string | undefined;
  /** Authentication for the stack's own Prometheus (--expose). */
  prometheusHeaders?: Record<string, string>;
  /** What to do when Prometheus does not answer. */
  prometheusFix: string;
  now?: () => number;
}

export async function runDoctor(d: DoctorInput): Promise<Finding[]> {
  const now = d.now ?? Date.now;
  const [docker, disk, engines, scrapes] = await Promise.all([
    dockerChecks(d.docker, d.env),
    diskCheck(d.docker, `${d.stack.project}_prometheus_data`, { time: d.spec.retention, ...(d.spec.retentionSize ? { size: d.spec.retentionSize } : {}) }),
    engineChecks(d.spec.targets, d.stack.env, now),
    scrapeChecks(d.prometheusUrl, d.prometheusFix, d.prometheusHeaders),
  ]);
  return [...docker, ...imageChecks(d.stack, new Date(now())), disk, ...engines, ...scrapes];
}
