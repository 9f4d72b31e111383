/**
 * ConfigInput -> StackSpec: semantic checks the schema cannot express, defaults, and the rewrite of
 * local targets to host.docker.internal. Everything environmental comes in through BuildContext,
 * so the same input always gives the same spec.
 */
import { CliError, CliErrors, usageError } from '../errors.js';
import type { ConfigInput, TargetInput } from './input.js';
import type { BuildContext } from './context.js';
import {
  DEFAULT_IMAGES,
  DEFAULT_METRICS_PATH,
  DEFAULT_PORTS,
  DEFAULT_RETENTION,
  DEFAULT_RETENTION_SIZE,
  DEFAULT_RUNBOOK_URL,
  DEFAULT_SCRAPE_INTERVAL,
  DEFAULT_SLO,
} from './defaults.js';
import { buildHeartbeat } from './heartbeat.js';
import { buildHa, secondUrl } from './ha.js';
import { buildKubernetes } from './kubernetes.js';
import { buildReceivers } from './receivers.js';
import { buildRemoteWrite } from './remote-write.js';
import { retentionSizeWarnings } from './retention.js';
import { buildWatchPaths } from './watch-paths.js';
import {
  COMPONENTS,
  type Component,
  type Engine,
  type GpuKind,
  type Platform,
  type Ports,
  type RouterTarget,
  type StackSpec,
  type Target,
} from './types.js';
import { buildPublicUrls, DOCKER_HOST_ALIAS, LOCAL_HOSTS, parseTargetUrl } from './url.js';

export { DOCKER_HOST_ALIAS, parseTargetUrl, type ParsedUrl } from './url.js';
export type { BuildContext } from './context.js';

export interface BuildResult {
  spec: StackSpec;
  /** Secrets for .env by variable name (receiver keys, target tokens). */
  secrets: Record<string, string>;
  warnings: string[];
}

export const PROJECT_DEFAULT_DIR = 'vllm-monitor';

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const HOST_RE = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/;
const LABEL_KEY_RE = /^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/;
/** Labels our rules and dashboards own; a user label with these names would corrupt them. */
const RESERVED_LABELS = new Set(['instance', 'job', 'host', 'engine', 'model_name', 'dp_rank', 'tp_rank', 'pp_rank', 'le', 'quantile', 'severity', 'alertname']);

