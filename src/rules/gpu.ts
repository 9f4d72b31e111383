/**
 * Recording rules that normalise the three GPU exporters into gpu: series (series.ts), converting
 * units: DCGM <= 4.8 reports utilisation in percent, memory in MiB, clocks in MHz and NVLink in MB/s;
 * DCGM 4.9 renamed those fields to ratio/byte/hertz/bytes-per-second names; nvidia_gpu_exporter already uses base units; the
 * AMD device-metrics-exporter reports percent, MB (MiB) and MHz. Health signals (XIDs, row remapping,
 * uncorrectable memory errors, throttling, RAS events, GPUs per machine) get one meaning across
 * exporters here, so the alerts read nothing raw.
 */
import type { GpuKind, WatchPath } from '../config/types.js';
import { DEFAULT_WATCH_PATHS, mountCandidates } from '../config/watch-paths.js';
import { GPU_JOB } from '../render/prometheus.js';
import { by, firstOf } from './promql.js';
import { DISK_LABELS, FILESYSTEM_LABELS, GPU_LABELS, GPU_TARGET_LABELS, S } from './series.js';
import type { RecordingRule, RuleGroup } from './types.js';

const G = GPU_LABELS;
const GB = by(G);
const MIB = 1048576;
/** Window of the event counts (XIDs, RAS events): the dcgm-exporter XID count window's default, 5m. */
const EVENT_WINDOW = '5m';
const EVENT_WINDOW_SECONDS = 300;
/** Window of the uncorrectable memory error increase: errors are rare, a ticket should outlive a scrape gap. */
const MEMORY_ERROR_WINDOW = '1h';

const rec = (record: string, variants: string[], labels?: Record<string, string>): RecordingRule => ({
  record,
  expr: firstOf(variants, G),
  ...(labels ? { labels } : {}),
});


/** DCGM labels each GPU with `gpu` (its index) already; MIG instances are folded into their GPU. */
const dcgm = (m: string, agg: 'max' | 'sum' = 'max', scale = '', extra: string[] = []): string => `${agg} by ${by([...G, ...extra])} (${m})${scale}`;

/**
 * DCGM_FI_DEV_XID_ERRORS only holds the last XID code (labels err_code/err_msg on the pinned
 * exporter): a repeat of the same code leaves the series unchanged, so from the gauge alone a repeat
 * is invisible. Where the exporter's own count (DCGM_EXP_XID_ERRORS_COUNT, in this stack's counters
 * CSV) is missing, a change to a new non-zero code counts as one XID, and only if the gauge was
 * there 5 minutes before: an exporter restart (a gap, then the code again or 0) counts as nothing.
 */
const xidFromLastCode = (m: string): string =>
  `(max by ${by([...G, 'xid'])} (label_replace(${m} != 0, "xid", "$1", "err_code", "(.*)")) != on ${GB} group_left () ${S.gpuXidLast} offset ${EVENT_WINDOW}) > bool 0`;

/** The last-XID field under both of its names (DCGM_FI_DEV_XID_ERRORS; DCGM_FI_DEV_XID_ERROR from DCGM 4.9): one selector, as an exporter has one of them. */
const XID_LAST_CODE = '{__name__=~"DCGM_FI_DEV_XID_ERRORS|DCGM_FI_DEV_XID_ERROR"}';

