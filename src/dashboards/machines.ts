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
          description: 'Fraction of time a kernel was running. LLM decode is memory-bound: this reads near 100% while SMs idle; compare SM and DRAM activity.',
          unit: 'percentunit',
          min: 0,
          max: 1,
          queries: [{ expr: `${S.gpuUtilization}{${GSEL}}`, legend }],
        }),
        p({
          title: 'SM activity',
          description: 'Fraction of cycles an SM had a warp assigned (DCGM profiling field DCGM_FI_PROF_SM_ACTIVE).',
          unit: 'percentunit',
          min: 0,
          max: 1,
          queries: [{ expr: `${S.gpuSmActive}{${GSEL}}`, legend }],
          noValue: 'Not available: only dcgm-exporter profiling fields (datacenter GPUs, SYS_ADMIN) report SM activity; the nvidia-smi and AMD exporters do not.',
        }),
        p({
          title: 'Memory bandwidth (DRAM) activity',
          description: 'Fraction of cycles the memory interface was busy; practical peak is about 0.8. Decode throughput tracks this.',
          unit: 'percentunit',
          min: 0,
          max: 1,
          queries: [{ expr: `${S.gpuDramActive}{${GSEL}}`, legend }],
          noValue: 'Not available: needs dcgm-exporter profiling fields (DCGM_FI_PROF_DRAM_ACTIVE) or the AMD exporter; the nvidia-smi exporter has no bandwidth metric.',
        }),
        p({
          title: 'Tensor core activity',
          description: 'Fraction of cycles the tensor pipe was active (DCGM profiling).',
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
          description: 'Memory used and capacity per GPU.',
          unit: 'bytes',
          queries: [
            { expr: `${S.gpuMemoryUsed}{${GSEL}}`, legend: `used ${legend}` },
            { expr: `${S.gpuMemoryTotal}{${GSEL}}`, legend: `total ${legend}` },
          ],
        }),
        p({
          type: 'bargauge',
          title: 'GPU memory used (fraction)',
          description: 'vLLM pre-allocates about 90% by design; only the last percents mean pressure.',
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
        p({ title: 'Temperature', description: 'GPU temperature (AMD MI3xx: junction; MI2xx: edge).', unit: 'celsius', queries: [{ expr: `${S.gpuTemperature}{${GSEL}}`, legend }] }),
        p({
          title: 'Power draw vs limit',
          description: 'Board power and the power limit the driver enforces: draw pinned at the limit means the GPU is power-capped (see Throttling).',
          unit: 'watt',
          queries: [
            { expr: `${S.gpuPower}{${GSEL}}`, legend: `draw ${legend}` },
            { expr: `${S.gpuPowerLimit}{${GSEL}}`, legend: `limit ${legend}` },
          ],
          noValue: 'No power draw: the exporter reports none for these GPUs. The limit needs DCGM_FI_DEV_ENFORCED_POWER_LIMIT (in the counters CSV this stack mounts) or the nvidia-smi exporter; the AMD exporter reports no power limit.',
        }),
        p({ title: 'SM clock', description: 'SM (AMD: system) clock; drops under thermal or power throttling.', unit: 'hertz', queries: [{ expr: `${S.gpuSmClock}{${GSEL}}`, legend }] }),
        p({
          title: 'Throttling reasons',
          description: 'Fraction of the last 5 minutes the clocks were held down: by reason (power, thermal) for every exporter, and by the exporter\'s own cause where it names them (nvidia-smi: sw_power_cap, hw_power_brake_slowdown, hw_thermal_slowdown, sw_thermal_slowdown; AMD MI3xx: ppt, socket_thermal, hbm_thermal, vr_thermal).',
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
          description: 'XID errors per code in the last 5 minutes (a repeat counts again); DCGM keeps the last code (shown as well).',
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
          description: 'GPU-to-GPU traffic in bytes per second, the tensor-parallel path (all-reduce): tx and rx where the exporter splits them, total where it reports one figure for both directions (DCGM\'s NVLink field; not to be added to tx and rx). AMD: XGMI, summed over links.',
          unit: 'Bps',
          min: 0,
          queries: [{ expr: `${S.gpuNvlinkBandwidth}{${GSEL}}`, legend: `{{direction}} ${legend}` }],
          noValue: 'Not available: GPUs without NVLink/XGMI, or an exporter without the fields (DCGM tx/rx are profiling fields: datacenter GPU, SYS_ADMIN; the nvidia-smi exporter reports no NVLink traffic; AMD: MI2xx/MI3xx on bare metal).',
        }),
        p({
          w: 12,
          title: 'PCIe traffic',
          description: 'GPU-host traffic in bytes per second (tx: GPU to host, rx: host to GPU): weight loading and KV-cache offload to CPU memory ride on it. AMD MI3xx reports both directions together (total).',
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

export function hostDashboard(): Dashboard {
  const sel = 'instance=~"$instance"';
  const rows: RowSpec[] = [
    {
      title: 'Host',
      panels: [
        { title: 'CPU utilisation', description: 'Busy fraction over all cores.', unit: 'percentunit', min: 0, max: 1, w: 12, queries: [{ expr: `${S.hostCpu}{${sel}}`, legend: '{{instance}}' }] },
        {
          title: 'Memory used / total',
          description: 'Memory in use (total - available) and physical memory.',
          unit: 'bytes',
          w: 12,
          queries: [
            { expr: `${S.hostMemoryUsed}{${sel}}`, legend: 'used {{instance}}' },
            { expr: `${S.hostMemoryTotal}{${sel}}`, legend: 'total {{instance}}' },
          ],
        },
        {
          title: 'Network I/O',
          description: 'Bytes per second received and sent on physical interfaces (loopback, container and bridge interfaces excluded).',
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
          description: 'Memory in use / total.',
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
  ];
  return dashboard(HOST_UID, 'Hosts', 'CPU, memory and network of the machines in the stack (node-exporter).', ['host'], [queryVariable('instance', 'Host', S.hostCpu, '')], layout(rows, false));
}
