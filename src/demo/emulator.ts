/**
 * Emulated engines and GPU exporters as HTTP servers: GET /metrics serves the exposition, driven by
 * the simulation; setState() forces the bad states alerts and validation must catch (KV full, stalled
 * admission, slow TTFT, a hung engine core, target down, engine stats off (process metrics only),
 * metrics disabled (404), an HTML page, 401) and the engine states they must leave alone (a sleeping
 * vLLM, a P/D decode node deferring requests, a full KV cache without preemption, trickle traffic).
 * setFaults() adds faults that combine with any state: HTTP 5xx, engine errors, client aborts, and
 * latency at a chosen level.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VllmEmulator, type VllmEra } from './engine-vllm.js';
import { SglangEmulator } from './engine-sglang.js';
import { profilerRoutes } from './profiler.js';
import { type GpuFault, GpuFleet, type GpuMode } from './gpu.js';
import { type EngineSim, NO_FAULTS, type SimFaults, type SimMode, STEP } from './simulation.js';
import { openAiRoutes } from './openai.js';
import type { OptionalGroup } from '../engines/types.js';

export const EMULATOR_KINDS = ['vllm-v0', 'vllm-v1-legacy', 'vllm-v1', 'sglang', 'dcgm', 'nvidia-smi'] as const;
/**
 * Where an engine's requests come from: `simulated` users of its own (Poisson arrivals at the arrival
 * rate) as well as any client of its API, or `clients` only, so that all it counts is what the clients
 * sent it (what loadtest's cross-check needs to match exactly).
 */
export const TRAFFIC_MODES = ['simulated', 'clients'] as const;
export type Traffic = (typeof TRAFFIC_MODES)[number];
export type EmulatorKind = (typeof EMULATOR_KINDS)[number];

/** Traffic states (engines), GPU states (exporters) and HTTP states (both). */
export const EMULATOR_STATES = [
  'normal',
  'idle',
  'trickle',
  'kv-full',
  'kv-saturated',
  'preemption-storm',
  'stalled',
  'slow-ttft',
  'hung',
  'asleep',
  'pd-deferred',
  'stats-off',
  'gpu-hot',
  'gpu-xid',
  'gpu-xid-13',
  'gpu-gone',
  'gpu-row-remap-failure',
  'gpu-uncorrectable-memory',
  'gpu-thermal-throttled',
  'gpu-power-throttled',
  'gpu-memory-full',
  'down',
  'no-metrics',
  'html',
  'unauthorized',
] as const;
export type EmulatorState = (typeof EMULATOR_STATES)[number];

/** States the engine simulation runs in; the others are GPU or HTTP states. */
const SIM_STATES = ['idle', 'trickle', 'kv-full', 'kv-saturated', 'preemption-storm', 'stalled', 'slow-ttft', 'hung', 'asleep', 'pd-deferred'] as const satisfies readonly (EmulatorState & SimMode)[];

/** Engine faults (see SimFaults); every share is of requests, 0 to 1. */
export type EngineFaults = SimFaults;

/**
 * Why an emulator kind cannot show a state or fault, or undefined when it can. The emulators show
 * only what the engine version they emulate really exposes.
 */