const POWER_LIMIT_ENFORCED = '{__name__=~"DCGM_FI_DEV_(ENFORCED_POWER_LIMIT|BOARD_POWER_LIMIT_ENFORCED_WATTS)"}';
const POWER_LIMIT_REQUESTED = '{__name__=~"DCGM_FI_DEV_(POWER_MGMT_LIMIT|BOARD_POWER_LIMIT_REQUESTED_WATTS)"}';

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
    // DCGM 4.9: byte-valued framebuffer fields (DCGM 4.7 ids 1625-1628); <= 4.8: MiB.
    rec(S.gpuMemoryUsed, [dcgm('DCGM_FI_DEV_FB_USED_BYTES', 'sum'), dcgm('DCGM_FI_DEV_FB_USED', 'sum', ` * ${MIB}`)]),
    rec(S.gpuMemoryTotal, [
      dcgm('DCGM_FI_DEV_FB_CAPACITY_BYTES'),
      dcgm('DCGM_FI_DEV_FB_TOTAL', 'sum', ` * ${MIB}`),
      // Without a total field (<= 4.8; 4.9 collects DCGM_FI_DEV_FB_CAPACITY_BYTES by default): used + free (+ reserved, where the CSV has it).
      `${S.gpuMemoryUsed} + ${dcgm('DCGM_FI_DEV_FB_FREE + DCGM_FI_DEV_FB_RESERVED or DCGM_FI_DEV_FB_FREE', 'sum', ` * ${MIB}`)}`,
    ]),
    rec(S.gpuTemperature, [dcgm('DCGM_FI_DEV_GPU_TEMP_CELSIUS'), dcgm('DCGM_FI_DEV_GPU_TEMP')]),
    rec(S.gpuPower, [dcgm('DCGM_FI_DEV_BOARD_POWER_WATTS'), dcgm('DCGM_FI_DEV_POWER_USAGE')]),
    // The limit the driver enforces (field 164), else the configured one (160): one selector per
    // field for its <= 4.8 and 4.9 names, both watts, as an exporter has one of them.
    rec(S.gpuPowerLimit, [dcgm(POWER_LIMIT_ENFORCED), dcgm(POWER_LIMIT_REQUESTED)]),
    // Profiling fields, bytes per second (the same names in 4.9).
    ...(['tx', 'rx'] as const).flatMap((d) => [
      rec(S.gpuNvlinkBandwidth, [dcgm(`DCGM_FI_PROF_NVLINK_${d.toUpperCase()}_BYTES`)], { direction: d }),
      rec(S.gpuPcieBandwidth, [dcgm(`DCGM_FI_PROF_PCIE_${d.toUpperCase()}_BYTES`)], { direction: d }),
    ]),
    // One figure for both directions and all links: bytes/s from 4.9 (field 1648), MB/s before (field
    // 449, typed counter by the CSV but a rate).
    rec(
      S.gpuNvlinkBandwidth,
      [dcgm('DCGM_FI_DEV_NVLINK_THROUGHPUT_BYTES_PER_SECOND'), dcgm('DCGM_FI_DEV_NVLINK_THROUGHPUT_TOTAL', 'max', ' * 1e6'), dcgm('DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL', 'max', ' * 1e6')],
      { direction: 'total' },
    ),
    rec(S.gpuSmClock, [dcgm('DCGM_FI_DEV_SM_CLOCK_HERTZ'), dcgm('DCGM_FI_DEV_SM_CLOCK', 'max', ' * 1e6')]),
    // The field holds the last XID code and never resets; err_code/err_msg labels change with it.
    rec(S.gpuXidLast, [dcgm(XID_LAST_CODE)]),
    // The exporter counts every XID event DCGM recorded in its window (window_size_in_ms, 5m by
    // default): repeats count, and a restarted exporter starts from what DCGM still holds, not from 0.
    // Without XIDs it reports one series without an xid label and value 0. MIG instances repeat their GPU's count.
    { record: S.gpuXidLastCodeChanges, expr: xidFromLastCode(XID_LAST_CODE) },
    rec(S.gpuXidErrors, [dcgm('DCGM_EXP_XID_ERRORS_COUNT{xid!=""}', 'max', '', ['xid']), `${S.gpuXidLastCodeChanges} unless on ${GB} DCGM_EXP_XID_ERRORS_COUNT`]),
    rec(S.gpuRowRemapFailed, [dcgm('DCGM_FI_DEV_ROW_REMAP_FAILED'), dcgm('DCGM_FI_DEV_ROW_REMAP_FAILURE')]),
    rec(S.gpuRowRemapPending, [dcgm('DCGM_FI_DEV_ROW_REMAP_PENDING')]),
    // Volatile double-bit errors count every uncorrectable error since the last reset (pre-Ampere GPUs
    // have no row remapper); rows remapped for uncorrectable errors are the fallback.
    rec(S.gpuUncorrectableMemoryErrors, [
      dcgm(`increase(DCGM_FI_DEV_ECC_DBE_VOL_TOTAL[${MEMORY_ERROR_WINDOW}])`),
      dcgm(`increase(DCGM_FI_DEV_ROW_REMAP_UNCORRECTABLE_TOTAL[${MEMORY_ERROR_WINDOW}])`),
      dcgm(`increase(DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS[${MEMORY_ERROR_WINDOW}])`),
    ]),
    // Violation counters count nanoseconds throttled (DCGM's field reference; the exporter's CSV said
    // "us" until #589).
    rec(S.gpuThrottled, [dcgm('rate(DCGM_FI_DEV_POWER_VIOLATION[5m])', 'max', ' / 1e9')], { reason: 'power' }),
    rec(S.gpuThrottled, [dcgm('rate(DCGM_FI_DEV_THERMAL_VIOLATION[5m])', 'max', ' / 1e9')], { reason: 'thermal' }),
  ];
}