export async function buildSpec(input: ConfigInput, project: string, ctx: BuildContext): Promise<BuildResult> {
  const errors: CliError[] = [];
  const warnings: string[] = [];
  const secrets: Record<string, string> = {};
  const collect = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof CliError) errors.push(err);
      else if (err instanceof CliErrors) errors.push(...err.errors);
      else throw err;
      return undefined;
    }
  };

  const platform = input.platform ?? ctx.platform;
  const k8s = platform === 'kubernetes';
  if (k8s && input.targets?.length) {
    errors.push(usageError('targets', 'are not used with platform kubernetes: the monitors find the servers by their labels', 'remove --target and select the pods with --k8s-selector ROLE:SELECTOR (e.g. vllm:app=vllm)'));
  }
  if (!k8s && input.kubernetes) errors.push(usageError('kubernetes', 'is only used with platform kubernetes', 'add --platform kubernetes, or remove the kubernetes settings (--k8s-*)'));
  const targetInputs = k8s ? [] : (input.targets ?? []);
  const targets: Target[] = [];
  const routers: RouterTarget[] = [];
  // Every target and router in input order, for the uniqueness checks (name, endpoint, token variable).
  const endpoints: (RouterTarget & { bearerTokenEnv?: string })[] = [];
  for (const [i, t] of targetInputs.entries()) {
    if (t.engine === 'router') {
      const router = collect(() => buildRouter(t, i, ctx, warnings));
      if (router) {
        routers.push(router);
        endpoints.push(router);
      }
      continue;
    }
    const engine = t.engine === 'auto' || t.engine === undefined ? await collectAsync(errors, () => resolveEngine(t, i, ctx)) : t.engine;
    if (!engine) continue;
    const endpoint = collect(() => buildEndpoint(t, i, ctx, warnings));
    if (!endpoint) continue;
    const target: Target = { ...endpoint, engine };
    targets.push(target);
    endpoints.push(target);
    if (t.bearerTokenFile) {
      const token = collect(() => readToken(t.bearerTokenFile!, i, ctx));
      if (token === undefined) continue;
      target.bearerTokenEnv = `TARGET_${target.name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_TOKEN`;
      secrets[target.bearerTokenEnv] = token;
    }
  }
  collect(() => checkUnique(endpoints));

  let gpu: GpuKind;
  if (k8s && (input.gpu === undefined || input.gpu === 'auto')) {
    // A cluster's GPUs cannot be looked at from here; the GPU Operator's exporter is the usual one.
    gpu = 'dcgm';
    warnings.push("gpu: assumed the NVIDIA GPU Operator's dcgm-exporter on the cluster; pass --gpu amd, nvidia-smi or none if not");
  } else if (input.gpu === undefined || input.gpu === 'auto') {
    const detected = await ctx.detectGpu(platform);
    gpu = detected.kind;
    warnings.push(`gpu: auto-detected "${detected.kind}" (${detected.reason}); pass --gpu to choose`);
  } else {
    gpu = input.gpu;
  }
  collect(() => checkGpuPlatform(gpu, platform));

  // With kubernetes the secrets go into a Secret the user creates: none is needed to generate.
  const receivers = buildReceivers(input.receivers ?? (input.receiver ? [input.receiver] : []), ctx, secrets, warnings, errors, k8s);
  const ports: Ports = { ...DEFAULT_PORTS, ...input.ports };
  const ha = buildHa(input, platform, ports, errors);
  collect(() => checkPorts(ports));
  const grafana = input.grafana ?? true;
  const urls = collect(() => buildPublicUrls(input, ports, grafana));
  if (ha && urls) {
    urls.prometheus2 = secondUrl(urls.prometheus, ports.prometheus, ports.prometheus2!);
    urls.alertmanager2 = secondUrl(urls.alertmanager, ports.alertmanager, ports.alertmanager2!);
  }
  if (input.publicUrl && !input.expose) {
    warnings.push('publicUrl: the ports are bound to 127.0.0.1, so links open from other machines only through a reverse proxy or tunnel; pass --expose to publish them');
  }

  const images = { ...DEFAULT_IMAGES } as Record<Component, string>;
  for (const [name, ref] of Object.entries(input.images ?? {})) {
    if (!(COMPONENTS as readonly string[]).includes(name)) {
      errors.push(usageError(`images.${name}`, 'is not a component of the stack', `use one of ${COMPONENTS.join(', ')}`));
      continue;
    }
    images[name as Component] = ref!;
  }

  const heartbeat = buildHeartbeat(input, images.alertmanager, ctx, secrets, warnings, errors, k8s);
  const retentionSize = input.retentionSize ?? DEFAULT_RETENTION_SIZE;
  const sizeWarnings = collect(() => retentionSizeWarnings(retentionSize, 'retentionSize'));
  if (sizeWarnings) warnings.push(...sizeWarnings);
  const watchPaths = collect(() => buildWatchPaths(input.watchPaths, 'watchPaths'));
  const kubernetes = k8s ? buildKubernetes(input.kubernetes, gpu, errors) : undefined;
  const remoteWrite = buildRemoteWrite(input.remoteWrite, { project, localHost: ctx.localHostName, platform }, ctx, secrets, warnings, errors);

  if (errors.length > 0) throw new CliErrors(errors);
  const spec: StackSpec = {
    project,
    localHost: ctx.localHostName,
    platform,
    targets,
    routers,
    gpu,
    receivers,
    ports,
    urls: urls!,
    expose: input.expose ?? false,
    grafana,
    images,
    scrapeInterval: input.scrapeInterval ?? DEFAULT_SCRAPE_INTERVAL,
    retention: input.retention ?? DEFAULT_RETENTION,
    ...(retentionSize !== '0' ? { retentionSize } : {}),
    ...(heartbeat ? { heartbeat } : {}),
    watchPaths: watchPaths!,
    slo: { ...DEFAULT_SLO, ...input.slo },
    runbookUrl: input.runbookUrl ?? DEFAULT_RUNBOOK_URL,
    ...(kubernetes ? { kubernetes } : {}),
    ...(remoteWrite ? { remoteWrite } : {}),
    ...(ha ? { ha: true as const } : {}),
  };
  if (spec.targets.length === 0 && !k8s) {
    warnings.push('targets: none given; the stack will scrape only itself — add servers later with create-vllm-monitor targets add NAME:ENGINE=URL DIR');
  }
  return { spec, secrets, warnings };
}

