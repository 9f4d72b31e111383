/**
 * The summary as one self-contained HTML page (no script, nothing fetched): per trace and device
 * the time breakdown, a timeline of the window (GPU busy, kernels, communication, memcpy as lanes,
 * steps marked), top kernels and modules as bar charts, the tables of the text report, and the step
 * durations as a line chart when there are several steps.
 */
import { COLORS, lineChart } from '../analyze/charts.js';
import { type Child, type El, el, serialize } from '../analyze/html.js';
import { barChart } from './charts.js';
import { timelineChart } from './timeline-chart.js';
import type { ProfileReport } from './report.js';
import type { DeviceSummary, TraceSummary } from './summarize.js';

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}h3{font-size:15px;margin:18px 0 6px}
table{border-collapse:collapse;margin:4px 0}td,th{padding:3px 10px;border-bottom:1px solid #e5e5e5;text-align:right}
td:last-child,th:last-child{text-align:left;max-width:640px;overflow-wrap:anywhere}
svg{background:#fafafa;border:1px solid #e5e5e5;margin:6px 0;display:block}
.grid{stroke:#e5e5e5}.axis{stroke:#888}.tick{font-size:11px;fill:#555}.axis-label,.legend{font-size:12px;fill:#333}
.chart-title{font-size:14px;font-weight:600;fill:#222}.empty{font-size:13px;fill:#999}.muted{color:#777}
`;

const f3 = (v: number): string => v.toFixed(3);
const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;

/** Slug for chart ids: unique per trace (index) and device. */
const chartId = (t: number, what: string, device?: string): string => `t${t}-${what}${device === undefined ? '' : `-gpu${device}`}`;

function table(header: string[], rows: string[][]): El {
  return el('table', {}, el('tr', {}, header.map((h) => el('th', {}, h))), rows.map((r) => el('tr', {}, r.map((c) => el('td', {}, c)))));
}

/** Where the window's time went; the parts add up to the window. */
export function breakdown(d: DeviceSummary): { label: string; value: number; color: string }[] {
  const c = d.communication;
  const kernelsUnion = c.compute_ms + c.time_ms - c.overlap_ms;
  return [
    { label: 'compute only', value: c.compute_ms - c.overlap_ms, color: COLORS[0]! },
    { label: 'communication overlapped with compute', value: c.overlap_ms, color: COLORS[2]! },
    { label: 'communication exposed', value: c.exposed_ms, color: COLORS[3]! },
    { label: 'memcpy/memset only', value: Math.max(0, d.busy_ms - kernelsUnion), color: COLORS[1]! },
    { label: 'idle', value: d.idle_ms, color: '#999999' },
  ];
}

function device(t: number, d: DeviceSummary): El[] {
  return [
    el('h3', {}, `GPU ${d.device}${d.name ? ` (${d.name})` : ''}`),
    el('p', {}, `Window ${f3(d.window.duration_ms)} ms: ${d.window.description}. Busy ${f3(d.busy_ms)} ms (${pct(d.busy_fraction)}), idle ${f3(d.idle_ms)} ms (${pct(d.idle_fraction)}), from the union of GPU intervals; summed GPU op time ${f3(d.summed_gpu_ms)} ms on ${d.streams} stream(s).`,
      d.outside_window.count ? ` ${d.outside_window.count} GPU ops (${f3(d.outside_window.time_ms)} ms) started outside the window and are left out.` : ''),
    barChart(chartId(t, 'breakdown', d.device), 'Where the window went (ms)', breakdown(d), 'ms', 'no GPU time'),
    timelineChart(chartId(t, 'timeline', d.device), `Timeline: ${d.timeline.buckets} buckets of ${f3(d.timeline.bucket_ms)} ms, each lane as wide as it was busy`, d.timeline, d.window.duration_ms),
    barChart(chartId(t, 'kernels', d.device), 'Top kernels by total time (ms)', d.kernels.top.slice(0, 12).map((k) => ({ label: k.name, value: k.total_ms, color: k.communication ? COLORS[3] : COLORS[0] })), 'ms', 'no kernels'),
    table(['Time %', 'Total ms', 'Instances', 'Avg ms', 'Med ms', 'Min ms', 'Max ms', 'StdDev ms', 'Name'],
      d.kernels.top.map((k) => [pct(k.share), f3(k.total_ms), String(k.count), f3(k.mean_ms), f3(k.median_ms), f3(k.min_ms), f3(k.max_ms), f3(k.std_ms), `${k.communication ? '[comm] ' : ''}${k.name}`])),
    el('p', {}, `memcpy: ${d.memcpy.count}, ${f3(d.memcpy.total_ms)} ms${d.memcpy.kinds.length ? ` (${d.memcpy.kinds.map((k) => `${k.name}: ${k.count}, ${f3(k.total_ms)} ms`).join('; ')})` : ''}; memset: ${d.memset.count}, ${f3(d.memset.total_ms)} ms.`),
    el('p', {}, d.communication.kernels
      ? `Communication: ${d.communication.kernels} kernels, ${f3(d.communication.time_ms)} ms; overlapped with compute ${f3(d.communication.overlap_ms)} ms (${pct(d.communication.overlap_fraction ?? 0)}); exposed ${f3(d.communication.exposed_ms)} ms.`
      : 'Communication: none.'),
  ];
}

function trace(t: number, s: TraceSummary & { next: string[] }): (Child | Child[])[] {
  const ops = (list: typeof s.cpu_ops.by_self): string[][] => list.map((o) => [f3(o.self_ms), f3(o.total_ms), String(o.count), o.name]);
  const manySteps = s.steps.filter((g) => g.count > 1);
  return [
    el('h2', {}, s.file),
    el('p', { class: 'muted' }, `${s.rank !== null ? `rank ${s.rank}${s.world_size !== null ? ` of ${s.world_size}` : ''}, ` : ''}${s.events} events, ${(s.bytes / 2 ** 20).toFixed(1)} MiB of JSON`),
    s.next.length ? [el('h3', {}, 'What to look at next'), el('ul', {}, s.next.map((n) => el('li', {}, n)))] : null,
    s.devices.length ? s.devices.flatMap((d) => device(t, d)) : el('p', {}, 'No GPU activity (a CPU-only trace).'),
    s.module_classes.length
      ? [el('h3', {}, 'Modules: GPU time of the kernels each launched'),
        barChart(chartId(t, 'modules'), 'GPU time by module class (ms, children included)', s.module_classes.slice(0, 12).map((m) => ({ label: `${m.name} ×${m.calls}`, value: m.total_ms })), 'ms', 'no module events'),
        table(['Total ms', 'Avg ms/call', 'Calls', 'Instances', 'Module'], s.module_classes.map((m) => [f3(m.total_ms), f3(m.avg_ms), String(m.calls), String(m.instances), m.name]))]
      : null,
    s.cpu_ops.count
      ? [el('h3', {}, `CPU ops (${s.cpu_ops.count}) by self time`), table(['Self ms', 'Total ms', 'Calls', 'Name'], ops(s.cpu_ops.by_self)),
        el('h3', {}, 'CPU ops by total time'), table(['Self ms', 'Total ms', 'Calls', 'Name'], ops(s.cpu_ops.by_total))]
      : null,
    s.steps.length
      ? [el('h3', {}, 'Steps'), table(['Steps', 'CPU mean ms', 'CPU max ms', 'GPU mean ms', 'Kind'], s.steps.map((g) => [String(g.count), f3(g.cpu_ms.mean), f3(g.cpu_ms.max), g.gpu_ms ? f3(g.gpu_ms.mean) : '-', g.description]))]
      : null,
    manySteps.map((g) => lineChart(chartId(t, `steps-${g.kind}`), `${g.description}: duration per step`, [
      { name: 'CPU', points: g.steps.map((x, i) => [i, x.cpu_ms]) },
      { name: 'GPU', points: g.steps.flatMap((x, i) => (x.gpu_ms === null ? [] : [[i, x.gpu_ms] as [number, number]])) },
    ], 'step', 'ms', 'no steps')),
  ];
}

export function formatHtml(r: ProfileReport, title = 'Profile summary'): string {
  const page = el('html', { lang: 'en' },
    el('head', {}, el('meta', { charset: 'utf-8' }), el('title', {}, title), el('style', {}, CSS)),
    el('body', {}, el('h1', {}, title),
      r.ranks ? [el('h2', {}, 'Ranks side by side'), r.ranks.advice ? el('p', {}, r.ranks.advice) : null,
        table(['Rank', 'GPU', 'Busy ms', 'Busy %', 'Exposed comm ms', 'File'], r.ranks.rows.map((x) => [x.rank === null ? '-' : String(x.rank), x.device, f3(x.busy_ms), pct(x.busy_fraction), f3(x.exposed_communication_ms), x.file]))] : null,
      ...r.traces.map((s, i) => trace(i, s).flat())));
  return `<!DOCTYPE html>\n${serialize(page)}\n`;
}
