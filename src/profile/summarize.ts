/**
 * The summary of one trace file: per device the window, busy/idle from the union of GPU intervals,
 * the kernel table (nsys cuda_gpu_kern_sum's columns), memcpy/memset, communication vs compute; for
 * the process its CPU ops (self and total), per-module GPU time and step durations.
 * Times are in milliseconds (the trace's microseconds / 1000).
 */
import { OpKind, TraceCollector, type DeviceOps, type ThreadSpans } from './collect.js';
import { gaps, length, overlapLength, union } from './intervals.js';
import { bySweepOrder, selfTimes, sweepPoints, type Span } from './nesting.js';
import { readTrace } from './read-trace.js';
import { spread } from './stats.js';
import { STEP_KIND_LABEL, type StepKind } from './steps.js';
import { timeline, type Timeline } from './timeline.js';

export interface KernelRow {
  name: string;
  communication: boolean;
  count: number;
  total_ms: number;
  /** Of all kernel time on the device (summed, as nsys' Time %). */
  share: number;
  mean_ms: number;
  median_ms: number;
  min_ms: number;
  max_ms: number;
  std_ms: number;
}

export interface DeviceSummary {
  device: string;
  name?: string;
  window: { kind: 'profiler_steps' | 'whole_file'; description: string; start_us: number; end_us: number; duration_ms: number };
  /** GPU ops that started outside the window: left out of every figure below. */
  outside_window: { count: number; time_ms: number };
  streams: number;
  busy_ms: number;
  idle_ms: number;
  busy_fraction: number;
  idle_fraction: number;
  /** Summed durations of the GPU ops in the window: above busy_ms when they overlap. */
  summed_gpu_ms: number;
  longest_idle_gaps: { offset_ms: number; duration_ms: number }[];
  kernels: { count: number; total_ms: number; top: KernelRow[] };
  memcpy: { count: number; total_ms: number; kinds: { name: string; count: number; total_ms: number }[] };
  memset: { count: number; total_ms: number };
  communication: {
    kernels: number;
    /** Union of communication kernels, union of compute kernels, and the time both run. */
    time_ms: number;
    compute_ms: number;
    overlap_ms: number;
    exposed_ms: number;
    /** overlap ÷ communication time (HTA's overlap ratio); null without communication. */
    overlap_fraction: number | null;
  };
  /** GPU ops whose correlation id matches no runtime call (launched before the profiler started). */
  without_launch: number;
  /** The window in TIMELINE_BUCKETS buckets: each lane's busy share per bucket, and where steps start. */
  timeline: Timeline;
}

export interface OpRow {
  name: string;
  count: number;
  self_ms: number;
  total_ms: number;
}

export interface StepGroup {
  kind: StepKind;
  description: string;
  count: number;
  cpu_ms: { mean: number; median: number; min: number; max: number };
  gpu_ms: { mean: number; median: number; min: number; max: number } | null;
  steps: { name: string; cpu_ms: number; gpu_ms: number | null }[];
}

export interface TraceSummary {
  file: string;
  bytes: number;
  events: number;
  rank: number | null;
  world_size: number | null;
  devices: DeviceSummary[];
  cpu_ops: { count: number; by_self: OpRow[]; by_total: OpRow[] };
  /** The seed's shape: module name → GPU time per call (kernels launched inside it) and calls. */
  layer_performance: Record<string, { avg_duration_ms: number; call_count: number; total_ms: number }>;
  module_classes: { name: string; instances: number; calls: number; total_ms: number; avg_ms: number }[];
  steps: StepGroup[];
}

export interface SummaryOptions {
  /** Rows in the kernel and CPU op tables (default 15). */
  top?: number;
}

export async function summarizeTrace(path: string, options: SummaryOptions = {}): Promise<TraceSummary> {
  const collector = new TraceCollector();
  const read = await readTrace(path, (e) => collector.add(e));
  return buildSummary(collector, read.meta, { file: path, bytes: read.bytes, events: read.events }, options.top ?? 15);
}

