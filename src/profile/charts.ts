/**
 * Horizontal bar charts for the profile page, drawn with analyze/'s SVG elements and conventions
 * (an <svg data-chart=ID>, marks of class "mark", data-empty and a reason when there is nothing).
 * analyze/ draws lines and histograms over batches; a profile's figures are named amounts.
 */
import { COLORS } from '../analyze/charts.js';
import { type El, el, fmt } from '../analyze/html.js';

const W = 760;
const ROW = 22;
const LABEL = 300;
const TOP = 36;

export interface Bar {
  label: string;
  value: number;
  color?: string;
}

function shorten(s: string, max = 48): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function barChart(id: string, title: string, bars: Bar[], unit: string, emptyReason: string): El {
  const height = TOP + Math.max(1, bars.length) * ROW + 16;
  const max = Math.max(0, ...bars.map((b) => b.value));
  const plot = W - LABEL - 90;
  const body: El[] = !bars.length || !(max > 0)
    ? [el('text', { x: W / 2, y: height / 2 + 8, 'text-anchor': 'middle', class: 'empty' }, emptyReason)]
    : bars.flatMap((b, i) => {
      const y = TOP + i * ROW;
      const w = Math.max(1, (b.value / max) * plot);
      return [
        el('text', { x: LABEL - 6, y: y + 14, 'text-anchor': 'end', class: 'tick' }, el('title', {}, b.label), shorten(b.label)),
        el('rect', { x: LABEL, y: y + 3, width: w, height: ROW - 6, fill: b.color ?? COLORS[0], class: 'mark', 'data-label': b.label }),
        el('text', { x: LABEL + w + 4, y: y + 14, class: 'tick' }, `${fmt(Number(b.value.toPrecision(4)))} ${unit}`),
      ];
    });
  return el('svg',
    { xmlns: 'http://www.w3.org/2000/svg', viewBox: `0 0 ${W} ${height}`, width: W, height, 'data-chart': id, 'data-empty': !bars.length || !(max > 0) ? 'true' : undefined, role: 'img' },
    el('title', {}, title),
    el('text', { x: W / 2, y: 20, 'text-anchor': 'middle', class: 'chart-title' }, title),
    body);
}
