/**
 * Frame -> text lines, pure. Every line fits `width` columns (long ones end in …); below
 * TABLE_MIN_WIDTH the per-model table becomes one block per model. Without colour, a value past its
 * objective is marked with `!` so the text alone says what colour would.
 */
import { SEVERITIES, type ModelRow, type TopFrame } from './frame.js';

export type Style = 'red' | 'yellow' | 'green' | 'dim' | 'bold';
interface Seg {
  text: string;
  style?: Style | undefined;
}

export interface RenderOptions {
  width: number;
  color: boolean;
  /** Alerts listed one per line; the rest are counted (default 8). */
  maxAlerts?: number;
}

const SGR: Record<Style, string> = { red: '31', yellow: '33', green: '32', dim: '2', bold: '1' };

/** Cuts segments to `width` visible columns (the last one kept ends in …), then styles them. */
export function fit(segs: Seg[], width: number, color: boolean): string {
  const total = segs.reduce((n, s) => n + [...s.text].length, 0);
  let room = total > width ? Math.max(0, width - 1) : width;
  const out: string[] = [];
  for (const s of segs) {
    if (room <= 0) break;
    const chars = [...s.text];
    const text = chars.slice(0, room).join('');
    room -= Math.min(chars.length, room);
    out.push(color && s.style && text ? `\x1b[${SGR[s.style]}m${text}\x1b[0m` : text);
  }
  if (total > width && width > 0) out.push('…');
  return out.join('').replace(/\s+$/, '');
}

const seg = (text: string, style?: Style): Seg => ({ text, style });

/** 0.0123 s -> 12.3ms, 4.2 -> 4.20s, 60 -> 60.0s, 123 -> 123s. */
export function seconds(v: number | null): string {
  if (v === null) return '-';
  if (v < 1) {
    const ms = v * 1000;
    return `${ms < 100 ? ms.toFixed(1) : ms.toFixed(0)}ms`;
  }
  return `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)}s`;
}

