/**
 * The user-facing input shape: what a config file holds and what flags and prompts fill in.
 * It mirrors schema/config.schema.json; buildSpec() turns it into a StackSpec.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import schema from '../../schema/config.schema.json' with { type: 'json' };
import { CliError, CliErrors, usageError } from '../errors.js';
import type { KubernetesInput } from './kubernetes.js';
import type { Component, GpuKind, Platform, ReceiverKind, RoutedSeverity } from './types.js';

export interface TargetInput {
  name?: string;
  engine?: 'vllm' | 'sglang' | 'auto' | 'router';
  url: string;
  labels?: Record<string, string>;
  bearerTokenFile?: string;
  host?: string;
}

export interface ReceiverInput {
  kind: ReceiverKind;
  /** Severities sent to this receiver; absent: critical and warning. */
  severities?: RoutedSeverity[];
  webhook?: { url: string };
  slack?: { webhookUrl?: string; channel?: string };
  email?: { to?: string; from?: string; smarthost?: string; username?: string; password?: string; requireTls?: boolean };
  pagerduty?: { routingKey?: string };
  msteams?: { webhookUrl?: string };
}

export interface RemoteWriteEndpointInput {
  url: string;
  /** Default: basic with username, bearer with a token (given or in the environment), else none. */
  auth?: 'none' | 'basic' | 'bearer';
  username?: string;
  /** Secrets: kept in .env only (REMOTE_WRITE_PASSWORD / REMOTE_WRITE_TOKEN, REMOTE_WRITE_2_... for the second). */
  password?: string;
  token?: string;
  /** Overrides remoteWrite.recordedOnly for this endpoint. */
  recordedOnly?: boolean;
}

export interface RemoteWriteInput {
  /** Required in a config file; absent when flags only set the labels or recordedOnly (an error unless a file gives them). */
  endpoints?: RemoteWriteEndpointInput[];
  /** External label `cluster` (default: the stack's name); HA replicas share it. */
  cluster?: string;
  /** External label `replica` (default: this machine's name); differs between HA replicas. */
  replica?: string;
  /** Send only the recorded series to every endpoint (default false). */
  recordedOnly?: boolean;
}

export interface ConfigInput {
  $schema?: string;
  platform?: Platform;
  targets?: TargetInput[];
  gpu?: GpuKind | 'auto';
  /** One receiver for everything (or the severities it names). */
  receiver?: ReceiverInput;
  /** Several receivers, each with its severities (e.g. PagerDuty for critical, Slack for warning). */
  receivers?: ReceiverInput[];
  ports?: { grafana?: number; prometheus?: number; alertmanager?: number; prometheus2?: number; alertmanager2?: number };
  expose?: boolean;
  grafana?: boolean;
  images?: Partial<Record<Component, string>>;
  scrapeInterval?: string;
  retention?: string;
  /** Size cap of Prometheus' TSDB, e.g. 20GB; "0" turns it off. */
  retentionSize?: string;
  /** Dead man's switch: Watchdog pinged to this URL (or HEARTBEAT_URL from the environment). */
  heartbeat?: { url?: string };
  /** Directories whose disk the alerts name, e.g. the model cache (Docker's data root always). */
  watchPaths?: { name: string; path: string }[];
  slo?: { ttftP99Seconds?: number; itlP99Seconds?: number; e2eP99Seconds?: number; availabilityPercent?: number };
  runbookUrl?: string;
  /** Folder of Handlebars templates replacing the built-in ones by file name (README.md.hbs, ...); absolute once stored. */
  templates?: string;
  /** How other machines reach this one (scheme and host); each component at its published port. */
  publicUrl?: string;
  /** Per component, e.g. behind a reverse proxy; wins over publicUrl. */
  publicUrls?: { grafana?: string; prometheus?: string; alertmanager?: string };
  /** With platform kubernetes: the monitors' selectors, namespaces and ports, the objects' namespace. */
  kubernetes?: KubernetesInput;
  /** Remote storage: Prometheus also writes to these endpoints. */
  remoteWrite?: RemoteWriteInput;
  /** Two Prometheus replicas and two clustered Alertmanagers (Compose only). */
  ha?: boolean;
}

