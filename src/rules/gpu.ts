/**
 * Recording rules that normalise the three GPU exporters into gpu: series (series.ts), converting
 * units: DCGM <= 4.8 reports utilisation in percent, memory in MiB and clocks in MHz; DCGM 4.9
 * renamed those fields to ratio/byte/hertz names; nvidia_gpu_exporter already uses base units; the
 * AMD device-metrics-exporter reports percent, MB (MiB) and MHz.
 */
import type { GpuKind } from '../spec/types.js';
import { by, firstOf } from './promql.js';
import { FILESYSTEM_LABELS, GPU_LABELS, S } from './series.js';
import type { RecordingRule, RuleGroup } from './types.js';

const G = GPU_LABELS;
const GB = by(G);
const MIB = 1048576;

const rec = (record: string, variants: string[]): RecordingRule => ({ record, expr: firstOf(variants, G) });

/** DCGM labels each GPU with `gpu` (its index) already; MIG instances are folded into their GPU. */
const dcgm = (m: string, agg: 'max' | 'sum' = 'max', scale = ''): string => `${agg} by ${GB} (${m})${scale}`;

function dcgmRules(): RecordingRule[] {
  return [
    rec(S.gpuUtilization, [
      dcgm('DCGM_FI_DEV_GPU_UTIL_RATIO'),
      dcgm('DCGM_FI_DEV_GPU_UTIL', 'max', ' / 100'),
      // MIG instances do not report DEV_GPU_UTIL; the graphics-engine activity is the closest field.
      dcgm('DCGM_FI_PROF_GR_ENGINE_UTIL_RATIO'),
      dcgm('DCGM_FI_PROF_GR_ENGINE_ACTIVE'),
    ]),
    rec(S.gpuSmActive, [dcgm('DCGM_FI_PROF_SM_UTIL_RATIO'), dcgm('DCGM_FI_PROF_SM_ACTIVE')]),
    rec(S.gpuDramActive, [dcgm('DCGM_FI_PROF_DRAM_UTIL_RATIO'), dcgm('DCGM_FI_PROF_DRAM_ACTIVE')]),
    rec(S.gpuTensorActive, [dcgm('DCGM_FI_PROF_TENSOR_UTIL_RATIO'), dcgm('DCGM_FI_PROF_PIPE_TENSOR_ACTIVE')]),
    rec(S.gpuMemoryUsed, [dcgm('DCGM_FI_DEV_FB_USED', 'sum', ` * ${MIB}`)]),
    rec(S.gpuMemoryTotal, [
      dcgm('DCGM_FI_DEV_FB_CAPACITY_BYTES'),
      dcgm('DCGM_FI_DEV_FB_TOTAL', 'sum', ` * ${MIB}`),
      `sum by ${GB} (DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE + DCGM_FI_DEV_FB_RESERVED) * ${MIB}`,
      `sum by ${GB} (DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE) * ${MIB}`,
    ]),
    rec(S.gpuTemperature, [dcgm('DCGM_FI_DEV_GPU_TEMP_CELSIUS'), dcgm('DCGM_FI_DEV_GPU_TEMP')]),
    rec(S.gpuPower, [dcgm('DCGM_FI_DEV_BOARD_POWER_WATTS'), dcgm('DCGM_FI_DEV_POWER_USAGE')]),
    rec(S.gpuSmClock, [dcgm('DCGM_FI_DEV_SM_CLOCK_HERTZ'), dcgm('DCGM_FI_DEV_SM_CLOCK', 'max', ' * 1e6')]),
    // The field holds the last XID code and never resets; err_code/err_msg labels change with it.
    rec(S.gpuXidLast, [dcgm('DCGM_FI_DEV_XID_ERROR'), dcgm('DCGM_FI_DEV_XID_ERRORS')]),
    { record: S.gpuXidErrors, expr: `changes(${S.gpuXidLast}[5m])` },
  ];
}

/** nvidia_gpu_exporter labels values with `uuid` only; the index comes from nvidia_smi_gpu_info. */
const nvsmi = (m: string, agg: 'max' | 'sum' = 'max'): string =>
  `${agg} by ${GB} (label_replace(${m} * on (job, instance, uuid) group_left (index) nvidia_smi_gpu_info, "gpu", "$1", "index", "(.*)"))`;

