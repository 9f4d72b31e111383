/** The performance/SLO report as text, Markdown and a self-contained HTML page (JSON is the Report itself). */
import { type Child, el, serialize } from '../analyze/html.js';
import type { GpuReport, Peak, Quantiles, Report, TargetReport } from './collect.js';

type Cell = string;
interface Table {
  title: string;
  head: string[];
  rows: Cell[][];
}

const num = (x: number | null | undefined, d = 2): string => (x === null || x === undefined ? '-' : Math.abs(x) >= 1000 ? x.toFixed(0) : x.toFixed(d));
const pct = (x: number | null | undefined, d = 1): string => (x === null || x === undefined ? '-' : `${(x * 100).toFixed(d)}%`);
const ms = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : x < 1 ? `${(x * 1000).toFixed(1)} ms` : `${x.toFixed(2)} s`);
const peak = (p: Peak, f: (x: number | null) => string): string => `${f(p.avg)} / ${f(p.max)}`;
const gib = (x: number | null): string => (x === null ? '-' : `${(x / 2 ** 30).toFixed(1)} GiB`);
const target = (t: TargetReport): string => `${t.model_name || '(no model)'} @ ${t.instance}`;

function quantiles(q: Quantiles | null): string {
  return q ? [q.p50, q.p90, q.p95, q.p99].map(ms).join(' / ') : '-';
}

function tables(r: Report): Table[] {
  const ts = r.targets;
  const serving: Table = {
    title: 'Throughput and load (avg / peak over the window)',
    head: ['model @ instance', 'engine', 'host', 'req/s', 'prompt tok/s', 'gen tok/s (avg / peak)', 'failed', 'aborted', 'waiting', 'running', 'KV cache', 'preemptions', 'prefix hit'],
    rows: ts.map((t) => [target(t), t.engine, t.host, num(t.requests_per_second), num(t.tokens.prompt_per_second, 1), `${num(t.tokens.generation_per_second, 1)} / ${num(t.tokens.generation_peak_per_second, 1)}`,
      pct(t.failed_share, 2), pct(t.aborted_share, 2), peak(t.queue.waiting, (x) => num(x, 1)), peak(t.queue.running, (x) => num(x, 1)), peak(t.kv_cache_usage, (x) => pct(x)),
      t.preemptions.total === null ? '-' : String(Math.round(t.preemptions.total)), pct(t.prefix_cache_hit_rate)]),
  };
  const latency: Table = {
    title: 'Latency p50 / p90 / p95 / p99',
    head: ['model @ instance', 'TTFT', 'ITL', 'TPOT', 'E2E'],
    rows: ts.map((t) => [target(t), quantiles(t.latency_seconds.ttft), quantiles(t.latency_seconds.itl), quantiles(t.latency_seconds.tpot), quantiles(t.latency_seconds.e2e)]),
  };
  const slo: Table = {
    title: `SLO attainment (p99 objectives: TTFT ${r.slo.ttftP99Seconds} s, ITL ${r.slo.itlP99Seconds} s, E2E ${r.slo.e2eP99Seconds} s)`,
    head: ['model @ instance', 'TTFT', 'ITL', 'E2E'],
    rows: ts.map((t) => [target(t), ...(['ttft', 'itl', 'e2e'] as const).map((k) => {
      const s = t.slo[k];
      return s.attainment === null ? '-' : `${pct(s.attainment, 2)} <= ${s.bound_seconds} s ${s.met ? 'met' : 'MISSED'}`;
    })]),
  };
  const gpu: Table = {
    title: 'GPUs (avg / peak over the window)',
    head: ['host', 'instance', 'gpu', 'util', 'SM active', 'DRAM active', 'memory used', 'memory total', 'power W', 'temp °C'],
    rows: r.gpus.map((g: GpuReport) => [g.host, g.instance, g.gpu, peak(g.utilization, (x) => pct(x)), peak(g.sm_active, (x) => pct(x)), peak(g.dram_active, (x) => pct(x)),
      peak(g.memory_used_bytes, gib), gib(g.memory_total_bytes), peak(g.power_watts, (x) => num(x, 0)), peak(g.temperature_celsius, (x) => num(x, 0))]),
  };
  return [serving, latency, slo, gpu];
}

function header(r: Report): string {
  const iso = (s: number): string => new Date(s * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  return `Performance report: ${r.prometheus_url}, last ${r.window.since} (${iso(r.window.start)} to ${iso(r.window.end)})`;
}

function hintLines(r: Report): string[] {
  return r.targets.flatMap((t) => t.hints.map((h) => `${target(t)}: ${h}`));
}

export function formatReportText(r: Report): string {
  const out = [header(r), ''];
  if (!r.targets.length) out.push('No serving targets with normalised series in this window (are the recording rules loaded and the engines scraped?).', '');
  for (const t of tables(r)) {
    if (!t.rows.length) continue;
    out.push(t.title);
    const widths = t.head.map((h, i) => Math.max(h.length, ...t.rows.map((row) => row[i]!.length)));
    out.push(`  ${t.head.map((h, i) => h.padEnd(widths[i]!)).join('  ')}`);
    for (const row of t.rows) out.push(`  ${row.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`);
    out.push('');
  }
  const hints = hintLines(r);
  if (hints.length) out.push('Capacity and hints', ...hints.map((h) => `  - ${h}`));
  return out.join('\n').trimEnd();
}

const mdEscape = (s: string): string => s.replace(/\|/g, '\\|');

export function formatReportMarkdown(r: Report): string {
  const out = [`# ${header(r)}`, ''];
  for (const t of tables(r)) {
    if (!t.rows.length) continue;
    out.push(`## ${t.title}`, '', `| ${t.head.map(mdEscape).join(' | ')} |`, `|${t.head.map(() => ' --- ').join('|')}|`);
    for (const row of t.rows) out.push(`| ${row.map(mdEscape).join(' | ')} |`);
    out.push('');
  }
  const hints = hintLines(r);
  if (hints.length) out.push('## Capacity and hints', '', ...hints.map((h) => `- ${mdEscape(h)}`), '');
  return out.join('\n');
}

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}h1{font-size:18px}h2{font-size:15px;margin-top:20px}
table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:1px solid #e5e5e5;text-align:right;white-space:nowrap}
td:first-child,th:first-child{text-align:left}`;

export function formatReportHtml(r: Report): string {
  const body: Child[] = [el('h1', {}, header(r))];
  for (const t of tables(r)) {
    if (!t.rows.length) continue;
    body.push(el('h2', {}, t.title), el('table', {}, el('tr', {}, t.head.map((h) => el('th', {}, h))), t.rows.map((row) => el('tr', {}, row.map((c) => el('td', {}, c))))));
  }
  const hints = hintLines(r);
  if (hints.length) body.push(el('h2', {}, 'Capacity and hints'), el('ul', {}, hints.map((h) => el('li', {}, h))));
  const page = el('html', { lang: 'en' }, el('head', {}, el('meta', { charset: 'utf-8' }), el('title', {}, 'Performance report'), el('style', {}, CSS)), el('body', {}, body));
  return `<!DOCTYPE html>\n${serialize(page)}\n`;
}
