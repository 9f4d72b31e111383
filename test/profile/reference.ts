/**
 * Independent figures for the profile tests: the whole trace is loaded with JSON.parse and each
 * figure is computed by a different method from the summariser's (coverage counting over sorted
 * boundaries instead of merging intervals, innermost-op painting instead of a stack of children,
 * binary search per module instead of a sweep), so a shared mistake is unlikely.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export interface Ev {
  ph: string; cat?: string; name: string; pid: number | string; tid: number | string; ts: number; dur?: number; args?: Record<string, any>;
}

export function loadTrace(path: string): { traceEvents: Ev[]; [k: string]: unknown } {
  const raw = readFileSync(path);
  return JSON.parse((raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8'));
}

export const GPU_CATS = new Set(['kernel', 'gpu_memcpy', 'gpu_memset']);
export const end = (e: Ev): number => e.ts + (e.dur ?? 0);

export function gpuOps(events: Ev[], device?: string): Ev[] {
  return events.filter((e) => e.ph === 'X' && GPU_CATS.has(e.cat ?? '') && (device === undefined || String(e.args?.device ?? e.pid) === device));
}

/**
 * Time covered by at least one of the sets' intervals, and by at least one of each set at once:
 * +1/-1 at every boundary, counted per set, summed where the counts are positive.
 */
export function coverage(sets: [number, number][][]): { any: number; all: number } {
  const points: { t: number; set: number; d: number }[] = [];
  sets.forEach((set, k) => set.forEach(([s, e]) => { if (e > s) points.push({ t: s, set: k, d: 1 }, { t: e, set: k, d: -1 }); }));
  points.sort((a, b) => a.t - b.t);
  const count = sets.map(() => 0);
  let any = 0, all = 0, prev = points[0]?.t ?? 0;
  for (const p of points) {
    const dt = p.t - prev;
    if (count.some((c) => c > 0)) any += dt;
    if (count.every((c) => c > 0)) all += dt;
    count[p.set]! += p.d;
    prev = p.t;
  }
  return { any, all };
}

/** Self time of each op: the time it is the innermost open op of its thread (painted segment by segment). */
export function paintSelfTimes(ops: Ev[]): Map<string, { self: number; total: number; count: number }> {
  const out = new Map<string, { self: number; total: number; count: number }>();
  const byThread = new Map<string, Ev[]>();
  for (const o of ops) byThread.set(`${o.pid}:${o.tid}`, [...(byThread.get(`${o.pid}:${o.tid}`) ?? []), o]);
  for (const list of byThread.values()) {
    const bounds = [...new Set(list.flatMap((o) => [o.ts, end(o)]))].sort((a, b) => a - b);
    const byStart = [...list].sort((a, b) => a.ts - b.ts || end(b) - end(a));
    const self = new Map<Ev, number>();
    let open: Ev[] = [];
    let next = 0;
    for (let i = 0; i + 1 < bounds.length; i++) {
      const lo = bounds[i]!, hi = bounds[i + 1]!;
      while (next < byStart.length && byStart[next]!.ts <= lo) open.push(byStart[next++]!);
      open = open.filter((o) => end(o) > lo);
      // The innermost: the latest to start (of two starting together, the shorter).
      const inner = open.reduce<Ev | undefined>((a, o) => (!a || o.ts > a.ts || (o.ts === a.ts && end(o) < end(a)) ? o : a), undefined);
      if (inner) self.set(inner, (self.get(inner) ?? 0) + hi - lo);
    }
    for (const o of list) {
      const row = out.get(o.name) ?? { self: 0, total: 0, count: 0 };
      row.self += self.get(o) ?? 0;
      row.total += o.dur ?? 0;
      row.count++;
      out.set(o.name, row);
    }
  }
  return out;
}

/** GPU time of each module call: kernels whose launch (same thread) lies inside it; per module name. */
export function moduleGpuTimes(events: Ev[]): Map<string, { total: number; calls: number }> {
  const gpuByCorrelation = new Map<number, number>();
  for (const k of gpuOps(events)) {
    const c = k.args?.correlation;
    if (typeof c === 'number') gpuByCorrelation.set(c, (gpuByCorrelation.get(c) ?? 0) + (k.dur ?? 0));
  }
  const launches = new Map<string, Ev[]>();
  for (const e of events) {
    if (e.ph === 'X' && (e.cat === 'cuda_runtime' || e.cat === 'cuda_driver') && typeof e.args?.correlation === 'number') {
      const key = `${e.pid}:${e.tid}`;
      launches.set(key, [...(launches.get(key) ?? []), e]);
    }
  }
  for (const l of launches.values()) l.sort((a, b) => a.ts - b.ts);
  const out = new Map<string, { total: number; calls: number }>();
  for (const m of events) {
    if (m.ph !== 'X' || m.cat !== 'python_function' || !m.name.startsWith('nn.Module: ')) continue;
    const list = launches.get(`${m.pid}:${m.tid}`) ?? [];
    let lo = 0, hi = list.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (list[mid]!.ts < m.ts) lo = mid + 1; else hi = mid; }
    let total = 0;
    for (let i = lo; i < list.length && list[i]!.ts < end(m); i++) total += gpuByCorrelation.get(list[i]!.args!.correlation) ?? 0;
    const name = m.name.slice('nn.Module: '.length);
    const row = out.get(name) ?? { total: 0, calls: 0 };
    row.total += total;
    row.calls++;
    out.set(name, row);
  }
  return out;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
