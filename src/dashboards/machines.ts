/** The GPU and host dashboards, over the normalised gpu: and host: series. */
import { S } from '../rules/series.js';
import { type Dashboard, type PanelSpec, type RowSpec, dashboard, layout, queryVariable } from './model.js';
import { GPU_UID, HOST_UID } from './ids.js';

export { GPU_UID, HOST_UID };


const GSEL = 'host=~"$host", gpu=~"$gpu"';
const legend = '{{host}} GPU {{gpu}}';

export function gpuDashboard(): Dashboard {
  const p = (x: PanelSpec): PanelSpec => ({ w: 8, ...x });
  const rows: RowSpec[] = [
    {
      title: 'Activity',
      panels: [
        p({
          title: 'GPU utilisation',
          description: 'Fraction of time a kernel was running. LLM decode is memory-bound: this reads near 100% while SMs idle; compare SM and DRAM activity. If it stays near 0 while requests wait, the engine is stalled or runs on other GPUs: check the serving dashboards and the engine log.',
          unit: 'percentunit',
          min: 0,
          max: 1,
          queries: [{ expr: `${S.gpuUtilization}{${GSEL}}`, legend }],
        }),
        p({
          title: 'SM activity',
          description: 'Fraction of cycles an SM had a warp assigned (DCGM profiling field DCGM_FI_PROF_SM_ACTIVE). Low during decode is normal (memory-bound); if it stays low under prefill-heavy load, batches are small: raise the engine\'s batch limits (vLLM --max-num-seqs, --max-num-batched-tokens) where latency allows.',
          unit: 'percentunit',
          min: 0,
          max: 1,
          queries: [{ expr: `${S.gpuSmActive}{${GSEL}}`, legend }],
          noValue: 'Not available: only dcgm-exporter profiling fields (datacenter GPUs, SYS_ADMIN) report SM activity; the nvidia-smi and AMD exporters do not.',
        }),
        p({
          title: 'Memory bandwidth (DRAM) activity',
          description: 'Fraction of cycles the memory interface was busy; practical peak is about 0.8. Decode throughput tracks this. If it sits near 0.8 while latency climbs, the GPU is bandwidth-bound: quantise the weights or the KV cache (FP8), or spread the model over more GPUs; far below it with requests waiting, look elsewhere (scheduler, CPU, network).',
          unit: 'percentunit',
          min: 0,
          max: 1,
          queries: [{ expr: `${S.gpuDramActive}{${GSEL}}`, legend }],
          noValue: 'Not available: needs dcgm-exporter profiling fields (DCGM_FI_PROF_DRAM_ACTIVE) or the AMD exporter; the nvidia-smi exporter has no bandwidth metric.',
        }),
        p({
          title: 'Tensor core activity',
          description: 'Fraction of cycles the tensor pipe was active (DCGM profiling). If it stays near 0 under load, the model runs without tensor cores (an FP32 or unsupported dtype): check the engine\'s --dtype and quantisation.',
          unit: 'percentunit',
          min: 0,
          max: 1,
          queries: [{ expr: `${S.gpuTensorActive}{${GSEL}}`, legend }],
          noValue: 'Not available: only dcgm-exporter profiling fields report tensor activity.',
        }),
      ],
    },
    {
      title: 'Memory',
      panels: [
        p({
          title: 'GPU memory used / total',
          description: 'Memory used and capacity per GPU. If used reaches total, or memory is held on a GPU the engine does not use, another process has it: nvidia-smi (amd-smi) lists it; stop it, or the engine fails to start or runs out of memory.',
          unit: 'bytes',
          queries: [
            { expr: `${S.gpuMemoryUsed}{${GSEL}}`, legend: `used ${legend}` },
            { expr: `${S.gpuMemoryTotal}{${GSEL}}`, legend: `total ${legend}` },
          ],
        }),
        p({
          type: 'bargauge',
          title: 'GPU memory used (fraction)',
          description: 'Memory used / total per GPU. vLLM pre-allocates about 90% by design; only the last percents mean pressure. If it stays red: lower vLLM --gpu-memory-utilization or SGLang --mem-fraction-static, or stop the other process holding memory (nvidia-smi).',
          unit: 'percentunit',
          min: 0,
          max: 1,
          thresholds: [
            { color: 'green', value: null },
            { color: 'orange', value: 0.95 },
            { color: 'red', value: 0.98 },
          ],
          queries: [{ expr: `${S.gpuMemoryUsedRatio}{${GSEL}}`, legend }],
        }),
      ],
    },
    {
      title: 'Thermals, power, clocks, errors',
      panels: [
        p({ title: 'Temperature', description: 'GPU temperature (AMD MI3xx: junction; MI2xx: edge). If it climbs past about 85 °C, clocks drop (see Throttling reasons): check the fans, airflow and the room, and GPUTemperatureHigh.', unit: 'celsius', queries: [{ expr: `${S.gpuTemperature}{${GSEL}}`, legend }] }),
        p({
          title: 'Power draw vs limit',
          description: 'Board power and the power limit the driver enforces: draw pinned at the limit means the GPU is power-capped (see Throttling). If draw sits at a limit below the board\'s default: raise it (nvidia-smi -pl) or check the power supply; at the default limit under full load this is normal.',
          unit: 'watt',
          queries: [
            { expr: `${S.gpuPower}{${GSEL}}`, legend: `draw ${legend}` },
            { expr: `${S.gpuPowerLimit}{${GSEL}}`, legend: `limit ${legend}` },
          ],
          noValue: 'No power draw: the exporter reports none for these GPUs. The limit needs DCGM_FI_DEV_ENFORCED_POWER_LIMIT (in the counters CSV this stack mounts) or the nvidia-smi exporter; the AMD exporter reports no power limit.',
        }),
        p({ title: 'SM clock', description: 'SM (AMD: system) clock; drops under thermal or power throttling. If it falls under load, Throttling reasons says why: thermal means cooling, power means the power limit.', unit: 'hertz', queries: [{ expr: `${S.gpuSmClock}{${GSEL}}`, legend }] }),
        p({
          title: 'Throttling reasons',
          description: 'Fraction of the last 5 minutes the clocks were held down: by reason (power, thermal) for every exporter, and by the exporter\'s own cause where it names them (nvidia-smi: sw_power_cap, hw_power_brake_slowdown, hw_thermal_slowdown, sw_thermal_slowdown; AMD MI3xx: ppt, socket_thermal, hbm_thermal, vr_thermal). If thermal throttling shows: fix cooling (GPUThermalThrottling); power throttling most of the time means a lowered power limit or a weak supply (GPUPowerThrottling).',
          unit: 'percentunit',
          min: 0,
          max: 1,
          queries: [
            { expr: `${S.gpuThrottled}{${GSEL}}`, legend: `{{reason}} ${legend}` },
            { expr: `${S.gpuThrottleCause}{${GSEL}}`, legend: `cause {{cause}} ${legend}` },
          ],
          noValue: 'Not available: DCGM needs the violation fields of the counters CSV this stack mounts; the nvidia-smi exporter needs a driver that reports clock event reasons; the AMD exporter reports violations on MI3xx on bare metal only.',
        }),
        p({
          title: 'XID errors (5m)',
          description: 'XID errors per code in the last 5 minutes (a repeat counts again); DCGM keeps the last code (shown as well). If any appears, look the code up in NVIDIA\'s XID catalogue (GPUXidError links it): 48, 63/64, 74, 79, 94/95 usually mean draining the node and resetting the GPU; 13, 31, 43 point at the application.',
          unit: 'short',
          queries: [
            { expr: `${S.gpuXidErrors}{${GSEL}}`, legend: `XID {{xid}} ${legend}` },
            { expr: `${S.gpuXidLast}{${GSEL}}`, legend: `last XID code ${legend}` },
          ],
          noValue: 'No XID series: the nvidia-smi exporter reports XIDs only with its NVML backend, the AMD exporter not at all.',
        }),
      ],
    },
    {
      title: 'Interconnect',
      panels: [
        p({
          w: 12,
          title: 'NVLink / XGMI traffic',
          description: 'GPU-to-GPU traffic in bytes per second, the tensor-parallel path (all-reduce): tx and rx where the exporter splits them, total where it reports one figure for both directions (DCGM\'s NVLink field; not to be added to tx and rx). AMD: XGMI, summed over links. If it stays near 0 on a tensor-parallel deployment, or far below the links\' capacity while all-reduce is slow: check the links (nvidia-smi nvlink --status) and whether NCCL fell back to PCIe (NCCL_DEBUG=INFO).',
          unit: 'Bps',
          min: 0,
          queries: [{ expr: `${S.gpuNvlinkBandwidth}{${GSEL}}`, legend: `{{direction}} ${legend}` }],
          noValue: 'Not available: GPUs without NVLink/XGMI, or an exporter without the fields (DCGM tx/rx are profiling fields: datacenter GPU, SYS_ADMIN; the nvidia-smi exporter reports no NVLink traffic; AMD: MI2xx/MI3xx on bare metal).',
        }),
        p({
          w: 12,
          title: 'PCIe traffic',
          description: 'GPU-host traffic in bytes per second (tx: GPU to host, rx: host to GPU): weight loading and KV-cache offload to CPU memory ride on it. AMD MI3xx reports both directions together (total). If it stays near the link\'s capacity (about 25 GB/s per direction for Gen4 x16) while serving, offload or swapping is the bottleneck: check the negotiated link width and generation (nvidia-smi -q) and shrink the CPU offload.',
          unit: 'Bps',
          min: 0,
          queries: [{ expr: `${S.gpuPcieBandwidth}{${GSEL}}`, legend: `{{direction}} ${legend}` }],
          noValue: 'Not available: DCGM reports PCIe bytes as profiling fields (datacenter GPU, SYS_ADMIN); the nvidia-smi exporter only with its NVML backend and --collect.pcie-throughput; AMD: MI3xx only.',
        }),
      ],
    },
  ];
  return dashboard(
    GPU_UID,
    'GPUs',
    'GPU activity, memory, temperature, power vs limit, clocks, throttling, XID errors and NVLink/PCIe traffic, normalised across dcgm-exporter, nvidia_gpu_exporter and the AMD device-metrics-exporter.',
    ['gpu'],
    [queryVariable('host', 'Host', S.gpuUtilization, ''), queryVariable('gpu', 'GPU', S.gpuUtilization, 'host=~"$host"')],
    layout(rows, true),
  );
}

