/**
 * What to look at next, from the figures of one trace: each rule names the figure it read, so the
 * advice can be checked against the table above it.
 */
import type { DeviceSummary, TraceSummary } from './summarize.js';

const pct = (f: number): string => `${(f * 100).toFixed(1)}%`;
const msText = (v: number): string => `${v.toFixed(v < 10 ? 3 : 1)} ms`;

export function nextSteps(t: TraceSummary): string[] {
  const out: string[] = [];
  for (const d of t.devices) out.push(...deviceAdvice(d, t));
  if (t.devices.length && Object.keys(t.layer_performance).length === 0) {
    out.push('No nn.Module events: profile with stack/module recording (torch with_stack=True; vLLM --profiler-config.torch_profiler_with_stack=true, the default since 0.13, before it VLLM_TORCH_PROFILER_WITH_STACK=1; SGLang with_stack, the default) for per-layer GPU time.');
  }
  if (!t.devices.length) out.push('No GPU activity in this trace (a CPU-only trace, e.g. vLLM\'s async_llm frontend file): summarise the worker rank files instead.');
  return out;
}

function deviceAdvice(d: DeviceSummary, t: TraceSummary): string[] {
  const out: string[] = [];
  const who = `GPU ${d.device}`;
  if (d.idle_fraction >= 0.2) {
    const gap = d.longest_idle_gaps[0];
    const launchBound = t.cpu_ops.by_self[0];
    out.push(`${who} is idle ${pct(d.idle_fraction)} of the window (longest gap ${gap ? msText(gap.duration_ms) : '-'}): the GPU waits for the CPU — CPU-bound scheduling or launch overhead (top CPU op by self time: ${launchBound ? launchBound.name : '-'}; CUDA graphs help), or batches too small to fill it (more concurrent requests, a larger max batch).`);
    if (gap && gap.duration_ms >= d.idle_ms / 2) {
      out.push(`${who}: most of that idle time is one gap, ${msText(gap.duration_ms)} at +${msText(gap.offset_ms)}: look at what the CPU ran then (a blocking copy or synchronize, waiting for requests, a Python-side stall), not at kernels.`);
    }
  }
  const c = d.communication;
  if (c.time_ms > 0 && d.busy_ms > 0 && c.exposed_ms / d.busy_ms >= 0.1) {
    out.push(`${who}: communication is exposed for ${msText(c.exposed_ms)} (${pct(c.exposed_ms / d.busy_ms)} of busy time, ${pct(c.overlap_fraction ?? 0)} of it overlapped with compute): check the interconnect (NVLink/xGMI vs PCIe), the tensor-parallel size, and whether a custom/symmetric-memory all-reduce is in use.`);
  }
  if (d.busy_ms > 0 && d.memcpy.total_ms / d.busy_ms >= 0.1) {
    out.push(`${who}: memory copies take ${pct(d.memcpy.total_ms / d.busy_ms)} of busy time (mostly ${d.memcpy.kinds[0]?.name}): look for host-device copies in the step (pinned memory, fewer .cpu()/.item() calls).`);
  }
  const topKernel = d.kernels.top[0];
  if (topKernel && topKernel.share >= 0.4) {
    out.push(`${who}: one kernel takes ${pct(topKernel.share)} of kernel time (${topKernel.count} calls, ${topKernel.name.slice(0, 80)}): that is where kernel tuning or another backend pays.`);
  }
  if (d.summed_gpu_ms > d.busy_ms * 1.05) {
    out.push(`${who}: GPU ops overlap (summed ${msText(d.summed_gpu_ms)} vs busy ${msText(d.busy_ms)}): per-kernel totals add up to more than the time the GPU was busy.`);
  }
  if (d.outside_window.count) {
    out.push(`${who}: ${d.outside_window.count} GPU ops (${msText(d.outside_window.time_ms)}) ran outside the profiler steps and are left out.`);
  }
  if (d.without_launch) {
    out.push(`${who}: ${d.without_launch} GPU ops have no launch record (launched before the profiler started recording): they are in the GPU figures but not in the per-module times.`);
  }
  if (!out.length) out.push(`${who} is busy ${pct(d.busy_fraction)} with no exposed communication: GPU-bound; start from the top kernels.`);
  return out;
}
