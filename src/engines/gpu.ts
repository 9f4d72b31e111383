/**
 * GPU exporters' /metrics surface. Facts from ../shared/research/gpu-exporters.md and the captures in
 * ../shared/fixtures (DataDog dcgm fixture, dcgm-exporter issue excerpts, utkuozdemir testdata, ROCm docs).
 */
import type { EngineFamily, MetricDef, MetricType, OptionalGroup, Unit } from './types.js';

const DCGM_CSV = 'NVIDIA/dcgm-exporter etc/default-counters.csv @d5e5f51 (= 4.5.3-4.8.2)';
const DCGM_TEMPLATE = 'NVIDIA/dcgm-exporter internal/pkg/rendermetrics/render_metrics.go @d5e5f51';
const DCGM_49_SRC = 'dcgm-exporter 4.9.0 release note (newreleases.io) + NVIDIA/go-dcgm pkg/dcgm/const_fields.go @b7fa315 (names to verify against the release)';
/** DCGM 4.7's field reference (ids 1613, 1625-1628, 1648), as ../shared/research/gpu-exporters.md's errata of 2026-12-01 quotes it; not in go-dcgm @b7fa315 (DCGM 4.6.1). */
const DCGM_47_FIELDS = 'DCGM 4.7 field reference (docs.nvidia.com dcgm-api-field-ids), per ../shared/research/gpu-exporters.md errata 2026-12-01; absent from NVIDIA/go-dcgm pkg/dcgm/const_fields.go @b7fa315 (DCGM 4.6.1)';
const GO_DCGM = 'NVIDIA/go-dcgm pkg/dcgm/const_fields.go @b7fa315 (DCGM 4.6.1)';
const UNVERIFIED_49 = 'that dcgm-exporter 4.9.0 emits this name is unverified (no 4.9 capture or CSV read)';
const NVSMI = 'utkuozdemir/nvidia_gpu_exporter docs/METRICS.md, internal/exporter/exporter.go @e656cd8; internal/integration/testdata/*.metrics (real)';
const AMD = 'ROCm/device-metrics-exporter pkg/amdgpu/gpuagent/gpuagent_gpu_metrics.go, docs/configuration/metricslist.md @afd0fe8';

/** Label order of DCGM's template (not sorted); Hostname became hostname in 4.6.0-4.8.3 (#655). */
export const DCGM_LABELS = ['gpu', 'UUID', 'pci_bus_id', 'device', 'modelName', 'Hostname'];
export const DCGM_OPTIONAL_LABELS = ['hostname', 'GPU_I_PROFILE', 'GPU_I_ID', 'DCGM_FI_DRIVER_VERSION', 'container', 'namespace', 'pod'];

interface Extra {
  help?: string;
  optional?: OptionalGroup;
  note?: string;
  labels?: string[];
  optionalLabels?: string[];
  source?: string;
}

function make(base: string[], optionalLabels: string[], src: string) {
  return (name: string, type: MetricType, unit: Unit, x: Extra = {}): MetricDef => {
    const def: MetricDef = { name, type, unit, labels: [...base, ...(x.labels ?? [])], source: x.source ?? src };
    const opt = [...optionalLabels, ...(x.optionalLabels ?? [])];
    if (opt.length) def.optionalLabels = opt;
    if (x.help !== undefined) def.help = x.help;
    if (x.optional) def.optional = x.optional;
    if (x.note) def.note = x.note;
    return def;
  };
}

const dcgm = make(DCGM_LABELS, DCGM_OPTIONAL_LABELS, DCGM_CSV);
const PROF_NOTE = 'DCP field: datacenter GPUs (Volta+), SYS_ADMIN; dropped silently when profiling is unavailable';

