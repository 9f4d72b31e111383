/**
 * A tolerant parser for the Prometheus text exposition (0.0.4) and OpenMetrics 1.0: HELP/TYPE/UNIT,
 * label values with escapes, histogram/summary/counter sample suffixes, `_created`, `# EOF`,
 * exemplars and timestamps. It never throws: problems are returned per line, so detection can still
 * read a body that is only partly valid (issue excerpts, hand-edited captures).
 */

export type ExpositionType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped' | 'unknown' | 'info' | 'stateset' | 'gaugehistogram';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  /** The value exactly as written (number formatting is part of what emulators must match). */
  rawValue: string;
  timestamp?: number;
  line: number;
}

export interface MetricFamily {
  name: string;
  type?: ExpositionType;
  help?: string;
  unit?: string;
  samples: Sample[];
}

export interface ParseIssue {
  line: number;
  message: string;
}

export interface Exposition {
  format: 'prometheus-text' | 'openmetrics';
  families: MetricFamily[];
  samples: Sample[];
  issues: ParseIssue[];
}

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = new Set<ExpositionType>(['counter', 'gauge', 'histogram', 'summary', 'untyped', 'unknown', 'info', 'stateset', 'gaugehistogram']);

/** Sample-name suffixes each family type may add to its family name. */
const SUFFIXES: Record<ExpositionType, string[]> = {
  counter: ['_total', '_created'],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  gaugehistogram: ['_bucket', '_gsum', '_gcount'],
  summary: ['_sum', '_count', '_created'],
  info: ['_info'],
  gauge: [],
  untyped: [],
  unknown: [],
  stateset: [],
};

export function parseExposition(text: string): Exposition {
  const families = new Map<string, MetricFamily>();
  const samples: Sample[] = [];
  const issues: ParseIssue[] = [];
  let format: Exposition['format'] = 'prometheus-text';
  let sawEof = false;

  const family = (name: string): MetricFamily => {
    let f = families.get(name);
    if (!f) {
      f = { name, samples: [] };
      families.set(name, f);
    }
    return f;
  };

  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i]!;
    if (sawEof) {
      if (line.trim() !== '') issues.push({ line: lineNo, message: 'content after # EOF' });
      continue;
    }
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE|UNIT)\s+(\S+)(?:\s(.*))?$/.exec(line);
      if (line.trim() === '# EOF') {
        format = 'openmetrics';
        sawEof = true;
        continue;
      }
      if (!m) continue; // plain comment
      const [, keyword, name, rest = ''] = m;
      if (!NAME_RE.test(name!) || NAME_RE.exec(name!)![0] !== name) {
        issues.push({ line: lineNo, message: `bad metric name in # ${keyword}: ${name}` });
        continue;
      }
      const f = family(name!);
      if (keyword === 'HELP') {
        if (f.help !== undefined && f.help !== unescapeHelp(rest)) issues.push({ line: lineNo, message: `second HELP for ${name}` });
        f.help = unescapeHelp(rest);
      } else if (keyword === 'TYPE') {
        const t = rest.trim() as ExpositionType;
        if (!TYPES.has(t)) issues.push({ line: lineNo, message: `unknown type "${rest.trim()}" for ${name}` });
        else {
          if (f.type !== undefined) issues.push({ line: lineNo, message: `second TYPE for ${name}` });
          if (f.type === undefined && f.samples.length > 0) issues.push({ line: lineNo, message: `TYPE for ${name} after its samples` });
          f.type = t;
        }
      } else {
        f.unit = rest.trim();
      }
      continue;
    }
    const parsed = parseSampleLine(line, lineNo);
    if ('error' in parsed) {
      issues.push({ line: lineNo, message: parsed.error });
      continue;
    }
    samples.push(parsed);
    family(familyNameOf(parsed.name, families)).samples.push(parsed);
  }
  return { format, families: [...families.values()], samples, issues };
}

