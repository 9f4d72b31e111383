/**
 * `import`: the stack's dashboards into someone else's Grafana, every panel pointed at one of its
 * Prometheus datasources, into a folder (created when missing), replacing earlier imports by uid.
 * Before that, optionally, whether that Prometheus records our series.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { pointedAt } from '../dashboards/index.js';
import type { Dashboard } from '../dashboards/model.js';
import { rawVariant } from '../dashboards/raw.js';
import { metricNames } from '../probe/promql-names.js';
import type { PrometheusClient } from '../probe/prom-client.js';
import { recordingDefinitions, type RecordingDefinitions } from '../rules/inline.js';
import type { RuleFile } from '../rules/types.js';
import { type DatasourceInfo, type FolderInfo, type GrafanaClient, GrafanaError } from './index.js';

export interface StackArtefacts {
  /** File name -> dashboard as the stack provisions it. */
  dashboards: Map<string, Dashboard>;
  /** `rules/<file>` and `tests/<file>` -> text, as written in prometheus/. */
  ruleFiles: Map<string, string>;
}

/** Reads a generated stack's dashboards, rule files and promtool tests (the user's edits included). */
export function readStackArtefacts(dir: string): StackArtefacts {
  const dashboards = new Map<string, Dashboard>();
  const dashDir = join(dir, 'grafana/dashboards');
  for (const f of readdirSync(dashDir).filter((n) => n.endsWith('.json')).sort()) dashboards.set(f, JSON.parse(readFileSync(join(dashDir, f), 'utf8')) as Dashboard);
  const ruleFiles = new Map<string, string>();
  for (const sub of ['rules', 'tests']) {
    const d = join(dir, 'prometheus', sub);
    for (const f of readdirSync(d).filter((n) => n.endsWith('.yml')).sort()) ruleFiles.set(`${sub}/${f}`, readFileSync(join(d, f), 'utf8'));
  }
  return { dashboards, ruleFiles };
}

/**
 * The recording rules for the engines the stack monitors: the engine-specific files of the other
 * engines are left out, so the raw form does not carry their expressions.
 */
export function stackDefinitions(artefacts: StackArtefacts, engines: readonly string[]): RecordingDefinitions {
  const chosen: RuleFile[] = [];
  const others: RuleFile[] = [];
  for (const [path, text] of artefacts.ruleFiles) {
    if (!path.startsWith('rules/')) continue;
    const engine = /^rules\/llm-(\w+)\.yml$/.exec(path)?.[1];
    (engine && !engines.includes(engine) ? others : chosen).push(parse(text) as RuleFile);
  }
  const defs = recordingDefinitions(chosen);
  // A series only another engine records is recorded by nothing here: it inlines to an empty vector.
  for (const name of recordingDefinitions(others).keys()) if (!defs.has(name)) defs.set(name, []);
  return defs;
}

/** The recorded series our dashboards read, and which of them `prometheus` has no rule for. */
export async function missingRecordedSeries(prometheus: PrometheusClient, artefacts: StackArtefacts): Promise<{ read: string[]; missing: string[] }> {
  const defs = stackDefinitions(artefacts, ['vllm', 'sglang']);
  const read = new Set<string>();
  for (const d of artefacts.dashboards.values()) for (const expr of dashboardExprs(d)) for (const n of metricNames(expr)) if (defs.has(n)) read.add(n);
  const loaded = new Set((await prometheus.ruleGroups()).flatMap((g) => g.rules.filter((r) => r.type === 'recording').map((r) => r.name)));
  const names = [...read].sort();
  return { read: names, missing: names.filter((n) => !loaded.has(n)) };
}

function dashboardExprs(d: Dashboard): string[] {
  const panels = d.panels.flatMap((p) => (p.type === 'row' ? p.panels : [p]));
  const variables = d.templating.list.flatMap((v) => (typeof v.query === 'object' ? [/^label_values\((.*), \w+\)$/.exec(v.query.query)?.[1] ?? ''] : []));
  return [...panels.flatMap((p) => p.targets.map((t) => t.expr)), ...d.annotations.list.flatMap((a) => (typeof a.expr === 'string' ? [a.expr] : [])), ...variables.filter(Boolean)];
}