export const DCGM: EngineFamily = {
  id: 'dcgm',
  producer: 'dcgm',
  kind: 'gpu',
  title: 'NVIDIA DCGM exporter up to 4.8.x',
  versions: { until: '4.9.0' },
  versionText: 'dcgm-exporter ≤ 4.8.x (default-counters.csv names; Hostname label up to 4.5.3-4.8.2, hostname from 4.6.0-4.8.3)',
  commonLabels: ['gpu', 'UUID', 'device', 'modelName'],
  exposition: { createdSeries: false, numberFormat: 'dcgm', sortedLabels: false },
  source: `${DCGM_CSV}; ${DCGM_TEMPLATE}`,
  notes: [
    'integer fields print as integers, double fields with %f (8.969000)',
    'MIG entities add GPU_I_PROFILE/GPU_I_ID; DCGM_FI_DEV_*_UTIL is not reported for MIG',
    'default collect interval 30 s (DCGM_EXPORTER_INTERVAL)',
  ],
  metrics: [
    dcgm('DCGM_FI_DEV_SM_CLOCK', 'gauge', 'megahertz', { help: 'SM clock frequency (in MHz).' }),
    dcgm('DCGM_FI_DEV_MEM_CLOCK', 'gauge', 'megahertz', { help: 'Memory clock frequency (in MHz).' }),
    dcgm('DCGM_FI_DEV_MEMORY_TEMP', 'gauge', 'celsius', { help: 'Memory temperature (in C).', note: 'HBM GPUs; others report nothing (older versions a blank sentinel)' }),
    dcgm('DCGM_FI_DEV_GPU_TEMP', 'gauge', 'celsius', { help: 'GPU temperature (in C).' }),
    dcgm('DCGM_FI_DEV_POWER_USAGE', 'gauge', 'watts', { help: 'Power draw (in W).' }),
    dcgm('DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION', 'counter', 'millijoules', { help: 'Total energy consumption since boot (in mJ).' }),
    dcgm('DCGM_FI_DEV_PCIE_REPLAY_COUNTER', 'counter', 'count', { help: 'Total number of PCIe retries.' }),
    dcgm('DCGM_FI_DEV_GPU_UTIL', 'gauge', 'percent', { help: 'GPU utilization (in %).', note: 'time a kernel ran; not for MIG' }),
    dcgm('DCGM_FI_DEV_MEM_COPY_UTIL', 'gauge', 'percent', { help: 'Memory utilization (in %).' }),
    dcgm('DCGM_FI_DEV_ENC_UTIL', 'gauge', 'percent', { help: 'Encoder utilization (in %).' }),
    dcgm('DCGM_FI_DEV_DEC_UTIL', 'gauge', 'percent', { help: 'Decoder utilization (in %).' }),
    dcgm('DCGM_FI_DEV_XID_ERRORS', 'gauge', 'code', { help: 'Value of the last XID error encountered.', optionalLabels: ['err_code', 'err_msg'], note: 'last XID code (err_code/err_msg labels follow it): a repeat of the same code leaves it unchanged, a restarted exporter starts over' }),
    dcgm('DCGM_FI_DEV_POWER_VIOLATION', 'counter', 'nanoseconds', { help: 'Throttling duration due to power constraints (in ns).', note: 'commented out in the default CSV; this stack\'s CSV enables it. Upstream\'s CSV said "us" until #589' }),
    dcgm('DCGM_FI_DEV_THERMAL_VIOLATION', 'counter', 'nanoseconds', { help: 'Throttling duration due to thermal constraints (in ns).', note: 'commented out in the default CSV; this stack\'s CSV enables it' }),
    dcgm('DCGM_FI_DEV_FB_FREE', 'gauge', 'mebibytes', { help: 'Framebuffer memory free (in MiB).' }),
    dcgm('DCGM_FI_DEV_FB_USED', 'gauge', 'mebibytes', { help: 'Framebuffer memory used (in MiB).' }),
    dcgm('DCGM_FI_DEV_FB_RESERVED', 'gauge', 'mebibytes', { help: 'Framebuffer memory reserved (in MiB).', note: 'default since 4.3.1-4.4.0' }),
    dcgm('DCGM_FI_DEV_FB_TOTAL', 'gauge', 'mebibytes', { note: 'not in the default CSV; add it to a custom counters CSV' }),
    dcgm('DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL', 'counter', 'megabytes_per_second', {
      help: 'Total number of NVLink bandwidth counters for all lanes.',
      note: 'typed counter by the CSV, but field 449 is a rate: MB/s over all links, tx + rx (DCGM field reference; go-dcgm @b7fa315 calls it DCGM_FI_DEV_NVLINK_THROUGHPUT_TOTAL, "NV Link Throughput total for all Lanes"); 0 without NVLink',
    }),
    dcgm('DCGM_FI_DEV_POWER_MGMT_LIMIT', 'gauge', 'watts', { note: 'not in the default CSV (field 160); seen in real captures (datadog T4, issue excerpts V100)', source: `${DCGM_CSV} (commented set); ${GO_DCGM}` }),
    dcgm('DCGM_FI_DEV_ENFORCED_POWER_LIMIT', 'gauge', 'watts', { help: 'Effective power limit that the driver enforces (in W).', note: 'not in the default CSV (field 164); this stack\'s CSV enables it', source: GO_DCGM }),
    dcgm('DCGM_FI_DEV_VGPU_LICENSE_STATUS', 'gauge', 'code', { help: 'vGPU License status' }),
    dcgm('DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS', 'counter', 'count', { help: 'Number of remapped rows for uncorrectable errors' }),
    dcgm('DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS', 'counter', 'count', { help: 'Number of remapped rows for correctable errors' }),
    dcgm('DCGM_FI_DEV_ROW_REMAP_FAILURE', 'gauge', 'code', { help: 'Whether remapping of rows has failed' }),
    dcgm('DCGM_FI_DEV_ROW_REMAP_PENDING', 'gauge', 'code', { help: 'Whether remapping of rows is pending', note: 'not in the default CSV; this stack\'s CSV enables it' }),
    dcgm('DCGM_FI_DEV_ECC_DBE_VOL_TOTAL', 'counter', 'count', { help: 'Total number of double-bit volatile ECC errors.', note: 'commented out in the default CSV; this stack\'s CSV enables it; GPUs with ECC only' }),
    dcgm('DCGM_FI_PROF_GR_ENGINE_ACTIVE', 'gauge', 'ratio', { help: 'Ratio of time the graphics engine is active.', optional: 'profiling', note: PROF_NOTE }),
    dcgm('DCGM_FI_PROF_PIPE_TENSOR_ACTIVE', 'gauge', 'ratio', { help: 'Ratio of cycles the tensor (HMMA) pipe is active.', optional: 'profiling', note: PROF_NOTE }),
    dcgm('DCGM_FI_PROF_DRAM_ACTIVE', 'gauge', 'ratio', { help: 'Ratio of cycles the device memory interface is active sending or receiving data.', optional: 'profiling', note: `${PROF_NOTE}; practical peak ≈ 0.8` }),
    dcgm('DCGM_FI_PROF_SM_ACTIVE', 'gauge', 'ratio', { help: 'The ratio of cycles an SM has at least 1 warp assigned.', optional: 'profiling', note: 'commented out in the default CSV: needs a custom counters CSV' }),
    dcgm('DCGM_FI_PROF_SM_OCCUPANCY', 'gauge', 'ratio', { optional: 'profiling', note: 'commented out in the default CSV' }),
    dcgm('DCGM_FI_PROF_PCIE_TX_BYTES', 'gauge', 'bytes_per_second', { optional: 'profiling', note: 'bytes per second, protocol headers included (the CSV\'s help); same name in 4.9 (go-dcgm @b7fa315 keeps it)' }),
    dcgm('DCGM_FI_PROF_PCIE_RX_BYTES', 'gauge', 'bytes_per_second', { optional: 'profiling', note: 'bytes per second, protocol headers included; same name in 4.9' }),
    dcgm('DCGM_FI_PROF_NVLINK_TX_BYTES', 'gauge', 'bytes_per_second', { help: 'The rate of data not including protocol headers transmitted over NVLink (in B/s).', optional: 'profiling', note: 'DCP field 1011, bytes per second over all links; commented out upstream, this stack\'s CSV enables it; real capture: dcgm-exporter issue excerpt (A100-SXM4-40GB)', source: `${GO_DCGM}; ../shared/fixtures/dcgm-exporter__issue_excerpts.prom` }),
    dcgm('DCGM_FI_PROF_NVLINK_RX_BYTES', 'gauge', 'bytes_per_second', { help: 'The rate of data not including protocol headers received over NVLink (in B/s).', optional: 'profiling', note: 'DCP field 1012, bytes per second over all links; this stack\'s CSV enables it', source: GO_DCGM }),
    dcgm('DCGM_EXP_XID_ERRORS_COUNT', 'gauge', 'count', {
      help: 'Count of XID Errors within user-specified time window (see xid-count-window-size param).',
      optionalLabels: ['xid', 'window_size_in_ms', 'DCGM_FI_DRIVER_VERSION'],
      note: 'opt-in exporter field (this stack\'s CSV enables it): XID events per code within --xid-count-window-size (default 300000 ms), repeats included; no XIDs: one series without xid, value 0',
    }),
  ],
};

