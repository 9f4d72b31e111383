/**
 * `profile summarize` on the four real traces of ../shared/fixtures/traces (vLLM on B200, SGLang on
 * MI300X, NCCL DDP on A100, transformers on H100), each figure checked against one computed here
 * from the fully parsed file by a different method (reference.ts).
 */
import { describe, expect, it } from 'vitest';
import { summarizeTrace, type DeviceSummary, type TraceSummary } from '../../src/profile/summarize.js';
import { FIXTURES_PRESENT, FIXTURES_SKIP_REASON, fixture } from '../support/env.js';
import { coverage, end, gpuOps, loadTrace, median, moduleGpuTimes, paintSelfTimes, type Ev } from './reference.js';

const TRACES = {
  vllm: 'traces/eager_trace.json.gz',
  sglang: 'traces/sglang_Qwen3-8B_prefilldecode.json.gz',
  ddp: 'traces/nccl_data.json.gz',
  transformers: 'traces/Qwen_Qwen1.5-0.5B-Chat__1016005.json.gz',
} as const;

/** Microseconds in the trace, milliseconds in the summary; floats summed in another order. */
const closeMs = (actual: number, expectedUs: number): void => expect(actual).toBeCloseTo(expectedUs / 1000, 6);

const cache = new Map<string, Promise<{ s: TraceSummary; events: Ev[]; top: Record<string, unknown> }>>();
function load(name: keyof typeof TRACES): Promise<{ s: TraceSummary; events: Ev[]; top: Record<string, unknown> }> {
  if (!cache.has(name)) {
    cache.set(name, (async () => {
      const path = fixture(TRACES[name]);
      const doc = loadTrace(path);
      return { s: await summarizeTrace(path, { top: 1000 }), events: doc.traceEvents, top: doc };
    })());
  }
  return cache.get(name)!;
}

/** Busy time, kernel table and window figures of one device, from the parsed events. */
function checkDevice(d: DeviceSummary, events: Ev[], window: [number, number]): void {
  const ops = gpuOps(events, d.device).filter((e) => e.ts >= window[0] && e.ts < window[1]);
  expect(d.window.start_us).toBeCloseTo(window[0], 3);
  expect(d.window.end_us).toBeCloseTo(window[1], 3);
  const busy = coverage([ops.map((e) => [e.ts, Math.min(end(e), window[1])])]).any;
  closeMs(d.busy_ms, busy);
  closeMs(d.idle_ms, window[1] - window[0] - busy);
  expect(d.busy_fraction + d.idle_fraction).toBeCloseTo(1, 9);
  closeMs(d.summed_gpu_ms, ops.reduce((a, e) => a + (e.dur ?? 0), 0));

  const kernels = ops.filter((e) => e.cat === 'kernel');
  const byName = new Map<string, number[]>();
  for (const k of kernels) byName.set(k.name, [...(byName.get(k.name) ?? []), k.dur ?? 0]);
  const total = kernels.reduce((a, k) => a + (k.dur ?? 0), 0);
  expect(d.kernels.count).toBe(kernels.length);
  closeMs(d.kernels.total_ms, total);
  const expected = [...byName.entries()].map(([name, durs]) => ({ name, total: durs.reduce((a, b) => a + b, 0), durs })).sort((a, b) => b.total - a.total);
  expect(d.kernels.top.map((k) => k.name).slice(0, 5)).toEqual(expected.map((k) => k.name).slice(0, 5));
  for (const row of d.kernels.top.slice(0, 10)) {
    const durs = byName.get(row.name)!;
    expect(row.count).toBe(durs.length);
    closeMs(row.total_ms, durs.reduce((a, b) => a + b, 0));
    closeMs(row.median_ms, median(durs));
    closeMs(row.max_ms, Math.max(...durs));
    closeMs(row.min_ms, Math.min(...durs));
    expect(row.share).toBeCloseTo(durs.reduce((a, b) => a + b, 0) / total, 9);
  }
  const copies = ops.filter((e) => e.cat === 'gpu_memcpy');
  expect(d.memcpy.count).toBe(copies.length);
  closeMs(d.memcpy.total_ms, copies.reduce((a, e) => a + (e.dur ?? 0), 0));
  const sets = ops.filter((e) => e.cat === 'gpu_memset');
  expect(d.memset.count).toBe(sets.length);
  closeMs(d.memset.total_ms, sets.reduce((a, e) => a + (e.dur ?? 0), 0));
}