export function unsupported(kind: EmulatorKind, state?: EmulatorState, faults: Partial<EngineFaults> = {}): string | undefined {
  const engine = kind !== 'dcgm' && kind !== 'nvidia-smi';
  if (state === 'asleep' && kind !== 'vllm-v1') return 'asleep needs --kind vllm-v1: engine_sleep_state is a vLLM >= 0.11 metric (SGLang has no sleep-state metric)';
  if (state === 'pd-deferred' && kind !== 'vllm-v1') return 'pd-deferred needs --kind vllm-v1: num_requests_waiting_by_reason is a newer vLLM V1 metric';
  const set = (Object.keys(faults) as (keyof EngineFaults)[]).filter((k) => faults[k] !== undefined && faults[k] !== NO_FAULTS[k]);
  if (set.length > 0 && !engine) return `${kind} is a GPU exporter: engine faults (${set.join(', ')}) need an engine kind`;
  if ((faults.http5xxShare ?? 0) > 0 && (kind === 'vllm-v0' || kind === 'sglang')) return `HTTP 5xx shows on vllm-v1 and vllm-v1-legacy only: ${kind === 'sglang' ? 'SGLang exposes no HTTP status metric' : 'the V0 emulation predates the HTTP metrics'}`;
  if ((faults.errorShare ?? 0) > 0 && kind !== 'vllm-v1') return 'engine errors show on vllm-v1 only: finished_reason="error" is a vLLM >= 0.11 reason; SGLang counts no server errors';
  for (const k of ['http5xxShare', 'errorShare', 'abortShare'] as const) {
    const v = faults[k];
    if (v !== undefined && !(v >= 0 && v <= 1)) return `${k} must be a share from 0 to 1, got ${v}`;
  }
  if (faults.ttftDelaySeconds !== undefined && !(faults.ttftDelaySeconds >= 0)) return `ttftDelaySeconds must be ≥ 0, got ${faults.ttftDelaySeconds}`;
  if (faults.itlDelaySeconds !== undefined && !(faults.itlDelaySeconds >= 0)) return `itlDelaySeconds must be ≥ 0, got ${faults.itlDelaySeconds}`;
  if (faults.pdTransferSeconds !== undefined && !(faults.pdTransferSeconds >= 0)) return `pdTransferSeconds must be ≥ 0, got ${faults.pdTransferSeconds}`;
  return undefined;
}

/** GPU states that are a fault on GPU 0 (entering the state once is one XID event). */
const GPU_STATE_FAULTS: Partial<Record<EmulatorState, GpuFault[]>> = {
  'gpu-xid': [{ kind: 'xid', code: 79 }],
  'gpu-xid-13': [{ kind: 'xid', code: 13 }],
  'gpu-gone': [{ kind: 'gone' }],
  'gpu-row-remap-failure': [{ kind: 'row-remap-failure' }],
  'gpu-uncorrectable-memory': [{ kind: 'uncorrectable-memory' }],
  'gpu-thermal-throttled': [{ kind: 'throttle', reason: 'thermal', ratio: 0.5 }],
  'gpu-power-throttled': [{ kind: 'throttle', reason: 'power', ratio: 0.9 }],
};

export interface EmulatorOptions {
  kind: EmulatorKind;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  model?: string;
  /** vLLM V1 data-parallel engines, SGLang DP-attention ranks. */
  dpRanks?: number;
  /** SGLang pipeline stages (one scheduler series set per stage). */
  ppSize?: number;
  tpSize?: number;
  /** GPUs a GPU exporter reports. */
  gpus?: number;
  /** nvidia-smi exporter: its NVML backend (the -nvml image), which adds the XID families. */
  nvml?: boolean;
  seed?: number;
  /** Mean request arrivals per second (engines) of the simulated users. */
  arrivalRate?: number;
  /** `clients`: no simulated users (arrival rate 0), only the requests sent to the API (default `simulated`). */
  traffic?: Traffic;
  /** Engine emulators whose load the GPU exporter follows. */
  follow?: Emulator[];
  hostname?: string;
  /** Unix seconds of the emulated process start (default: now). Fix it for byte-stable output. */
  startTime?: number;
  /** Advance the simulation with the wall clock on every scrape (default true). Tests use advance(). */
  realTime?: boolean;
  /** Token a client must send in the `unauthorized` state. */
  bearerToken?: string;
  initialState?: EmulatorState;
  /** Engine faults from the start (setFaults changes them later). */
  faults?: Partial<EngineFaults>;
  /** vLLM sleep level of the asleep state: 1 offloads the weights, 2 discards them. */
  sleepLevel?: 1 | 2;
  /**
   * vLLM V1: serve the API server's http_requests_total (prometheus_fastapi_instrumentator), as real
   * vLLM does. Off by default so the default output stays as it was; on by itself once a request
   * failed with 5xx.
   */
  httpMetrics?: boolean;
  /** vLLM V1: serve num_requests_waiting_by_reason (newer vLLM); on by itself in pd-deferred. */
  waitingByReason?: boolean;
  /**
   * Optional engine features switched on, as the real flags would (vLLM V1 ≥ 0.11 and SGLang):
   * spec_decode, kv_connector (vLLM NIXL), kv_offload (vLLM), mfu, lora, fault_tolerance (vLLM
   * corrupted requests), pd_disaggregation (SGLang), hybrid_model (SGLang SWA/Mamba pools),
   * tokens_histogram (SGLang --collect-tokens-histogram: prompt and generation token histograms).
   */
  features?: readonly OptionalGroup[];
  /**
   * Engines: where the profiler endpoints write their (synthetic) traces. vLLM serves
   * /start_profile and /stop_profile only with it, as the real one only with a profiler configured;
   * SGLang always serves them and writes to the output_dir it is sent (this is its default).
   */
  profilerDir?: string;
}

