/**
 * The profile page's timeline: per device a self-contained SVG whose lanes are, bucket by bucket,
 * as wide as the GPU (kernels, communication, memcpy/memset) was busy, with steps marked; its size
 * is bounded by the bucket count whatever the trace. Checked on a synthetic worst case of a million
 * intervals and on the real traces of ../shared/fixtures/traces against figures computed here from
 * the parsed events (reference.ts: coverage counting, not the summariser's interval merging).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copiesFor, writeRepeatedTrace } from '../../bench/profile/repeat-trace.js';
import { serialize } from '../../src/analyze/html.js';
import { formatHtml } from '../../src/profile/format-html.js';
import { union } from '../../src/profile/intervals.js';
import { summarizeTraces } from '../../src/profile/report.js';
import { TIMELINE_PLOT, TIMELINE_SVG_MAX_BYTES, timelineChart } from '../../src/profile/timeline-chart.js';
import { TIMELINE_BUCKETS, timeline } from '../../src/profile/timeline.js';
import { FIXTURES_PRESENT, FIXTURES_SKIP_REASON, fixture } from '../support/env.js';
import { coverage, end, gpuOps, loadTrace } from './reference.js';

/** The lanes of a timeline <svg>: for each, its pieces as [x, width] in px. */
function lanes(svg: string): Record<string, [number, number][]> {
  const out: Record<string, [number, number][]> = {};
  for (const m of svg.matchAll(/<path d="([^"]*)"[^>]*data-lane="(\w+)"/g)) {
    out[m[2]!] = [...m[1]!.matchAll(/M([\d.]+) [\d.]+h([\d.]+)v/g)].map((p) => [Number(p[1]), Number(p[2])]);
  }
  return out;
}
const widthShare = (pieces: [number, number][] | undefined) => (pieces ?? []).reduce((a, [, w]) => a + w, 0) / TIMELINE_PLOT.width;

describe('profile timeline, bounded', () => {
  it('a million intervals, each bucket partly busy: one piece per bucket, widths adding up to the busy share, under the stated size', () => {
    // 1,000,000 ops of 0.3 µs every µs over 1 s: 30 % busy, no bucket full.
    const n = 1_000_000;
    const starts = Float64Array.from({ length: n }, (_, i) => i);
    const u = union(starts, starts.map((s) => s + 0.3));
    const t = timeline({ gpu: u, compute: u, communication: new Float64Array(), memcpy: new Float64Array() }, 0, n, Array.from({ length: 5000 }, (_, i) => i * 200));
    expect(t.lanes.gpu).toHaveLength(TIMELINE_BUCKETS);
    expect(t.lanes.communication).toEqual([]);
    expect(t.steps).toEqual({ count: 5000, buckets: Array.from({ length: TIMELINE_BUCKETS }, (_, i) => i) });
    const svg = serialize(timelineChart('x', 'x', t, 1000));
    const l = lanes(svg);
    expect(l.gpu).toHaveLength(TIMELINE_BUCKETS);
    expect(widthShare(l.gpu)).toBeCloseTo(0.3, 3);
    expect(l.communication).toBeUndefined();
    expect(svg.length).toBeLessThanOrEqual(TIMELINE_SVG_MAX_BYTES);
    // The bound: 4 lanes × 600 buckets × 32 bytes a piece + 600 step ticks × 16 + 4 KiB of frame.
    expect(TIMELINE_SVG_MAX_BYTES).toBe(4 * 600 * 32 + 600 * 16 + 4096);
  });

  it('busy buckets in a row merge into one piece', () => {
    const u = Float64Array.from([100, 400, 700, 750]);
    const t = timeline({ gpu: u, compute: u, communication: u, memcpy: u }, 0, 1000, [0, 500], 10);
    expect(t.lanes.gpu).toEqual([0, 1, 1, 1, 0, 0, 0, 0.5, 0, 0]);
    const l = lanes(serialize(timelineChart('x', 'x', t, 1)));
    expect(l.gpu).toEqual([[TIMELINE_PLOT.left + 60, 180], [TIMELINE_PLOT.left + 420, 30]]);
    expect(t.steps.buckets).toEqual([0, 5]);
  });
});