function checkCpuOps(s: TraceSummary, events: Ev[]): void {
  const painted = paintSelfTimes(events.filter((e) => e.ph === 'X' && e.cat === 'cpu_op'));
  const bySelf = [...painted.entries()].sort((a, b) => b[1].self - a[1].self);
  expect(s.cpu_ops.by_self.slice(0, 5).map((o) => o.name)).toEqual(bySelf.slice(0, 5).map(([n]) => n));
  for (const o of [...s.cpu_ops.by_self.slice(0, 10), ...s.cpu_ops.by_total.slice(0, 10)]) {
    const ref = painted.get(o.name)!;
    expect(o.count).toBe(ref.count);
    expect(o.self_ms).toBeCloseTo(ref.self / 1000, 4);
    closeMs(o.total_ms, ref.total);
  }
}

function checkModules(s: TraceSummary, events: Ev[]): void {
  const ref = moduleGpuTimes(events);
  expect(Object.keys(s.layer_performance).sort()).toEqual([...ref.keys()].sort());
  for (const [name, row] of Object.entries(s.layer_performance)) {
    expect(row.call_count, name).toBe(ref.get(name)!.calls);
    expect(row.avg_duration_ms, name).toBeCloseTo(ref.get(name)!.total / ref.get(name)!.calls / 1000, 6);
  }
}

function steps(events: Ev[], cat: string, pattern: RegExp): Ev[] {
  return events.filter((e) => e.ph === 'X' && e.cat === cat && pattern.test(e.name)).sort((a, b) => a.ts - b.ts);
}