export interface Emulator {
  readonly kind: EmulatorKind;
  readonly url: string;
  readonly metricsUrl: string;
  readonly port: number;
  readonly state: EmulatorState;
  /** Throws where the kind cannot show the state (see unsupported()). */
  setState(state: EmulatorState): Promise<void>;
  readonly faults: Readonly<EngineFaults>;
  /** Changes the given faults, keeps the others; throws where the kind cannot show one. */
  setFaults(faults: Partial<EngineFaults>): void;
  /** Move the simulation forward by simulated seconds. */
  advance(seconds: number): void;
  /** The exposition as it would be served now. */
  metricsText(): string;
  /** The engine simulations (one per DP rank); empty for GPU exporters. */
  readonly sims: EngineSim[];
  /** Busy and KV-cache share of the engine, and whether it sleeps, for GPU exporters that follow it. */
  load(): { busy: number; memory: number; asleep: boolean };
  /** GPU exporters: a fault from now on (an XID is one more event per call); throws for engines. */
  injectGpuFault(fault: GpuFault): void;
  /** GPU exporters: back to healthy GPUs; what the exporter already counted (XIDs) stays. */
  clearGpuFaults(): void;
  stop(): Promise<void>;
}

const DEFAULT_MODEL: Record<EmulatorKind, string> = {
  'vllm-v0': 'facebook/opt-125m',
  'vllm-v1-legacy': 'Qwen/Qwen2.5-7B-Instruct',
  'vllm-v1': 'meta-llama/Llama-3.1-8B-Instruct',
  sglang: 'meta-llama/Llama-3.1-8B-Instruct',
  dcgm: '',
  'nvidia-smi': '',
};

const HTML_PAGE = '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Chat</title></head><body><div id="app">Loading…</div></body></html>\n';