/** nvidia_gpu_exporter labels values with `uuid` only; the index comes from nvidia_smi_gpu_info (gpu:index:info). */
const nvsmi = (m: string, agg: 'max' | 'sum' = 'max', extra: string[] = []): string =>
  `${agg} by ${by([...G, ...extra])} ((${m}) * on (job, instance, uuid) group_left (gpu) ${S.gpuIndexInfo})`;

const gpuIndexInfo = `label_replace(max by (job, instance, host, uuid, index) (nvidia_smi_gpu_info), "gpu", "$1", "index", "(.*)")`;

/**
 * XIDs per code in the window (NVML backend). A counter series appears only with its code's first
 * event, so increase() would miss that event: a series that did not exist a window ago counts in
 * full, and so does one that went down (the exporter restarted and the code came again). Only codes
 * whose last event is inside the window count at all, which is what upstream's docs recommend
 * alerting on (nvidia_smi_xid_last_timestamp_seconds): a restart that replays nothing counts nothing.
 */
function nvsmiXidCount(): string {
  const total = 'nvidia_smi_xid_errors_total';
  const grown = `(${total} - ${total} offset ${EVENT_WINDOW}) >= 1`;
  const recent = `(time() - nvidia_smi_xid_last_timestamp_seconds < ${EVENT_WINDOW_SECONDS})`;
  return nvsmi(`((${grown}) or ${total}) and on (job, instance, uuid, xid) ${recent}`, 'sum', ['xid']);
}

/**
 * One series per throttle cause the exporter names; the reason is the largest of its causes (the
 * driver's own thermal slowdown and the hardware trip point may overlap).
 */
const cause = (name: string, variants: string[]): RecordingRule => rec(S.gpuThrottleCause, variants, { cause: name });
const throttledBy = (reason: string, causes: string): RecordingRule => ({
  record: S.gpuThrottled,
  expr: `max by ${GB} (${S.gpuThrottleCause}{cause=~"${causes}"})`,
  labels: { reason },
});

/** Throttle counters (seconds, from nvidia-smi's microseconds) where the driver has them, else the share of scrapes with the flag set. */
const nvsmiThrottle = (reason: string): RecordingRule =>
  cause(reason, [
    nvsmi(
      firstOf(
        [`rate(nvidia_smi_clocks_event_reasons_counters_${reason}_seconds[5m])`, `avg_over_time(nvidia_smi_clocks_event_reasons_${reason}[5m])`, `avg_over_time(nvidia_smi_clocks_throttle_reasons_${reason}[5m])`],
        ['job', 'instance', 'uuid'],
      ),
    ),
  ]);

function nvidiaSmiRules(): RecordingRule[] {
  return [
    { record: S.gpuIndexInfo, expr: gpuIndexInfo },
    rec(S.gpuUtilization, [nvsmi('nvidia_smi_utilization_gpu_ratio')]),
    rec(S.gpuMemoryUsed, [nvsmi('nvidia_smi_memory_used_bytes')]),
    rec(S.gpuMemoryTotal, [nvsmi('nvidia_smi_memory_total_bytes')]),
    rec(S.gpuTemperature, [nvsmi('nvidia_smi_temperature_gpu')]),
    rec(S.gpuPower, [nvsmi('nvidia_smi_power_draw_watts')]),
    rec(S.gpuSmClock, [nvsmi('nvidia_smi_clocks_current_sm_clock_hz')]),
    // NVML backend only; one counter per xid code.
    rec(S.gpuXidErrors, [nvsmiXidCount()]),
    rec(S.gpuRowRemapFailed, [nvsmi('nvidia_smi_remapped_rows_failure')]),
    rec(S.gpuRowRemapPending, [nvsmi('nvidia_smi_remapped_rows_pending')]),
    // Gauges that only grow until a GPU reset clears the volatile count: increase() reads a reset as one.
    rec(S.gpuUncorrectableMemoryErrors, [
      nvsmi(`increase(nvidia_smi_ecc_errors_uncorrected_volatile_total[${MEMORY_ERROR_WINDOW}])`),
      nvsmi(`increase(nvidia_smi_remapped_rows_uncorrectable[${MEMORY_ERROR_WINDOW}])`),
    ]),
    rec(S.gpuPowerLimit, [nvsmi('nvidia_smi_enforced_power_limit_watts'), nvsmi('nvidia_smi_power_limit_watts')]),
    // NVML backend with --collect.pcie-throughput.
    ...(['tx', 'rx'] as const).map((d) => rec(S.gpuPcieBandwidth, [nvsmi(`nvidia_smi_pcie_throughput_${d}_bytes_per_second`)], { direction: d })),
    ...['sw_power_cap', 'hw_power_brake_slowdown', 'hw_thermal_slowdown', 'sw_thermal_slowdown'].map(nvsmiThrottle),
    // The power brake is the board's external slowdown signal (its power supply): a power reason.
    throttledBy('power', 'sw_power_cap|hw_power_brake_slowdown'),
    throttledBy('thermal', 'hw_thermal_slowdown|sw_thermal_slowdown'),
  ];
}