const ms = (us: number): number => us / 1000;
// Loops, not Math.min(...list): a spread of a million arguments overflows the stack.
const minOf = (v: number[]): number => v.reduce((a, b) => (b < a ? b : a), Infinity);
const maxOf = (v: number[]): number => v.reduce((a, b) => (b > a ? b : a), -Infinity);

function buildSummary(c: TraceCollector, meta: Record<string, unknown>, source: { file: string; bytes: number; events: number }, top: number): TraceSummary {
  const dist = (meta.distributedInfo ?? {}) as { rank?: unknown; world_size?: unknown };
  const props = Array.isArray(meta.deviceProperties) ? (meta.deviceProperties as { id?: unknown; name?: unknown }[]) : [];
  const cpuProfilerSteps = c.cpuSteps.filter((s) => s.kind === 'profiler');
  const gpuByCorrelation = gpuTimeByCorrelation(c);
  const withOps = [...c.devices.entries()].filter(([, d]) => d.starts.length > 0);
  const devices = withOps
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([id, d]) => {
      // deviceProperties ids are local indices; a lone entry describes the lone device (device 9
      // of an MI300X trace is described as id 0).
      const prop = props.find((p) => String(p.id) === id) ?? (props.length === 1 && withOps.length === 1 ? props[0] : undefined);
      return deviceSummary(c, id, d, typeof prop?.name === 'string' ? prop.name : undefined, cpuProfilerSteps, top);
    });
  return {
    ...source,
    rank: typeof dist.rank === 'number' ? dist.rank : null,
    world_size: typeof dist.world_size === 'number' ? dist.world_size : null,
    devices,
    cpu_ops: cpuOpTables(c, top),
    ...modulePerformance(c, gpuByCorrelation),
    steps: stepGroups(c),
  };
}