async function collectAsync<T>(errors: CliError[], fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CliError) errors.push(err);
    else throw err;
    return undefined;
  }
}

async function resolveEngine(t: TargetInput, i: number, ctx: BuildContext): Promise<Engine> {
  parseTargetUrl(t.url, `targets[${i}].url`); // a bad URL is reported as such, not as a failed probe
  try {
    return await ctx.detectEngine(t.url);
  } catch (err) {
    throw usageError(
      `targets[${i}].engine`,
      `could not detect the engine of ${t.url} (${(err as Error).message})`,
      'say which it is: --target vllm=URL or --target sglang=URL',
    );
  }
}

/** A router scrapes like an engine, without a token (the gateway's metrics port has no auth of its own). */
function buildRouter(t: TargetInput, i: number, ctx: BuildContext, warnings: string[]): RouterTarget {
  if (t.bearerTokenFile) {
    throw usageError(`targets[${i}].bearerTokenFile`, 'a router target is scraped without a token', "remove it: the gateway's metrics port (29000) serves its own /metrics without authentication");
  }
  return buildEndpoint(t, i, ctx, warnings);
}

function buildEndpoint(t: TargetInput, i: number, ctx: BuildContext, warnings: string[]): RouterTarget {
  const field = `targets[${i}]`;
  const u = parseTargetUrl(t.url, `${field}.url`);
  const local = LOCAL_HOSTS.has(u.hostname);
  const defaultName = `${u.hostname === '::1' || u.hostname === '[::1]' ? 'localhost' : u.hostname}-${u.port}`;
  const name = t.name ?? defaultName;
  if (!NAME_RE.test(name)) {
    throw usageError(
      `${field}.name`,
      `${JSON.stringify(name)} is not a valid target name`,
      'use 1-63 letters, digits, dots, dashes or underscores, starting with a letter or digit (no spaces, colons, quotes or braces)',
    );
  }
  const host = t.host ?? (local ? ctx.localHostName : u.hostname);
  if (!HOST_RE.test(host)) {
    throw usageError(`${field}.host`, `${JSON.stringify(host)} is not a valid host name`, 'use letters, digits, dots and dashes');
  }
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(t.labels ?? {})) {
    checkLabel(`${field}.labels.${key}`, key, value);
    labels[key] = value;
  }
  let address = `${u.hostname.includes(':') && !u.hostname.startsWith('[') ? `[${u.hostname}]` : u.hostname}:${u.port}`;
  if (local && u.hostname !== DOCKER_HOST_ALIAS) {
    address = `${DOCKER_HOST_ALIAS}:${u.port}`;
    warnings.push(
      `${field} (${name}): ${u.hostname} is rewritten to ${DOCKER_HOST_ALIAS} so Prometheus in Docker can reach it — start the engine with --host 0.0.0.0 (it must not listen on 127.0.0.1 only)`,
    );
  }
  return { name, url: t.url, scheme: u.scheme, address, metricsPath: u.path, host, local, labels };
}

