/** Turns parsed flags into a ConfigInput and merges it over a config file's (flags win). */
import { resolve } from 'node:path';
import { usageError } from '../errors.js';
import type { ConfigInput, ReceiverInput, TargetInput } from '../config/input.js';
import { COMPONENTS, GPU_KINDS, PLATFORMS, type Component } from '../config/types.js';
import { checkHeartbeatUrl } from '../config/heartbeat.js';
import { retentionSizeBytes } from '../config/retention.js';
import { parseWatchPath } from '../config/watch-paths.js';
import type { FlagValues } from './create-flags.js';
import { kubernetesFromFlags, mergeKubernetes } from './k8s-flags.js';
import { mergeReceivers, receiversFromFlags, receiversOf } from './receiver-flags.js';
import { mergeRemoteWrite, remoteWriteFromFlags } from './remote-write-flags.js';

const ENGINE_CHOICES = ['vllm', 'sglang', 'auto', 'router'] as const;

/** `[NAME:]ENGINE=URL`, or a bare URL (engine detected). */
export function parseTargetFlag(value: string): TargetInput {
  if (/^https?:\/\//i.test(value)) return { engine: 'auto', url: value };
  const eq = value.indexOf('=');
  if (eq < 0) throw usageError('--target', `${JSON.stringify(value)} is not ENGINE=URL`, 'write it like --target vllm=http://10.0.0.5:8000 or --target name:sglang=http://10.0.0.6:30000');
  const left = value.slice(0, eq);
  const url = value.slice(eq + 1);
  const colon = left.lastIndexOf(':');
  const name = colon >= 0 ? left.slice(0, colon) : undefined;
  const engine = colon >= 0 ? left.slice(colon + 1) : left;
  if (!(ENGINE_CHOICES as readonly string[]).includes(engine)) {
    throw usageError('--target', `unknown engine ${JSON.stringify(engine)}`, 'use vllm, sglang, auto or router, e.g. --target vllm=http://10.0.0.5:8000');
  }
  if (!url) throw usageError('--target', `${JSON.stringify(value)} has no URL after =`, 'write it like --target vllm=http://10.0.0.5:8000');
  return { ...(name !== undefined ? { name } : {}), engine: engine as TargetInput['engine'], url };
}

function choice<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw usageError(`--${flag}`, `unknown value ${JSON.stringify(value)}`, `use one of ${allowed.join(' | ')}`);
  }
  return value as T;
}

function port(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65535) {
    throw usageError(`--${flag}`, `${JSON.stringify(value)} is not a TCP port`, 'use a number from 1 to 65535');
  }
  return Number(value);
}

function seconds(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0)) throw usageError(`--${flag}`, `${JSON.stringify(value)} is not a positive number of seconds`, 'write it like 2.5');
  return n;
}

function percent(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0 && n < 100)) throw usageError(`--${flag}`, `${JSON.stringify(value)} is not a percentage between 0 and 100`, 'write it like 99.9');
  return n;
}

function duration(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^([0-9]+(ms|s|m|h|d|w|y))+$/.test(value)) throw usageError(`--${flag}`, `${JSON.stringify(value)} is not a duration`, 'write it like 15s, 5m or 30d');
  return value;
}

