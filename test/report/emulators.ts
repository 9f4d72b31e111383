/**
 * Emulated vLLM V1 (0.11+) and DCGM exporters for the report test. Every value is a function of the
 * time since a virtual start, so the test knows exactly what each counter, histogram and gauge did,
 * and the same function yields the live /metrics page and the history backfilled into Prometheus
 * (OpenMetrics with timestamps, for promtool tsdb create-blocks-from openmetrics). Text exposition
 * follows the real captures: prometheus_client floats ("4.0", le="0.5"), labels sorted (engine, le,
 * model_name), `_created` gauges beside counters and histograms; DCGM keeps its own label order
 * (gpu, UUID, device, modelName, Hostname) with utilisation in 0-100 and memory in MiB.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { V1_ITL_BUCKETS, V1_REQUEST_LATENCY_BUCKETS, V1_TTFT_BUCKETS } from '../../src/engines/vllm.js';

export interface RequestShape {
  ttft: number;
  itl: number;
  e2e: number;
  promptTokens: number;
  outputTokens: number;
  reason: 'stop' | 'length' | 'abort';
}

export interface VllmWorkload {
  model: string;
  /** Requests finished per group; whole groups complete at `groupsPerSecond`. */
  group: RequestShape[];
  groupsPerSecond: number;
  waiting: (at: number) => number;
  running: (at: number) => number;
  kvUsage: (at: number) => number;
  preemptionsPerSecond: number;
  prefixQueriedPerSecond: number;
  prefixHitPerSecond: number;
}

export interface GpuShape {
  util: number;
  smActive: number;
  dramActive: number;
  fbUsedMiB: number;
  fbFreeMiB: number;
  powerW: number;
  tempC: (at: number) => number;
}

export interface Sample {
  name: string;
  labels: [string, string][];
  value: number;
}

export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram';
  help: string;
  /** dcgm-exporter prints double fields with %f, integer fields as integers. */
  double?: boolean;
  samples: Sample[];
}

/** An emulated target: its families at a unix time. */
export type Source = (at: number) => Family[];

/** prometheus_client's float formatting for the values used here. */
const pyFloat = (x: number): string => (x === Infinity ? '+Inf' : Number.isInteger(x) ? `${x}.0` : String(x));

export function vllmSource(w: VllmWorkload, start: number): Source {
  const base: [string, string][] = [['engine', '0'], ['model_name', w.model]];
  return (at) => {
    const elapsed = Math.max(0, at - start);
    // Whole groups only, so every scrape shows the workload's exact mix.
    const groups = Math.floor(elapsed * w.groupsPerSecond);
    const fams: Family[] = [];
    const gauge = (name: string, help: string, value: number): void => {
      fams.push({ name, type: 'gauge', help, samples: [{ name, labels: base, value }] });
    };
    const counter = (name: string, help: string, value: number): void => {
      fams.push({ name: `${name}_total`, type: 'counter', help, samples: [{ name: `${name}_total`, labels: base, value }] });
      fams.push({ name: `${name}_created`, type: 'gauge', help, samples: [{ name: `${name}_created`, labels: base, value: start }] });
    };
    const histogram = (name: string, help: string, bounds: readonly number[], obs: { value: number; weight: number }[]): void => {
      const samples: Sample[] = [...bounds, Infinity].map((le) => ({
        name: `${name}_bucket`,
        labels: [...base, ['le', pyFloat(le)]],
        value: obs.filter((o) => o.value <= le).reduce((a, o) => a + o.weight, 0) * groups,
      }));
      samples.push({ name: `${name}_count`, labels: base, value: obs.reduce((a, o) => a + o.weight, 0) * groups });
      samples.push({ name: `${name}_sum`, labels: base, value: obs.reduce((a, o) => a + o.value * o.weight, 0) * groups });
      fams.push({ name, type: 'histogram', help, samples });
      fams.push({ name: `${name}_created`, type: 'gauge', help, samples: [{ name: `${name}_created`, labels: base, value: start }] });
    };
    gauge('vllm:num_requests_running', 'Number of requests in model execution batches.', w.running(at));
    gauge('vllm:num_requests_waiting', 'Number of requests waiting to be processed.', w.waiting(at));
    gauge('vllm:kv_cache_usage_perc', 'KV-cache usage. 1 means 100 percent usage.', w.kvUsage(at));
    counter('vllm:prefix_cache_queries', 'Prefix cache queries, in terms of number of queried tokens.', Math.floor(elapsed * w.prefixQueriedPerSecond));
    counter('vllm:prefix_cache_hits', 'Prefix cache hits, in terms of number of cached tokens.', Math.floor(elapsed * w.prefixHitPerSecond));
    counter('vllm:num_preemptions', 'Cumulative number of preemption from the engine.', Math.floor(elapsed * w.preemptionsPerSecond));
    counter('vllm:prompt_tokens', 'Number of prefill tokens processed.', groups * w.group.reduce((a, r) => a + r.promptTokens, 0));
    counter('vllm:generation_tokens', 'Number of generation tokens processed.', groups * w.group.reduce((a, r) => a + r.outputTokens, 0));
    fams.push({
      name: 'vllm:request_success_total',
      type: 'counter',
      help: 'Count of successfully processed requests.',
      samples: ['stop', 'length', 'abort', 'error', 'repetition'].map((reason) => ({
        name: 'vllm:request_success_total',
        labels: [...base, ['finished_reason', reason]],
        value: groups * w.group.filter((r) => r.reason === reason).length,
      })),
    });
    histogram('vllm:time_to_first_token_seconds', 'Histogram of time to first token in seconds.', V1_TTFT_BUCKETS, w.group.map((r) => ({ value: r.ttft, weight: 1 })));
    // One inter-token observation per output token after the first.
    histogram('vllm:inter_token_latency_seconds', 'Histogram of inter-token latency in seconds.', V1_ITL_BUCKETS, w.group.map((r) => ({ value: r.itl, weight: r.outputTokens - 1 })));
    histogram('vllm:e2e_request_latency_seconds', 'Histogram of e2e request latency in seconds.', V1_REQUEST_LATENCY_BUCKETS, w.group.map((r) => ({ value: r.e2e, weight: 1 })));
    return fams;
  };
}