/** The declared family a sample belongs to (`x_bucket` → `x` when `x` is a histogram), else its own name. */
function familyNameOf(sample: string, families: Map<string, MetricFamily>): string {
  const own = families.get(sample);
  if (own?.type) return sample;
  for (const [type, suffixes] of Object.entries(SUFFIXES) as [ExpositionType, string[]][]) {
    for (const suffix of suffixes) {
      if (!sample.endsWith(suffix)) continue;
      const base = families.get(sample.slice(0, -suffix.length));
      if (base?.type === type) return base.name;
    }
  }
  return sample;
}

function unescapeHelp(s: string): string {
  return s.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}

function parseSampleLine(line: string, lineNo: number): Sample | { error: string } {
  const nameMatch = NAME_RE.exec(line);
  if (!nameMatch) return { error: `cannot read a metric name: ${line.slice(0, 60)}` };
  const name = nameMatch[0];
  let pos = name.length;
  const labels: Record<string, string> = {};
  if (line[pos] === '{') {
    pos++;
    for (;;) {
      while (line[pos] === ' ' || line[pos] === '\t') pos++;
      if (line[pos] === '}') {
        pos++;
        break;
      }
      const key = LABEL_RE.exec(line.slice(pos));
      if (!key) return { error: `bad label name in ${name} at column ${pos + 1}` };
      pos += key[0].length;
      while (line[pos] === ' ') pos++;
      if (line[pos] !== '=') return { error: `expected = after label ${key[0]} in ${name}` };
      pos++;
      while (line[pos] === ' ') pos++;
      if (line[pos] !== '"') return { error: `expected " to open the value of ${key[0]} in ${name}` };
      pos++;
      let value = '';
      for (;;) {
        const c = line[pos];
        if (c === undefined) return { error: `unterminated value of label ${key[0]} in ${name}` };
        if (c === '\\') {
          const n = line[pos + 1];
          if (n === 'n') value += '\n';
          else if (n === '\\' || n === '"') value += n;
          else return { error: `bad escape \\${n ?? ''} in label ${key[0]} of ${name}` };
          pos += 2;
          continue;
        }
        if (c === '"') {
          pos++;
          break;
        }
        value += c;
        pos++;
      }
      if (Object.hasOwn(labels, key[0])) return { error: `label ${key[0]} repeated in ${name}` };
      labels[key[0]] = value;
      while (line[pos] === ' ') pos++;
      if (line[pos] === ',') pos++;
      else if (line[pos] !== '}') return { error: `expected , or } after label ${key[0]} in ${name}` };
    }
  }
  const rest = line.slice(pos);
  if (!/^[ \t]/.test(rest)) return { error: `expected a space before the value of ${name}` };
  // An OpenMetrics exemplar follows " # ".
  const [valuePart] = rest.split(' # ');
  const fields = valuePart!.trim().split(/[ \t]+/);
  if (fields.length < 1 || fields.length > 2 || fields[0] === '') return { error: `expected "value [timestamp]" after ${name}` };
  const value = parseValue(fields[0]!);
  if (value === undefined) return { error: `bad value "${fields[0]}" for ${name}` };
  const sample: Sample = { name, labels, value, rawValue: fields[0]!, line: lineNo };
  if (fields[1] !== undefined) {
    const ts = Number(fields[1]);
    if (!Number.isFinite(ts)) return { error: `bad timestamp "${fields[1]}" for ${name}` };
    sample.timestamp = ts;
  }
  return sample;
}

export function parseValue(s: string): number | undefined {
  if (s === 'NaN') return NaN;
  if (s === '+Inf' || s === 'Inf' || s === '+inf' || s === 'inf') return Infinity;
  if (s === '-Inf' || s === '-inf') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
  return Number(s);
}

/** Label keys of a family's samples, `le`/`quantile` excluded, sorted. */
export function labelKeysOf(f: MetricFamily): string[] {
  const keys = new Set<string>();
  for (const s of f.samples) for (const k of Object.keys(s.labels)) if (k !== 'le' && k !== 'quantile') keys.add(k);
  return [...keys].sort();
}
