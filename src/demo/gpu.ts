/**
 * Emulated GPU exporters: dcgm-exporter ≤ 4.8 (its label order with `Hostname`, integer and %f
 * values, the generated counters CSV) and utkuozdemir/nvidia_gpu_exporter (nvidia_smi_* names,
 * `uuid` label, Go float format, families sorted). Load follows the engines they are linked to.
 */
import { dcgmValue } from './format.js';
import { ExpositionWriter, type Labels } from './writer.js';

export type GpuMode = 'normal' | 'hot' | 'xid' | 'memory-full';

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
}

interface GpuState {
  util: number;
  memFrac: number;
  temp: number;
  energyMj: number;
  xid: number;
}

const FB_TOTAL_MIB = 81559; // H100 80GB HBM3
const FB_RESERVED_MIB = 479;

export class GpuFleet {
  mode: GpuMode = 'normal';
  private readonly state: GpuState[];
  private lastAdvance = 0;
  now = 0;
  constructor(readonly o: GpuEmulatorOptions) {
    this.state = Array.from({ length: o.gpus }, () => ({ util: 0, memFrac: 0.05, temp: 33, energyMj: 1.2e10, xid: 0 }));
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
      if (this.mode === 'xid' && g.xid !== 79) g.xid = 79;
    });
    this.lastAdvance = this.now;
  }

  private power(g: GpuState): number {
    return 69.5 + 560 * g.util + (this.mode === 'hot' ? 60 : 0);
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
    const fields: [name: string, type: 'gauge' | 'counter', help: string, kind: 'int' | 'double', value: (g: GpuState) => number][] = [
      ['DCGM_FI_DEV_SM_CLOCK', 'gauge', 'SM clock frequency (in MHz).', 'int', (g) => (g.util > 0.05 ? 1980 : 345)],
      ['DCGM_FI_DEV_MEM_CLOCK', 'gauge', 'Memory clock frequency (in MHz).', 'int', () => 2619],
      ['DCGM_FI_DEV_MEMORY_TEMP', 'gauge', 'Memory temperature (in C).', 'int', (g) => g.temp + 4],
      ['DCGM_FI_DEV_GPU_TEMP', 'gauge', 'GPU temperature (in C).', 'int', (g) => g.temp],
      ['DCGM_FI_DEV_POWER_USAGE', 'gauge', 'Power draw (in W).', 'double', (g) => this.power(g)],
      ['DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION', 'counter', 'Total energy consumption since boot (in mJ).', 'int', (g) => g.energyMj],
      ['DCGM_FI_DEV_PCIE_REPLAY_COUNTER', 'counter', 'Total number of PCIe retries.', 'int', () => 0],
      ['DCGM_FI_DEV_GPU_UTIL', 'gauge', 'GPU utilization (in %).', 'int', (g) => g.util * 100],
      ['DCGM_FI_DEV_MEM_COPY_UTIL', 'gauge', 'Memory utilization (in %).', 'int', (g) => g.util * 55],
      ['DCGM_FI_DEV_ENC_UTIL', 'gauge', 'Encoder utilization (in %).', 'int', () => 0],
      ['DCGM_FI_DEV_DEC_UTIL', 'gauge', 'Decoder utilization (in %).', 'int', () => 0],
      ['DCGM_FI_DEV_XID_ERRORS', 'gauge', 'Value of the last XID error encountered.', 'int', (g) => g.xid],
      ['DCGM_FI_DEV_FB_FREE', 'gauge', 'Framebuffer memory free (in MiB).', 'int', (g) => FB_TOTAL_MIB - FB_RESERVED_MIB - Math.round(g.memFrac * (FB_TOTAL_MIB - FB_RESERVED_MIB))],
      ['DCGM_FI_DEV_FB_USED', 'gauge', 'Framebuffer memory used (in MiB).', 'int', (g) => Math.round(g.memFrac * (FB_TOTAL_MIB - FB_RESERVED_MIB))],
      ['DCGM_FI_DEV_FB_RESERVED', 'gauge', 'Framebuffer memory reserved (in MiB).', 'int', () => FB_RESERVED_MIB],
      ['DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL', 'counter', 'Total number of NVLink bandwidth counters for all lanes.', 'int', () => 0],
      ['DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS', 'counter', 'Number of remapped rows for uncorrectable errors', 'int', () => 0],
      ['DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS', 'counter', 'Number of remapped rows for correctable errors', 'int', () => 0],
      ['DCGM_FI_DEV_ROW_REMAP_FAILURE', 'gauge', 'Whether remapping of rows has failed', 'int', () => 0],
      ['DCGM_FI_PROF_GR_ENGINE_ACTIVE', 'gauge', 'Ratio of time the graphics engine is active.', 'double', (g) => g.util * 0.97],
      ['DCGM_FI_PROF_SM_ACTIVE', 'gauge', 'The ratio of cycles an SM has at least 1 warp assigned.', 'double', (g) => g.util * 0.62],
      ['DCGM_FI_PROF_SM_OCCUPANCY', 'gauge', 'The ratio of number of warps resident on an SM.', 'double', (g) => g.util * 0.21],
      ['DCGM_FI_PROF_PIPE_TENSOR_ACTIVE', 'gauge', 'Ratio of cycles the tensor (HMMA) pipe is active.', 'double', (g) => g.util * 0.18],
      ['DCGM_FI_PROF_DRAM_ACTIVE', 'gauge', 'Ratio of cycles the device memory interface is active sending or receiving data.', 'double', (g) => g.util * 0.71],
      ['DCGM_FI_PROF_PCIE_TX_BYTES', 'gauge', 'The rate of data transmitted over the PCIe bus - including both protocol headers and data payloads - in bytes per second.', 'int', (g) => 2.4e6 * g.util + 41000],
      ['DCGM_FI_PROF_PCIE_RX_BYTES', 'gauge', 'The rate of data received over the PCIe bus - including both protocol headers and data payloads - in bytes per second.', 'int', (g) => 3.1e6 * g.util + 52000],
    ];
    for (const [name, type, help, kind, value] of fields) {
      w.header(name, type, help);
      this.state.forEach((g, i) => w.sample(name, labels(i), 0, dcgmValue(value(g), kind)));
    }
    return w.text();
  }

  /** utkuozdemir/nvidia_gpu_exporter (nvidia-smi backend): sorted families, HELP = nvidia-smi field. */
  renderNvidiaSmi(): string {
    const w = new ExpositionWriter('go');
    const totalBytes = FB_TOTAL_MIB * 1048576;
    const reservedBytes = FB_RESERVED_MIB * 1048576;
    const perGpu: [name: string, help: string, value: (g: GpuState, i: number) => number][] = [
      ['nvidia_smi_clocks_current_graphics_clock_hz', 'clocks.current.graphics [MHz]', (g) => (g.util > 0.05 ? 1.98e9 : 3.45e8)],
      ['nvidia_smi_clocks_current_memory_clock_hz', 'clocks.current.memory [MHz]', () => 2.619e9],
      ['nvidia_smi_clocks_current_sm_clock_hz', 'clocks.current.sm [MHz]', (g) => (g.util > 0.05 ? 1.98e9 : 3.45e8)],
      ['nvidia_smi_clocks_event_reasons_hw_slowdown', 'clocks_event_reasons.hw_slowdown', () => 0],
      ['nvidia_smi_clocks_event_reasons_sw_power_cap', 'clocks_event_reasons.sw_power_cap', () => 0],
      ['nvidia_smi_clocks_event_reasons_sw_thermal_slowdown', 'clocks_event_reasons.sw_thermal_slowdown', () => (this.mode === 'hot' ? 1 : 0)],
      ['nvidia_smi_clocks_max_graphics_clock_hz', 'clocks.max.graphics [MHz]', () => 1.98e9],
      ['nvidia_smi_clocks_max_memory_clock_hz', 'clocks.max.memory [MHz]', () => 2.619e9],
      ['nvidia_smi_clocks_max_sm_clock_hz', 'clocks.max.sm [MHz]', () => 1.98e9],
      ['nvidia_smi_ecc_errors_uncorrected_volatile_total', 'ecc.errors.uncorrected.volatile.total', () => 0],
      ['nvidia_smi_enforced_power_limit_watts', 'enforced.power.limit [W]', () => 700],
      ['nvidia_smi_index', 'index', (_, i) => i],
      ['nvidia_smi_memory_free_bytes', 'memory.free [MiB]', (g) => totalBytes - reservedBytes - Math.round(g.memFrac * (FB_TOTAL_MIB - FB_RESERVED_MIB)) * 1048576],
      ['nvidia_smi_memory_reserved_bytes', 'memory.reserved [MiB]', () => reservedBytes],
      ['nvidia_smi_memory_total_bytes', 'memory.total [MiB]', () => totalBytes],
      ['nvidia_smi_memory_used_bytes', 'memory.used [MiB]', (g) => Math.round(g.memFrac * (FB_TOTAL_MIB - FB_RESERVED_MIB)) * 1048576],
      ['nvidia_smi_mig_mode_current', 'mig.mode.current', () => 0],
      ['nvidia_smi_power_default_limit_watts', 'power.default_limit [W]', () => 700],
      ['nvidia_smi_power_draw_average_watts', 'power.draw.average [W]', (g) => Math.round(this.power(g) * 100) / 100],
      ['nvidia_smi_power_draw_instant_watts', 'power.draw.instant [W]', (g) => Math.round(this.power(g) * 0.99 * 100) / 100],
      ['nvidia_smi_power_draw_watts', 'power.draw [W]', (g) => Math.round(this.power(g) * 100) / 100],
      ['nvidia_smi_power_limit_watts', 'power.limit [W]', () => 700],
      ['nvidia_smi_pstate', 'pstate', () => 0],
      ['nvidia_smi_remapped_rows_failure', 'remapped_rows.failure', () => 0],
      ['nvidia_smi_temperature_gpu', 'temperature.gpu', (g) => Math.round(g.temp)],
      ['nvidia_smi_temperature_memory', 'temperature.memory', (g) => Math.round(g.temp) + 4],
      ['nvidia_smi_utilization_gpu_ratio', 'utilization.gpu [%]', (g) => Math.round(g.util * 100) / 100],
      ['nvidia_smi_utilization_memory_ratio', 'utilization.memory [%]', (g) => Math.round(g.util * 35) / 100],
    ];
    const families: [name: string, render: () => void][] = perGpu.map(([name, help, value]) => [
      name,
      () => {
        w.header(name, 'gauge', help);
        this.state.forEach((g, i) => w.sample(name, [['uuid', this.uuid(i)]], value(g, i)));
      },
    ]);
    families.push([
      'nvidia_smi_gpu_info',
      () => {
        w.header('nvidia_smi_gpu_info', 'gauge', "A metric with a constant '1' value labeled by gpu uuid, name, driver_model_current, driver_model_pending, vbios_version, driver_version, pci_bus_id, serial, compute_cap, pci_sub_device_id, index, cuda_version.");
        this.state.forEach((_, i) =>
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
          ], 1),
        );
      },
    ]);
    for (const [name, help, value] of [
      ['nvidia_smi_command_exit_code', 'Exit code of the most recent nvidia-smi run', 0],
      ['nvidia_smi_last_collect_success', 'Whether the most recent collection succeeded (1) or not (0)', 1],
    ] as const) families.push([name, () => w.header(name, 'gauge', help).sample(name, [], value)]);
    families.push(['nvidia_smi_failed_scrapes_total', () => w.header('nvidia_smi_failed_scrapes_total', 'counter', 'Number of failed collections').sample('nvidia_smi_failed_scrapes_total', [], 0)]);
    families.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    for (const [, render] of families) render();
    return w.text();
  }
}
