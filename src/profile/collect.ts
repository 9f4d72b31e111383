/**
 * Keeps what the summary needs from a stream of trace events, in compact per-device and per-thread
 * lists (a few numbers per GPU op, CPU op, module and launch: never the events themselves).
 */
import { isCommunication } from './communication.js';
import type { TraceEvent } from './read-trace.js';
import { stepKind, type StepKind } from './steps.js';

export const enum OpKind { Compute, Communication, Memcpy, Memset }

export interface DeviceOps {
  starts: number[];
  /** Durations as written: start + duration at trace timestamps (~1e12 µs) would lose digits. */
  durs: number[];
  kinds: OpKind[];
  names: number[];
  correlations: number[];
  streams: Set<string>;
  /** GPU-side ProfilerStep#N spans (gpu_user_annotation) on this device. */
  profilerSteps: { start: number; end: number }[];
}

export interface ThreadSpans {
  starts: number[];
  durs: number[];
  names: number[];
}

export interface Annotation {
  kind: StepKind;
  name: string;
  start: number;
  end: number;
  dur: number;
}

export class TraceCollector {
  /** Interned names: kernel, op and module names repeat thousands of times. */
  readonly names: string[] = [];
  private readonly nameIds = new Map<string, number>();
  readonly devices = new Map<string, DeviceOps>();
  readonly cpuOps = new Map<string, ThreadSpans>();
  readonly modules = new Map<string, ThreadSpans>();
  /** Runtime/driver calls that carry a correlation id (launches, memcpy calls), per CPU thread. */
  readonly launches = new Map<string, { times: number[]; correlations: number[] }>();
  readonly launchCorrelations = new Set<number>();
  readonly cpuSteps: Annotation[] = [];
  readonly gpuSteps: Annotation[] = [];

  intern(name: string): number {
    let id = this.nameIds.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.nameIds.set(name, id);
    }
    return id;
  }

  add(e: TraceEvent): void {
    if (e.ph !== 'X' || typeof e.ts !== 'number') return;
    const dur = typeof e.dur === 'number' ? e.dur : 0;
    const name = typeof e.name === 'string' ? e.name : '';
    switch (e.cat) {
      case 'kernel':
      case 'gpu_memcpy':
      case 'gpu_memset':
        return this.addGpuOp(e, name, dur);
      case 'cuda_runtime':
      case 'cuda_driver': {
        // Kernels are tied to their launch by correlation id, whatever the call is named
        // (cudaLaunchKernel, cuLaunchKernelEx, hipExtModuleLaunchKernel on ROCm, all under cuda_runtime).
        const correlation = e.args?.correlation;
        if (typeof correlation !== 'number') return;
        const t = listFor(this.launches, threadKey(e), () => ({ times: [], correlations: [] }));
        t.times.push(e.ts);
        t.correlations.push(correlation);
        this.launchCorrelations.add(correlation);
        return;
      }
      case 'cpu_op':
        return pushSpan(listFor(this.cpuOps, threadKey(e), newSpans), e.ts, dur, this.intern(name));
      case 'python_function':
        if (name.startsWith('nn.Module: ')) pushSpan(listFor(this.modules, threadKey(e), newSpans), e.ts, dur, this.intern(name.slice(11)));
        return;
      case 'user_annotation':
      case 'gpu_user_annotation': {
        const kind = stepKind(name);
        if (!kind) return;
        const a = { kind, name, start: e.ts, end: e.ts + dur, dur };
        if (e.cat === 'user_annotation') this.cpuSteps.push(a);
        else {
          this.gpuSteps.push(a);
          if (kind === 'profiler') this.device(String(e.pid)).profilerSteps.push({ start: a.start, end: a.end });
        }
        return;
      }
    }
  }

  private addGpuOp(e: TraceEvent, name: string, dur: number): void {
    const args = e.args ?? {};
    // The device is in args; the GPU "process" id is the same number on every trace we have seen
    // (9 on an MI300X trace), so it is the fallback.
    const device = this.device(String(args.device ?? e.pid));
    device.starts.push(e.ts!);
    device.durs.push(dur);
    device.kinds.push(e.cat === 'gpu_memcpy' ? OpKind.Memcpy : e.cat === 'gpu_memset' ? OpKind.Memset : isCommunication(name, args) ? OpKind.Communication : OpKind.Compute);
    device.names.push(this.intern(name));
    device.correlations.push(typeof args.correlation === 'number' ? args.correlation : -1);
    device.streams.add(String(args.stream ?? e.tid));
  }

  private device(id: string): DeviceOps {
    return listFor(this.devices, id, () => ({ starts: [], durs: [], kinds: [], names: [], correlations: [], streams: new Set(), profilerSteps: [] }));
  }
}

const threadKey = (e: TraceEvent): string => `${e.pid}:${e.tid}`;
const newSpans = (): ThreadSpans => ({ starts: [], durs: [], names: [] });

function pushSpan(t: ThreadSpans, start: number, dur: number, name: number): void {
  t.starts.push(start);
  t.durs.push(dur);
  t.names.push(name);
}

function listFor<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = make()));
  return v;
}
