/**
 * Emulated GPU exporters: dcgm-exporter ≤ 4.8 (its label order with `Hostname`, integer and %f
 * values, the generated counters CSV) and utkuozdemir/nvidia_gpu_exporter (nvidia_smi_* names,
 * `uuid` label, Go float format, families sorted; XIDs with its NVML backend). Load follows the
 * engines they are linked to; faults (gpu-faults.ts) show as the real exporters show them.
 */
import { DCGM_XID_WINDOW_MS, dcgmXidText } from '../engines/gpu.js';
import { dcgmValue } from '../engines/number-format.js';
import { type GpuFault, type GpuHealth, applyFault, clearFaults, healthyGpu, lastXid, xidCounts, xidTotals } from './gpu-faults.js';
import { ExpositionWriter, type Labels } from './writer.js';

export type { GpuFault } from './gpu-faults.js';
export type GpuMode = 'normal' | 'hot' | 'memory-full';


/**
 * What the GPUs are doing right now, from linked engines: busy share and KV-cache share (0-1), and
 * whether the engines sleep (vLLM sleep mode releases their weights and KV cache from the GPU).
 */
export type GpuLoad = () => { busy: number; memory: number; asleep?: boolean };

export interface GpuEmulatorOptions {
  gpus: number;
  hostname: string;
  seed: number;
  load: GpuLoad;
  modelName?: string;
  /** Unix seconds at emulated time 0 (nvidia_smi_xid_last_timestamp_seconds). */
  startTime?: number;
  /** nvidia_gpu_exporter's NVML backend (the -nvml image): adds the XID families and, as with --collect.pcie-throughput, PCIe throughput. */
  nvml?: boolean;
}

interface GpuState {
  util: number;
  memFrac: number;
  temp: number;
  energyMj: number;
}

const FB_TOTAL_MIB = 81559; // H100 80GB HBM3
const FB_RESERVED_MIB = 479;
const POWER_LIMIT_W = 700;

export class GpuFleet {
  mode: GpuMode = 'normal';
  private readonly state: GpuState[];
  private readonly health: GpuHealth[];
  private lastAdvance = 0;
  now = 0;
  constructor(readonly o: GpuEmulatorOptions) {
    this.state = Array.from({ length: o.gpus }, () => ({ util: 0, memFrac: 0.05, temp: 33, energyMj: 1.2e10 }));
    this.health = Array.from({ length: o.gpus }, healthyGpu);
  }

  /** A fault on one GPU (default 0), from now on; an XID is one more event each time. */
  inject(f: GpuFault): void {
    const i = f.gpu ?? 0;
    const h = this.health[i];
    if (!h) throw new Error(`no GPU ${i}: the exporter has ${this.o.gpus}`);
    applyFault(h, f, this.now);
  }

  clearFaults(): void {
    for (const h of this.health) clearFaults(h);
  }

  /** Indices of the GPUs the exporter still reports. */
  private present(): number[] {
    return this.health.flatMap((h, i) => (h.gone ? [] : [i]));
  }

  uuid(i: number): string {
    const hex = ((this.o.seed * 2654435761 + i * 40503) >>> 0).toString(16).padStart(8, '0');
    return `${hex}-1b2c-4d3e-8f40-${hex}${String(i).padStart(4, '0')}`;
  }

  advance(seconds: number): void {
    this.now += seconds;
    const { busy, memory, asleep } = this.o.load();
    this.state.forEach((g, i) => {
      const jitter = ((i * 7 + Math.floor(this.now)) % 5) / 100;
      g.util = Math.min(1, Math.max(0, busy - jitter));
      // vLLM/SGLang reserve most GPU memory for the KV cache at start (gpu_memory_utilization 0.9);
      // asleep, only the CUDA context stays.
      g.memFrac = this.mode === 'memory-full' ? 0.995 : asleep ? 0.01 : Math.min(0.97, 0.88 + memory * 0.02);
      const target = this.mode === 'hot' ? 93 : 34 + 40 * g.util;
      g.temp += (target - g.temp) * Math.min(1, seconds / 20);
      g.energyMj += this.power(g) * seconds * 1000;
      const h = this.health[i]!;
      h.throttledSeconds.power += h.throttle.power * seconds;
      h.throttledSeconds.thermal += h.throttle.thermal * seconds;
    });
    this.lastAdvance = this.now;
  }