/**
 * Used shares where the disk panel turns orange and red: the free-space thresholds of the disk
 * alerts (ALERT_THRESHOLDS.fsFillingFreeCritical and fsAlmostFullFree; rules/alerts.ts imports the
 * render modules, which import the dashboards, so the test checks they agree instead).
 */
const DISK_USED_ORANGE = 0.8;
const DISK_USED_RED = 0.95;
const pct = (x: number): string => `${Math.round(x * 100)}% used`;

export function hostDashboard(): Dashboard {
  const sel = 'instance=~"$instance"';
  const mount = '{{instance}} {{mountpoint}}';
  const device = '{{instance}} {{device}}';
  const rows: RowSpec[] = [
    {
      title: 'Host',
      panels: [
        { title: 'CPU utilisation', description: 'Busy fraction over all cores. If it stays near 1, the engine\'s API server, tokenizer and scheduler starve and latency rises: find the busy processes (top) and move other work off the machine.', unit: 'percentunit', min: 0, max: 1, w: 12, queries: [{ expr: `${S.hostCpu}{${sel}}`, legend: '{{instance}}' }] },
        {
          title: 'Memory used / total',
          description: 'Memory in use (total - available) and physical memory. If used approaches total, the kernel OOM killer may end the engine: find what grows (top, sorted by RES) and shrink the engine\'s CPU memory use or stop other processes.',
          unit: 'bytes',
          w: 12,
          queries: [
            { expr: `${S.hostMemoryUsed}{${sel}}`, legend: 'used {{instance}}' },
            { expr: `${S.hostMemoryTotal}{${sel}}`, legend: 'total {{instance}}' },
          ],
        },
        {
          title: 'Network I/O',
          description: 'Bytes per second received and sent on physical interfaces (loopback, container and bridge interfaces excluded). If it flattens at the interface\'s line rate, clients or multi-node traffic are network-bound: spread the load or use a faster link; a drop to 0 under load means the machine lost its network.',
          unit: 'Bps',
          w: 12,
          queries: [
            { expr: `${S.hostNetworkReceive}{${sel}}`, legend: 'received {{instance}}' },
            { expr: `${S.hostNetworkTransmit}{${sel}}`, legend: 'sent {{instance}}' },
          ],
        },
        {
          type: 'bargauge',
          title: 'Memory used (fraction)',
          description: 'Memory in use / total. If it turns red, the OOM killer is next (HostMemoryPressure, HostOOMKills): shrink the engine\'s CPU memory use (vLLM --swap-space, --cpu-offload-gb, KV offload) or stop other processes.',
          unit: 'percentunit',
          min: 0,
          max: 1,
          w: 12,
          thresholds: [
            { color: 'green', value: null },
            { color: 'orange', value: 0.85 },
            { color: 'red', value: 0.95 },
          ],
          queries: [{ expr: `${S.hostMemoryUsedRatio}{${sel}}`, legend: '{{instance}}' }],
        },
      ],
    },
    {
      title: 'Disks',
      panels: [
        {
          type: 'bargauge',
          title: 'Disk space used per mount',
          description: `Share of each writable filesystem a non-root user can no longer write (root-reserved blocks count as used; tmpfs, overlay and read-only filesystems left out). Orange from ${pct(DISK_USED_ORANGE)}, red from ${pct(DISK_USED_RED)} (where HostFilesystemAlmostFull fires). If a mount nears full: find what grows (du -xh -d1 MOUNT | sort -h): Prometheus data (shorten its retention), model caches (HF_HOME), Docker images and logs (docker system prune); free it or grow the volume before writes fail.`,
          unit: 'percentunit',
          min: 0,
          max: 1,
          decimals: 1,
          w: 12,
          thresholds: [
            { color: 'green', value: null },
            { color: 'orange', value: DISK_USED_ORANGE },
            { color: 'red', value: DISK_USED_RED },
          ],
          queries: [{ expr: `${S.hostFilesystemUsedRatio}{${sel}}`, legend: mount }],
        },
        {
          title: 'Filesystem headroom: free now, predicted in 4h and 24h',
          description:
            'Free bytes per writable filesystem now, and where the trend of the last 6 hours puts them 4 and 24 hours from now. A prediction below 0 means the mount is full by then (HostFilesystemFillingUp fires when free space is also low). If a mount heads for 0: find what writes to it (du -xh -d1 MOUNT | sort -h; Prometheus data, model downloads, logs), then stop it, move it to another disk or grow the volume.',
          unit: 'bytes',
          decimals: 1,
          w: 12,
          queries: [
            { expr: `${S.hostFilesystemAvail}{${sel}}`, legend: `now ${mount}` },
            { expr: `${S.hostFilesystemAvailIn4h}{${sel}}`, legend: `in 4h ${mount}` },
            { expr: `${S.hostFilesystemAvailIn24h}{${sel}}`, legend: `in 24h ${mount}` },
          ],
        },
        {
          title: 'Disk I/O throughput',
          description:
            'Bytes per second read and written per block device (disks, device-mapper and md volumes; loop, RAM and optical devices left out). Model loading shows as read bursts, Prometheus and logs as steady writes. If reads stay at the device\'s limit while an engine starts, loading weights is disk-bound: put the model cache on faster storage (NVMe); steady heavy writes on the Prometheus disk: fewer series or a longer scrape interval.',
          unit: 'Bps',
          min: 0,
          decimals: 1,
          w: 12,
          queries: [
            { expr: `${S.hostDiskRead}{${sel}}`, legend: `read ${device}` },
            { expr: `${S.hostDiskWritten}{${sel}}`, legend: `written ${device}` },
          ],
          noValue: 'No disk statistics: node-exporter reads /proc/diskstats, which sandboxed container runtimes (gVisor, some CI runners) show empty; --no-collector.diskstats turns it off.',
        },
        {
          title: 'Disk busy share',
          description:
            'Share of the time each block device had I/O in flight (iostat %util, 0-1). If a single disk sits near 1 while latency or model loading suffers, it is saturated: move the busy data (model cache, Prometheus data) to another disk or faster storage; NVMe and RAID serve requests in parallel, so 1 there means busy, not necessarily saturated (compare with Disk I/O throughput).',
          unit: 'percentunit',
          min: 0,
          max: 1,
          decimals: 1,
          w: 12,
          queries: [{ expr: `${S.hostDiskBusy}{${sel}}`, legend: device }],
          noValue: 'No disk statistics: node-exporter reads /proc/diskstats, which sandboxed container runtimes (gVisor, some CI runners) show empty; --no-collector.diskstats turns it off.',
        },
      ],
    },
  ];
  return dashboard(
    HOST_UID,
    'Hosts',
    'CPU, memory, network, disk space and disk I/O of the machines in the stack (node-exporter).',
    ['host'],
    [queryVariable('instance', 'Host', S.hostCpu, '')],
    layout(rows, false),
  );
}