function str(v: FlagValues[string]): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** `fileReceivers`: settings flags may complete the receivers a config file chose. */
export function configFromFlags(f: FlagValues, fileReceivers?: ReceiverInput[]): ConfigInput {
  const out: ConfigInput = {};
  const targets = (f.target as string[] | undefined)?.map(parseTargetFlag);
  if (targets?.length) out.targets = targets;
  const gpu = choice('gpu', str(f.gpu), [...GPU_KINDS, 'auto'] as const);
  if (gpu) out.gpu = gpu;
  const platform = choice('platform', str(f.platform), PLATFORMS);
  if (platform) out.platform = platform;
  const receivers = receiversFromFlags(f, fileReceivers);
  if (receivers) out.receivers = receivers;
  const ports = {
    grafana: port('grafana-port', str(f['grafana-port'])),
    prometheus: port('prometheus-port', str(f['prometheus-port'])),
    alertmanager: port('alertmanager-port', str(f['alertmanager-port'])),
    prometheus2: port('prometheus2-port', str(f['prometheus2-port'])),
    alertmanager2: port('alertmanager2-port', str(f['alertmanager2-port'])),
  };
  const definedPorts = Object.fromEntries(Object.entries(ports).filter(([, v]) => v !== undefined));
  if (Object.keys(definedPorts).length) out.ports = definedPorts;
  if (f.expose === true) out.expose = true;
  if (f.ha === true) out.ha = true;
  if (f['no-grafana'] === true) out.grafana = false;
  const images: Partial<Record<Component, string>> = {};
  for (const spec of (f.image as string[] | undefined) ?? []) {
    const eq = spec.indexOf('=');
    const name = spec.slice(0, eq);
    const ref = spec.slice(eq + 1);
    if (eq < 1 || !ref) throw usageError('--image', `${JSON.stringify(spec)} is not NAME=REF`, 'write it like --image prometheus=mirror.local/prom/prometheus:v3.5.0');
    if (!(COMPONENTS as readonly string[]).includes(name)) throw usageError('--image', `unknown component ${JSON.stringify(name)}`, `use one of ${COMPONENTS.join(', ')}`);
    if (!/^[A-Za-z0-9][A-Za-z0-9._/:@-]*$/.test(ref)) throw usageError('--image', `${JSON.stringify(ref)} is not an image reference`, 'write it like registry.local/prom/prometheus:v3.5.0');
    images[name as Component] = ref;
  }
  if (Object.keys(images).length) out.images = images;
  const scrapeInterval = duration('scrape-interval', str(f['scrape-interval']));
  if (scrapeInterval) out.scrapeInterval = scrapeInterval;
  const retention = duration('retention', str(f.retention));
  if (retention) out.retention = retention;
  const retentionSize = str(f['retention-size']);
  if (retentionSize !== undefined) {
    retentionSizeBytes(retentionSize, '--retention-size');
    out.retentionSize = retentionSize;
  }
  const watchPaths = ((f['watch-path'] as string[] | undefined) ?? []).map((v) => parseWatchPath(v, '--watch-path'));
  if (watchPaths.length) out.watchPaths = watchPaths;
  // The URL is a secret: checked here so that its errors name the flag, and never echoed.
  const heartbeatUrl = str(f['heartbeat-url']);
  if (heartbeatUrl !== undefined) {
    checkHeartbeatUrl(heartbeatUrl, '--heartbeat-url');
    out.heartbeat = { url: heartbeatUrl };
  }
  const slo = {
    ttftP99Seconds: seconds('slo-ttft-p99', str(f['slo-ttft-p99'])),
    itlP99Seconds: seconds('slo-itl-p99', str(f['slo-itl-p99'])),
    e2eP99Seconds: seconds('slo-e2e-p99', str(f['slo-e2e-p99'])),
    availabilityPercent: percent('slo-availability', str(f['slo-availability'])),
  };
  const definedSlo = Object.fromEntries(Object.entries(slo).filter(([, v]) => v !== undefined));
  if (Object.keys(definedSlo).length) out.slo = definedSlo;
  const runbookUrl = str(f['runbook-url']);
  if (runbookUrl !== undefined) {
    if (!/^https?:\/\/[^\s#]+$/.test(runbookUrl)) throw usageError('--runbook-url', `${JSON.stringify(runbookUrl)} is not an http(s) URL without #fragment`, 'write it like https://wiki.example.com/llm-runbooks (alerts add #<alert name>)');
    out.runbookUrl = runbookUrl;
  }
  // Stored absolute in the manifest, so that regenerating and `targets` find the folder from anywhere.
  const templates = str(f.templates);
  if (templates !== undefined) out.templates = resolve(templates);
  // Checked with the rest of the spec (buildPublicUrls), which names the flag in its errors.
  const publicUrl = str(f['public-url']);
  if (publicUrl !== undefined) out.publicUrl = publicUrl;
  const kubernetes = kubernetesFromFlags(f);
  if (kubernetes) out.kubernetes = kubernetes;
  const remoteWrite = remoteWriteFromFlags(f);
  if (remoteWrite) out.remoteWrite = remoteWrite;
  const publicUrls = prune({ grafana: str(f['grafana-public-url']), prometheus: str(f['prometheus-public-url']), alertmanager: str(f['alertmanager-public-url']) });
  if (Object.keys(publicUrls).length) out.publicUrls = publicUrls;
  return out;
}

function prune<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Flags override the config file; targets and images add up. */
export function mergeInputs(file: ConfigInput, flags: ConfigInput): ConfigInput {
  const merged: ConfigInput = { ...file, ...flags };
  if (file.targets || flags.targets) merged.targets = [...(file.targets ?? []), ...(flags.targets ?? [])];
  if (file.images || flags.images) merged.images = { ...file.images, ...flags.images };
  if (file.ports || flags.ports) merged.ports = { ...file.ports, ...flags.ports };
  if (file.slo || flags.slo) merged.slo = { ...file.slo, ...flags.slo };
  if (file.publicUrls || flags.publicUrls) merged.publicUrls = { ...file.publicUrls, ...flags.publicUrls };
  const kubernetes = mergeKubernetes(file.kubernetes, flags.kubernetes);
  if (kubernetes) merged.kubernetes = kubernetes;
  const remoteWrite = mergeRemoteWrite(file.remoteWrite, flags.remoteWrite);
  if (remoteWrite) merged.remoteWrite = remoteWrite;
  // One shape after merging: receivers (a file or manifest may say receiver).
  const receivers = mergeReceivers(receiversOf(file), receiversOf(flags));
  delete merged.receiver;
  delete merged.receivers;
  if (receivers) merged.receivers = receivers;
  delete merged.$schema;
  return merged;
}
