/** Free space where the Prometheus volume lives against what the stack's retention lets it grow to. */
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import type Docker from 'dockerode';
import { retentionSizeBytes } from '../config/retention.js';
import { fail, type Finding, ok, warn } from './finding.js';

/** Prometheus' storage docs: give it at most 80-85% of the space it may use. */
const HEADROOM = 0.85;

const gib = (b: number) => `${(b / 1024 ** 3).toFixed(1)} GiB`;

/** Free bytes of the filesystem holding path (or its nearest parent this user may look at). */
function freeBytes(path: string): { bytes: number; at: string } | undefined {
  for (let p = path; ; p = dirname(p)) {
    try {
      const s = statfsSync(p);
      return { bytes: s.bavail * s.bsize, at: p };
    } catch {
      if (p === dirname(p)) return undefined;
    }
  }
}

/** `volume`: the Compose volume (PROJECT_prometheus_data); before the first start, Docker's root holds it. */
export async function diskCheck(docker: Docker, volume: string, retention: { time: string; size?: string }): Promise<Finding> {
  const check = 'disk headroom';
  let path: string;
  try {
    path = ((await docker.getVolume(volume).inspect()) as { Mountpoint: string }).Mountpoint;
  } catch {
    try {
      path = ((await docker.info()) as { DockerRootDir?: string }).DockerRootDir ?? '/var/lib/docker';
    } catch {
      return warn(check, 'Docker not reachable: skipped', 'start Docker, then run doctor again');
    }
  }
  const free = freeBytes(path);
  if (!free) return warn(check, `cannot read the free space of ${path}: skipped`, 'run doctor as a user that may read Docker\'s data root');
  if (!retention.size) {
    return warn(check, `${gib(free.bytes)} free at ${free.at}; retention ${retention.time} with no size limit, so the volume grows with the series count`, 'set a size limit: create-vllm-monitor DIR --retention-size 20GB (under 85% of the free space)');
  }
  const size = retentionSizeBytes(retention.size, 'retentionSize');
  const detail = `${gib(free.bytes)} free at ${free.at} for a retention of ${retention.time} / ${retention.size}`;
  if (free.bytes < size) return fail(check, `${detail}: the disk fills before Prometheus deletes old data`, `free disk space or lower the limit: create-vllm-monitor DIR --retention-size ${Math.max(1, Math.floor((free.bytes * HEADROOM) / 1024 ** 3))}GB`);
  if (size > free.bytes * HEADROOM) return warn(check, `${detail}: more than 85% of the free space`, `lower it to at most ${Math.floor((free.bytes * HEADROOM) / 1024 ** 3)}GB, or free disk space`);
  return ok(check, detail);
}