function nvidiaSmiRules(): RecordingRule[] {
  return [
    rec(S.gpuUtilization, [nvsmi('nvidia_smi_utilization_gpu_ratio')]),
    rec(S.gpuMemoryUsed, [nvsmi('nvidia_smi_memory_used_bytes')]),
    rec(S.gpuMemoryTotal, [nvsmi('nvidia_smi_memory_total_bytes')]),
    rec(S.gpuTemperature, [nvsmi('nvidia_smi_temperature_gpu')]),
    rec(S.gpuPower, [nvsmi('nvidia_smi_power_draw_watts')]),
    rec(S.gpuSmClock, [nvsmi('nvidia_smi_clocks_current_sm_clock_hz')]),
    // NVML backend only; one counter per xid code.
    rec(S.gpuXidErrors, [nvsmi('increase(nvidia_smi_xid_errors_total[5m])', 'sum')]),
  ];
}

/** AMD labels each GPU with gpu_id. */
const amd = (m: string, scale = '', agg: 'max' | 'sum' = 'max'): string =>
  `${agg} by ${GB} (label_replace(${m}, "gpu", "$1", "gpu_id", "(.*)"))${scale}`;

function amdRules(): RecordingRule[] {
  return [
    rec(S.gpuUtilization, [amd('gpu_gfx_activity', ' / 100')]),
    rec(S.gpuDramActive, [amd('gpu_umc_activity', ' / 100')]),
    // The exporter's help says MB; amdsmi reports VRAM in MiB.
    rec(S.gpuMemoryUsed, [amd('gpu_used_vram', ` * ${MIB}`)]),
    rec(S.gpuMemoryTotal, [amd('gpu_total_vram', ` * ${MIB}`)]),
    // MI3xx report the junction (hotspot) temperature, MI2xx the edge temperature.
    rec(S.gpuTemperature, [amd('gpu_junction_temperature'), amd('gpu_edge_temperature')]),
    rec(S.gpuPower, [amd('gpu_package_power'), amd('gpu_average_package_power')]),
    rec(S.gpuSmClock, [amd('gpu_clock{clock_type="system"}', ' * 1e6')]),
  ];
}

export function gpuRuleGroup(kind: Exclude<GpuKind, 'none'>): RuleGroup {
  const rules = kind === 'dcgm' ? dcgmRules() : kind === 'nvidia-smi' ? nvidiaSmiRules() : amdRules();
  rules.push({ record: S.gpuMemoryUsedRatio, expr: `${S.gpuMemoryUsed} / on ${GB} (${S.gpuMemoryTotal} > 0)` });
  return { name: `gpu-${kind}-normalise`, rules };
}

/** node-exporter: CPU, memory and network of each machine. */
export function hostRuleGroup(): RuleGroup {
  const H = by(['instance', 'job', 'host']);
  // Virtual interfaces (loopback, containers, bridges) would double count traffic.
  const physical = 'device!~"lo|veth.*|docker.*|br-.*|virbr.*|cni.*|flannel.*|cali.*|vxlan.*"';
  // Disks that fill up: no memory-backed, container-layer or image filesystems, nothing read-only.
  const FS = by(FILESYSTEM_LABELS);
  const disk = 'fstype!~"tmpfs|ramfs|devtmpfs|overlay|squashfs|nsfs|autofs|fuse.lxcfs"';
  const writable = `node_filesystem_readonly{${disk}} == 0`;
  return {
    name: 'host-normalise',
    rules: [
      { record: S.hostCpu, expr: `1 - avg by ${H} (rate(node_cpu_seconds_total{mode="idle"}[5m]))` },
      { record: S.hostMemoryTotal, expr: `max by ${H} (node_memory_MemTotal_bytes)` },
      { record: S.hostMemoryUsed, expr: `max by ${H} (node_memory_MemTotal_bytes - node_memory_MemAvailable_bytes)` },
      { record: S.hostMemoryUsedRatio, expr: `${S.hostMemoryUsed} / on ${H} (${S.hostMemoryTotal} > 0)` },
      { record: S.hostNetworkReceive, expr: `sum by ${H} (rate(node_network_receive_bytes_total{${physical}}[5m]))` },
      { record: S.hostNetworkTransmit, expr: `sum by ${H} (rate(node_network_transmit_bytes_total{${physical}}[5m]))` },
      { record: S.hostFilesystemAvailRatio, expr: `max by ${FS} (node_filesystem_avail_bytes{${disk}} / node_filesystem_size_bytes{${disk}} and ${writable})` },
      { record: S.hostFilesystemAvailIn4h, expr: `max by ${FS} (predict_linear(node_filesystem_avail_bytes{${disk}}[6h], 4 * 3600) and ${writable})` },
      { record: S.hostFilesystemAvailIn24h, expr: `max by ${FS} (predict_linear(node_filesystem_avail_bytes{${disk}}[6h], 24 * 3600) and ${writable})` },
      { record: S.hostOomKills, expr: `max by ${H} (increase(node_vmstat_oom_kill[5m]))` },
      { record: S.hostClockOffset, expr: `max by ${H} (node_timex_offset_seconds)` },
    ],
  };
}