function deviceSummary(c: TraceCollector, id: string, d: DeviceOps, name: string | undefined, cpuProfilerSteps: Span[], top: number): DeviceSummary {
  const stepSpans = d.profilerSteps.length ? d.profilerSteps : cpuProfilerSteps;
  let window: DeviceSummary['window'];
  if (stepSpans.length) {
    const start = minOf(stepSpans.map((s) => s.start)), end = maxOf(stepSpans.map((s) => s.end));
    const where = d.profilerSteps.length ? 'their GPU span' : 'their CPU span (no GPU step annotation)';
    window = { kind: 'profiler_steps', description: `${stepSpans.length} profiler step${stepSpans.length > 1 ? 's' : ''}, ${where}`, start_us: start, end_us: end, duration_ms: ms(end - start) };
  } else {
    const start = minOf(d.starts), end = maxOf(d.starts.map((t, i) => t + d.durs[i]!));
    window = { kind: 'whole_file', description: 'whole file (no profiler steps): first to last GPU activity', start_us: start, end_us: end, duration_ms: ms(end - start) };
  }
  const inWindow: number[] = [];
  const outside = { count: 0, time_ms: 0 };
  for (let i = 0; i < d.starts.length; i++) {
    if (d.starts[i]! >= window.start_us && d.starts[i]! < window.end_us) inWindow.push(i);
    else {
      outside.count++;
      outside.time_ms += ms(d.durs[i]!);
    }
  }
  const clippedUnion = (pick: (i: number) => boolean): Float64Array => {
    const idx = inWindow.filter(pick);
    return union(idx.map((i) => d.starts[i]!), idx.map((i) => Math.min(d.starts[i]! + d.durs[i]!, window.end_us)));
  };
  const all = clippedUnion(() => true);
  const busy = length(all);
  const span = window.end_us - window.start_us;
  const comm = clippedUnion((i) => d.kinds[i] === OpKind.Communication);
  const compute = clippedUnion((i) => d.kinds[i] === OpKind.Compute);
  const commTime = length(comm), overlap = overlapLength(comm, compute);
  const copies = clippedUnion((i) => d.kinds[i] === OpKind.Memcpy || d.kinds[i] === OpKind.Memset);
  // Steps where the device's GPU step spans start, or without those where their CPU annotations (every kind) do.
  const stepStarts = (d.profilerSteps.length ? d.profilerSteps : c.cpuSteps).map((x) => x.start);

  const byName = (kinds: OpKind[]): Map<number, number[]> => {
    const m = new Map<number, number[]>();
    for (const i of inWindow) {
      if (!kinds.includes(d.kinds[i]!)) continue;
      const list = m.get(d.names[i]!) ?? [];
      list.push(d.durs[i]!);
      m.set(d.names[i]!, list);
    }
    return m;
  };
  const kernelDurations = byName([OpKind.Compute, OpKind.Communication]);
  const kernelTotal = [...kernelDurations.values()].flat().reduce((a, b) => a + b, 0);
  const commNames = new Set(inWindow.filter((i) => d.kinds[i] === OpKind.Communication).map((i) => d.names[i]!));
  const kernels = [...kernelDurations.entries()].map(([n, durs]): KernelRow => {
    const s = spread(durs);
    return {
      name: c.names[n]!, communication: commNames.has(n), count: s.count, total_ms: ms(s.total), share: kernelTotal ? s.total / kernelTotal : 0,
      mean_ms: ms(s.mean), median_ms: ms(s.median), min_ms: ms(s.min), max_ms: ms(s.max), std_ms: ms(s.std),
    };
  }).sort((a, b) => b.total_ms - a.total_ms);
  const copyKinds = [...byName([OpKind.Memcpy]).entries()].map(([n, durs]) => ({ name: c.names[n]!, count: durs.length, total_ms: ms(durs.reduce((a, b) => a + b, 0)) }));
  const memsets = [...byName([OpKind.Memset]).values()].flat();
  const summed = inWindow.reduce((a, i) => a + d.durs[i]!, 0);

  return {
    device: id,
    ...(name ? { name } : {}),
    window,
    outside_window: outside,
    streams: d.streams.size,
    busy_ms: ms(busy),
    idle_ms: ms(span - busy),
    busy_fraction: span > 0 ? busy / span : 0,
    idle_fraction: span > 0 ? 1 - busy / span : 0,
    summed_gpu_ms: ms(summed),
    longest_idle_gaps: gaps(all, window.start_us, window.end_us).slice(0, 3).map((g) => ({ offset_ms: ms(g.start - window.start_us), duration_ms: ms(g.end - g.start) })),
    kernels: { count: kernels.reduce((a, k) => a + k.count, 0), total_ms: ms(kernelTotal), top: kernels.slice(0, top) },
    memcpy: { count: copyKinds.reduce((a, k) => a + k.count, 0), total_ms: copyKinds.reduce((a, k) => a + k.total_ms, 0), kinds: copyKinds.sort((a, b) => b.total_ms - a.total_ms) },
    memset: { count: memsets.length, total_ms: ms(memsets.reduce((a, b) => a + b, 0)) },
    communication: {
      kernels: inWindow.filter((i) => d.kinds[i] === OpKind.Communication).length,
      time_ms: ms(commTime), compute_ms: ms(length(compute)), overlap_ms: ms(overlap), exposed_ms: ms(commTime - overlap),
      overlap_fraction: commTime > 0 ? overlap / commTime : null,
    },
    without_launch: d.correlations.filter((k) => !c.launchCorrelations.has(k)).length,
    timeline: timeline({ gpu: all, compute, communication: comm, memcpy: copies }, window.start_us, window.end_us, stepStarts),
  };
}

function spansOf(t: ThreadSpans): (Span & { dur: number; name: number })[] {
  return bySweepOrder(t.starts.map((start, i) => ({ start, end: start + t.durs[i]!, dur: t.durs[i]!, name: t.names[i]! })));
}

function cpuOpTables(c: TraceCollector, top: number): TraceSummary['cpu_ops'] {
  const rows = new Map<number, OpRow>();
  let count = 0;
  for (const thread of c.cpuOps.values()) {
    const spans = spansOf(thread);
    const self = selfTimes(spans);
    spans.forEach((s, i) => {
      const row = rows.get(s.name) ?? { name: c.names[s.name]!, count: 0, self_ms: 0, total_ms: 0 };
      row.count++;
      row.self_ms += ms(self[i]!);
      row.total_ms += ms(s.dur);
      rows.set(s.name, row);
      count++;
    });
  }
  const all = [...rows.values()];
  return {
    count,
    by_self: [...all].sort((a, b) => b.self_ms - a.self_ms).slice(0, top),
    by_total: [...all].sort((a, b) => b.total_ms - a.total_ms).slice(0, top),
  };
}