export function dcgmSource(hostname: string, gpus: GpuShape[]): Source {
  return (at) => {
    const field = (name: string, help: string, value: (g: GpuShape) => number, double = false): Family => ({
      name,
      type: 'gauge',
      help,
      double,
      samples: gpus.map((g, i) => ({
        name,
        labels: [['gpu', String(i)], ['UUID', `GPU-3c0a1f52-0000-4000-8000-00000000000${i}`], ['device', `nvidia${i}`], ['modelName', 'NVIDIA H100 80GB HBM3'], ['Hostname', hostname]],
        value: value(g),
      })),
    });
    return [
      field('DCGM_FI_DEV_GPU_TEMP', 'Current temperature readings for the device in degrees C.', (g) => g.tempC(at)),
      field('DCGM_FI_DEV_POWER_USAGE', 'Power usage for the device in Watts.', (g) => g.powerW, true),
      field('DCGM_FI_DEV_GPU_UTIL', 'GPU utilization (in %).', (g) => g.util),
      field('DCGM_FI_DEV_FB_FREE', 'Framebuffer memory free (in MiB).', (g) => g.fbFreeMiB),
      field('DCGM_FI_DEV_FB_USED', 'Framebuffer memory used (in MiB).', (g) => g.fbUsedMiB),
      field('DCGM_FI_PROF_SM_ACTIVE', 'The ratio of cycles an SM has at least 1 warp assigned (in %).', (g) => g.smActive, true),
      field('DCGM_FI_PROF_DRAM_ACTIVE', 'Ratio of cycles the device memory interface is active sending or receiving data (in %).', (g) => g.dramActive, true),
    ];
  };
}

const labelText = (labels: [string, string][], sort: boolean): string => {
  const pairs = sort ? [...labels].sort((a, b) => (a[0] < b[0] ? -1 : 1)) : labels;
  return pairs.length ? `{${pairs.map(([k, v]) => `${k}="${v}"`).join(',')}}` : '';
};

/** Text format 0.0.4 as the live target serves it. */
export function textExposition(fams: Family[], style: 'python' | 'dcgm'): string {
  const out: string[] = [];
  for (const f of fams) {
    out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    const value = (x: number): string => (style === 'python' ? pyFloat(x) : f.double ? x.toFixed(6) : String(Math.round(x)));
    for (const s of f.samples) out.push(`${s.name}${labelText(s.labels, style === 'python')} ${value(s.value)}`);
  }
  return `${out.join('\n')}\n`;
}

/**
 * The history Prometheus would have stored from a target's pages at several times: OpenMetrics with
 * timestamps, each family and each series contiguous, counter families named without `_total`.
 * `relabel` applies what the scrape would have (target labels, vLLM's engine label renamed dp_rank);
 * `_created` series are left out (OpenMetrics reserves that suffix, and nothing here reads them).
 */
export function openMetricsFromSnapshots(snapshots: { at: number; families: Family[] }[], relabel: (labels: [string, string][]) => [string, string][]): string {
  const families = new Map<string, { type: Family['type']; help: string; series: Map<string, { name: string; labels: string; points: string[] }> }>();
  for (const { at, families: fams } of snapshots) {
    for (const f of fams) {
      if (f.name.endsWith('_created')) continue;
      const family = f.type === 'counter' ? f.name.replace(/_total$/, '') : f.name;
      let fam = families.get(family);
      if (!fam) families.set(family, (fam = { type: f.type, help: f.help, series: new Map() }));
      for (const smp of f.samples) {
        if (smp.name.endsWith('_created')) continue;
        const labels = labelText(relabel(smp.labels), true);
        const key = smp.name + labels;
        let series = fam.series.get(key);
        if (!series) fam.series.set(key, (series = { name: smp.name, labels, points: [] }));
        series.points.push(`${smp.value} ${at}`);
      }
    }
  }
  const out: string[] = [];
  for (const [name, fam] of families) {
    out.push(`# HELP ${name} ${fam.help}`, `# TYPE ${name} ${fam.type}`);
    for (const series of fam.series.values()) for (const p of series.points) out.push(`${series.name}${series.labels} ${p}`);
  }
  return `${out.join('\n')}\n`;
}

/** History of a time-driven source, sampled every `step` seconds from `from` to `to`. */
export function openMetricsHistory(source: Source, from: number, to: number, step: number, relabel: (labels: [string, string][]) => [string, string][]): string {
  const snapshots: { at: number; families: Family[] }[] = [];
  for (let t = from; t <= to; t += step) snapshots.push({ at: t, families: source(t) });
  return openMetricsFromSnapshots(snapshots, relabel);
}

export interface Served {
  address: string;
  close(): Promise<void>;
}

export async function serveSource(source: Source, style: 'python' | 'dcgm'): Promise<Served> {
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(textExposition(source(Date.now() / 1000), style));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { address: `127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}
