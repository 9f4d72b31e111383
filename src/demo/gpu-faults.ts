/**
 * GPU faults an emulated exporter can show, so scenarios can drive every GPU alert: XIDs (events
 * with a code; each call is one more event), a GPU gone from the bus, row-remap failure and pending
 * remaps, uncorrectable memory errors, and clocks throttled by power or temperature.
 */

export type GpuFault =
  | { kind: 'xid'; code: number; gpu?: number }
  | { kind: 'gone'; gpu?: number }
  | { kind: 'row-remap-failure'; gpu?: number }
  | { kind: 'row-remap-pending'; gpu?: number }
  /** Uncorrectable ECC errors; on GPUs with a row remapper each also records a remap pending a reset. */
  | { kind: 'uncorrectable-memory'; errors?: number; gpu?: number }
  /** Clocks held down by `reason` for `ratio` (0-1) of the time from now on. */
  | { kind: 'throttle'; reason: 'power' | 'thermal'; ratio: number; gpu?: number };

/** What one GPU's health looks like to its exporter. */
export interface GpuHealth {
  /** XID events (emulated seconds, code), oldest first: exporters keep counting them. */
  xids: { at: number; code: number }[];
  gone: boolean;
  rowRemapFailure: boolean;
  rowRemapPending: boolean;
  /** Uncorrectable ECC errors since the last GPU reset (volatile). */
  uncorrectableErrors: number;
  /** Rows remapped for uncorrectable errors (persistent). */
  uncorrectableRemappedRows: number;
  throttle: { power: number; thermal: number };
  /** Seconds throttled since the driver loaded, per reason. */
  throttledSeconds: { power: number; thermal: number };
}

export const healthyGpu = (): GpuHealth => ({
  xids: [],
  gone: false,
  rowRemapFailure: false,
  rowRemapPending: false,
  uncorrectableErrors: 0,
  uncorrectableRemappedRows: 0,
  throttle: { power: 0, thermal: 0 },
  throttledSeconds: { power: 0, thermal: 0 },
});

export function applyFault(h: GpuHealth, f: GpuFault, now: number): void {
  switch (f.kind) {
    case 'xid':
      h.xids.push({ at: now, code: f.code });
      return;
    case 'gone':
      h.gone = true;
      return;
    case 'row-remap-failure':
      h.rowRemapFailure = true;
      return;
    case 'row-remap-pending':
      h.rowRemapPending = true;
      return;
    case 'uncorrectable-memory': {
      const n = f.errors ?? 1;
      h.uncorrectableErrors += n;
      h.uncorrectableRemappedRows += n;
      h.rowRemapPending = true;
      return;
    }
    case 'throttle':
      h.throttle[f.reason] = Math.min(1, Math.max(0, f.ratio));
  }
}

/**
 * Back to healthy operation: the GPU is back, flags and throttling cleared (a reset), while what
 * the exporter already saw stays (XID history, persistent remapped rows, throttle time).
 */
export function clearFaults(h: GpuHealth): void {
  h.gone = false;
  h.rowRemapFailure = false;
  h.rowRemapPending = false;
  h.uncorrectableErrors = 0;
  h.throttle = { power: 0, thermal: 0 };
}

/** The last XID code (0: none), as DCGM's gauge holds it. */
export const lastXid = (h: GpuHealth): number => h.xids.at(-1)?.code ?? 0;

/** Events per code within the last `windowSeconds`. */
export function xidCounts(h: GpuHealth, now: number, windowSeconds: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const e of h.xids) if (e.at > now - windowSeconds) out.set(e.code, (out.get(e.code) ?? 0) + 1);
  return out;
}

/** Events per code since the start, with the time of the last one. */
export function xidTotals(h: GpuHealth): Map<number, { count: number; last: number }> {
  const out = new Map<number, { count: number; last: number }>();
  for (const e of h.xids) out.set(e.code, { count: (out.get(e.code)?.count ?? 0) + 1, last: e.at });
  return out;
}
