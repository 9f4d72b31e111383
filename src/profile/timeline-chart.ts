/**
 * A device's timeline as one SVG (no script): per lane (all GPU work, compute kernels,
 * communication, memcpy/memset) one <path> whose pieces are, in each of the timeline's buckets, as
 * wide as the share of the bucket the lane was busy (left-aligned; runs of busy buckets merge), and
 * a lane of ticks where steps start. Its size is bounded by the bucket count, not the trace:
 * TIMELINE_SVG_MAX_BYTES.
 */
import { COLORS } from '../analyze/charts.js';
import { type El, el, fmt } from '../analyze/html.js';
import { TIMELINE_BUCKETS, TIMELINE_LANES, type Timeline, type TimelineLane } from './timeline.js';

const W = 760;
export const TIMELINE_PLOT = { left: 130, width: 600 } as const;
const TOP = 36;
const LANE = 20;
const BAR = 14;

const LANE_LABEL: Record<TimelineLane, string> = { gpu: 'GPU busy', compute: 'kernels', communication: 'communication', memcpy: 'memcpy/memset' };
const LANE_COLOR: Record<TimelineLane, string> = { gpu: '#444444', compute: COLORS[0]!, communication: COLORS[3]!, memcpy: COLORS[1]! };

/** Bytes of one run ("M729.999 999h0.999v14h-0.999z" and the like) and one step tick, at most. */
const RUN_BYTES = 32;
const TICK_BYTES = 16;
/** What the timeline of any trace stays within: every bucket a run in every lane, a step in each. */
export const TIMELINE_SVG_MAX_BYTES = TIMELINE_LANES.length * TIMELINE_BUCKETS * RUN_BYTES + TIMELINE_BUCKETS * TICK_BYTES + 4096;

const n3 = (v: number): string => String(Math.round(v * 1000) / 1000);

/** The path of a lane: a piece per bucket, merged while the bucket before was full. */
function lanePath(shares: number[], y: number): string {
  const bw = TIMELINE_PLOT.width / shares.length;
  let d = '';
  let runStart = -1, runWidth = 0;
  const close = () => {
    if (runStart >= 0 && runWidth > 0) d += `M${n3(runStart)} ${y}h${n3(runWidth)}v${BAR}h-${n3(runWidth)}z`;
    runStart = -1;
    runWidth = 0;
  };
  shares.forEach((share, b) => {
    if (!(share > 0)) return close();
    const x = TIMELINE_PLOT.left + b * bw;
    if (runStart < 0 || Math.abs(runStart + runWidth - x) > 1e-9) {
      close();
      runStart = x;
    }
    runWidth += share * bw;
    if (share < 1) close();
  });
  close();
  return d;
}

export function timelineChart(id: string, title: string, t: Timeline, windowMs: number): El {
  const rows = TIMELINE_LANES.length + 1;
  const height = TOP + rows * LANE + 34;
  const bw = TIMELINE_PLOT.width / t.buckets;
  const laneY = (i: number) => TOP + i * LANE;
  const lanes = TIMELINE_LANES.flatMap((lane, i) => [
    el('text', { x: TIMELINE_PLOT.left - 6, y: laneY(i) + 12, 'text-anchor': 'end', class: 'tick' }, `${LANE_LABEL[lane]}${t.lanes[lane].length ? '' : ' (none)'}`),
    t.lanes[lane].length ? el('path', { d: lanePath(t.lanes[lane], laneY(i) + 2), fill: LANE_COLOR[lane], class: 'mark', 'data-lane': lane }) : null,
  ]);
  const stepsY = laneY(TIMELINE_LANES.length);
  const ticks = t.steps.buckets.map((b) => `M${n3(TIMELINE_PLOT.left + (b + 0.5) * bw)} ${stepsY + 1}v${BAR + 2}`).join('');
  const axisY = stepsY + LANE + 4;
  const axis = [0, 0.25, 0.5, 0.75, 1].flatMap((q) => {
    const x = TIMELINE_PLOT.left + q * TIMELINE_PLOT.width;
    return [el('line', { x1: x, x2: x, y1: TOP - 4, y2: axisY, class: 'grid' }), el('text', { x, y: axisY + 14, 'text-anchor': q === 0 ? 'start' : q === 1 ? 'end' : 'middle', class: 'tick' }, `${fmt(Number((q * windowMs).toPrecision(4)))} ms`)];
  });
  return el('svg',
    { xmlns: 'http://www.w3.org/2000/svg', viewBox: `0 0 ${W} ${height}`, width: W, height, 'data-chart': id, 'data-buckets': t.buckets, 'data-steps': t.steps.count, role: 'img' },
    el('title', {}, title),
    el('text', { x: W / 2, y: 20, 'text-anchor': 'middle', class: 'chart-title' }, title),
    axis,
    lanes,
    el('text', { x: TIMELINE_PLOT.left - 6, y: stepsY + 12, 'text-anchor': 'end', class: 'tick' }, `steps (${t.steps.count})`),
    ticks ? el('path', { d: ticks, stroke: '#222222', 'stroke-width': 1, fill: 'none', class: 'mark', 'data-lane': 'steps' }) : null);
}
