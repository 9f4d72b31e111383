/**
 * An emulated fleet served over HTTP for a live Prometheus: N engine targets cycling through the
 * engine versions the emulators have (vLLM V0, V1 up to 0.10, V1 from 0.11, SGLang), each on its
 * own host with a dcgm-exporter of 1, 2, 4 or 8 GPUs. Every target is a copy of one of a few
 * simulations of its kind (what Prometheus pays depends on series and samples, not on values);
 * the target labels come from the file_sd lists, as in a generated stack.
 *
 * GET /t/<i> is engine target i, /g/<i> the GPU exporter of its host; /nvidia-smi/<gpus> an
 * nvidia_gpu_exporter of that many GPUs (counted, not scraped: a stack has one GPU exporter kind).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SglangEmulator } from '../src/demo/engine-sglang.js';
import { type VllmEra, VllmEmulator } from '../src/demo/engine-vllm.js';
import { GpuFleet } from '../src/demo/gpu.js';

export const ENGINE_KINDS = ['vllm-v0', 'vllm-v1-legacy', 'vllm-v1', 'sglang'] as const;
export type EngineKind = (typeof ENGINE_KINDS)[number];
export const GPU_COUNTS = [1, 2, 4, 8] as const;

export interface FleetTarget {
  i: number;
  kind: EngineKind;
  engine: 'vllm' | 'sglang';
  instance: string;
  host: string;
  gpus: number;
}

export const fleetTarget = (i: number): FleetTarget => {
  const kind = ENGINE_KINDS[i % ENGINE_KINDS.length]!;
  return { i, kind, engine: kind === 'sglang' ? 'sglang' : 'vllm', instance: `${kind}-${i}`, host: `host-${String(i).padStart(4, '0')}`, gpus: GPU_COUNTS[Math.floor(i / ENGINE_KINDS.length) % GPU_COUNTS.length]! };
};

interface Source {
  advance: (seconds: number) => void;
  render: () => string;
}

export function engineSource(kind: EngineKind, seed: number, startTime: number): Source {
  const model = `bench/model-${seed % 4}`;
  if (kind === 'sglang') {
    const s = new SglangEmulator({ model, seed, dpRanks: 1, ppSize: 1, tpSize: 1 });
    return { advance: (x) => s.sims.forEach((sim) => sim.advance(x)), render: () => s.render() };
  }
  const era: VllmEra = kind === 'vllm-v0' ? 'v0' : kind === 'vllm-v1-legacy' ? 'v1-legacy' : 'v1';
  const v = new VllmEmulator({ era, model, dpRanks: 1, seed, startTime, httpMetrics: era !== 'v0' });
  return { advance: (x) => v.sims.forEach((sim) => sim.advance(x)), render: () => v.render() };
}

export function gpuSource(gpus: number, seed: number, startTime: number, format: 'dcgm' | 'nvidia-smi'): Source {
  const g = new GpuFleet({ gpus, hostname: 'bench-host', seed, startTime, load: () => ({ busy: 0.6, memory: 0.9 }) });
  return { advance: (x) => g.advance(x), render: () => (format === 'dcgm' ? g.renderDcgm() : g.renderNvidiaSmi()) };
}

/** Each source advanced to the wall clock when scraped, its text kept for a second. */
function live(source: Source): () => string {
  let last = Date.now();
  let text = '';
  let at = 0;
  return () => {
    const now = Date.now();
    if (now - at < 1000 && text) return text;
    source.advance((now - last) / 1000);
    last = now;
    at = now;
    text = source.render();
    return text;
  };
}

export interface FleetServer {
  port: number;
  targets: FleetTarget[];
  stop: () => Promise<void>;
}

export async function startFleet(n: number, copies = 2): Promise<FleetServer> {
  const start = Math.floor(Date.now() / 1000) - 600;
  const engines = new Map(ENGINE_KINDS.map((k, ki) => [k, Array.from({ length: copies }, (_, c) => live(engineSource(k, 100 + 10 * ki + c, start)))]));
  const gpus = new Map(GPU_COUNTS.map((g) => [g, live(gpuSource(g, 900 + g, start, 'dcgm'))]));
  const smi = new Map(GPU_COUNTS.map((g) => [g, live(gpuSource(g, 950 + g, start, 'nvidia-smi'))]));
  const targets = Array.from({ length: n }, (_, i) => fleetTarget(i));
  const server: Server = createServer((req, res) => {
    const m = /^\/(t|g|nvidia-smi)\/(\d+)$/.exec(req.url ?? '');
    const i = Number(m?.[2]);
    const t = targets[i];
    const body = m?.[1] === 't' && t ? engines.get(t.kind)![i % copies]!() : m?.[1] === 'g' && t ? gpus.get(t.gpus as 1)!() : m?.[1] === 'nvidia-smi' && smi.has(i as 1) ? smi.get(i as 1)!() : undefined;
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as AddressInfo).port, targets, stop: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Sample lines of a text exposition (what one scrape adds as series, before up and scrape_*). */
export const sampleLines = (text: string): number => text.split('\n').filter((l) => l && !l.startsWith('#')).length;