/** 3.456 -> 3.46, 34.56 -> 34.6, 3456 -> 3456, 34567 -> 34.6k. */
export function rate(v: number | null): string {
  if (v === null) return '-';
  if (v >= 10_000) return `${(v / 1000).toFixed(1)}k`;
  if (v >= 100) return v.toFixed(0);
  return v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

export function percent(v: number | null, decimals = 0): string {
  return v === null ? '-' : `${(v * 100).toFixed(decimals)}%`;
}

/** Red past the limit, yellow past `warnAt` of it, green within. */
function against(v: number | null, limit: number, warnAt = 0.8): Style {
  if (v === null) return 'dim';
  return v > limit ? 'red' : v > limit * warnAt ? 'yellow' : 'green';
}

interface Cell {
  text: string;
  style?: Style;
}

/** A value against its limit: coloured, and marked `!` past it (the mark is what colour-blind text keeps). */
function judged(text: string, v: number | null, limit: number, color: boolean, warnAt?: number): Cell {
  const style = against(v, limit, warnAt);
  return { text: !color && style === 'red' ? `${text}!` : text, style };
}

function modelCells(m: ModelRow, f: TopFrame, color: boolean): Record<string, Cell> {
  const o = f.objectives;
  const budget = 1 - o.availabilityPercent / 100;
  return {
    qps: { text: rate(m.requestsPerSecond) },
    tok: { text: rate(m.outputTokensPerSecond) },
    ttft: judged(seconds(m.ttftP99Seconds), m.ttftP99Seconds, o.ttftP99Seconds, color),
    itl: judged(seconds(m.itlP99Seconds), m.itlP99Seconds, o.itlP99Seconds, color),
    e2e: judged(seconds(m.e2eP99Seconds), m.e2eP99Seconds, o.e2eP99Seconds, color),
    err: judged(percent(m.errorRatio, 2), m.errorRatio, budget, color, 0.5),
    kv: judged(percent(m.kvUsageMax), m.kvUsageMax, 0.95, color, 0.84),
  };
}

const COLUMNS = [
  { key: 'engine', title: 'ENGINE', width: 6, left: true },
  { key: 'inst', title: 'INST', width: 4 },
  { key: 'qps', title: 'REQ/S', width: 6 },
  { key: 'tok', title: 'OUT TOK/S', width: 9 },
  { key: 'ttft', title: 'TTFT p99', width: 8 },
  { key: 'itl', title: 'ITL p99', width: 8 },
  { key: 'e2e', title: 'E2E p99', width: 8 },
  { key: 'err', title: 'ERRORS', width: 7 },
  { key: 'kv', title: 'KV', width: 5 },
] as const;
const FIXED = COLUMNS.reduce((n, c) => n + c.width + 1, 0);
/** The narrowest terminal that gets the table: a model column of at least 12. */
export const TABLE_MIN_WIDTH = FIXED + 12;

const pad = (text: string, width: number, left = false) => (left ? text.padEnd(width) : text.padStart(width));

function modelTable(f: TopFrame, o: RenderOptions): string[] {
  const nameWidth = Math.min(Math.max(5, ...f.models.map((m) => m.model.length)), o.width - FIXED);
  const cut = (s: string) => (s.length > nameWidth ? `${s.slice(0, nameWidth - 1)}…` : s);
  const header = [seg(pad('MODEL', nameWidth, true), 'bold'), ...COLUMNS.map((c) => seg(` ${pad(c.title, c.width, 'left' in c)}`, 'bold'))];
  const lines = [fit(header, o.width, o.color)];
  for (const m of f.models) {
    const cells: Record<string, Cell> = { engine: { text: m.engine }, inst: { text: String(m.instances) }, ...modelCells(m, f, o.color) };
    const segs = [seg(pad(cut(m.model), nameWidth, true)), ...COLUMNS.map((c) => seg(` ${pad(cells[c.key]!.text, c.width, 'left' in c)}`, cells[c.key]!.style))];
    lines.push(fit(segs, o.width, o.color));
  }
  return lines;
}

/** Narrow terminals: a block of three short lines per model. */
function modelBlocks(f: TopFrame, o: RenderOptions): string[] {
  const lines: string[] = [];
  for (const m of f.models) {
    const c = modelCells(m, f, o.color);
    lines.push(fit([seg(m.model, 'bold'), seg(` (${m.engine}, ${m.instances} inst)`)], o.width, o.color));
    lines.push(fit([seg(`  req/s ${c.qps!.text}  out tok/s ${c.tok!.text}  err `), seg(c.err!.text, c.err!.style), seg('  KV '), seg(c.kv!.text, c.kv!.style)], o.width, o.color));
    lines.push(fit([seg('  p99 TTFT '), seg(c.ttft!.text, c.ttft!.style), seg('  ITL '), seg(c.itl!.text, c.itl!.style), seg('  E2E '), seg(c.e2e!.text, c.e2e!.style)], o.width, o.color));
  }
  return lines;
}

/** Items laid out after a label, wrapped onto indented lines instead of running off the edge. */
function wrapped(label: string, items: Seg[][], o: RenderOptions): string[] {
  const indent = ' '.repeat(label.length);
  const lines: string[] = [];
  let cur: Seg[] = [seg(label, 'bold')];
  let used = label.length;
  let empty = true;
  for (const item of items) {
    const w = item.reduce((n, s) => n + [...s.text].length, 0) + (empty ? 0 : 2);
    if (!empty && used + w > o.width) {
      lines.push(fit(cur, o.width, o.color));
      cur = [seg(indent)];
      used = indent.length;
      empty = true;
    }
    cur.push(...(empty ? item : [seg('  '), ...item]));
    used += w;
    empty = false;
  }
  lines.push(fit(cur, o.width, o.color));
  return lines;
}

const clock = (t: number) => new Date(t * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');

const SEVERITY_STYLE: Record<string, Style> = { critical: 'red', warning: 'yellow', info: 'dim' };

/** Where an alert is, in a few words: model, instance, GPU, mountpoint. */
function whereOf(labels: Record<string, string>): string {
  const parts = [labels.model_name, labels.instance ?? labels.host, labels.gpu !== undefined ? `gpu ${labels.gpu}` : undefined, labels.mountpoint];
  return parts.filter((p): p is string => Boolean(p)).join(' ');
}

export function renderFrame(f: TopFrame, opts: RenderOptions): string[] {
  const o = { ...opts, width: Math.max(20, opts.width) };
  const lines: string[] = [];
  lines.push(fit([seg('create-vllm-monitor top', 'bold'), seg(`  ${f.stack ? `${f.stack}  ` : ''}${clock(f.time)}  ${f.prometheusUrl}`, 'dim')], o.width, o.color));

  const targets = f.targets.map((t) => [seg(`${t.job} `), seg(`${t.up}/${t.expected}`, t.up < t.expected ? 'red' : 'green')]);
  lines.push(...wrapped('Targets  ', targets.length ? targets : [[seg('none: Prometheus scrapes nothing', 'red')]], o));
  const down = f.targets.flatMap((t) => t.down.map((i) => [seg(`${t.job}/${i}`, 'red')]));
  if (down.length) lines.push(...wrapped('  down   ', down, o));

  const c = f.alertCounts;
  const counts = SEVERITIES.map((s) => [seg(`${c[s]} ${s}`, c[s] > 0 ? SEVERITY_STYLE[s] : undefined)]);
  if (c.other) counts.push([seg(`${c.other} other`)]);
  counts.push([seg(f.watchdog ? '(Watchdog firing: rules evaluate)' : '(Watchdog not firing: alerting is broken)', f.watchdog ? 'dim' : 'red')]);
  lines.push(...wrapped('Alerts   ', counts, o));
  const shown = f.alerts.slice(0, o.maxAlerts ?? 8);
  for (const a of shown) {
    lines.push(fit([seg('  '), seg(a.severity.toUpperCase().padEnd(8), SEVERITY_STYLE[a.severity]), seg(`  ${a.alertname}`), seg(`  ${whereOf(a.labels)}`, 'dim')], o.width, o.color));
  }
  if (f.alerts.length > shown.length) lines.push(fit([seg(`  … ${f.alerts.length - shown.length} more`, 'dim')], o.width, o.color));

  const ob = f.objectives;
  const objectives = [
    `TTFT ${seconds(ob.ttftP99Seconds)}`,
    `ITL ${seconds(ob.itlP99Seconds)}`,
    `E2E ${seconds(ob.e2eP99Seconds)}`,
    `errors ${Number((100 - ob.availabilityPercent).toPrecision(6))}%`,
    ...(ob.source === 'default' ? ['(defaults: no stack manifest)'] : []),
  ].map((t) => [seg(t)]);
  lines.push('');
  lines.push(...wrapped('Objective p99 ', objectives, o));
  if (f.models.length === 0) lines.push(fit([seg('No models: no serving target reports llm: series yet (rules need a few scrapes)', 'yellow')], o.width, o.color));
  else lines.push(...(o.width >= TABLE_MIN_WIDTH ? modelTable(f, o) : modelBlocks(f, o)));

  lines.push('');
  const gpus = f.gpuHosts.map((h) => [seg(`${h.host} `), seg(`${h.gpus} GPU${h.gpus === 1 ? '' : 's'} `), seg(percent(h.utilisation), h.utilisation === null ? 'dim' : undefined)]);
  if (gpus.length) gpus.unshift([seg('serving '), seg(percent(f.gpuUtilisationServing), 'bold')]);
  lines.push(...wrapped('GPU util ', gpus.length ? gpus : [[seg('no GPU series (no GPU exporter, or it is down)', 'dim')]], o));
  return lines;
}