  private power(g: GpuState): number {
    return 69.5 + 560 * g.util + (this.mode === 'hot' ? 60 : 0);
  }

  /** PCIe bytes per second: the host feeding inputs and reading outputs (KV offload would add more). */
  private pcieTx(g: GpuState): number {
    return Math.round(2.4e6 * g.util + 41000);
  }

  private pcieRx(g: GpuState): number {
    return Math.round(3.1e6 * g.util + 52000);
  }

  /** NVLink bytes per second: tensor-parallel all-reduces, only where there is a second GPU to talk to. */
  private nvlinkTx(g: GpuState): number {
    return this.o.gpus > 1 ? Math.round(9.6e9 * g.util) : 0;
  }

  private nvlinkRx(g: GpuState): number {
    return this.o.gpus > 1 ? Math.round(9.4e9 * g.util) : 0;
  }

  /** dcgm-exporter 4.x (≤ 4.5.3-4.8.2): `Hostname`, pci_bus_id, DCGM_FI_DRIVER_VERSION label. */
  renderDcgm(): string {
    const w = new ExpositionWriter('dcgm');
    const model = this.o.modelName ?? 'NVIDIA H100 80GB HBM3';
    const labels = (i: number): Labels => [
      ['gpu', String(i)],
      ['UUID', `GPU-${this.uuid(i)}`],
      ['pci_bus_id', `00000000:${(0x18 + i * 0x10).toString(16).toUpperCase().padStart(2, '0')}:00.0`],
      ['device', `nvidia${i}`],
      ['modelName', model],
      ['Hostname', this.o.hostname],
      ['DCGM_FI_DRIVER_VERSION', '570.133.20'],
    ];
    const fields: [name: string, type: 'gauge' | 'counter', help: string, kind: 'int' | 'double', value: (g: GpuState, h: GpuHealth) => number][] = [
      ['DCGM_FI_DEV_SM_CLOCK', 'gauge', 'SM clock frequency (in MHz).', 'int', (g) => (g.util > 0.05 ? 1980 : 345)],
      ['DCGM_FI_DEV_MEM_CLOCK', 'gauge', 'Memory clock frequency (in MHz).', 'int', () => 2619],
      ['DCGM_FI_DEV_MEMORY_TEMP', 'gauge', 'Memory temperature (in C).', 'int', (g) => g.temp + 4],
      ['DCGM_FI_DEV_GPU_TEMP', 'gauge', 'GPU temperature (in C).', 'int', (g) => g.temp],
      ['DCGM_FI_DEV_POWER_USAGE', 'gauge', 'Power draw (in W).', 'double', (g) => this.power(g)],
      ['DCGM_FI_DEV_ENFORCED_POWER_LIMIT', 'gauge', 'Effective power limit that the driver enforces (in W).', 'double', () => POWER_LIMIT_W],
      ['DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION', 'counter', 'Total energy consumption since boot (in mJ).', 'int', (g) => g.energyMj],
      ['DCGM_FI_DEV_PCIE_REPLAY_COUNTER', 'counter', 'Total number of PCIe retries.', 'int', () => 0],
      ['DCGM_FI_DEV_GPU_UTIL', 'gauge', 'GPU utilization (in %).', 'int', (g) => g.util * 100],
      ['DCGM_FI_DEV_MEM_COPY_UTIL', 'gauge', 'Memory utilization (in %).', 'int', (g) => g.util * 55],
      ['DCGM_FI_DEV_ENC_UTIL', 'gauge', 'Encoder utilization (in %).', 'int', () => 0],
      ['DCGM_FI_DEV_DEC_UTIL', 'gauge', 'Decoder utilization (in %).', 'int', () => 0],
      ['DCGM_FI_DEV_XID_ERRORS', 'gauge', 'Value of the last XID error encountered.', 'int', (_, h) => lastXid(h)],
      ['DCGM_FI_DEV_POWER_VIOLATION', 'counter', 'Throttling duration due to power constraints (in ns).', 'int', (_, h) => h.throttledSeconds.power * 1e9],
      ['DCGM_FI_DEV_THERMAL_VIOLATION', 'counter', 'Throttling duration due to thermal constraints (in ns).', 'int', (_, h) => h.throttledSeconds.thermal * 1e9],
      ['DCGM_FI_DEV_FB_FREE', 'gauge', 'Framebuffer memory free (in MiB).', 'int', (g) => FB_TOTAL_MIB - FB_RESERVED_MIB - Math.round(g.memFrac * (FB_TOTAL_MIB - FB_RESERVED_MIB))],
      ['DCGM_FI_DEV_FB_USED', 'gauge', 'Framebuffer memory used (in MiB).', 'int', (g) => Math.round(g.memFrac * (FB_TOTAL_MIB - FB_RESERVED_MIB))],
      ['DCGM_FI_DEV_FB_RESERVED', 'gauge', 'Framebuffer memory reserved (in MiB).', 'int', () => FB_RESERVED_MIB],
      // MB/s over all links, both directions (a rate, though the CSV types it counter).
      ['DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL', 'counter', 'Total number of NVLink bandwidth counters for all lanes.', 'int', (g) => Math.round((this.nvlinkTx(g) + this.nvlinkRx(g)) / 1e6)],
      ['DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS', 'counter', 'Number of remapped rows for uncorrectable errors', 'int', (_, h) => h.uncorrectableRemappedRows],
      ['DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS', 'counter', 'Number of remapped rows for correctable errors', 'int', () => 0],
      ['DCGM_FI_DEV_ROW_REMAP_FAILURE', 'gauge', 'Whether remapping of rows has failed', 'int', (_, h) => (h.rowRemapFailure ? 1 : 0)],
      ['DCGM_FI_DEV_ROW_REMAP_PENDING', 'gauge', 'Whether remapping of rows is pending', 'int', (_, h) => (h.rowRemapPending ? 1 : 0)],
      ['DCGM_FI_DEV_ECC_DBE_VOL_TOTAL', 'counter', 'Total number of double-bit volatile ECC errors.', 'int', (_, h) => h.uncorrectableErrors],
      ['DCGM_FI_PROF_GR_ENGINE_ACTIVE', 'gauge', 'Ratio of time the graphics engine is active.', 'double', (g) => g.util * 0.97],
      ['DCGM_FI_PROF_SM_ACTIVE', 'gauge', 'The ratio of cycles an SM has at least 1 warp assigned.', 'double', (g) => g.util * 0.62],
      ['DCGM_FI_PROF_SM_OCCUPANCY', 'gauge', 'The ratio of number of warps resident on an SM.', 'double', (g) => g.util * 0.21],
      ['DCGM_FI_PROF_PIPE_TENSOR_ACTIVE', 'gauge', 'Ratio of cycles the tensor (HMMA) pipe is active.', 'double', (g) => g.util * 0.18],
      ['DCGM_FI_PROF_DRAM_ACTIVE', 'gauge', 'Ratio of cycles the device memory interface is active sending or receiving data.', 'double', (g) => g.util * 0.71],
      ['DCGM_FI_PROF_PCIE_TX_BYTES', 'gauge', 'The rate of data transmitted over the PCIe bus - including both protocol headers and data payloads - in bytes per second.', 'int', (g) => this.pcieTx(g)],
      ['DCGM_FI_PROF_PCIE_RX_BYTES', 'gauge', 'The rate of data received over the PCIe bus - including both protocol headers and data payloads - in bytes per second.', 'int', (g) => this.pcieRx(g)],
      ['DCGM_FI_PROF_NVLINK_TX_BYTES', 'gauge', 'The rate of data not including protocol headers transmitted over NVLink (in B/s).', 'int', (g) => this.nvlinkTx(g)],
      ['DCGM_FI_PROF_NVLINK_RX_BYTES', 'gauge', 'The rate of data not including protocol headers received over NVLink (in B/s).', 'int', (g) => this.nvlinkRx(g)],
    ];
    const present = this.present();
    for (const [name, type, help, kind, value] of fields) {
      w.header(name, type, help);
      for (const i of present) {
        const h = this.health[i]!;
        // The last-XID gauge carries the code and its text as labels (attributes, after the label fields).
        const extra: Labels = name === 'DCGM_FI_DEV_XID_ERRORS' ? [['err_code', String(lastXid(h))], ['err_msg', dcgmXidText(lastXid(h))]] : [];
        w.sample(name, [...labels(i), ...extra], 0, dcgmValue(value(this.state[i]!, h), kind));
      }
    }
    // The exporter's XID count (an exporter field, rendered after the DCGM fields): events per code in
    // its window; a GPU without any shows one series without xid, value 0.
    const count = 'DCGM_EXP_XID_ERRORS_COUNT';
    w.header(count, 'gauge', 'Count of XID Errors within user-specified time window (see xid-count-window-size param).');
    for (const i of present) {
      const window: Labels = [['window_size_in_ms', String(DCGM_XID_WINDOW_MS)]];
      const counts = xidCounts(this.health[i]!, this.now, DCGM_XID_WINDOW_MS / 1000);
      if (counts.size === 0) w.sample(count, [...labels(i), ...window], 0, '0');
      for (const [code, n] of counts) w.sample(count, [...labels(i), ...window, ['xid', String(code)]], 0, String(n));
    }
    return w.text();
  }