function gpuTimeByCorrelation(c: TraceCollector): Map<number, number> {
  const m = new Map<number, number>();
  for (const d of c.devices.values()) {
    d.correlations.forEach((k, i) => {
      if (k >= 0) m.set(k, (m.get(k) ?? 0) + d.durs[i]!);
    });
  }
  return m;
}

/** GPU time of each module call: the GPU ops launched (on its thread) while it was open, children included. */
function modulePerformance(c: TraceCollector, gpuByCorrelation: Map<number, number>): Pick<TraceSummary, 'layer_performance' | 'module_classes'> {
  const perName = new Map<number, { calls: number; total: number }>();
  for (const [thread, modules] of c.modules) {
    const spans = spansOf(modules);
    const gpu = new Float64Array(spans.length);
    const launches = c.launches.get(thread);
    if (launches) {
      const order = launches.times.map((_, i) => i).sort((a, b) => launches.times[a]! - launches.times[b]!);
      sweepPoints(spans, order.map((i) => launches.times[i]!), (p, open) => {
        const time = gpuByCorrelation.get(launches.correlations[order[p]!]!) ?? 0;
        if (time) for (const m of open) gpu[m]! += time;
      });
    }
    spans.forEach((s, i) => {
      const row = perName.get(s.name) ?? { calls: 0, total: 0 };
      row.calls++;
      row.total += gpu[i]!;
      perName.set(s.name, row);
    });
  }
  const layer_performance: TraceSummary['layer_performance'] = {};
  const classes = new Map<string, { instances: number; calls: number; total: number }>();
  for (const [id, row] of [...perName.entries()].sort((a, b) => b[1].total - a[1].total)) {
    const name = c.names[id]!;
    layer_performance[name] = { avg_duration_ms: ms(row.total / row.calls), call_count: row.calls, total_ms: ms(row.total) };
    // torch names instances Class_0, Class_1, ...: the class is the name without its index.
    const cls = name.replace(/_\d+$/, '');
    const k = classes.get(cls) ?? { instances: 0, calls: 0, total: 0 };
    k.instances++;
    k.calls += row.calls;
    k.total += row.total;
    classes.set(cls, k);
  }
  const module_classes = [...classes.entries()]
    .map(([name, k]) => ({ name, instances: k.instances, calls: k.calls, total_ms: ms(k.total), avg_ms: ms(k.total / k.calls) }))
    .sort((a, b) => b.total_ms - a.total_ms);
  return { layer_performance, module_classes };
}

function stepGroups(c: TraceCollector): StepGroup[] {
  const kinds: StepKind[] = ['profiler', 'execute', 'sglang'];
  return kinds.flatMap((kind) => {
    const cpu = c.cpuSteps.filter((s) => s.kind === kind).sort((a, b) => a.start - b.start);
    if (!cpu.length) return [];
    // The GPU span of a step is the gpu_user_annotation of the same name (vLLM and torch write one).
    const gpuByName = new Map<string, number[]>();
    for (const g of c.gpuSteps.filter((s) => s.kind === kind)) gpuByName.set(g.name, [...(gpuByName.get(g.name) ?? []), g.dur]);
    const steps = cpu.map((s) => ({ name: s.name, cpu_ms: ms(s.dur), gpu_ms: gpuByName.get(s.name)?.shift() ?? null }))
      .map((s) => ({ ...s, gpu_ms: s.gpu_ms === null ? null : ms(s.gpu_ms) }));
    const stat = (v: number[]): StepGroup['cpu_ms'] => {
      const s = spread(v);
      return { mean: s.mean, median: s.median, min: s.min, max: s.max };
    };
    const gpu = steps.flatMap((s) => (s.gpu_ms === null ? [] : [s.gpu_ms]));
    return [{ kind, description: STEP_KIND_LABEL[kind], count: steps.length, cpu_ms: stat(steps.map((s) => s.cpu_ms)), gpu_ms: gpu.length ? stat(gpu) : null, steps: steps.slice(0, 1000) }];
  });
}
