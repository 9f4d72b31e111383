/** The Docker Engine API through dockerode: reachability, engine facts, the stack's containers, logs. */
import Docker from 'dockerode';
import { envError } from '../errors.js';

export function dockerClient(): Docker {
  // dockerode reads DOCKER_HOST (and DOCKER_TLS_VERIFY/DOCKER_CERT_PATH) like the docker CLI.
  return new Docker();
}

/** How to get a Docker Engine running, per platform. */
export function dockerInstallHint(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return 'install Docker Desktop (https://docs.docker.com/desktop/setup/install/windows-install/), start it and wait for "Engine running"';
  if (platform === 'darwin') return 'install Docker Desktop (https://docs.docker.com/desktop/setup/install/mac-install/), start it and wait for "Engine running"';
  return 'install it (Debian/Ubuntu: sudo apt-get install docker.io, or https://docs.docker.com/engine/install/) and start it (sudo systemctl start docker); run as root or join the docker group';
}

export async function pingEngine(docker: Docker, timeoutMs = 5000): Promise<void> {
  const where = process.env.DOCKER_HOST ?? (process.platform === 'win32' ? 'npipe:////./pipe/docker_engine' : '/var/run/docker.sock');
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000}s`)), timeoutMs)),
    ]);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no Docker Engine is running' : e.code === 'EACCES' ? 'permission denied on the Docker socket' : e.message;
    const fix = e.code === 'EACCES' ? 'add yourself to the docker group (sudo usermod -aG docker $USER, then log in again) or run with sudo' : dockerInstallHint();
    throw envError('docker', `cannot reach the Docker Engine at ${where} (${why})`, fix);
  }
}

export interface EngineFacts {
  runtimes: string[];
  /** CDI device names the engine knows (Docker 25+ lists them in DiscoveredDevices / CDISpecDirs). */
  cdiSpecDirs: string[];
  os: string;
  serverVersion: string;
  /** Docker Desktop (Windows/macOS) runs the engine in a VM. */
  desktop: boolean;
}

export async function engineFacts(docker: Docker): Promise<EngineFacts> {
  const info = (await docker.info()) as { Runtimes?: Record<string, unknown>; CDISpecDirs?: string[]; OperatingSystem?: string; ServerVersion?: string };
  const os = info.OperatingSystem ?? '';
  return {
    runtimes: Object.keys(info.Runtimes ?? {}),
    cdiSpecDirs: info.CDISpecDirs ?? [],
    os,
    serverVersion: info.ServerVersion ?? '',
    desktop: /Docker Desktop/i.test(os),
  };
}

export interface ContainerState {
  id: string;
  name: string;
  service: string;
  /** running | exited | restarting | created | paused | dead */
  state: string;
  /** healthy | unhealthy | starting | none */
  health: string;
  exitCode: number;
  restartCount: number;
  image: string;
}

export async function projectContainers(docker: Docker, project: string): Promise<ContainerState[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } });
  const out: ContainerState[] = [];
  for (const c of list) {
    // One-off `run` containers are not part of the stack's services.
    if (c.Labels['com.docker.compose.oneoff'] === 'True') continue;
    const detail = await docker.getContainer(c.Id).inspect().catch(() => undefined);
    if (!detail) continue;
    out.push({
      id: c.Id,
      name: (c.Names[0] ?? '').replace(/^\//, ''),
      service: c.Labels['com.docker.compose.service'] ?? '',
      state: detail.State.Status,
      health: detail.State.Health?.Status ?? 'none',
      exitCode: detail.State.ExitCode,
      restartCount: detail.RestartCount,
      image: c.Image,
    });
  }
  return out.sort((a, b) => a.service.localeCompare(b.service));
}

/** Splits Docker's multiplexed log stream (8-byte frame headers) when the container has no TTY. */
export function demuxLogs(buf: Buffer): string {
  const parts: string[] = [];
  let i = 0;
  while (i + 8 <= buf.length && (buf[i] === 1 || buf[i] === 2 || buf[i] === 0) && buf[i + 1] === 0 && buf[i + 2] === 0 && buf[i + 3] === 0) {
    const size = buf.readUInt32BE(i + 4);
    parts.push(buf.subarray(i + 8, i + 8 + size).toString('utf8'));
    i += 8 + size;
  }
  if (i === 0) return buf.toString('utf8');
  return parts.join('');
}

export async function lastLogLines(docker: Docker, containerId: string, lines = 15): Promise<string[]> {
  const raw = (await docker.getContainer(containerId).logs({ stdout: true, stderr: true, tail: lines, follow: false })) as unknown as Buffer;
  return demuxLogs(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)))
    .split('\n')
    .map((l) => l.trimEnd())
    .filter(Boolean)
    .slice(-lines);
}