  /** utkuozdemir/nvidia_gpu_exporter (nvidia-smi backend; XIDs with `nvml`): sorted families, HELP = nvidia-smi field. */
  renderNvidiaSmi(): string {
    const w = new ExpositionWriter('go');
    const totalBytes = FB_TOTAL_MIB * 1048576;
    const reservedBytes = FB_RESERVED_MIB * 1048576;
    // Throttle time in seconds with nvidia-smi's microsecond resolution.
    const us = (seconds: number) => Math.round(seconds * 1e6) / 1e6;
    const perGpu: [name: string, help: string, value: (g: GpuState, i: number, h: GpuHealth) => number][] = [
      ['nvidia_smi_clocks_current_graphics_clock_hz', 'clocks.current.graphics [MHz]', (g) => (g.util > 0.05 ? 1.98e9 : 3.45e8)],
      ['nvidia_smi_clocks_current_memory_clock_hz', 'clocks.current.memory [MHz]', () => 2.619e9],
      ['nvidia_smi_clocks_current_sm_clock_hz', 'clocks.current.sm [MHz]', (g) => (g.util > 0.05 ? 1.98e9 : 3.45e8)],
      ['nvidia_smi_clocks_event_reasons_counters_hw_power_brake_slowdown_seconds', 'clocks_event_reasons_counters.hw_power_brake_slowdown [us]', () => 0],
      ['nvidia_smi_clocks_event_reasons_counters_hw_thermal_slowdown_seconds', 'clocks_event_reasons_counters.hw_thermal_slowdown [us]', () => 0],
      ['nvidia_smi_clocks_event_reasons_counters_sw_power_cap_seconds', 'clocks_event_reasons_counters.sw_power_cap [us]', (_, __, h) => us(h.throttledSeconds.power)],
      ['nvidia_smi_clocks_event_reasons_counters_sw_thermal_slowdown_seconds', 'clocks_event_reasons_counters.sw_thermal_slowdown [us]', (_, __, h) => us(h.throttledSeconds.thermal)],
      ['nvidia_smi_clocks_event_reasons_counters_sync_boost_seconds', 'clocks_event_reasons_counters.sync_boost [us]', () => 0],
      ['nvidia_smi_clocks_event_reasons_hw_power_brake_slowdown', 'clocks_event_reasons.hw_power_brake_slowdown', () => 0],
      ['nvidia_smi_clocks_event_reasons_hw_slowdown', 'clocks_event_reasons.hw_slowdown', () => 0],
      ['nvidia_smi_clocks_event_reasons_hw_thermal_slowdown', 'clocks_event_reasons.hw_thermal_slowdown', () => 0],
      ['nvidia_smi_clocks_event_reasons_sw_power_cap', 'clocks_event_reasons.sw_power_cap', (_, __, h) => (h.throttle.power > 0 ? 1 : 0)],
      ['nvidia_smi_clocks_event_reasons_sw_thermal_slowdown', 'clocks_event_reasons.sw_thermal_slowdown', (_, __, h) => (this.mode === 'hot' || h.throttle.thermal > 0 ? 1 : 0)],
      ['nvidia_smi_clocks_max_graphics_clock_hz', 'clocks.max.graphics [MHz]', () => 1.98e9],
      ['nvidia_smi_clocks_max_memory_clock_hz', 'clocks.max.memory [MHz]', () => 2.619e9],
      ['nvidia_smi_clocks_max_sm_clock_hz', 'clocks.max.sm [MHz]', () => 1.98e9],
      ['nvidia_smi_ecc_errors_uncorrected_volatile_total', 'ecc.errors.uncorrected.volatile.total', (_, __, h) => h.uncorrectableErrors],
      ['nvidia_smi_enforced_power_limit_watts', 'enforced.power.limit [W]', () => POWER_LIMIT_W],
      ['nvidia_smi_index', 'index', (_, i) => i],
      ['nvidia_smi_memory_free_bytes', 'memory.free [MiB]', (g) => totalBytes - reservedBytes - Math.round(g.memFrac * (FB_TOTAL_MIB - FB_RESERVED_MIB)) * 1048576],
      ['nvidia_smi_memory_reserved_bytes', 'memory.reserved [MiB]', () => reservedBytes],
      ['nvidia_smi_memory_total_bytes', 'memory.total [MiB]', () => totalBytes],
      ['nvidia_smi_memory_used_bytes', 'memory.used [MiB]', (g) => Math.round(g.memFrac * (FB_TOTAL_MIB - FB_RESERVED_MIB)) * 1048576],
      ['nvidia_smi_mig_mode_current', 'mig.mode.current', () => 0],
      ['nvidia_smi_power_default_limit_watts', 'power.default_limit [W]', () => POWER_LIMIT_W],
      ['nvidia_smi_power_draw_average_watts', 'power.draw.average [W]', (g) => Math.round(this.power(g) * 100) / 100],
      ['nvidia_smi_power_draw_instant_watts', 'power.draw.instant [W]', (g) => Math.round(this.power(g) * 0.99 * 100) / 100],
      ['nvidia_smi_power_draw_watts', 'power.draw [W]', (g) => Math.round(this.power(g) * 100) / 100],
      ['nvidia_smi_power_limit_watts', 'power.limit [W]', () => POWER_LIMIT_W],
      ['nvidia_smi_pstate', 'pstate', () => 0],
      ['nvidia_smi_remapped_rows_failure', 'remapped_rows.failure', (_, __, h) => (h.rowRemapFailure ? 1 : 0)],
      ['nvidia_smi_remapped_rows_pending', 'remapped_rows.pending', (_, __, h) => (h.rowRemapPending ? 1 : 0)],
      ['nvidia_smi_remapped_rows_uncorrectable', 'remapped_rows.uncorrectable', (_, __, h) => h.uncorrectableRemappedRows],
      ['nvidia_smi_temperature_gpu', 'temperature.gpu', (g) => Math.round(g.temp)],
      ['nvidia_smi_temperature_memory', 'temperature.memory', (g) => Math.round(g.temp) + 4],
      ['nvidia_smi_utilization_gpu_ratio', 'utilization.gpu [%]', (g) => Math.round(g.util * 100) / 100],
      ['nvidia_smi_utilization_memory_ratio', 'utilization.memory [%]', (g) => Math.round(g.util * 35) / 100],
    ];
    const present = this.present();
    const families: [name: string, render: () => void][] = perGpu.map(([name, help, value]) => [
      name,
      () => {
        w.header(name, 'gauge', help);
        for (const i of present) w.sample(name, [['uuid', this.uuid(i)]], value(this.state[i]!, i, this.health[i]!));
      },
    ]);
    families.push([
      'nvidia_smi_gpu_info',
      () => {
        w.header('nvidia_smi_gpu_info', 'gauge', "A metric with a constant '1' value labeled by gpu uuid, name, driver_model_current, driver_model_pending, vbios_version, driver_version, pci_bus_id, serial, compute_cap, pci_sub_device_id, index, cuda_version.");
        for (const i of present)
          w.sample('nvidia_smi_gpu_info', [
            ['compute_cap', '9.0'],
            ['cuda_version', '12.8'],
            ['driver_model_current', '[N/A]'],
            ['driver_model_pending', '[N/A]'],
            ['driver_version', '570.133.20'],
            ['index', String(i)],
            ['name', this.o.modelName ?? 'NVIDIA H100 80GB HBM3'],
            ['pci_bus_id', `00000000:${(0x18 + i * 0x10).toString(16).toUpperCase().padStart(2, '0')}:00.0`],
            ['pci_sub_device_id', '0x16C110DE'],
            ['serial', `165242000${String(1000 + i)}`],
            ['uuid', this.uuid(i)],
            ['vbios_version', '96.00.A5.00.01'],
          ], 1);
      },
    ]);
    // client_golang writes a family only once it has a sample: no XID yet, no XID families.
    if (this.o.nvml && this.health.some((h) => h.xids.length > 0)) families.push(...this.nvmlXidFamilies(w));
    // The NVML backend's PCIe throughput (the -nvml image, --collect.pcie-throughput).
    if (this.o.nvml) {
      for (const [d, help, value] of [
        ['tx', 'PCIe traffic transmitted by the GPU, sampled by the driver over a dedicated 20ms window.', (g: GpuState) => this.pcieTx(g)],
        ['rx', 'PCIe traffic received by the GPU, sampled by the driver over a dedicated 20ms window.', (g: GpuState) => this.pcieRx(g)],
      ] as const) {
        const name = `nvidia_smi_pcie_throughput_${d}_bytes_per_second`;
        families.push([name, () => {
          w.header(name, 'gauge', help);
          for (const i of present) w.sample(name, [['uuid', this.uuid(i)]], value(this.state[i]!));
        }]);
      }
    }
    for (const [name, help, value] of [
      ['nvidia_smi_command_exit_code', 'Exit code of the most recent nvidia-smi run', 0],
      ['nvidia_smi_last_collect_success', 'Whether the most recent collection succeeded (1) or not (0)', 1],
    ] as const) families.push([name, () => w.header(name, 'gauge', help).sample(name, [], value)]);
    families.push(['nvidia_smi_failed_scrapes_total', () => w.header('nvidia_smi_failed_scrapes_total', 'counter', 'Number of failed collections').sample('nvidia_smi_failed_scrapes_total', [], 0)]);
    families.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    for (const [, render] of families) render();
    return w.text();
  }

