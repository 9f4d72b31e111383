/**
 * Building the benchmark TSDB honestly: raw samples come from emulator scrapes written as
 * OpenMetrics and backfilled with `promtool tsdb create-blocks-from openmetrics`; recorded series
 * come from our own rules evaluated by `promtool tsdb create-blocks-from rules` against a real
 * Prometheus holding that data, one dependency level at a time (promtool cannot backfill a rule
 * that reads another rule being backfilled).
 */
import { execFileSync } from 'node:child_process';
import { type WriteStream, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { metricNames } from '../src/probe/promql-names.js';

export interface ScrapeLabels {
  job: string;
  instance: string;
  host: string;
}

/** Label pairs of a text-format sample line: `name{a="x",b="y"} value [ts]`. */
function splitSample(line: string): { name: string; labels: string; rest: string } | undefined {
  const brace = line.indexOf('{');
  const space = line.indexOf(' ');
  if (brace >= 0 && (space < 0 || brace < space)) {
    // Find the closing brace outside quoted values.
    let i = brace + 1;
    let inQuote = false;
    for (; i < line.length; i++) {
      const c = line[i];
      if (inQuote) {
        if (c === '\\') i++;
        else if (c === '"') inQuote = false;
      } else if (c === '"') inQuote = true;
      else if (c === '}') break;
    }
    return { name: line.slice(0, brace), labels: line.slice(brace + 1, i), rest: line.slice(i + 1).trim() };
  }
  if (space < 0) return undefined;
  return { name: line.slice(0, space), labels: '', rest: line.slice(space + 1).trim() };
}

/**
 * Rewrites one scrape (text format 0.0.4) as timestamped OpenMetrics sample lines carrying the
 * target labels Prometheus would attach, and vLLM's `engine` label renamed to `dp_rank` as the
 * generated prometheus.yml does. Metadata lines are dropped: backfill needs only samples.
 */
export function scrapeToOpenMetrics(body: string, target: ScrapeLabels, timestampSeconds: number): string {
  const out: string[] = [];
  const extra = `job="${target.job}",instance="${target.instance}",host="${target.host}"`;
  for (const line of body.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const s = splitSample(line);
    if (!s) continue;
    const value = s.rest.split(/\s+/)[0]!;
    let labels = s.labels.replace(/(^|,)engine="/, '$1dp_rank="');
    labels = labels.replace(/,$/, '');
    out.push(`${s.name}{${labels ? `${labels},` : ''}${extra}} ${value} ${timestampSeconds}`);
  }
  return out.join('\n');
}

export async function writeLine(out: WriteStream, text: string): Promise<void> {
  if (!out.write(`${text}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
}

export interface RecordingRuleDef {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

/** Recording rules grouped by dependency depth: level 0 reads only raw metrics. */
export function ruleLevels(rules: RecordingRuleDef[]): RecordingRuleDef[][] {
  const recorded = new Set(rules.map((r) => r.record));
  const level = new Map<string, number>();
  const depth = (name: string, seen: Set<string>): number => {
    if (level.has(name)) return level.get(name)!;
    if (seen.has(name)) throw new Error(`recording rules form a cycle through ${name}`);
    const next = new Set(seen).add(name);
    let d = 0;
    for (const r of rules.filter((x) => x.record === name)) {
      for (const dep of metricNames(r.expr)) if (recorded.has(dep) && dep !== name) d = Math.max(d, depth(dep, next) + 1);
    }
    level.set(name, d);
    return d;
  };
  const levels: RecordingRuleDef[][] = [];
  for (const r of rules) {
    const d = depth(r.record, new Set());
    (levels[d] ??= []).push(r);
  }
  return levels.map((l) => l ?? []);
}

export function promtool(binary: string, args: string[]): string {
  return execFileSync(binary, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Backfills one level of rules into `tsdb` from the Prometheus at `url`; returns how many blocks it added. */
export function backfillRules(opts: {
  promtool: string;
  url: string;
  rules: RecordingRuleDef[];
  start: number;
  end: number;
  evalInterval: string;
  workDir: string;
  tsdb: string;
  level: number;
}): number {
  const file = join(opts.workDir, `rules-level-${opts.level}.yml`);
  writeFileSync(file, stringify({ groups: [{ name: `backfill-level-${opts.level}`, interval: opts.evalInterval, rules: opts.rules }] }));
  const outDir = join(opts.workDir, `blocks-level-${opts.level}`);
  mkdirSync(outDir, { recursive: true });
  promtool(opts.promtool, [
    'tsdb',
    'create-blocks-from',
    'rules',
    `--start=${opts.start}`,
    `--end=${opts.end}`,
    `--url=${opts.url}`,
    `--eval-interval=${opts.evalInterval}`,
    `--output-dir=${outDir}`,
    file,
  ]);
  return moveBlocks(outDir, opts.tsdb);
}

/** Moves the block directories (ULIDs) promtool wrote into a TSDB directory. */
export function moveBlocks(from: string, tsdb: string): number {
  let n = 0;
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.isDirectory() && /^[0-9A-HJKMNP-TV-Z]{26}$/.test(entry.name)) {
      renameSync(join(from, entry.name), join(tsdb, entry.name));
      n++;
    }
  }
  return n;
}