const d49 = make(['gpu', 'UUID', 'pci_bus_id', 'device', 'modelName', 'hostname'], ['GPU_I_PROFILE', 'GPU_I_ID', 'DCGM_FI_SYSTEM_DRIVER_VERSION'], DCGM_49_SRC);

export const DCGM_49: EngineFamily = {
  id: 'dcgm-4.9',
  producer: 'dcgm',
  kind: 'gpu',
  title: 'NVIDIA DCGM exporter 4.9 (DCGM 4.7 field names, base units)',
  versions: { from: '4.9.0' },
  versionText: 'dcgm-exporter ≥ 4.9.0: 23 fields renamed, 11 change unit (MHz→Hz, mJ→J, %→ratio, MiB→bytes); label DCGM_FI_SYSTEM_DRIVER_VERSION',
  commonLabels: ['gpu', 'UUID', 'device', 'modelName', 'hostname'],
  exposition: { createdSeries: false, numberFormat: 'dcgm', sortedLabels: false },
  source: DCGM_49_SRC,
  notes: [
    'the exact names 4.9.0 emits could not be read from its CSV: verify before relying on them',
    'the rules read both the ≤ 4.8 and these names (a variant per name), so either release feeds the same gpu: series',
  ],
  metrics: [
    d49('DCGM_FI_DEV_GPU_UTIL_RATIO', 'gauge', 'ratio', {
      source: `${DCGM_47_FIELDS}; ${GO_DCGM}`,
      note: `0-1 float (DCGM 4.7: new DOUBLE field 1613; field 203 stays DCGM_FI_DEV_GPU_UTIL, 0-100). go-dcgm @b7fa315 (DCGM 4.6.1) still gives this name to field 203 instead; the 4.9.0 release note announces "utilization from a percentage to a 0 to 1 ratio". ${UNVERIFIED_49}`,
    }),
    d49('DCGM_FI_DEV_GPU_TEMP_CELSIUS', 'gauge', 'celsius'),
    d49('DCGM_FI_DEV_MEMORY_TEMP_CELSIUS', 'gauge', 'celsius'),
    d49('DCGM_FI_DEV_BOARD_POWER_WATTS', 'gauge', 'watts'),
    d49('DCGM_FI_DEV_SM_CLOCK_HERTZ', 'gauge', 'hertz'),
    d49('DCGM_FI_DEV_MEMORY_CLOCK_HERTZ', 'gauge', 'hertz'),
    d49('DCGM_FI_DEV_GPU_ENERGY_JOULES_TOTAL', 'counter', 'joules'),
    d49('DCGM_FI_DEV_PCIE_REPLAY_TOTAL', 'counter', 'count'),
    d49('DCGM_FI_DEV_XID_ERROR', 'gauge', 'code'),
    d49('DCGM_FI_DEV_NVLINK_THROUGHPUT_BYTES_PER_SECOND', 'gauge', 'bytes_per_second', {
      source: DCGM_47_FIELDS,
      note: `field 1648: NVLink throughput over all links in bytes per second (the release note: "NVLink throughput from MB/s to bytes per second"); per-link 1630-1647 (_L<n>_BYTES_PER_SECOND). ${UNVERIFIED_49}`,
    }),
    d49('DCGM_FI_DEV_NVLINK_THROUGHPUT_TOTAL', 'counter', 'megabytes_per_second', { source: GO_DCGM, note: `go-dcgm's DCGM 4.6 name of field 449 (MB/s, the ≤ 4.8 DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL). ${UNVERIFIED_49}` }),
    d49('DCGM_FI_DEV_BOARD_POWER_LIMIT_ENFORCED_WATTS', 'gauge', 'watts', { source: GO_DCGM, note: `field 164 (≤ 4.8: DCGM_FI_DEV_ENFORCED_POWER_LIMIT). ${UNVERIFIED_49}` }),
    d49('DCGM_FI_DEV_BOARD_POWER_LIMIT_REQUESTED_WATTS', 'gauge', 'watts', { source: GO_DCGM, note: `field 160 (≤ 4.8: DCGM_FI_DEV_POWER_MGMT_LIMIT). ${UNVERIFIED_49}` }),
    d49('DCGM_FI_DEV_ROW_REMAP_UNCORRECTABLE_TOTAL', 'counter', 'count'),
    d49('DCGM_FI_DEV_ROW_REMAP_CORRECTABLE_TOTAL', 'counter', 'count'),
    d49('DCGM_FI_DEV_ROW_REMAP_FAILED', 'gauge', 'code'),
    d49('DCGM_FI_DEV_ROW_REMAP_PENDING', 'gauge', 'code', { note: 'name unchanged in go-dcgm\'s DCGM 4.6 map' }),
    d49('DCGM_FI_DEV_FB_CAPACITY_BYTES', 'gauge', 'bytes', { source: `${DCGM_47_FIELDS}; dcgm-exporter 4.9.0 release note`, note: 'field 1625; "Collect DCGM_FI_DEV_FB_CAPACITY_BYTES (total GPU memory in bytes) by default" (release note)' }),
    d49('DCGM_FI_DEV_FB_USED_BYTES', 'gauge', 'bytes', { source: DCGM_47_FIELDS, note: `field 1627 (byte-exact DCGM_FI_DEV_FB_USED, 252); the release note announces "GPU memory from MiB to bytes". ${UNVERIFIED_49}` }),
    d49('DCGM_FI_DEV_FB_FREE_BYTES', 'gauge', 'bytes', { source: DCGM_47_FIELDS, note: `field 1626. ${UNVERIFIED_49}` }),
    d49('DCGM_FI_DEV_FB_RESERVED_BYTES', 'gauge', 'bytes', { source: DCGM_47_FIELDS, note: `field 1628. ${UNVERIFIED_49}` }),
    d49('DCGM_FI_PROF_PCIE_TX_BYTES', 'gauge', 'bytes_per_second', { optional: 'profiling', source: GO_DCGM, note: 'not renamed by DCGM 4.6 (go-dcgm @b7fa315)' }),
    d49('DCGM_FI_PROF_PCIE_RX_BYTES', 'gauge', 'bytes_per_second', { optional: 'profiling', source: GO_DCGM, note: 'not renamed by DCGM 4.6' }),
    d49('DCGM_FI_PROF_NVLINK_TX_BYTES', 'gauge', 'bytes_per_second', { optional: 'profiling', source: GO_DCGM, note: 'not renamed by DCGM 4.6' }),
    d49('DCGM_FI_PROF_NVLINK_RX_BYTES', 'gauge', 'bytes_per_second', { optional: 'profiling', source: GO_DCGM, note: 'not renamed by DCGM 4.6' }),
    d49('DCGM_FI_PROF_GR_ENGINE_UTIL_RATIO', 'gauge', 'ratio', { optional: 'profiling' }),
    d49('DCGM_FI_PROF_SM_UTIL_RATIO', 'gauge', 'ratio', { optional: 'profiling' }),
    d49('DCGM_FI_PROF_SM_OCCUPANCY_RATIO', 'gauge', 'ratio', { optional: 'profiling' }),
    d49('DCGM_FI_PROF_TENSOR_UTIL_RATIO', 'gauge', 'ratio', { optional: 'profiling' }),
    d49('DCGM_FI_PROF_DRAM_UTIL_RATIO', 'gauge', 'ratio', { optional: 'profiling' }),
  ],
};