const TRACES = ['traces/eager_trace.json.gz', 'traces/sglang_Qwen3-8B_prefilldecode.json.gz', 'traces/nccl_data.json.gz', 'traces/Qwen_Qwen1.5-0.5B-Chat__1016005.json.gz'];
const STEP = /^(ProfilerStep#\d+|execute_(\d+_)?context_\d+\(.*\)_generation_\d+\(.*|step\[[A-Z_]+( |\]).*)$/;

describe.skipIf(!FIXTURES_PRESENT)(`profile timeline on real traces${FIXTURES_PRESENT ? '' : ` (skipped: ${FIXTURES_SKIP_REASON})`}`, () => {
  for (const name of TRACES) {
    it(`${name}: each lane as wide as it was busy (within a bucket), steps where they start, no script, under the bound`, async () => {
      const path = fixture(name);
      const events = loadTrace(path).traceEvents;
      const report = await summarizeTraces([path]);
      const html = formatHtml(report);
      expect(html).not.toMatch(/<script|<link|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
      const devices = report.traces[0]!.devices;
      expect(devices.length).toBeGreaterThan(0);
      for (const d of devices) {
        const svg = new RegExp(`<svg[^>]*data-chart="t0-timeline-gpu${d.device}".*?</svg>`, 's').exec(html)?.[0];
        expect(svg, `timeline of GPU ${d.device}`).toBeDefined();
        expect(svg!.length).toBeLessThanOrEqual(TIMELINE_SVG_MAX_BYTES);
        const [from, to] = [d.window.start_us, d.window.end_us];
        const span = to - from;
        const ops = gpuOps(events, d.device).filter((e) => e.ts >= from && e.ts < to);
        const busy = (list: typeof ops) => coverage([list.map((e) => [e.ts, Math.min(end(e), to)])]).any / span;
        const l = lanes(svg!);
        const oneBucket = 1 / TIMELINE_BUCKETS;
        expect(Math.abs(widthShare(l.gpu) - busy(ops)), 'GPU busy').toBeLessThanOrEqual(oneBucket);
        expect(Math.abs(widthShare(l.memcpy) - busy(ops.filter((e) => e.cat !== 'kernel'))), 'memcpy/memset').toBeLessThanOrEqual(oneBucket);
        // Every piece inside the plot, each within its bucket.
        for (const [x, w] of Object.values(l).flat()) {
          expect(x).toBeGreaterThanOrEqual(TIMELINE_PLOT.left - 1e-6);
          expect(x + w).toBeLessThanOrEqual(TIMELINE_PLOT.left + TIMELINE_PLOT.width + 1e-3);
        }
        if (name.includes('nccl')) {
          // DDP: NCCL kernels are the communication, every other kernel compute.
          const kernels = ops.filter((e) => e.cat === 'kernel');
          expect(Math.abs(widthShare(l.communication) - busy(kernels.filter((e) => e.name.startsWith('ncclKernel_')))), 'communication').toBeLessThanOrEqual(oneBucket);
          expect(Math.abs(widthShare(l.compute) - busy(kernels.filter((e) => !e.name.startsWith('ncclKernel_')))), 'kernels').toBeLessThanOrEqual(oneBucket);
          expect(widthShare(l.communication)).toBeGreaterThan(0);
        }
        // Steps: the device's GPU ProfilerStep spans, or without them the CPU step annotations, that
        // start in the window; a tick in the bucket of each start.
        const inWindow = (e: (typeof events)[number]) => e.ph === 'X' && e.ts >= from && e.ts < to;
        const gpuSteps = events.filter((e) => e.cat === 'gpu_user_annotation' && /^ProfilerStep#\d+$/.test(e.name) && String(e.pid) === d.device);
        const steps = gpuSteps.length ? gpuSteps.filter(inWindow) : events.filter((e) => inWindow(e) && e.cat === 'user_annotation' && STEP.test(e.name));
        if (name.includes('nccl')) expect(steps).toHaveLength(3);
        if (name.includes('Qwen1.5')) expect(steps).toHaveLength(1);
        expect(Number(/data-steps="(\d+)"/.exec(svg!)![1])).toBe(steps.length);
        const ticks = [...(/data-lane="steps"/.test(svg!) ? /<path d="([^"]*)"[^>]*data-lane="steps"/.exec(svg!)![1]!.matchAll(/M([\d.]+) /g) : [])].map((m) => Number(m[1]));
        const bw = TIMELINE_PLOT.width / TIMELINE_BUCKETS;
        const expected = [...new Set(steps.map((e) => Math.floor(((e.ts - from) / span) * TIMELINE_BUCKETS)))].sort((a, b) => a - b);
        expect(ticks.map((x) => Math.round((x - TIMELINE_PLOT.left) / bw - 0.5))).toEqual(expected);
      }
    }, 60_000);
  }
});

describe.skipIf(!FIXTURES_PRESENT)(`profile timeline of a 200 MB trace${FIXTURES_PRESENT ? '' : ` (skipped: ${FIXTURES_SKIP_REASON})`}`, () => {
  it('stays within the bound: the page of 15 shifted copies of the SGLang trace is about as small as that of one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cvm-timeline-'));
    try {
      const source = fixture('traces/sglang_Qwen3-8B_prefilldecode.json.gz');
      const big = join(dir, 'big.pt.trace.json');
      const copies = copiesFor(source, 200);
      await writeRepeatedTrace(source, copies, big);
      expect(statSync(big).size).toBeGreaterThan(190 * 2 ** 20);
      const [one, many] = [await summarizeTraces([source]), await summarizeTraces([big])];
      const d = many.traces[0]!.devices[0]!;
      expect(d.busy_ms).toBeCloseTo(copies * one.traces[0]!.devices[0]!.busy_ms, 3);
      const html = formatHtml(many);
      const svg = /<svg[^>]*data-chart="t0-timeline-gpu[^"]*".*?<\/svg>/s.exec(html)![0];
      expect(svg.length).toBeLessThanOrEqual(TIMELINE_SVG_MAX_BYTES);
      expect(html.length).toBeLessThan(formatHtml(one).length + TIMELINE_SVG_MAX_BYTES);
      expect(html.length).toBeLessThan(200_000);
      // The copies' busy time over their window, as wide as the GPU lane, within a bucket.
      expect(Math.abs(widthShare(lanes(svg).gpu) - (copies * one.traces[0]!.devices[0]!.busy_ms) / d.window.duration_ms)).toBeLessThanOrEqual(1 / TIMELINE_BUCKETS);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
