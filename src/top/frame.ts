/**
 * One frame of `top`: the overview's first screen as data, and the pure mapping from the instant
 * query results (queries.ts) to it. No I/O here, so the mapping is unit-tested with plain objects.
 */
import type { SeriesResult } from '../probe/prom-client.js';
import { GPU_JOB } from '../render/prometheus.js';
import { ENGINES, type Slo } from '../config/types.js';
import type { TopQuery } from './queries.js';

export interface TargetGroup {
  job: string;
  /** engine: a serving job; gpu: the GPU exporter; stack: node exporter and the stack's own services. */
  role: 'engine' | 'gpu' | 'stack';
  up: number;
  /** Targets Prometheus scrapes for the job (up or not). */
  expected: number;
  /** `instance` of each target whose last scrape failed. */
  down: string[];
}

export const SEVERITIES = ['critical', 'warning', 'info'] as const;

export interface FiringAlert {
  alertname: string;
  /** critical, warning, info, or whatever a hand-written rule says. */
  severity: string;
  /** The alert's labels, less alertname, alertstate and severity. */
  labels: Record<string, string>;
}

export interface ModelRow {
  model: string;
  engine: string;
  /** Serving targets reporting the model. */
  instances: number;
  /** null: the series is absent (no traffic in 5m, or the engine lacks the signal). */
  requestsPerSecond: number | null;
  outputTokensPerSecond: number | null;
  ttftP99Seconds: number | null;
  itlP99Seconds: number | null;
  e2eP99Seconds: number | null;
  /** Share of requests failed by the server over 5m (vLLM only; SGLang has no such signal). */
  errorRatio: number | null;
  /** Fullest KV cache of the model's instances, 0-1. */
  kvUsageMax: number | null;
}

export interface GpuHost {
  host: string;
  gpus: number;
  utilisation: number | null;
}

export interface TopFrame {
  /** Unix seconds: every query of the frame was evaluated at this instant. */
  time: number;
  prometheusUrl: string;
  /** Compose project of the stack directory, when one was read. */
  stack?: string;
  /** The stack's objectives (its manifest), or the defaults where it has none. */
  objectives: Slo & { source: 'stack' | 'default' };
  targets: TargetGroup[];
  /** Firing alerts, most severe first; Watchdog (always firing) is left out and reported below. */
  alerts: FiringAlert[];
  alertCounts: Record<(typeof SEVERITIES)[number] | 'other', number>;
  /** Watchdog fires: rule evaluation works (and delivery to Alertmanager, as far as Prometheus knows). */
  watchdog: boolean;
  models: ModelRow[];
  /** Mean utilisation of the GPUs on the machines that serve models (the overview's GPU stat). */
  gpuUtilisationServing: number | null;
  gpuHosts: GpuHost[];
}

export type QueryResults = Record<TopQuery, SeriesResult[]>;

/** A sample's value, or null when absent or not a number (NaN while idle, ±Inf). */
export function valueOf(s: SeriesResult | undefined): number | null {
  const v = s?.value ? Number(s.value[1]) : NaN;
  return Number.isFinite(v) ? v : null;
}

const GPU_JOBS = new Set<string>(Object.values(GPU_JOB));
const ENGINE_JOBS = new Set<string>(ENGINES);
const roleOf = (job: string): TargetGroup['role'] => (ENGINE_JOBS.has(job) ? 'engine' : GPU_JOBS.has(job) ? 'gpu' : 'stack');
const ROLE_ORDER: TargetGroup['role'][] = ['engine', 'gpu', 'stack'];

export function targetGroups(up: SeriesResult[]): TargetGroup[] {
  const byJob = new Map<string, TargetGroup>();
  for (const s of up) {
    const job = s.metric.job ?? '';
    const g = byJob.get(job) ?? { job, role: roleOf(job), up: 0, expected: 0, down: [] };
    g.expected++;
    if (valueOf(s) === 1) g.up++;
    else g.down.push(s.metric.instance ?? '?');
    byJob.set(job, g);
  }
  for (const g of byJob.values()) g.down.sort();
  return [...byJob.values()].sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || a.job.localeCompare(b.job));
}

const severityRank = (s: string): number => {
  const i = (SEVERITIES as readonly string[]).indexOf(s);
  return i === -1 ? SEVERITIES.length : i;
};