describe.skipIf(!FIXTURES_PRESENT)(`profile summarize on real traces${FIXTURES_PRESENT ? '' : ` (skipped: ${FIXTURES_SKIP_REASON})`}`, () => {
  it('vLLM on B200 (no metadata events, symmetric-memory all-reduce, one engine step): whole-file window, communication beyond NCCL names', async () => {
    const { s, events } = await load('vllm');
    expect(events.some((e) => e.ph === 'M')).toBe(false);
    expect(s.rank).toBe(0);
    expect(s.world_size).toBe(8);
    expect(s.devices.map((d) => [d.device, d.name])).toEqual([['0', 'NVIDIA B200']]);
    const d = s.devices[0]!;
    const ops = gpuOps(events, '0');
    expect(d.window.kind).toBe('whole_file');
    checkDevice(d, events, [Math.min(...ops.map((e) => e.ts)), Math.max(...ops.map(end))]);

    // Communication: torch symmetric-memory all-reduce (not NCCL-named) and the one NCCL all-gather.
    const comm = ops.filter((e) => e.cat === 'kernel' && /multimem_all_reduce_kernel|^ncclDevKernel_AllGather/.test(e.name));
    expect(comm.filter((e) => e.name.includes('multimem')).length).toBeGreaterThan(0);
    expect(d.communication.kernels).toBe(comm.length);
    const compute = ops.filter((e) => e.cat === 'kernel' && !comm.includes(e));
    const cov = coverage([comm.map((e) => [e.ts, end(e)]), compute.map((e) => [e.ts, end(e)])]);
    closeMs(d.communication.time_ms, coverage([comm.map((e) => [e.ts, end(e)])]).any);
    closeMs(d.communication.compute_ms, coverage([compute.map((e) => [e.ts, end(e)])]).any);
    closeMs(d.communication.overlap_ms, cov.all);
    expect(d.kernels.top.find((k) => k.name.includes('multimem_all_reduce_kernel'))?.communication).toBe(true);
    expect(d.kernels.top.filter((k) => /reduce_kernel|gather_kernel/.test(k.name) && !/multimem/.test(k.name)).every((k) => !k.communication)).toBe(true);

    // Same-stream kernels overlap in this trace: summed time exceeds busy time.
    expect(d.streams).toBe(1);
    expect(d.summed_gpu_ms).toBeGreaterThan(d.busy_ms);

    checkCpuOps(s, events);
    checkModules(s, events);
    const vllmSteps = steps(events, 'user_annotation', /^execute_context_/);
    const g = s.steps.find((x) => x.kind === 'execute')!;
    expect(g.count).toBe(vllmSteps.length);
    closeMs(g.steps[0]!.cpu_ms, vllmSteps[0]!.dur!);
    closeMs(g.steps[0]!.gpu_ms!, steps(events, 'gpu_user_annotation', /^execute_context_/)[0]!.dur!);
  });

  it('SGLang on MI300X (device 9, HIP calls under cuda_runtime, one long idle gap): modules, steps, the gap', async () => {
    const { s, events } = await load('sglang');
    expect(s.devices.map((d) => [d.device, d.name])).toEqual([['9', 'AMD Instinct MI300X']]);
    const d = s.devices[0]!;
    const ops = gpuOps(events, '9');
    checkDevice(d, events, [Math.min(...ops.map((e) => e.ts)), Math.max(...ops.map(end))]);
    // Every kernel is tied to its hip*Launch* call: none reported without a launch record.
    const hipLaunches = new Set(events.filter((e) => e.cat === 'cuda_runtime' && e.name.startsWith('hip')).map((e) => e.args?.correlation));
    expect(ops.every((k) => hipLaunches.has(k.args?.correlation))).toBe(true);
    expect(d.without_launch).toBe(0);
    // The longest idle gap, found here as the largest distance between consecutive busy pieces.
    const sorted = [...ops].sort((a, b) => a.ts - b.ts);
    let reach = end(sorted[0]!), longest = 0;
    for (const k of sorted.slice(1)) {
      longest = Math.max(longest, k.ts - reach);
      reach = Math.max(reach, end(k));
    }
    closeMs(d.longest_idle_gaps[0]!.duration_ms, longest);
    expect(longest / 1000 / d.idle_ms).toBeGreaterThan(0.9);
    expect(d.communication.kernels).toBe(0);
    checkCpuOps(s, events);
    checkModules(s, events);
    const decoderLayers = Object.keys(s.layer_performance).filter((n) => /^Qwen3DecoderLayer_\d+$/.test(n));
    expect(decoderLayers).toHaveLength(36);
    const sglangStep = steps(events, 'user_annotation', /^step\[/);
    expect(s.steps.find((x) => x.kind === 'sglang')!.steps.map((x) => x.name)).toEqual(sglangStep.map((x) => x.name));
  });

  it('NCCL DDP on A100 (three profiler steps, NCCL on its own stream): the steps window and communication overlap', async () => {
    const { s, events } = await load('ddp');
    const d = s.devices[0]!;
    const cpuSteps = steps(events, 'user_annotation', /^ProfilerStep#\d+$/);
    expect(cpuSteps).toHaveLength(3);
    expect(d.window.kind).toBe('profiler_steps');
    checkDevice(d, events, [cpuSteps[0]!.ts, Math.max(...cpuSteps.map(end))]);
    const ops = gpuOps(events, '0').filter((e) => e.ts >= cpuSteps[0]!.ts && e.ts < Math.max(...cpuSteps.map(end)));
    const comm = ops.filter((e) => e.cat === 'kernel' && e.name.startsWith('ncclKernel_'));
    const compute = ops.filter((e) => e.cat === 'kernel' && !e.name.startsWith('ncclKernel_'));
    expect(d.communication.kernels).toBe(comm.length);
    const both = coverage([comm.map((e) => [e.ts, end(e)]), compute.map((e) => [e.ts, end(e)])]).all;
    const commTime = coverage([comm.map((e) => [e.ts, end(e)])]).any;
    expect(both).toBeGreaterThan(0);
    closeMs(d.communication.overlap_ms, both);
    closeMs(d.communication.exposed_ms, commTime - both);
    expect(d.communication.overlap_fraction).toBeCloseTo(both / commTime, 9);
    expect(s.steps.find((x) => x.kind === 'profiler')!.steps.map((x) => x.cpu_ms)).toEqual(cpuSteps.map((x) => x.dur! / 1000));
    expect(Object.keys(s.layer_performance)).toHaveLength(0);
    checkCpuOps(s, events);
  });

  it('transformers on H100 (one ProfilerStep, kernels outside it without launch records): the GPU step window', async () => {
    const { s, events } = await load('transformers');
    const d = s.devices[0]!;
    const gpuStep = steps(events, 'gpu_user_annotation', /^ProfilerStep#\d+$/);
    expect(gpuStep).toHaveLength(1);
    const window: [number, number] = [gpuStep[0]!.ts, end(gpuStep[0]!)];
    checkDevice(d, events, window);
    const all = gpuOps(events, '0');
    const outside = all.filter((e) => e.ts < window[0] || e.ts >= window[1]);
    expect(outside.length).toBeGreaterThan(0);
    expect(d.outside_window.count).toBe(outside.length);
    const launched = new Set(events.filter((e) => e.cat === 'cuda_runtime' || e.cat === 'cuda_driver').map((e) => e.args?.correlation));
    expect(d.without_launch).toBe(all.filter((e) => !launched.has(e.args?.correlation)).length);
    expect(d.without_launch).toBeGreaterThan(0);
    checkCpuOps(s, events);
    checkModules(s, events);
    expect(Object.keys(s.layer_performance).filter((n) => /^Qwen2DecoderLayer_\d+$/.test(n))).toHaveLength(24);
  });
});