/** AMD labels each GPU with gpu_id. */
const amd = (m: string, scale = '', agg: 'max' | 'sum' = 'max'): string =>
  `${agg} by ${GB} (label_replace(${m}, "gpu", "$1", "gpu_id", "(.*)"))${scale}`;

/**
 * gpu_afid_errors holds the AFIDs of the latest RAS (CPER) record per GPU, one series per
 * afid_index, labelled with the record's severity; it keeps them until a newer record comes. An entry
 * that is new or changed against 5 minutes ago is an event, but only on a GPU the exporter already
 * reported then: a restarted exporter re-reads the latest record and must not report it again.
 */
function amdRasCount(): string {
  const afid = 'gpu_afid_errors';
  const key = 'on (job, instance, host, gpu_id, severity, afid_index)';
  // New or changed: every entry but those equal to what they were.
  const changed = `${afid} unless ${key} (${afid} == ${key} ${afid} offset ${EVENT_WINDOW})`;
  // The record's severity becomes ras_severity: an alert's own severity label would overwrite it.
  const gpuLabel = `label_replace((${changed}) and on (job, instance, gpu_id) (gpu_health offset ${EVENT_WINDOW}), "gpu", "$1", "gpu_id", "(.*)")`;
  return `count by ${by([...G, 'ras_severity'])} (label_replace(${gpuLabel}, "ras_severity", "$1", "severity", "(.*)"))`;
}

function amdRules(): RecordingRule[] {
  const pct = (m: string): string => amd(`avg_over_time(${m}[5m])`, ' / 100');
  return [
    rec(S.gpuUtilization, [amd('gpu_gfx_activity', ' / 100')]),
    // The profiler's SM activity is a percentage (metricslist.md), off by default.
    rec(S.gpuSmActive, [amd('gpu_prof_sm_active', ' / 100')]),
    rec(S.gpuDramActive, [amd('gpu_umc_activity', ' / 100')]),
    // The exporter's help says MB; amdsmi reports VRAM in MiB.
    rec(S.gpuMemoryUsed, [amd('gpu_used_vram', ` * ${MIB}`)]),
    rec(S.gpuMemoryTotal, [amd('gpu_total_vram', ` * ${MIB}`)]),
    // MI3xx report the junction (hotspot) temperature, MI2xx the edge temperature.
    rec(S.gpuTemperature, [amd('gpu_junction_temperature'), amd('gpu_edge_temperature')]),
    rec(S.gpuPower, [amd('gpu_package_power'), amd('gpu_average_package_power')]),
    rec(S.gpuSmClock, [amd('gpu_clock{clock_type="system"}', ' * 1e6')]),
    rec(S.gpuUncorrectableMemoryErrors, [amd(`increase(gpu_ecc_uncorrect_total[${MEMORY_ERROR_WINDOW}])`)]),
    // XGMI: accumulated KB per link (gauges that only grow): the rate over all links, KB taken as KiB.
    rec(S.gpuNvlinkBandwidth, [amd('rate(gpu_xgmi_link_tx[5m])', ' * 1024', 'sum')], { direction: 'tx' }),
    rec(S.gpuNvlinkBandwidth, [amd('rate(gpu_xgmi_link_rx[5m])', ' * 1024', 'sum')], { direction: 'rx' }),
    // MI3xx: instantaneous PCIe bandwidth of both directions, Mb/s (megabits).
    rec(S.gpuPcieBandwidth, [amd('pcie_bandwidth', ' * 125000')], { direction: 'total' }),
    // MI3xx on bare metal: residency percentages of package power tracking and of the thermal limits.
    ...['ppt', 'socket_thermal', 'hbm_thermal', 'vr_thermal'].map((c) => cause(c, [pct(`gpu_violation_${c}_residency_percentage`)])),
    throttledBy('power', 'ppt'),
    throttledBy('thermal', 'socket_thermal|hbm_thermal|vr_thermal'),
    { record: S.gpuRasErrors, expr: amdRasCount() },
  ];
}

/**
 * GPUs per exporter target: any of the series every exporter reports per GPU. An exporter that is up
 * but reports no GPU at all counts 0; one that is down counts nothing (GPUExporterDown covers it).
 */
