/**
 * What a generated stack directory says about itself: compose project, services, images, published
 * ports and the URLs they give, read from docker-compose.yml (so hand edits are honoured).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { envError } from '../errors.js';

export interface PublishedPort {
  hostIp: string;
  hostPort: number;
  containerPort: number;
}

export interface ServiceInfo {
  name: string;
  image: string;
  ports: PublishedPort[];
  hasHealthcheck: boolean;
  /** The service reserves NVIDIA GPUs (deploy.resources.reservations.devices). */
  needsNvidia: boolean;
  /** The service maps AMD's /dev/kfd. */
  needsAmd: boolean;
  /** Host paths mounted with rslave propagation (node-exporter's /:/host). */
  rslaveMounts: string[];
  /** Services this one waits for (depends_on, short or long syntax). */
  dependsOn: string[];
  /** Started with --web.config.file (basic auth on every endpoint). */
  webConfig: boolean;
  /** Ports the service listens on directly on the host (network_mode: host), e.g. node-exporter's 9100. */
  hostNetworkPorts: number[];
}

/** With network_mode: host a service binds host ports itself: its --web.listen-address, or 9100 for node-exporter. */
function commandArgs(svc: Record<string, unknown>): string[] {
  return Array.isArray(svc.command) ? svc.command.map(String) : typeof svc.command === 'string' ? svc.command.split(/\s+/) : [];
}

function hostNetworkPorts(name: string, svc: Record<string, unknown>): number[] {
  if (svc.network_mode !== 'host') return [];
  const command = commandArgs(svc);
  const listen = command.map((a) => /^--web\.listen-address=.*:(\d+)$/.exec(a)?.[1]).find(Boolean);
  if (listen) return [Number(listen)];
  return name === 'node-exporter' || /node[-_]exporter/.test(String(svc.image ?? '')) ? [9100] : [];
}

export interface StackDir {
  dir: string;
  /** Compose project: the directory name as Compose derives it, which the start scripts use too. */
  project: string;
  composeFile: string;
  services: Record<string, ServiceInfo>;
  /** .env variables (secrets; never printed). */
  env: Record<string, string>;
  /** Compose's top-level `secrets:` with a `file:`: name -> path relative to the stack. */
  secretFiles: Record<string, string>;
}

export const COMPOSE_FILE = 'docker-compose.yml';

/** Compose's own project-name rule: lower case, [a-z0-9_-], starting with a letter or digit. */
export function composeProjectName(dir: string): string {
  return basename(resolve(dir)).toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[-_]+/, '') || 'default';
}

/** "127.0.0.1:9090:9090", "9090:9090", "9090", { published, target, host_ip }. */
export function parsePort(entry: unknown): PublishedPort | undefined {
  if (typeof entry === 'object' && entry !== null) {
    const e = entry as { published?: string | number; target?: number; host_ip?: string };
    if (e.published === undefined || e.target === undefined) return undefined;
    return { hostIp: e.host_ip ?? '0.0.0.0', hostPort: Number(e.published), containerPort: Number(e.target) };
  }
  const parts = String(entry).replace(/\/(tcp|udp)$/, '').split(':');
  if (parts.length === 1) return undefined; // container port only: published on a random port
  const containerPort = Number(parts.at(-1));
  const hostPort = Number(parts.at(-2));
  const hostIp = parts.length >= 3 ? parts.slice(0, -2).join(':').replace(/^\[|\]$/g, '') : '0.0.0.0';
  if (!Number.isInteger(hostPort) || !Number.isInteger(containerPort)) return undefined;
  return { hostIp, hostPort, containerPort };
}

function readEnv(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  const out: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    const raw = m[2]!;
    out[m[1]!] = /^'.*'$|^".*"$/.test(raw) ? raw.slice(1, -1) : raw;
  }
  return out;
}

export function loadStackDir(dir: string): StackDir {
  const composeFile = join(resolve(dir), COMPOSE_FILE);
  if (!existsSync(composeFile)) {
    throw envError(dir, `has no ${COMPOSE_FILE}`, 'pass the directory create-vllm-monitor generated (or generate one: npx create-vllm-monitor DIR)');
  }
  let doc: { services?: Record<string, Record<string, unknown>>; secrets?: Record<string, { file?: unknown }> };
  try {
    doc = parseYaml(readFileSync(composeFile, 'utf8')) as typeof doc;
  } catch (err) {
    throw envError(composeFile, `is not valid YAML (${(err as Error).message.split('\n')[0]})`, 'fix it, or regenerate with --force');
  }
  const services: Record<string, ServiceInfo> = {};
  for (const [name, svc] of Object.entries(doc?.services ?? {})) {
    const devices = (svc.deploy as { resources?: { reservations?: { devices?: { driver?: string; capabilities?: string[] }[] } } } | undefined)?.resources?.reservations?.devices ?? [];
    const volumes = (svc.volumes as unknown[] | undefined) ?? [];
    services[name] = {
      name,
      image: String(svc.image ?? ''),
      ports: ((svc.ports as unknown[] | undefined) ?? []).map(parsePort).filter((p): p is PublishedPort => p !== undefined),
      hasHealthcheck: typeof svc.healthcheck === 'object' && svc.healthcheck !== null && !(svc.healthcheck as { disable?: boolean }).disable,
      needsNvidia: devices.some((d) => d.driver === 'nvidia' || d.capabilities?.includes('gpu')),
      needsAmd: ((svc.devices as string[] | undefined) ?? []).some((d) => String(d).startsWith('/dev/kfd')),
      hostNetworkPorts: hostNetworkPorts(name, svc),
      webConfig: commandArgs(svc).some((a) => a.startsWith('--web.config.file')),
      dependsOn: Array.isArray(svc.depends_on) ? svc.depends_on.map(String) : Object.keys((svc.depends_on as object | undefined) ?? {}),
      rslaveMounts: volumes.filter((v): v is string => typeof v === 'string' && /:[^:]*rslave/.test(v)).map((v) => v.split(':')[0]!),
    };
  }
  const secretFiles: Record<string, string> = {};
  for (const [name, def] of Object.entries(doc?.secrets ?? {})) if (typeof def?.file === 'string') secretFiles[name] = def.file;
  return { dir: resolve(dir), project: composeProjectName(dir), composeFile, services, env: readEnv(join(dir, '.env')), secretFiles };
}

/** Where a service's container port is reachable from this machine, e.g. http://127.0.0.1:9090. */
export function serviceUrl(stack: StackDir, service: string, containerPort: number): string | undefined {
  const p = stack.services[service]?.ports.find((x) => x.containerPort === containerPort);
  if (!p) return undefined;
  const host = p.hostIp === '0.0.0.0' || p.hostIp === '' ? '127.0.0.1' : p.hostIp === '::' ? '[::1]' : p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp;
  return `http://${host}:${p.hostPort}`;
}

export interface StackUrls {
  prometheus?: string;
  alertmanager?: string;
  grafana?: string;
}

export function stackUrls(stack: StackDir): StackUrls {
  return {
    prometheus: serviceUrl(stack, 'prometheus', 9090),
    alertmanager: serviceUrl(stack, 'alertmanager', 9093),
    grafana: serviceUrl(stack, 'grafana', 3000),
  };
}