export const CONFIG_SCHEMA = schema;

let validator: ReturnType<Ajv['compile']> | undefined;

/** Validates an already-parsed config object; throws one CliError per schema problem. */
export function validateConfig(data: unknown, source: string): ConfigInput {
  validator ??= new Ajv({ allErrors: true, strict: false, verbose: true }).compile(schema);
  if (validator(data)) {
    const input = data as ConfigInput;
    if (input.receiver && input.receivers) {
      throw usageError(`${source}: receivers`, 'cannot be given together with receiver', 'list every receiver under receivers (each with its severities)');
    }
    return input;
  }
  const errors = dedupe(validator.errors ?? []).map((e) => schemaError(e, source));
  throw new CliErrors(errors);
}

/** Parses YAML or JSON text (JSON is YAML) and validates it. */
export function parseConfig(text: string, source: string): ConfigInput {
  let data: unknown;
  try {
    data = parseYaml(text, { prettyErrors: false, uniqueKeys: true });
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0];
    throw usageError(source, `is not valid YAML or JSON (${msg})`, 'fix the syntax at the position shown');
  }
  if (data === null || data === undefined) data = {};
  return validateConfig(data, source);
}

function dedupe(errors: ErrorObject[]): ErrorObject[] {
  // An enum mismatch inside oneOf/anyOf repeats; keep the first per path + keyword.
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function fieldPath(instancePath: string): string {
  // "/targets/1/url" -> "targets[1].url"
  let out = '';
  for (const part of instancePath.split('/').slice(1)) {
    const p = part.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  }
  return out;
}

function schemaError(e: ErrorObject, source: string): CliError {
  const base = fieldPath(e.instancePath);
  const at = (child?: string) => `${source}: ${[base, child].filter(Boolean).join('.') || '(top level)'}`;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return usageError(at(String(p.additionalProperty)), 'is not a known setting', `remove it or check the spelling (known: ${knownKeys(e)})`);
    case 'required':
      return usageError(at(String(p.missingProperty)), 'is required', 'add it');
    case 'enum':
      return usageError(at(), `must be one of ${(p.allowedValues as unknown[]).map(String).join(' | ')}`, 'pick one of those');
    case 'type':
      return usageError(at(), `must be ${String(p.type)}`, `write a ${String(p.type)} here`);
    case 'pattern':
      return usageError(at(), `has an invalid format (expected ${describePattern(String(p.pattern))})`, 'correct the value');
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
      return usageError(at(), e.message ?? 'is out of range', 'use a value in range');
    default:
      return usageError(at(), e.message ?? 'is invalid', 'correct the value');
  }
}

function knownKeys(e: ErrorObject): string {
  const props = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props ? Object.keys(props).filter((k) => k !== '$schema').join(', ') : 'see the schema';
}

function describePattern(pattern: string): string {
  if (pattern.includes('ms|s|m|h|d|w|y')) return 'a Prometheus duration such as 15s, 5m or 30d';
  if (pattern.includes('KB|MB|GB')) return 'a size such as 512MB, 20GB or 1TB (B, KB, MB, GB, TB, PB, EB), or 0 for no limit';
  if (pattern.includes('._/:@')) return 'an image reference such as registry.local/prom/prometheus:v3.5.0';
  if (pattern.includes('{}<>')) return 'an http(s) URL without spaces, quotes or braces, such as http://gpu-box.example.org';
  if (pattern.startsWith('^https?')) return 'an http(s) URL without #fragment, such as https://wiki.example.com/llm-runbooks';
  if (pattern.includes('._@+')) return 'an absolute path such as /data/huggingface (letters, digits, . _ - @ + / and spaces)';
  if (pattern.includes(' ._()-')) return 'a name such as model cache (letters, digits, spaces, . _ ( ) -, up to 60)';
  return pattern;
}