function deviceCount(kind: Exclude<GpuKind, 'none'>): RecordingRule {
  const T = by(GPU_TARGET_LABELS);
  return {
    record: S.gpuDevices,
    expr: `count by ${T} (${S.gpuTemperature} or on ${GB} ${S.gpuPower} or on ${GB} ${S.gpuMemoryTotal}) or on ${T} (up{job="${GPU_JOB[kind]}"} == 1) * 0`,
  };
}

export function gpuRuleGroup(kind: Exclude<GpuKind, 'none'>): RuleGroup {
  const rules = kind === 'dcgm' ? dcgmRules() : kind === 'nvidia-smi' ? nvidiaSmiRules() : amdRules();
  rules.push({ record: S.gpuMemoryUsedRatio, expr: `${S.gpuMemoryUsed} / on ${GB} (${S.gpuMemoryTotal} > 0)` }, deviceCount(kind));
  return { name: `gpu-${kind}-normalise`, rules };
}

/**
 * The filesystem holding `w.path` on each machine: the longest of its mountpoint prefixes that is a
 * watched disk there (`or on` keeps the left side where an instance has it).
 */
function watchedPathRule(w: WatchPath): RecordingRule {
  const chain = mountCandidates(w.path)
    .map((m) => `${S.hostFilesystemAvailRatio}{mountpoint="${m}"}`)
    .join(' or on (instance, job) ');
  return { record: S.hostPathFilesystemAvailRatio, expr: `label_replace(label_replace(${chain}, "path", "${w.path}", "", ""), "holds", "${w.name}", "", "")` };
}

/** node-exporter: CPU, memory, network, filesystems and disk I/O of each machine. */
export function hostRuleGroup(watchPaths: readonly WatchPath[] = DEFAULT_WATCH_PATHS): RuleGroup {
  const H = by(['instance', 'job', 'host']);
  // Virtual interfaces (loopback, containers, bridges) would double count traffic.
  const physical = 'device!~"lo|veth.*|docker.*|br-.*|virbr.*|cni.*|flannel.*|cali.*|vxlan.*"';
  // Disks that fill up: no memory-backed, container-layer or image filesystems, nothing read-only.
  const FS = by(FILESYSTEM_LABELS);
  const disk = 'fstype!~"tmpfs|ramfs|devtmpfs|overlay|squashfs|nsfs|autofs|fuse.lxcfs"';
  const writable = `node_filesystem_readonly{${disk}} == 0`;
  // Block devices that store data (after node-mixin's disk list): no loop, ram, zram, optical or nbd.
  const D = by(DISK_LABELS);
  const blockdev = 'device=~"(/dev/)?(sd|vd|xvd|hd|nvme|mmcblk|dasd|rbd|dm-|md).+"';
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
      ...watchPaths.map(watchedPathRule),
      // One series per filesystem again, named after the first watched path it holds: one alert per disk.
      {
        record: S.hostFilesystemAvailNamedRatio,
        expr: [...watchPaths.map((w) => `${S.hostPathFilesystemAvailRatio}{path="${w.path}"}`), S.hostFilesystemAvailRatio].join(' or on (instance, job, mountpoint) '),
      },
      { record: S.hostFilesystemAvailIn4h, expr: `max by ${FS} (predict_linear(node_filesystem_avail_bytes{${disk}}[6h], 4 * 3600) and ${writable})` },
      { record: S.hostFilesystemAvailIn24h, expr: `max by ${FS} (predict_linear(node_filesystem_avail_bytes{${disk}}[6h], 24 * 3600) and ${writable})` },
      { record: S.hostFilesystemAvail, expr: `max by ${FS} (node_filesystem_avail_bytes{${disk}} and ${writable})` },
      { record: S.hostFilesystemUsedRatio, expr: `1 - ${S.hostFilesystemAvailRatio}` },
      { record: S.hostDiskRead, expr: `sum by ${D} (rate(node_disk_read_bytes_total{${blockdev}}[5m]))` },
      { record: S.hostDiskWritten, expr: `sum by ${D} (rate(node_disk_written_bytes_total{${blockdev}}[5m]))` },
      // io_time advances with wall time while any request is in flight; timer skew can push it past 1.
      { record: S.hostDiskBusy, expr: `clamp_max(sum by ${D} (rate(node_disk_io_time_seconds_total{${blockdev}}[5m])), 1)` },
      { record: S.hostOomKills, expr: `max by ${H} (increase(node_vmstat_oom_kill[5m]))` },
      { record: S.hostClockOffset, expr: `max by ${H} (node_timex_offset_seconds)` },
    ],
  };
}