const nv = make(['uuid'], [], NVSMI);

export const NVIDIA_SMI: EngineFamily = {
  id: 'nvidia-smi',
  producer: 'nvidia-smi',
  kind: 'gpu',
  title: 'nvidia_gpu_exporter (utkuozdemir, nvidia-smi based)',
  versions: {},
  versionText: 'all releases (names stable since v1.x); NVML backend (-nvml images) adds XID, energy, MIG families',
  commonLabels: ['uuid'],
  exposition: { createdSeries: false, numberFormat: 'go', sortedLabels: true },
  source: NVSMI,
  notes: [
    'HELP is the nvidia-smi field name with its unit, e.g. "utilization.gpu [%]"; unit suffixes drive scaling ([%]→_ratio ×0.01, [MiB]→_bytes, [MHz]→_hz)',
    '`uuid` is lower-case and lacks the GPU- prefix; join nvidia_smi_gpu_info for name and index',
    'MIG-enabled GPUs report no utilization fields',
  ],
  metrics: [
    nv('nvidia_smi_gpu_info', 'gauge', 'info', { labels: ['name', 'driver_model_current', 'driver_model_pending', 'vbios_version', 'driver_version', 'pci_bus_id', 'serial', 'compute_cap', 'pci_sub_device_id', 'index', 'cuda_version'], help: "A metric with a constant '1' value labeled by gpu uuid, name, driver_model_current, driver_model_pending, vbios_version, driver_version, pci_bus_id, serial, compute_cap, pci_sub_device_id, index, cuda_version." }),
    nv('nvidia_smi_index', 'gauge', 'count', { help: 'index' }),
    nv('nvidia_smi_utilization_gpu_ratio', 'gauge', 'ratio', { help: 'utilization.gpu [%]', note: 'time a kernel ran; absent on MIG' }),
    nv('nvidia_smi_utilization_memory_ratio', 'gauge', 'ratio', { help: 'utilization.memory [%]', note: 'time memory was read or written, not bandwidth' }),
    nv('nvidia_smi_memory_total_bytes', 'gauge', 'bytes', { help: 'memory.total [MiB]' }),
    nv('nvidia_smi_memory_used_bytes', 'gauge', 'bytes', { help: 'memory.used [MiB]' }),
    nv('nvidia_smi_memory_free_bytes', 'gauge', 'bytes', { help: 'memory.free [MiB]' }),
    nv('nvidia_smi_memory_reserved_bytes', 'gauge', 'bytes', { help: 'memory.reserved [MiB]' }),
    nv('nvidia_smi_temperature_gpu', 'gauge', 'celsius', { help: 'temperature.gpu' }),
    nv('nvidia_smi_temperature_memory', 'gauge', 'celsius', { help: 'temperature.memory', note: 'HBM GPUs' }),
    nv('nvidia_smi_power_draw_watts', 'gauge', 'watts', { help: 'power.draw [W]' }),
    nv('nvidia_smi_power_draw_average_watts', 'gauge', 'watts', { help: 'power.draw.average [W]' }),
    nv('nvidia_smi_power_draw_instant_watts', 'gauge', 'watts', { help: 'power.draw.instant [W]' }),
    nv('nvidia_smi_power_limit_watts', 'gauge', 'watts', { help: 'power.limit [W]' }),
    nv('nvidia_smi_enforced_power_limit_watts', 'gauge', 'watts', { help: 'enforced.power.limit [W]' }),
    nv('nvidia_smi_power_default_limit_watts', 'gauge', 'watts', { help: 'power.default_limit [W]' }),
    nv('nvidia_smi_clocks_event_reasons_hw_power_brake_slowdown', 'gauge', 'code', { help: 'clocks_event_reasons.hw_power_brake_slowdown', note: 'external power brake (the board\'s power supply asks the GPU to slow down); real H100 and RTX 2080 captures' }),
    nv('nvidia_smi_pcie_throughput_tx_bytes_per_second', 'gauge', 'bytes_per_second', { optional: 'nvml_backend', help: 'PCIe traffic transmitted by the GPU, sampled by the driver over a dedicated 20ms window.', source: 'utkuozdemir/nvidia_gpu_exporter docs/METRICS.md, internal/exporter/exporter.go, internal/app/app.go @e656cd8', note: 'NVML backend with --collect.pcie-throughput only (collection cost); a 20 ms driver sample per direction, not in the CLI-backend captures' }),
    nv('nvidia_smi_pcie_throughput_rx_bytes_per_second', 'gauge', 'bytes_per_second', { optional: 'nvml_backend', help: 'PCIe traffic received by the GPU, sampled by the driver over a dedicated 20ms window.', source: 'utkuozdemir/nvidia_gpu_exporter docs/METRICS.md, internal/exporter/exporter.go, internal/app/app.go @e656cd8', note: 'NVML backend with --collect.pcie-throughput only' }),
    nv('nvidia_smi_clocks_current_sm_clock_hz', 'gauge', 'hertz', { help: 'clocks.current.sm [MHz]' }),
    nv('nvidia_smi_clocks_current_graphics_clock_hz', 'gauge', 'hertz', { help: 'clocks.current.graphics [MHz]' }),
    nv('nvidia_smi_clocks_current_memory_clock_hz', 'gauge', 'hertz', { help: 'clocks.current.memory [MHz]' }),
    nv('nvidia_smi_clocks_max_sm_clock_hz', 'gauge', 'hertz', { help: 'clocks.max.sm [MHz]' }),
    nv('nvidia_smi_clocks_max_graphics_clock_hz', 'gauge', 'hertz', { help: 'clocks.max.graphics [MHz]' }),
    nv('nvidia_smi_clocks_max_memory_clock_hz', 'gauge', 'hertz', { help: 'clocks.max.memory [MHz]' }),
    nv('nvidia_smi_fan_speed_ratio', 'gauge', 'ratio', { help: 'fan.speed [%]', note: 'absent on passively cooled GPUs' }),
    nv('nvidia_smi_pstate', 'gauge', 'code', { help: 'pstate', note: 'lower means busier' }),
    nv('nvidia_smi_clocks_event_reasons_sw_power_cap', 'gauge', 'code', { help: 'clocks_event_reasons.sw_power_cap' }),
    nv('nvidia_smi_clocks_event_reasons_hw_slowdown', 'gauge', 'code', { help: 'clocks_event_reasons.hw_slowdown' }),
    nv('nvidia_smi_clocks_event_reasons_sw_thermal_slowdown', 'gauge', 'code', { help: 'clocks_event_reasons.sw_thermal_slowdown' }),
    nv('nvidia_smi_clocks_event_reasons_hw_thermal_slowdown', 'gauge', 'code', { help: 'clocks_event_reasons.hw_thermal_slowdown' }),
    nv('nvidia_smi_clocks_event_reasons_counters_hw_power_brake_slowdown_seconds', 'gauge', 'seconds', { help: 'clocks_event_reasons_counters.hw_power_brake_slowdown [us]', note: 'time throttled since the driver loaded: a counter typed gauge' }),
    nv('nvidia_smi_clocks_event_reasons_counters_sync_boost_seconds', 'gauge', 'seconds', { help: 'clocks_event_reasons_counters.sync_boost [us]', note: 'time throttled since the driver loaded: a counter typed gauge' }),
    nv('nvidia_smi_clocks_event_reasons_counters_sw_power_cap_seconds', 'gauge', 'seconds', { help: 'clocks_event_reasons_counters.sw_power_cap [us]', note: 'time throttled since the driver loaded: a counter typed gauge' }),
    nv('nvidia_smi_clocks_event_reasons_counters_hw_thermal_slowdown_seconds', 'gauge', 'seconds', { help: 'clocks_event_reasons_counters.hw_thermal_slowdown [us]', note: 'time throttled since the driver loaded: a counter typed gauge' }),
    nv('nvidia_smi_clocks_event_reasons_counters_sw_thermal_slowdown_seconds', 'gauge', 'seconds', { help: 'clocks_event_reasons_counters.sw_thermal_slowdown [us]', note: 'time throttled since the driver loaded: a counter typed gauge' }),
    nv('nvidia_smi_clocks_throttle_reasons_sw_power_cap', 'gauge', 'code', { help: 'clocks_throttle_reasons.sw_power_cap', note: 'older drivers; renamed clocks_event_reasons' }),
    nv('nvidia_smi_clocks_throttle_reasons_hw_thermal_slowdown', 'gauge', 'code', { help: 'clocks_throttle_reasons.hw_thermal_slowdown', note: 'older drivers' }),
    nv('nvidia_smi_clocks_throttle_reasons_sw_thermal_slowdown', 'gauge', 'code', { help: 'clocks_throttle_reasons.sw_thermal_slowdown', note: 'older drivers' }),
    nv('nvidia_smi_ecc_errors_uncorrected_volatile_total', 'gauge', 'count', { help: 'ecc.errors.uncorrected.volatile.total', note: 'a gauge despite the _total name' }),
    nv('nvidia_smi_remapped_rows_failure', 'gauge', 'code', { help: 'remapped_rows.failure' }),
    nv('nvidia_smi_remapped_rows_pending', 'gauge', 'code', { help: 'remapped_rows.pending' }),
    nv('nvidia_smi_remapped_rows_uncorrectable', 'gauge', 'count', { help: 'remapped_rows.uncorrectable' }),
    nv('nvidia_smi_gpu_recovery_action', 'gauge', 'code', { help: 'gpu_recovery_action', note: '> 0 means unhealthy' }),
    nv('nvidia_smi_mig_mode_current', 'gauge', 'code', { help: 'mig.mode.current', optional: 'mig' }),
    nv('nvidia_smi_xid_errors_total', 'counter', 'count', { labels: ['xid'], optional: 'nvml_backend', help: 'Number of XID errors observed on the GPU since the exporter started. A series appears when its first event arrives; earlier history cannot be replayed.', note: 'NVML backend only; a series appears with its code\'s first event, so increase() misses that event' }),
    nv('nvidia_smi_xid_last_timestamp_seconds', 'gauge', 'unix_timestamp', { labels: ['xid'], optional: 'nvml_backend', help: 'Unix timestamp of the most recently observed XID error, as received by the exporter (the driver events carry no timestamp of their own).', note: 'NVML backend only: when the exporter received the code\'s latest event (what upstream recommends alerting on)' }),
    nv('nvidia_smi_energy_joules_total', 'counter', 'joules', { optional: 'nvml_backend' }),
    nv('nvidia_smi_mig_sm_activity_ratio', 'gauge', 'ratio', { optional: 'nvml_backend', note: 'MIG on Hopper+ via GPM' }),
    { name: 'nvidia_smi_last_collect_success', type: 'gauge', unit: 'code', labels: [], help: 'Whether the most recent collection succeeded (1) or not (0)', source: NVSMI, note: 'exporter self-health: 0 when nvidia-smi fails in the container' },
    { name: 'nvidia_smi_failed_scrapes_total', type: 'counter', unit: 'count', labels: [], source: NVSMI },
    { name: 'nvidia_smi_command_exit_code', type: 'gauge', unit: 'code', labels: [], source: NVSMI },
  ],
};

