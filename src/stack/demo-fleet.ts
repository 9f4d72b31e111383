/**
 * The demo's emulated fleet: vLLM V1 (two DP engines), vLLM V0, SGLang (two DP ranks) and a DCGM
 * exporter following their load, served on this machine where the stack's containers reach them
 * (the Docker bridge gateway, which host.docker.internal leads to). In this process, or detached as
 * `create-vllm-monitor emulate` children that outlive it (--detach).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { portIsFree } from './ports.js';
import { type Emulator, type EmulatorKind, startEmulator, type Traffic } from '../demo/emulator.js';
import { engineFacts } from './docker.js';

export interface FleetMember {
  name: string;
  kind: EmulatorKind;
  /** Engine of the target, or undefined for the GPU exporter. */
  engine?: 'vllm' | 'sglang';
  dpRanks?: number;
  preferredPort: number;
}

export const DEMO_FLEET: FleetMember[] = [
  { name: 'llama-vllm-v1', kind: 'vllm-v1', engine: 'vllm', dpRanks: 2, preferredPort: 18001 },
  { name: 'opt-vllm-v0', kind: 'vllm-v0', engine: 'vllm', preferredPort: 18002 },
  { name: 'llama-sglang', kind: 'sglang', engine: 'sglang', dpRanks: 2, preferredPort: 18003 },
  { name: 'gpu-dcgm', kind: 'dcgm', preferredPort: 18004 },
];

export interface RunningMember extends FleetMember {
  port: number;
  emulator?: Emulator;
  pid?: number;
}

export const PIDS_FILE = '.demo-emulators.json';

/** Where containers reach this machine: the bridge gateway on Linux, all interfaces on Docker Desktop. */
export async function demoBindHost(docker: Docker): Promise<string> {
  const facts = await engineFacts(docker).catch(() => undefined);
  if (!facts || facts.desktop || process.platform !== 'linux') return '0.0.0.0';
  return (await bridgeGateway(docker)) ?? '0.0.0.0';
}

/**
 * The default bridge's gateway address, which `host-gateway` (host.docker.internal) resolves to:
 * from the network's IPAM config, else the docker0 interface, else the subnet's first address.
 */
export async function bridgeGateway(docker: Docker): Promise<string | undefined> {
  const net = (await docker.getNetwork('bridge').inspect().catch(() => undefined)) as { IPAM?: { Config?: { Gateway?: string; Subnet?: string }[] } } | undefined;
  const config = net?.IPAM?.Config ?? [];
  const gateway = config.find((c) => c.Gateway)?.Gateway;
  if (gateway) return gateway;
  const docker0 = networkInterfaces().docker0?.find((a) => a.family === 'IPv4')?.address;
  if (docker0) return docker0;
  const subnet = config.find((c) => c.Subnet && /^\d+\.\d+\.\d+\.0\//.test(c.Subnet))?.Subnet;
  return subnet ? subnet.replace(/\.0\/\d+$/, '.1') : undefined;
}

async function pickPort(host: string, preferred: number, taken: Set<number>): Promise<number> {
  for (let p = preferred; p < preferred + 200; p++) {
    if (!taken.has(p) && (await portIsFree(p, host))) return p;
  }
  return 0;
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

/** traffic `clients`: the engines serve only the requests sent to them (for loadtest); default `simulated`. */
export async function startFleet(host: string, opts: { detach?: boolean; cliPath?: string; dir: string; traffic?: Traffic }): Promise<RunningMember[]> {
  const clientsOnly = opts.traffic === 'clients';
  const taken = new Set<number>();
  const running: RunningMember[] = [];
  const engines: Emulator[] = [];
  for (const m of DEMO_FLEET) {
    const port = await pickPort(host, m.preferredPort, taken);
    taken.add(port);
    const seed = m.preferredPort;
    if (opts.detach) {
      const args = [opts.cliPath ?? process.argv[1]!, 'emulate', '--kind', m.kind, '--host', host, '--port', String(port), '--seed', String(seed), ...(m.dpRanks ? ['--dp', String(m.dpRanks)] : []), ...(clientsOnly && m.engine ? ['--traffic', 'clients'] : [])];
      const child = spawn(process.execPath, args, { detached: true, stdio: 'ignore' });
      child.unref();
      running.push({ ...m, port, ...(child.pid ? { pid: child.pid } : {}) });
    } else {
      const emulator = await startEmulator({
        kind: m.kind,
        host,
        port,
        seed,
        ...(m.dpRanks ? { dpRanks: m.dpRanks } : {}),
        ...(clientsOnly && m.engine ? { traffic: 'clients' as const } : {}),
        ...(m.engine ? {} : { follow: engines, hostname: 'demo-gpu-node' }),
      });
      if (m.engine) engines.push(emulator);
      running.push({ ...m, port: emulator.port, emulator });
    }
  }
  if (opts.detach) {
    mkdirSync(opts.dir, { recursive: true });
    writeFileSync(join(opts.dir, PIDS_FILE), JSON.stringify(running.map((r) => ({ name: r.name, pid: r.pid, port: r.port })), null, 2));
    const urlHost = host === '0.0.0.0' ? '127.0.0.1' : host;
    const deadline = Date.now() + 15_000;
    for (const r of running) {
      while (!(await answers(`http://${urlHost}:${r.port}/metrics`))) {
        if (Date.now() > deadline) throw new Error(`emulated ${r.kind} did not start on ${urlHost}:${r.port}`);
        await new Promise((res) => setTimeout(res, 200));
      }
    }
  }
  return running;
}

export async function stopFleet(members: RunningMember[]): Promise<void> {
  await Promise.all(members.map((m) => m.emulator?.stop()));
}

/** Stops emulators a detached demo left running (by the pids it wrote). */
export function stopDetached(dir: string): number {
  const file = join(dir, PIDS_FILE);
  if (!existsSync(file)) return 0;
  let stopped = 0;
  for (const { pid } of JSON.parse(readFileSync(file, 'utf8')) as { pid?: number }[]) {
    if (!pid) continue;
    try {
      process.kill(pid, 'SIGTERM');
      stopped++;
    } catch {
      // already gone
    }
  }
  rmSync(file, { force: true });
  return stopped;
}
