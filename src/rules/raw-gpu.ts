/**
 * Raw GPU exporter series for the generated promtool tests, named and labelled as each exporter
 * exposes them (src/engines/gpu.ts and ../shared/fixtures): dcgm-exporter 4.5.3-4.8.2 with this
 * stack's counters CSV, nvidia_gpu_exporter 1.14 (XIDs with its NVML backend), and the AMD
 * device-metrics-exporter 1.5. Faults (XIDs, a GPU gone, row remapping, throttling, RAS events,
 * exporter restarts) are built from a per-step timeline, so each test states what happened, not how
 * the samples look.
 */
import type { GpuKind } from '../config/types.js';
import { DCGM_XID_WINDOW_MS, dcgmXidText } from '../engines/gpu.js';
import { GPU_JOB } from '../render/prometheus.js';
import { type InputSeries, type Labels, STEP_SECONDS, constant, counter, input, stepsFor } from './promtool-tests.js';


export interface XidEvent {
  atStep: number;
  code: number;
}

/** Steps [from, to) in which the exporter was down (failed scrapes) and came back as a new process. */
export type Restart = [from: number, to: number];

export interface XidOptions {
  restart?: Restart;
  /** DCGM: the exporter's count is not collected (a counters CSV without DCGM_EXP_XID_ERRORS_COUNT). */
  lastCodeOnly?: boolean;
  /** XIDs older than the test (an hour before it starts): the last code, and how many of it. */
  prior?: { code: number; count: number };
  /**
   * After the restart the new process reports the prior state again (DCGM with a separate
   * nv-hostengine keeps its last code; for the nvidia-smi exporter a hypothetical replay).
   */
  keepsPrior?: boolean;
}

export interface RasEvent {
  atStep: number;
  severity: 'fatal' | 'non_fatal_uncorrected' | 'non_fatal_corrected';
  afids: number[];
}

export interface RawGpu {
  kind: Exclude<GpuKind, 'none'>;
  /** Labels of our gpu: series for GPU `i` (default 0) of this exporter target. */
  gpuLabels: Labels;
  gpu(i: number): Labels;
  /** The exporter target (its `up` series). */
  up: Labels;
  temperature(v: string): InputSeries[];
  /** Memory used and total in MiB. */
  memory(usedMiB: number, totalMiB: number, steps: number): InputSeries[];
  /**
   * `gpus` GPUs reporting a temperature and `up`; GPU `gone.gpu` stops being reported at step
   * `gone.atStep`; from `downAt` the scrape fails (every series stale, up 0).
   */
  machine(gpus: number, steps: number, o?: { gone?: { gpu: number; atStep: number }; downAt?: number }): InputSeries[];
  /** XID series for these events; undefined where the exporter reports no XIDs (AMD). */
  xids?(events: XidEvent[], steps: number, o?: XidOptions): InputSeries[];
  /** Row-remap failure and pending flags (0/1 per step, expanding notation); NVIDIA only. */
  rowRemap?(failure: string, pending: string): InputSeries[];
  /** The uncorrectable memory error count the exporter reports (expanding notation). */
  uncorrectable(v: string): InputSeries[];
  /** Clocks held down by `reason` for `ratio` of every step; nvidia-smi: by its `cause` (default sw_power_cap / hw_thermal_slowdown). */
  throttle(reason: 'power' | 'thermal', ratio: number, steps: number, cause?: string): InputSeries[];
  /** AMD RAS records (gpu_afid_errors) and gpu_health; undefined for NVIDIA. */
  ras?(events: RasEvent[], steps: number, o?: { restart?: Restart; freshStart?: number }): InputSeries[];
}

/** One sample per step and label set: number, or undefined where the exporter does not report it. */
type Timeline = Map<string, { labels: Labels; values: (number | undefined)[] }>;

