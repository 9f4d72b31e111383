/**
 * The six charts of seed 004 as inline SVG, drawn by this code (no chart library, nothing fetched
 * when the page opens). Each chart is an <svg data-chart=ID>; marks carry class "mark", and a chart
 * with nothing to draw says why in its body and carries data-empty="true".
 */
import type { HistogramBin } from './quantiles.js';
import { type El, el, fmt } from './html.js';

const W = 560;
const H = 320;
const M = { left: 64, right: 16, top: 48, bottom: 48 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;
export const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728'];

export interface Series {
  name: string;
  points: [number, number][];
}

/** Round tick steps (1, 2, 5 × 10^k) spanning lo..hi. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function label(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${fmt(v / 1e6)}M`;
  if (a >= 1e4) return `${fmt(v / 1e3)}k`;
  return a < 0.01 && a > 0 ? v.toExponential(1) : fmt(Number(v.toPrecision(3)));
}

interface Frame {
  x: (v: number) => number;
  y: (v: number) => number;
  body: El[];
}

/** Axes, grid, tick labels and axis titles for the ranges given. */
function frame(xr: [number, number], yr: [number, number], xLabel: string, yLabel: string): Frame {
  const [x0, x1] = xr[1] > xr[0] ? xr : [xr[0] - 1, xr[0] + 1];
  const [y0, y1] = yr[1] > yr[0] ? yr : [yr[0] - 1, yr[0] + 1];
  const x = (v: number): number => M.left + ((v - x0) / (x1 - x0)) * PW;
  const y = (v: number): number => M.top + PH - ((v - y0) / (y1 - y0)) * PH;
  const body: El[] = [];
  for (const t of niceTicks(y0, y1)) {
    body.push(el('line', { x1: M.left, x2: M.left + PW, y1: y(t), y2: y(t), class: 'grid' }));
    body.push(el('text', { x: M.left - 6, y: y(t) + 4, 'text-anchor': 'end', class: 'tick' }, label(t)));
  }
  for (const t of niceTicks(x0, x1)) body.push(el('text', { x: x(t), y: M.top + PH + 16, 'text-anchor': 'middle', class: 'tick' }, label(t)));
  body.push(el('line', { x1: M.left, x2: M.left + PW, y1: M.top + PH, y2: M.top + PH, class: 'axis' }));
  body.push(el('line', { x1: M.left, x2: M.left, y1: M.top, y2: M.top + PH, class: 'axis' }));
  body.push(el('text', { x: M.left + PW / 2, y: H - 8, 'text-anchor': 'middle', class: 'axis-label' }, xLabel));
  body.push(el('text', { x: 14, y: M.top + PH / 2, 'text-anchor': 'middle', transform: `rotate(-90 14 ${M.top + PH / 2})`, class: 'axis-label' }, yLabel));
  return { x, y, body };
}

function svg(id: string, title: string, body: El[], empty?: string): El {
  return el(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', viewBox: `0 0 ${W} ${H}`, width: W, height: H, 'data-chart': id, 'data-empty': empty ? 'true' : undefined, role: 'img' },
    el('title', {}, title),
    el('text', { x: W / 2, y: 20, 'text-anchor': 'middle', class: 'chart-title' }, title),
    empty ? el('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'empty' }, empty) : null,
    body,
  );
}

function legend(names: string[]): El[] {
  return names.map((n, i) =>
    // Above the plot area, so it never hides data.
    el('g', {}, el('rect', { x: M.left + i * 150, y: 29, width: 10, height: 10, fill: COLORS[i % COLORS.length] }),
      el('text', { x: M.left + 14 + i * 150, y: 38, class: 'legend' }, n)),
  );
}

function extent(values: number[], includeZero = false): [number, number] {
  let lo = includeZero ? 0 : Infinity;
  let hi = includeZero ? 0 : -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

export function lineChart(id: string, title: string, series: Series[], xLabel: string, yLabel: string, emptyReason: string): El {
  const live = series.filter((s) => s.points.length > 0);
  if (!live.length) return svg(id, title, [], emptyReason);
  const f = frame(extent(live.flatMap((s) => s.points.map((p) => p[0]))), extent(live.flatMap((s) => s.points.map((p) => p[1])), true), xLabel, yLabel);
  const paths = live.map((s, i) => {
    const d = s.points.map((p, j) => `${j ? 'L' : 'M'}${fmt(f.x(p[0]))} ${fmt(f.y(p[1]))}`).join('');
    // A single point still has to show: draw it as a short flat segment.
    const dd = s.points.length === 1 ? `${d}h2` : d;
    return el('path', { d: dd, fill: 'none', stroke: COLORS[series.indexOf(s) % COLORS.length] ?? COLORS[i]!, 'stroke-width': 1.5, class: 'mark', 'data-series': s.name });
  });
  return svg(id, title, [...f.body, ...paths, ...legend(live.map((s) => s.name))]);
}

export function histogramChart(id: string, title: string, bins: HistogramBin[], xLabel: string, emptyReason: string, color = COLORS[0]!): El {
  if (!bins.length) return svg(id, title, [], emptyReason);
  const f = frame([bins[0]!.from, bins[bins.length - 1]!.to], extent(bins.map((b) => b.count), true), xLabel, 'batches');
  const bars = bins
    .filter((b) => b.count > 0)
    .map((b) => el('rect', { x: f.x(b.from), y: f.y(b.count), width: Math.max(1, f.x(b.to) - f.x(b.from) - 1), height: f.y(0) - f.y(b.count), fill: color, class: 'mark' }));
  return svg(id, title, [...f.body, ...bars]);
}

/** Two integer-valued distributions side by side (requests per batch), grouped into at most maxGroups bars each. */
export function countsChart(id: string, title: string, a: Series, b: Series, xLabel: string, emptyReason: string): El {
  const all = [...a.points, ...b.points];
  if (!all.some((p) => p[1] > 0)) return svg(id, title, [], emptyReason);
  const maxValue = Math.max(...all.filter((p) => p[1] > 0).map((p) => p[0]));
  const groups = Math.min(40, maxValue + 1);
  const width = (maxValue + 1) / groups;
  const group = (s: Series): number[] => {
    const out = new Array<number>(groups).fill(0);
    for (const [v, c] of s.points) out[Math.min(groups - 1, Math.floor(v / width))]! += c;
    return out;
  };
  const ga = group(a);
  const gb = group(b);
  const f = frame([0, maxValue + 1], extent([...ga, ...gb], true), xLabel, 'batches');
  const bars: El[] = [];
  for (let i = 0; i < groups; i++) {
    const x0 = f.x(i * width);
    const half = (f.x((i + 1) * width) - x0) / 2;
    for (const [k, counts] of [ga, gb].entries()) {
      const c = counts[i]!;
      if (c > 0) bars.push(el('rect', { x: x0 + k * half, y: f.y(c), width: Math.max(1, half - 0.5), height: f.y(0) - f.y(c), fill: COLORS[k], class: 'mark', 'data-series': k ? b.name : a.name }));
    }
  }
  return svg(id, title, [...f.body, ...bars, ...legend([a.name, b.name])]);
}

export function scatterChart(id: string, title: string, points: [number, number][], xLabel: string, yLabel: string, emptyReason: string): El {
  if (!points.length) return svg(id, title, [], emptyReason);
  const f = frame(extent(points.map((p) => p[0]), true), extent(points.map((p) => p[1]), true), xLabel, yLabel);
  const dots = points.map((p) => el('circle', { cx: f.x(p[0]), cy: f.y(p[1]), r: 2, fill: COLORS[0], 'fill-opacity': 0.5, class: 'mark' }));
  return svg(id, title, [...f.body, ...dots]);
}