function checkLabel(field: string, key: string, value: string): void {
  if (!LABEL_KEY_RE.test(key) || key.startsWith('__')) {
    throw usageError(field, `${JSON.stringify(key)} is not a valid Prometheus label name`, 'use letters, digits and underscores, starting with a letter (not __)');
  }
  if (RESERVED_LABELS.has(key)) {
    throw usageError(field, `label "${key}" is set by the stack itself`, 'choose another label name');
  }
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
    throw usageError(field, 'must be a non-empty string of at most 200 characters', 'shorten or fill in the value');
  }
  // Control characters break YAML and logs; quotes and backslashes break PromQL selectors;
  // {{ }} would be executed by Alertmanager's templates when the label reaches a notification.
  if (/[\u0000-\u001f\u007f"\\`]|\{\{|\}\}/.test(value)) {
    throw usageError(field, `${JSON.stringify(value)} contains a newline, quote, backslash, backtick or {{ }}`, 'remove those characters from the label value');
  }
}

function checkUnique(targets: (RouterTarget & { bearerTokenEnv?: string })[]): void {
  const byName = new Map<string, number>();
  const byEndpoint = new Map<string, number>();
  for (const [i, t] of targets.entries()) {
    const prev = byName.get(t.name);
    if (prev !== undefined) {
      throw usageError(`targets[${i}].name`, `"${t.name}" is already used by targets[${prev}]`, 'give each target a unique name (--target NAME:ENGINE=URL)');
    }
    byName.set(t.name, i);
    const endpoint = `${t.scheme}://${t.address}${t.metricsPath}`;
    const dup = byEndpoint.get(endpoint);
    if (dup !== undefined) {
      throw usageError(`targets[${i}].url`, `${t.url} is the same endpoint as targets[${dup}]`, 'remove the duplicate');
    }
    byEndpoint.set(endpoint, i);
    const sameToken = t.bearerTokenEnv && targets.findIndex((o) => o.bearerTokenEnv === t.bearerTokenEnv);
    if (typeof sameToken === 'number' && sameToken !== i) {
      throw usageError(`targets[${i}].name`, `"${t.name}" and targets[${sameToken}] would share the .env variable ${t.bearerTokenEnv}`, 'rename one of them (names differing only in . - _ collide)');
    }
  }
}

function readToken(path: string, i: number, ctx: BuildContext): string {
  let token: string;
  try {
    token = ctx.readTokenFile(path).trim();
  } catch (err) {
    throw usageError(`targets[${i}].bearerTokenFile`, `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'check the path');
  }
  if (!token || /\s/.test(token)) {
    throw usageError(`targets[${i}].bearerTokenFile`, `${path} must hold one token on one line`, 'write only the token into the file');
  }
  return token;
}

function checkGpuPlatform(gpu: GpuKind, platform: Platform): void {
  if (platform === 'windows' && (gpu === 'dcgm' || gpu === 'amd')) {
    throw usageError('gpu', `${gpu} exporter does not run on Windows`, 'use --gpu nvidia-smi (runs natively on Windows) or --gpu none');
  }
  if (platform === 'macos' && gpu !== 'none') {
    throw usageError('gpu', `no ${gpu} GPU exporter runs on macOS`, 'use --gpu none, or generate for the GPU machine with --platform linux');
  }
}

function checkPorts(ports: Ports): void {
  const seen = new Map<number, string>();
  for (const [name, port] of Object.entries(ports) as [keyof Ports, number][]) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw usageError(`ports.${name}`, `${port} is not a TCP port`, `use a number from 1 to 65535 (--${name}-port)`);
    }
    const other = seen.get(port);
    if (other) throw usageError(`ports.${name}`, `${port} is already the ${other} port`, `give ${name} another port (--${name}-port N)`);
    seen.set(port, name);
  }
}