function timeline(steps: number, at: (step: number) => { labels: Labels; value: number }[]): Timeline {
  const t: Timeline = new Map();
  for (let s = 0; s <= steps; s++) {
    for (const { labels, value } of at(s)) {
      const key = JSON.stringify(Object.entries(labels).sort());
      const entry = t.get(key) ?? { labels, values: Array<number | undefined>(steps + 1).fill(undefined) };
      entry.values[s] = value;
      t.set(key, entry);
    }
  }
  return t;
}

/** Expanding notation: runs of a value (`vxN` is N+1 samples), a stale marker where a series ends, `_` gaps. */
function notation(values: (number | undefined)[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < values.length) {
    const v = values[i];
    let j = i;
    while (j + 1 < values.length && values[j + 1] === v) j++;
    if (v === undefined) {
      const stale = i > 0 && values[i - 1] !== undefined;
      const missing = j - i + 1 - (stale ? 1 : 0);
      if (stale) parts.push('stale');
      if (missing > 0) parts.push(`_x${missing}`);
    } else {
      parts.push(j === i ? String(v) : `${v}x${j - i}`);
    }
    i = j + 1;
  }
  return parts.join(' ');
}

const inputs = (name: string, t: Timeline): InputSeries[] => [...t.values()].map(({ labels, values }) => input(name, labels, notation(values)));

const isDown = (s: number, r?: Restart): boolean => r !== undefined && s >= r[0] && s < r[1];
/** Events the exporter process running at step `s` has seen: after a restart, only newer ones. */
const seen = (events: XidEvent[], s: number, r?: Restart): XidEvent[] => events.filter((e) => e.atStep <= s && (r === undefined || s < r[0] || e.atStep >= r[1]));