/** The Prometheus datasource named (by name or uid), or Grafana's default one. */
export function chooseDatasource(all: DatasourceInfo[], wanted: string | undefined): DatasourceInfo {
  const prometheus = all.filter((d) => d.type === 'prometheus');
  const list = prometheus.map((d) => `${d.name} (uid ${d.uid}${d.isDefault ? ', default' : ''})`).join(', ') || 'none';
  if (wanted !== undefined) {
    const hit = prometheus.find((d) => d.name === wanted || d.uid === wanted);
    if (hit) return hit;
    const other = all.find((d) => d.name === wanted || d.uid === wanted);
    throw new ImportError('--datasource', other ? `"${wanted}" is a ${other.type} datasource, not Prometheus` : `Grafana has no datasource "${wanted}"`, `use one of its Prometheus datasources: ${list}`);
  }
  const chosen = prometheus.find((d) => d.isDefault) ?? (prometheus.length === 1 ? prometheus[0] : undefined);
  if (chosen) return chosen;
  throw new ImportError('--datasource', prometheus.length === 0 ? 'Grafana has no Prometheus datasource' : 'Grafana\'s default datasource is not Prometheus', prometheus.length === 0 ? 'add one (Connections > Data sources) pointing at the Prometheus that scrapes your engines' : `pass --datasource with one of: ${list}`);
}

/** A bad choice the user can fix: which flag, what is wrong, what to do. */
export class ImportError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

/** Grafana folder uids are at most 40 characters of [a-zA-Z0-9_-]; the same title gives the same uid. */
export function folderUid(title: string): string {
  const slug = title.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  return `cvm-${slug || 'dashboards'}`.slice(0, 40);
}

export interface ImportOptions {
  folder: string;
  datasource?: string;
  /** Set for the raw-query form: the definitions to inline and the subquery step. */
  raw?: { defs: RecordingDefinitions; step: string };
  progress?: (line: string) => void;
}

export interface ImportResult {
  grafanaVersion: string;
  datasource: DatasourceInfo;
  folder: FolderInfo & { created: boolean };
  dashboards: { file: string; uid: string; title: string; url: string; version: number }[];
}

export async function importDashboards(grafana: GrafanaClient, dashboards: Map<string, Dashboard>, opts: ImportOptions): Promise<ImportResult> {
  const health = await grafana.health();
  const datasource = chooseDatasource(await grafana.datasources(), opts.datasource);
  const folder = await ensureFolder(grafana, opts.folder);
  const out: ImportResult['dashboards'] = [];
  for (const [file, provisioned] of dashboards) {
    const form = opts.raw ? rawVariant(provisioned, opts.raw.defs, opts.raw.step) : provisioned;
    const saved = await grafana.saveDashboard(pointedAt(form, datasource) as unknown as Record<string, unknown>, folder.uid, `create-vllm-monitor import${opts.raw ? ' (raw-query form)' : ''}`);
    if (saved.status !== 'success') throw new GrafanaError(`saving ${file}: Grafana answered status ${JSON.stringify(saved.status)}`);
    out.push({ file, uid: saved.uid, title: provisioned.title, url: saved.url, version: saved.version });
    opts.progress?.(`${provisioned.title}: ${saved.url} (version ${saved.version})`);
  }
  return { grafanaVersion: health.version ?? 'unknown', datasource, folder, dashboards: out };
}

async function ensureFolder(grafana: GrafanaClient, title: string): Promise<FolderInfo & { created: boolean }> {
  const existing = (await grafana.folders()).find((f) => f.title === title);
  if (existing) return { uid: existing.uid, title: existing.title, created: false };
  const made = await grafana.createFolder(title, folderUid(title));
  return { uid: made.uid, title: made.title, created: true };
}