export async function startEmulator(opts: EmulatorOptions): Promise<Emulator> {
  const kind = opts.kind;
  const early = unsupported(kind, opts.initialState, opts.faults);
  if (early) throw new Error(early);
  const seed = opts.seed ?? 1;
  const startTime = opts.startTime ?? Math.round(Date.now() / 10) / 100;
  const model = opts.model ?? DEFAULT_MODEL[kind];
  if (opts.traffic === 'clients' && (opts.arrivalRate ?? 0) > 0) throw new Error(`traffic "clients" has no simulated arrivals, but arrivalRate is ${opts.arrivalRate}`);
  const arrivalRate = opts.traffic === 'clients' ? 0 : opts.arrivalRate;
  let render: () => string;
  let sims: EngineSim[] = [];
  let fleet: GpuFleet | undefined;
  let onRestart = () => {};

  if (kind === 'sglang') {
    const e = new SglangEmulator({ model, seed, dpRanks: opts.dpRanks ?? 1, ppSize: opts.ppSize ?? 1, tpSize: opts.tpSize ?? 1, features: opts.features ?? [], ...(arrivalRate !== undefined ? { arrivalRate } : {}) });
    render = () => e.render();
    sims = e.sims;
    onRestart = () => e.restart();
  } else if (kind === 'dcgm' || kind === 'nvidia-smi') {
    const follow = opts.follow ?? [];
    const f = new GpuFleet({
      gpus: opts.gpus ?? 1,
      hostname: opts.hostname ?? 'gpu-node-1',
      seed,
      startTime,
      ...(opts.nvml ? { nvml: true } : {}),
      load: () => {
        if (follow.length === 0) return { busy: 0.35, memory: 0.3 };
        const loads = follow.map((x) => x.load());
        return { busy: Math.max(...loads.map((l) => l.busy)), memory: Math.max(...loads.map((l) => l.memory)), asleep: loads.every((l) => l.asleep) };
      },
    });
    fleet = f;
    render = () => (kind === 'dcgm' ? f.renderDcgm() : f.renderNvidiaSmi());
  } else {
    const era: VllmEra = kind === 'vllm-v0' ? 'v0' : kind === 'vllm-v1-legacy' ? 'v1-legacy' : 'v1';
    const e = new VllmEmulator({
      era,
      model,
      dpRanks: opts.dpRanks ?? 1,
      seed,
      startTime,
      ...(arrivalRate !== undefined ? { arrivalRate } : {}),
      sleepLevel: opts.sleepLevel ?? 1,
      httpMetrics: opts.httpMetrics ?? false,
      waitingByReason: opts.waitingByReason ?? false,
      features: opts.features ?? [],
    });
    render = () => e.render();
    sims = e.sims;
  }

  let state: EmulatorState = 'normal';
  let faults: EngineFaults = { ...NO_FAULTS };
  const applyFaults = (f: Partial<EngineFaults>) => {
    const problem = unsupported(kind, undefined, f);
    if (problem) throw new Error(problem);
    faults = { ...faults, ...Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) };
    for (const sim of sims) sim.faults = { ...faults };
  };
  if (opts.faults) applyFaults(opts.faults);
  const applyState = (s: EmulatorState) => {
    const simMode: SimMode = (SIM_STATES as readonly string[]).includes(s) ? (s as SimMode) : 'normal';
    for (const sim of sims) sim.setMode(simMode);
    if (fleet) {
      fleet.mode = ({ 'gpu-hot': 'hot', 'gpu-memory-full': 'memory-full' } as Partial<Record<EmulatorState, GpuMode>>)[s] ?? 'normal';
      fleet.clearFaults();
      for (const f of GPU_STATE_FAULTS[s] ?? []) fleet.inject(f);
    }
  };
  let simTime = 0;
  const advance = (seconds: number) => {
    for (const sim of sims) sim.advance(seconds);
    fleet?.advance(seconds);
    simTime = Math.round((simTime + Math.round(seconds / STEP) * STEP) * 1000) / 1000;
  };
  const realTime = opts.realTime ?? true;
  // Real time: simulated second s is wall-clock ms base + 1000·s. A scrape brings the simulation up
  // to now; while API requests are in flight it runs a step ahead, so that each token can be written
  // at the moment it was produced.
  let base = Date.now();
  const catchUp = (ahead = false) => {
    if (!realTime) return;
    let steps = Math.floor(((Date.now() - base) / 1000 + (ahead ? STEP : 0) - simTime) / STEP + 1e-9);
    if (steps > 1200) {
      // A long pause (a suspended laptop) is skipped, not replayed: two minutes at most.
      base += (steps - 1200) * STEP * 1000;
      steps = 1200;
    }
    if (steps > 0) advance(steps * STEP);
  };
  let inFlight = 0;
  let pump: NodeJS.Timeout | undefined;
  const api = openAiRoutes({
    model,
    sims: () => sims,
    sync: () => {
      catchUp(true);
      return realTime ? (Date.now() - base) / 1000 : simTime;
    },
    delayMs: (t) => (realTime ? Math.max(0, base + t * 1000 - Date.now()) : 0),
    inFlight: (delta) => {
      inFlight += delta;
      if (inFlight > 0 && !pump && realTime) pump = setInterval(() => catchUp(true), 20);
      if (inFlight === 0 && pump) {
        clearInterval(pump);
        pump = undefined;
      }
    },
  });

  const isEngine = kind !== 'dcgm' && kind !== 'nvidia-smi';
  const profiler = isEngine
    ? profilerRoutes(kind === 'sglang' ? 'sglang' : 'vllm', { ...(opts.profilerDir ? { dir: opts.profilerDir } : {}), busy: () => Math.max(0, ...sims.map((s) => s.busy)) })
    : undefined;

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (state === 'unauthorized' && req.headers.authorization !== `Bearer ${opts.bearerToken ?? ''}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"Unauthorized"}');
      return;
    }
    if (state === 'html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(HTML_PAGE);
      return;
    }
    if (path === '/metrics' && state !== 'no-metrics') {
      catchUp();
      const body = state === 'stats-off' ? processFamiliesOnly(render()) : render();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body);
      return;
    }
    if (profiler?.(path, req, res)) return;
    if (isEngine && api(path, req, res)) return;
    if (path === '/health') {
      res.writeHead(200).end();
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"Not Found"}');
  };

  const host = opts.host ?? '127.0.0.1';
  let server: Server | undefined;
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const s = createServer(handler);
      s.once('error', reject);
      s.listen({ port, host }, () => {
        server = s;
        resolve((s.address() as AddressInfo).port);
      });
    });
  const close = () =>
    new Promise<void>((resolve) => {
      if (pump) clearInterval(pump);
      pump = undefined;
      if (!server) return resolve();
      const s = server;
      server = undefined;
      s.closeAllConnections();
      s.close(() => resolve());
    });

  const port = await listen(opts.port ?? 0);
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;

  const emulator: Emulator = {
    kind,
    url,
    metricsUrl: `${url}/metrics`,
    port,
    get state() {
      return state;
    },
    get sims() {
      return sims;
    },
    async setState(next) {
      if (next === state) return;
      const problem = unsupported(kind, next);
      if (problem) throw new Error(problem);
      if (state === 'down') {
        await listen(port);
        onRestart();
      }
      if (next === 'down') await close();
      state = next;
      applyState(next);
    },
    get faults() {
      return faults;
    },
    setFaults: applyFaults,
    // Seconds a test fast-forwards are simulated at once; the real-time clock goes on from there
    // (without moving the clock's origin, the simulation would stand still until the wall clock caught up).
    advance: (seconds: number) => {
      const before = simTime;
      advance(seconds);
      base -= (simTime - before) * 1000;
    },
    metricsText: render,
    injectGpuFault(fault) {
      if (!fleet) throw new Error(`${kind} is not a GPU exporter`);
      fleet.inject(fault);
    },
    clearGpuFaults() {
      if (!fleet) throw new Error(`${kind} is not a GPU exporter`);
      fleet.clearFaults();
    },
    load() {
      if (sims.length === 0) return { busy: 0, memory: 0, asleep: false };
      return { busy: Math.max(...sims.map((s) => s.busy)), memory: Math.max(...sims.map((s) => s.kvUsage)), asleep: sims.every((s) => s.mode === 'asleep') };
    },
    stop: close,
  };
  if (opts.initialState) await emulator.setState(opts.initialState);
  return emulator;
}

/**
 * What /metrics serves with the engine's own metrics switched off (vLLM --disable-log-stats): only
 * prometheus_client's process_* and python_* collectors remain, and the API server's http_* ones.
 */
export function processFamiliesOnly(exposition: string): string {
  const keep = (line: string) => /^(# (HELP|TYPE) )?(process|python|http)_/.test(line);
  return exposition
    .split('\n')
    .filter((l) => l !== '' && keep(l))
    .map((l) => `${l}\n`)
    .join('');
}