/** Series for one exporter target, one sample every `stepSeconds` (the test group's interval). */
export function rawGpu(kind: Exclude<GpuKind, 'none'>, instance = 'gpu-host-1', stepSeconds = STEP_SECONDS): RawGpu {
  const target = { job: GPU_JOB[kind], instance, host: instance };
  const gpu = (i: number): Labels => ({ ...target, gpu: String(i) });
  const upSeries = (steps: number, downAt?: number): InputSeries =>
    input('up', target, downAt === undefined ? constant(1, steps) : `${constant(1, downAt - 1)} ${constant(0, steps - downAt)}`);
  /** A series per GPU, reported until the GPU is gone or the exporter down. */
  const perGpu = (name: string, labels: (i: number) => Labels, value: number, gpus: number, steps: number, o: { gone?: { gpu: number; atStep: number }; downAt?: number }) =>
    inputs(
      name,
      timeline(steps, (s) =>
        Array.from({ length: gpus }, (_, i) => i)
          .filter((i) => (o.downAt === undefined || s < o.downAt) && !(o.gone && o.gone.gpu === i && s >= o.gone.atStep))
          .map((i) => ({ labels: labels(i), value })),
      ),
    );
  const throttleCounter = (perSecond: number, scale: number, steps: number) => counter(perSecond * stepSeconds * scale, steps);

  if (kind === 'dcgm') {
    const l = (i: number): Labels => ({
      ...target,
      gpu: String(i),
      UUID: `GPU-5a3e0c1f-0000-0000-0000-00000000000${i}`,
      pci_bus_id: `00000000:${(0x18 + i * 0x10).toString(16).toUpperCase()}:00.0`,
      device: `nvidia${i}`,
      modelName: 'NVIDIA H100 80GB HBM3',
      Hostname: instance,
      DCGM_FI_DRIVER_VERSION: '570.133.20',
    });
    const window = { window_size_in_ms: String(DCGM_XID_WINDOW_MS) };
    return {
      kind,
      gpuLabels: gpu(0),
      gpu,
      up: target,
      temperature: (v) => [input('DCGM_FI_DEV_GPU_TEMP', l(0), v)],
      memory: (used, total, steps) => [
        input('DCGM_FI_DEV_FB_USED', l(0), constant(used, steps)),
        input('DCGM_FI_DEV_FB_FREE', l(0), constant(total - used, steps)),
        input('DCGM_FI_DEV_FB_RESERVED', l(0), constant(0, steps)),
      ],
      machine: (gpus, steps, o = {}) => [upSeries(steps, o.downAt), ...perGpu('DCGM_FI_DEV_GPU_TEMP', l, 45, gpus, steps, o)],
      xids: (events, steps, o = {}) => {
        const prior = (s: number) => (o.restart === undefined || s < o.restart[0] || o.keepsPrior ? o.prior : undefined);
        // The gauge keeps the last code the running process saw (0: none); its err_code/err_msg change with it.
        const last = timeline(steps, (s) => {
          if (isDown(s, o.restart)) return [];
          const code = seen(events, s, o.restart).at(-1)?.code ?? prior(s)?.code ?? 0;
          return [{ labels: { ...l(0), err_code: String(code), err_msg: dcgmXidText(code) }, value: code }];
        });
        // The exporter's count: events DCGM holds within the window, one series per code; none, a 0 without xid.
        const count = timeline(steps, (s) => {
          if (isDown(s, o.restart)) return [];
          const inWindow = seen(events, s, o.restart).filter((e) => (s - e.atStep) * stepSeconds < DCGM_XID_WINDOW_MS / 1000);
          const codes = [...new Set(inWindow.map((e) => e.code))];
          if (codes.length === 0) return [{ labels: { ...l(0), ...window }, value: 0 }];
          return codes.map((c) => ({ labels: { ...l(0), ...window, xid: String(c) }, value: inWindow.filter((e) => e.code === c).length }));
        });
        return [...inputs('DCGM_FI_DEV_XID_ERRORS', last), ...(o.lastCodeOnly ? [] : inputs('DCGM_EXP_XID_ERRORS_COUNT', count))];
      },
      rowRemap: (failure, pending) => [input('DCGM_FI_DEV_ROW_REMAP_FAILURE', l(0), failure), input('DCGM_FI_DEV_ROW_REMAP_PENDING', l(0), pending)],
      uncorrectable: (v) => [input('DCGM_FI_DEV_ECC_DBE_VOL_TOTAL', l(0), v)],
      // Nanoseconds throttled.
      throttle: (reason, ratio, steps) => [input(reason === 'power' ? 'DCGM_FI_DEV_POWER_VIOLATION' : 'DCGM_FI_DEV_THERMAL_VIOLATION', l(0), throttleCounter(ratio, 1e9, steps))],
    };
  }

  if (kind === 'nvidia-smi') {
    const uuid = (i: number) => `00000000-0000-0000-0000-00000000000${i}`;
    const l = (i: number): Labels => ({ ...target, uuid: uuid(i) });
    const info = (steps: number, gpus = 1, o: { gone?: { gpu: number; atStep: number }; downAt?: number } = {}) =>
      inputs(
        'nvidia_smi_gpu_info',
        timeline(steps, (s) =>
          Array.from({ length: gpus }, (_, i) => i)
            .filter((i) => (o.downAt === undefined || s < o.downAt) && !(o.gone && o.gone.gpu === i && s >= o.gone.atStep))
            .map((i) => ({ labels: { ...l(i), index: String(i), name: 'NVIDIA H100 80GB HBM3', driver_version: '590.48.01', compute_cap: '9.0' }, value: 1 })),
        ),
      );
    return {
      kind,
      gpuLabels: gpu(0),
      gpu,
      up: target,
      temperature: (v) => [input('nvidia_smi_temperature_gpu', l(0), v), ...info(200)],
      memory: (used, total, steps) => [
        input('nvidia_smi_memory_used_bytes', l(0), constant(used * 1048576, steps)),
        input('nvidia_smi_memory_total_bytes', l(0), constant(total * 1048576, steps)),
        ...info(steps),
      ],
      machine: (gpus, steps, o = {}) => [upSeries(steps, o.downAt), ...perGpu('nvidia_smi_temperature_gpu', l, 45, gpus, steps, o), ...info(steps, gpus, o)],
      // NVML backend: a counter and a last-event timestamp per code, from the code's first event in this process.
      xids: (events, steps, o = {}) => {
        const hourBefore = -3600;
        const series = (value: (count: number, lastStep: number) => number) =>
          timeline(steps, (s) => {
            if (isDown(s, o.restart)) return [];
            const mine = seen(events, s, o.restart);
            const prior = o.prior && (o.restart === undefined || s < o.restart[0] || o.keepsPrior) ? o.prior : undefined;
            const codes = [...new Set([...(prior ? [prior.code] : []), ...mine.map((e) => e.code)])];
            return codes.map((c) => {
              const own = mine.filter((e) => e.code === c);
              const before = prior?.code === c ? prior.count : 0;
              return { labels: { ...l(0), xid: String(c) }, value: value(before + own.length, own.at(-1)?.atStep ?? hourBefore / stepSeconds) };
            });
          });
        return [
          ...inputs('nvidia_smi_xid_errors_total', series((count) => count)),
          ...inputs('nvidia_smi_xid_last_timestamp_seconds', series((_, lastStep) => lastStep * stepSeconds)),
          ...info(steps),
        ];
      },
      rowRemap: (failure, pending) => [input('nvidia_smi_remapped_rows_failure', l(0), failure), input('nvidia_smi_remapped_rows_pending', l(0), pending), ...info(stepsFor(120))],
      uncorrectable: (v) => [input('nvidia_smi_ecc_errors_uncorrected_volatile_total', l(0), v), ...info(stepsFor(120))],
      // Seconds throttled (the exporter converts nvidia-smi's microseconds).
      throttle: (reason, ratio, steps, cause) => [
        input(`nvidia_smi_clocks_event_reasons_counters_${cause ?? (reason === 'power' ? 'sw_power_cap' : 'hw_thermal_slowdown')}_seconds`, l(0), throttleCounter(ratio, 1, steps)),
        ...info(steps),
      ],
    };
  }

  const l = (i: number): Labels => ({ ...target, card_model: 'MI300X', gpu_compute_partition_type: 'spx', gpu_id: String(i), gpu_partition_id: '0', hostname: instance, serial_number: `000${i}` });
  return {
    kind,
    gpuLabels: gpu(0),
    gpu,
    up: target,
    temperature: (v) => [input('gpu_junction_temperature', l(0), v)],
    memory: (used, total, steps) => [input('gpu_used_vram', l(0), constant(used, steps)), input('gpu_total_vram', l(0), constant(total, steps))],
    machine: (gpus, steps, o = {}) => [upSeries(steps, o.downAt), ...perGpu('gpu_junction_temperature', l, 45, gpus, steps, o)],
    uncorrectable: (v) => [input('gpu_ecc_uncorrect_total', l(0), v)],
    // MI3xx residency percentages, 0-100.
    throttle: (reason, ratio, steps) => [input(reason === 'power' ? 'gpu_violation_ppt_residency_percentage' : 'gpu_violation_socket_thermal_residency_percentage', l(0), constant(ratio * 100, steps))],
    // The latest CPER record's AFIDs, one series per index, from the record on; gpu_health alongside.
    ras: (events, steps, o = {}) => {
      const up = (s: number) => !isDown(s, o.restart) && (o.freshStart === undefined || s >= o.freshStart);
      const afids = timeline(steps, (s) => {
        const latest = up(s) ? events.filter((e) => e.atStep <= s).at(-1) : undefined;
        return latest ? latest.afids.map((a, i) => ({ labels: { ...l(0), afid_index: String(i), severity: latest.severity }, value: a })) : [];
      });
      const health = timeline(steps, (s) => (up(s) ? [{ labels: l(0), value: 1 }] : []));
      return [...inputs('gpu_afid_errors', afids), ...inputs('gpu_health', health)];
    },
  };
}
