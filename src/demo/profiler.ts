/**
 * The emulated engines' profiler endpoints, so `profile <url>` can be tried without a GPU. They
 * answer as the real ones do (src/profile/profiler-api.ts cites the sources): vLLM serves
 * POST /start_profile and /stop_profile only when started with a profiler directory (else 404) and
 * writes the rank's trace when stopped; SGLang always serves them, writes to the output_dir it is
 * sent, stops by itself after num_steps, and answers 500 when already (or not) profiling.
 * The trace is synthetic but in Kineto's format: per 20 ms engine step, each decoder layer's GEMM
 * and attention kernels (their share of the step is the simulation's busy share), their launches,
 * the cpu_ops around them, nn.Module events and the engine's step annotation.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export type ProfilerEngine = 'vllm' | 'sglang';

const STEP_US = 20_000;
const LAYERS = 4;
const MAX_STEPS = 500;

export interface TraceSpan {
  engine: ProfilerEngine;
  startMs: number;
  endMs: number;
  /** Share of each step the GPU computes (the simulation's busy share). */
  busy: number;
  /** Steps to write when the engine counts them (SGLang num_steps); else as many as the span holds. */
  steps?: number;
}

export function emulatedTrace(s: TraceSpan): { traceEvents: object[]; distributedInfo: object } {
  const events: object[] = [];
  const steps = s.steps ?? Math.min(MAX_STEPS, Math.max(1, Math.floor(((s.endMs - s.startMs) * 1000) / STEP_US)));
  const busy = Math.min(0.95, Math.max(0.05, s.busy));
  const cpu = { pid: 1, tid: 1 };
  let correlation = 1;
  for (let i = 0; i < steps; i++) {
    const t = s.startMs * 1000 + i * STEP_US;
    const batch = 8 + (i % 5);
    const stepName = s.engine === 'vllm' ? `execute_context_0(0)_generation_${batch}(${batch})` : `step[DECODE bs=${batch} toks=${batch}]`;
    events.push({ ph: 'X', cat: 'user_annotation', name: stepName, ...cpu, ts: t, dur: STEP_US - 100 });
    const perLayer = (busy * STEP_US) / LAYERS;
    let gpuAt = t + 200;
    for (let l = 0; l < LAYERS; l++) {
      const cpuAt = t + 20 + l * 40;
      events.push({ ph: 'X', cat: 'python_function', name: `nn.Module: DecoderLayer_${l}`, ...cpu, ts: cpuAt, dur: 35 });
      for (const [k, [op, kernel, share]] of ([['aten::mm', 'sm90_xmma_gemm_bf16bf16_bf16f32_f32_tn_n', 0.6], ['vllm::unified_attention', 'flash_fwd_splitkv_kernel', 0.4]] as const).entries()) {
        const launchAt = cpuAt + 2 + k * 16;
        const dur = perLayer * share;
        events.push({ ph: 'X', cat: 'cpu_op', name: op, ...cpu, ts: launchAt, dur: 14 });
        events.push({ ph: 'X', cat: 'cuda_runtime', name: 'cudaLaunchKernel', ...cpu, ts: launchAt + 2, dur: 6, args: { correlation } });
        events.push({ ph: 'X', cat: 'kernel', name: kernel, pid: 0, tid: 7, ts: gpuAt, dur, args: { device: 0, stream: 7, correlation } });
        gpuAt += dur;
        correlation++;
      }
    }
  }
  return { traceEvents: events, distributedInfo: { backend: 'nccl', rank: 0, world_size: 1 } };
}

interface Session {
  startMs: number;
  dir: string;
}

/** The two routes, or undefined for every other path (and for vLLM without a profiler directory). */
export function profilerRoutes(engine: ProfilerEngine, o: { dir?: string; busy: () => number }): ((path: string, req: IncomingMessage, res: ServerResponse) => boolean) | undefined {
  if (engine === 'vllm' && !o.dir) return undefined;
  let session: Session | undefined;
  const write = (s: Session, steps?: number): void => {
    mkdirSync(s.dir, { recursive: true });
    const name = engine === 'vllm' ? `dp0_pp0_tp0_dcp0_ep0_rank0.${Date.now()}000000.pt.trace.json.gz` : `${Date.now()}-TP-0.trace.json.gz`;
    writeFileSync(join(s.dir, name), gzipSync(JSON.stringify(emulatedTrace({ engine, startMs: s.startMs, endMs: Date.now(), busy: o.busy(), ...(steps ? { steps } : {}) }))));
  };
  return (path, req, res) => {
    if (path !== '/start_profile' && path !== '/stop_profile') return false;
    let body = '';
    req.on('data', (c) => (body += String(c))).on('end', () => {
      if (engine === 'vllm') {
        if (req.method !== 'POST') return void res.writeHead(405, { 'content-type': 'application/json' }).end('{"detail":"Method Not Allowed"}');
        if (path === '/start_profile') session = { startMs: Date.now(), dir: o.dir! };
        else if (session) {
          write(session);
          session = undefined;
        }
        return void res.writeHead(200).end();
      }
      if (path === '/start_profile') {
        if (session) return void res.writeHead(500).end('Profiling is already in progress. Call /stop_profile first.\n');
        let request: { output_dir?: string; num_steps?: number } = {};
        try {
          request = body ? (JSON.parse(body) as typeof request) : {};
        } catch {
          return void res.writeHead(400).end('Invalid JSON\n');
        }
        const s: Session = { startMs: Date.now(), dir: request.output_dir ?? o.dir ?? process.env.SGLANG_TORCH_PROFILER_DIR ?? '/tmp' };
        session = s;
        const steps = request.num_steps;
        if (steps) {
          setTimeout(() => {
            if (session !== s) return;
            write(s, steps);
            session = undefined;
          }, (steps * STEP_US) / 1000).unref();
        }
        return void res.writeHead(200).end('Start profiling.\n');
      }
      if (!session) return void res.writeHead(500).end('Profiling is not in progress. Call /start_profile first.\n');
      write(session);
      session = undefined;
      res.writeHead(200).end('Stop profiling. This will take some time.\n');
    });
    return true;
  };
}