const AMD_LABELS = ['card_model', 'gpu_compute_partition_type', 'gpu_id', 'gpu_partition_id', 'hostname', 'serial_number'];
const AMD_OPTIONAL_LABELS = ['gpu_uuid', 'pod', 'namespace', 'container', 'job_id', 'job_user', 'job_partition', 'gpu_memory_partition_type', 'deployment_mode', 'cluster_name'];
const amd = make(AMD_LABELS, AMD_OPTIONAL_LABELS, AMD);

export const AMD_DME: EngineFamily = {
  id: 'amd',
  producer: 'amd',
  kind: 'gpu',
  title: 'AMD ROCm device-metrics-exporter',
  versions: { from: '1.0.0' },
  versionText: 'device-metrics-exporter v1.x (current lower-case names; optional MetricsFieldPrefix, e.g. amd_)',
  commonLabels: ['gpu_id', 'hostname', 'serial_number', 'card_model'],
  exposition: { createdSeries: false, numberFormat: 'go', sortedLabels: true },
  source: AMD,
  notes: [
    'tools/metricutil/metrics_mini.txt shows an outdated format (gpu_usage, upper-case GPU_UUID): do not model on it',
    'no power-limit (power cap) metric in v1.5.1: the power-vs-limit panel shows the draw only',
  ],
  metrics: [
    amd('gpu_gfx_activity', 'gauge', 'percent', { help: 'Graphics engine usage in Percentage (0-100)' }),
    amd('gpu_gfx_busy_instantaneous', 'gauge', 'percent', { note: 'per XCP on MI3xx' }),
    amd('gpu_umc_activity', 'gauge', 'percent', { help: 'Memory engine usage in Percentage (0-100)' }),
    amd('gpu_total_vram', 'gauge', 'megabytes', { help: 'Total VRAM memory of the GPU (in MB)' }),
    amd('gpu_used_vram', 'gauge', 'megabytes', { help: 'Used VRAM memory of the GPU (in MB)' }),
    amd('gpu_free_vram', 'gauge', 'megabytes', { help: 'Free VRAM memory of the GPU (in MB)' }),
    amd('gpu_edge_temperature', 'gauge', 'celsius', { help: 'Current edge temperature in Celsius', note: 'MI2xx' }),
    amd('gpu_junction_temperature', 'gauge', 'celsius', { help: 'Current junction/hotspot temperature in Celsius', note: 'MI3xx' }),
    amd('gpu_memory_temperature', 'gauge', 'celsius'),
    amd('gpu_package_power', 'gauge', 'watts', { help: 'Current socket power in Watts', note: 'MI3xx' }),
    amd('gpu_average_package_power', 'gauge', 'watts', { help: 'Average socket power in Watts', note: 'MI2xx, Radeon' }),
    amd('gpu_power_usage', 'gauge', 'watts'),
    amd('gpu_energy_consumed', 'gauge', 'microjoules'),
    amd('gpu_clock', 'gauge', 'megahertz', { labels: ['clock_index', 'clock_type'] }),
    amd('gpu_ecc_uncorrect_total', 'gauge', 'count', { help: 'Total Uncorrectable error count' }),
    amd('gpu_health', 'gauge', 'code', { help: 'Health of the GPU (0 = Unhealthy | 1 = Healthy)' }),
    amd('gpu_afid_errors', 'gauge', 'code', {
      help: 'Last Occurred RAS Event associated AMD Field Identifier list',
      labels: ['severity', 'afid_index'],
      note: 'the AFIDs of the latest RAS (CPER) record, one series per afid_index; severity fatal | non_fatal_uncorrected | non_fatal_corrected; bare metal only',
    }),
    amd('gpu_violation_ppt_residency_percentage', 'gauge', 'percent', { help: 'package power tracking percentage violation counter', note: 'MI3xx, bare metal' }),
    amd('gpu_violation_socket_thermal_residency_percentage', 'gauge', 'percent', { help: 'socket thermal percentage violation counter', note: 'MI3xx, bare metal' }),
    amd('gpu_violation_hbm_thermal_residency_percentage', 'gauge', 'percent', { help: 'HBM percentage violation counter', note: 'MI3xx, bare metal' }),
    amd('gpu_violation_vr_thermal_residency_percentage', 'gauge', 'percent', { help: 'voltage rail percentage violation counter', note: 'MI3xx, bare metal' }),
    amd('pcie_replay_count', 'gauge', 'count'),
    amd('gpu_xgmi_link_rx', 'gauge', 'kilobytes', { labels: ['link_index'], help: 'Accumulated XGMI Link Data Read in KB', note: 'accumulated KB per XGMI link (a counter typed gauge; rate() it); the rules take KB as KiB, like amdsmi\'s VRAM "MB" (unverified); MI2xx/MI3xx bare metal' }),
    amd('gpu_xgmi_link_tx', 'gauge', 'kilobytes', { labels: ['link_index'], help: 'Accumulated XGMI Link Data Write in KB', note: 'accumulated KB per XGMI link (a counter typed gauge)' }),
    amd('pcie_bandwidth', 'gauge', 'megabits_per_second', { help: 'Current PCIe bandwidth in Mb/s', note: 'MI3xx: instantaneous PCIe bandwidth, both directions together; "Mb/s" read as megabits (unverified); primary partition only' }),
    amd('gpu_prof_sm_active', 'gauge', 'percent', { optional: 'profiling', note: 'profiler off by default; 0-100 % of GPU time vector ALU instructions are processed (metricslist.md); always 0 on Radeon' }),
    amd('gpu_prof_tensor_active_percent', 'gauge', 'percent', { optional: 'profiling' }),
  ],
};

export const GPU_FAMILIES = [DCGM, DCGM_49, NVIDIA_SMI, AMD_DME] as const;

/** dcgm-exporter's --xid-count-window-size default. */
export const DCGM_XID_WINDOW_MS = 300000;
/** dcgm-exporter's err_msg texts (internal/pkg/collector/xid_errors.go at 4.5.3-4.8.2) for the codes the emulator and the tests use. */
const DCGM_XID_TEXT: Record<number, string> = {
  0: 'No Error',
  13: 'Graphics Engine Exception',
  31: 'GPU memory page fault',
  43: 'GPU stopped processing',
  48: 'Double Bit ECC Error',
  63: 'ECC page retirement or row remapping recording event',
  64: 'ECC page retirement or row remapper recording failure',
  74: 'NVLINK Error',
  79: 'GPU has fallen off the bus',
  92: 'High single-bit ECC error rate',
  94: 'Contained ECC error',
  95: 'Uncontained ECC error',
  119: 'GSP RPC Timeout',
  120: 'GSP Error',
};
export const dcgmXidText = (code: number): string => DCGM_XID_TEXT[code] ?? 'Unknown Error';