  /**
   * The NVML backend's XID families (internal/exporter/exporter.go, v1.14): a counter and the time of
   * the latest event per GPU and code, from the code's first event on. They stay while a GPU is gone:
   * the counters live outside the collection.
   */
  private nvmlXidFamilies(w: ExpositionWriter): [string, () => void][] {
    const series = (pick: (t: { count: number; last: number }) => number) => (name: string) => {
      this.health.forEach((h, i) => {
        for (const [code, t] of xidTotals(h)) w.sample(name, [['uuid', this.uuid(i)], ['xid', String(code)]], pick(t));
      });
    };
    const start = this.o.startTime ?? 0;
    return [
      [
        'nvidia_smi_xid_errors_total',
        () => {
          w.header('nvidia_smi_xid_errors_total', 'counter', 'Number of XID errors observed on the GPU since the exporter started. A series appears when its first event arrives; earlier history cannot be replayed.');
          series((t) => t.count)('nvidia_smi_xid_errors_total');
        },
      ],
      [
        'nvidia_smi_xid_last_timestamp_seconds',
        () => {
          w.header('nvidia_smi_xid_last_timestamp_seconds', 'gauge', 'Unix timestamp of the most recently observed XID error, as received by the exporter (the driver events carry no timestamp of their own).');
          series((t) => Math.round((start + t.last) * 1000) / 1000)('nvidia_smi_xid_last_timestamp_seconds');
        },
      ],
    ];
  }
}