export function firingAlerts(series: SeriesResult[]): { alerts: FiringAlert[]; watchdog: boolean } {
  let watchdog = false;
  const alerts: FiringAlert[] = [];
  for (const s of series) {
    const { alertname = '?', alertstate, severity = '', __name__: _, ...labels } = s.metric;
    if (alertstate !== undefined && alertstate !== 'firing') continue;
    if (alertname === 'Watchdog') {
      watchdog = true;
      continue;
    }
    alerts.push({ alertname, severity, labels });
  }
  const where = (a: FiringAlert) => Object.entries(a.labels).sort().map(([k, v]) => `${k}=${v}`).join(',');
  alerts.sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.alertname.localeCompare(b.alertname) || where(a).localeCompare(where(b)));
  return { alerts, watchdog };
}

function countAlerts(alerts: FiringAlert[]): TopFrame['alertCounts'] {
  const counts: TopFrame['alertCounts'] = { critical: 0, warning: 0, info: 0, other: 0 };
  for (const a of alerts) {
    if ((SEVERITIES as readonly string[]).includes(a.severity)) counts[a.severity as (typeof SEVERITIES)[number]]++;
    else counts.other++;
  }
  return counts;
}

/** Per-model queries, keyed by (engine, model_name), and the ModelRow field each fills. */
const MODEL_FIELDS = {
  requestsPerSecond: 'requestsPerSecond',
  outputTokensPerSecond: 'outputTokensPerSecond',
  ttftP99Seconds: 'ttftP99Seconds',
  itlP99Seconds: 'itlP99Seconds',
  e2eP99Seconds: 'e2eP99Seconds',
  errorRatio: 'errorRatio',
  kvUsageMax: 'kvUsageMax',
} as const satisfies Partial<Record<TopQuery, keyof ModelRow>>;

export function modelRows(r: QueryResults): ModelRow[] {
  const rows = new Map<string, ModelRow>();
  const row = (s: SeriesResult): ModelRow => {
    const model = s.metric.model_name ?? '';
    const engine = s.metric.engine ?? '';
    const key = `${engine}\u0000${model}`;
    let m = rows.get(key);
    if (!m) {
      m = { model, engine, instances: 0, requestsPerSecond: null, outputTokensPerSecond: null, ttftP99Seconds: null, itlP99Seconds: null, e2eP99Seconds: null, errorRatio: null, kvUsageMax: null };
      rows.set(key, m);
    }
    return m;
  };
  for (const s of r.instances) row(s).instances = valueOf(s) ?? 0;
  for (const [q, field] of Object.entries(MODEL_FIELDS) as [keyof typeof MODEL_FIELDS, (typeof MODEL_FIELDS)[keyof typeof MODEL_FIELDS]][]) {
    for (const s of r[q]) row(s)[field] = valueOf(s);
  }
  return [...rows.values()].sort((a, b) => a.model.localeCompare(b.model) || a.engine.localeCompare(b.engine));
}

export function gpuHosts(r: QueryResults): GpuHost[] {
  const hosts = new Map<string, GpuHost>();
  const host = (s: SeriesResult): GpuHost => {
    const name = s.metric.host ?? '';
    const h = hosts.get(name) ?? { host: name, gpus: 0, utilisation: null };
    hosts.set(name, h);
    return h;
  };
  for (const s of r.gpuCountByHost) host(s).gpus = valueOf(s) ?? 0;
  for (const s of r.gpuUtilByHost) host(s).utilisation = valueOf(s);
  return [...hosts.values()].sort((a, b) => a.host.localeCompare(b.host));
}

export interface FrameContext {
  time: number;
  prometheusUrl: string;
  stack?: string;
  objectives: TopFrame['objectives'];
}

export function frameFromResults(r: QueryResults, ctx: FrameContext): TopFrame {
  const { alerts, watchdog } = firingAlerts(r.alerts);
  return {
    time: ctx.time,
    prometheusUrl: ctx.prometheusUrl,
    ...(ctx.stack !== undefined ? { stack: ctx.stack } : {}),
    objectives: ctx.objectives,
    targets: targetGroups(r.up),
    alerts,
    alertCounts: countAlerts(alerts),
    watchdog,
    models: modelRows(r),
    gpuUtilisationServing: valueOf(r.gpuUtilisationServing[0]),
    gpuHosts: gpuHosts(r),
  };
}
