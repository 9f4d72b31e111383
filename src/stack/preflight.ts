/**
 * Before starting: is the engine there, are the ports free, is the GPU runtime there when a GPU
 * exporter is asked for, can every image be had. Each problem comes back with its fix.
 */
import { existsSync, readFileSync } from 'node:fs';
import type Docker from 'dockerode';
import { portIsFree } from './ports.js';
import { engineFacts, type EngineFacts, pingEngine, projectContainers } from './docker.js';
import type { StackDir } from './stack-dir.js';

export interface PreflightCheck {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

export interface PreflightOptions {
  /** Services left out of this start (e.g. the GPU exporter with --no-gpu). */
  skipServices?: Set<string>;
  /** Try `docker pull` for images that are not present (default true). */
  pull?: boolean;
  onProgress?: (line: string) => void;
}

/** Whether the root mount is shared in this mount namespace (rslave bind mounts need it). */
export function rootMountShared(mountinfo: string): boolean | undefined {
  for (const line of mountinfo.split('\n')) {
    const f = line.split(' ');
    if (f[4] === '/') return f.slice(6, f.indexOf('-')).some((o) => o.startsWith('shared:') || o.startsWith('master:'));
  }
  return undefined;
}

export function nvidiaRuntimePresent(facts: EngineFacts): boolean {
  return facts.runtimes.includes('nvidia') || facts.desktop;
}

async function imageAvailable(docker: Docker, ref: string, pull: boolean, onProgress?: (l: string) => void): Promise<{ ok: boolean; detail: string }> {
  try {
    await docker.getImage(ref).inspect();
    return { ok: true, detail: `${ref} present` };
  } catch {
    // not here; try to pull
  }
  if (!pull) return { ok: false, detail: `${ref} is not present` };
  onProgress?.(`pulling ${ref} ...`);
  try {
    const stream = await docker.pull(ref);
    await new Promise<void>((res, rej) => docker.modem.followProgress(stream, (err: Error | null) => (err ? rej(err) : res())));
    return { ok: true, detail: `${ref} pulled` };
  } catch (err) {
    return { ok: false, detail: `${ref} is not present and cannot be pulled (${(err as Error).message.split('\n')[0]!.slice(0, 160)})` };
  }
}

export async function preflight(docker: Docker, stack: StackDir, opts: PreflightOptions = {}): Promise<PreflightCheck[]> {
  const checks: PreflightCheck[] = [];
  await pingEngine(docker); // throws with install/start advice
  const facts = await engineFacts(docker);
  checks.push({ name: 'docker engine', ok: true, detail: `Docker ${facts.serverVersion} (${facts.os})` });

  const services = Object.values(stack.services).filter((s) => !opts.skipServices?.has(s.name));
  const running = await projectContainers(docker, stack.project);
  const ownRunning = new Set(running.filter((c) => c.state === 'running').map((c) => c.service));
  // Containers of other stacks holding a port are named, since `ss` shows only docker-proxy.
  const holders = new Map<number, string>();
  for (const c of await docker.listContainers().catch(() => [])) {
    for (const p of c.Ports ?? []) if (p.PublicPort) holders.set(p.PublicPort, `container ${(c.Names[0] ?? c.Id).replace(/^\//, '')}`);
  }

  for (const s of services) {
    for (const p of s.ports) {
      // A port held by this stack's own running container is not a conflict (up is idempotent).
      if (ownRunning.has(s.name)) continue;
      const host = p.hostIp === '0.0.0.0' || p.hostIp === '' ? '0.0.0.0' : p.hostIp;
      const free = await portIsFree(p.hostPort, host);
      checks.push({
        name: `port ${p.hostPort}`,
        ok: free,
        detail: free ? `${host}:${p.hostPort} free for ${s.name}` : `port ${p.hostPort} for ${s.name} is already taken by ${holders.get(p.hostPort) ?? 'another program'}`,
        ...(free ? {} : { fix: `stop ${holders.has(p.hostPort) ? 'that container' : `what listens on ${p.hostPort} (ss -ltnp 'sport = :${p.hostPort}')`}, or regenerate with --${s.name}-port N` }),
      });
    }
  }

  for (const s of services) {
    for (const port of s.hostNetworkPorts) {
      if (ownRunning.has(s.name)) continue;
      const free = await portIsFree(port, '0.0.0.0');
      if (free) continue;
      checks.push({
        name: `port ${port}`,
        ok: false,
        detail: `port ${port} for ${s.name} (host network) is already taken by another program — another stack's ${s.name}, or one installed on this machine`,
        fix: `stop it (ss -ltnp 'sport = :${port}'; a node-exporter installed as a service can stay: then remove ${s.name} from docker-compose.yml)`,
      });
    }
  }

  const localEngine = !process.env.DOCKER_HOST || process.env.DOCKER_HOST.startsWith('unix://');
  for (const s of services) {
    if (s.needsNvidia) {
      const ok = nvidiaRuntimePresent(facts);
      checks.push({
        name: `gpu runtime (${s.name})`,
        ok,
        detail: ok ? 'NVIDIA container runtime present' : `${s.name} needs NVIDIA GPUs but the engine has no nvidia runtime (runtimes: ${facts.runtimes.join(', ') || 'none'})`,
        ...(ok ? {} : { fix: 'install the NVIDIA Container Toolkit and restart Docker, or start without the GPU exporter: create-vllm-monitor up --no-gpu (or regenerate with --gpu none)' }),
      });
    }
    if (s.needsAmd && localEngine && !facts.desktop && process.platform === 'linux') {
      const ok = existsSync('/dev/kfd');
      checks.push({
        name: `gpu devices (${s.name})`,
        ok,
        detail: ok ? '/dev/kfd present' : `${s.name} needs /dev/kfd (ROCm driver) and this machine has none`,
        ...(ok ? {} : { fix: 'install the ROCm driver (amdgpu-dkms), or start without the GPU exporter: create-vllm-monitor up --no-gpu' }),
      });
    }
    if (s.rslaveMounts.length && localEngine && !facts.desktop && process.platform === 'linux') {
      let shared: boolean | undefined;
      try {
        shared = rootMountShared(readFileSync('/proc/self/mountinfo', 'utf8'));
      } catch {
        shared = undefined;
      }
      if (shared === false) {
        checks.push({
          name: `mount propagation (${s.name})`,
          ok: false,
          detail: `${s.name} mounts ${s.rslaveMounts.join(', ')} with rslave, but / is a private mount here`,
          fix: 'run `sudo mount --make-rshared /` (systemd does this at boot; minimal VMs and containers may not)',
        });
      }
    }
  }

  const images = [...new Set(services.map((s) => s.image).filter(Boolean))];
  for (const ref of images) {
    const r = await imageAvailable(docker, ref, opts.pull ?? true, opts.onProgress);
    const svc = services.find((s) => s.image === ref)!;
    checks.push({
      name: `image ${svc.name}`,
      ok: r.ok,
      detail: r.detail,
      ...(r.ok ? {} : { fix: `load it (docker load -i FILE) or regenerate pointing at a registry you can reach: --image ${svc.name}=MIRROR/${ref}${svc.name === 'grafana' ? ' (or leave Grafana out: --no-grafana)' : ''}` }),
    });
  }
  return checks;
}
