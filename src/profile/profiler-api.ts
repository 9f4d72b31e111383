/**
 * The engines' profiler endpoints and how each version is switched on.
 *
 * vLLM (vllm/entrypoints/serve/profile/api_router.py @055e47c; vllm/config/profiler.py @04b0229):
 *  - POST /start_profile, POST /stop_profile, no body, 200 with an empty body; /stop_profile returns
 *    once the trace is flushed (minutes for big runs). The routes exist only when a profiler is
 *    configured: otherwise FastAPI answers 404.
 *  - 0.13 and newer (PR #29912): `--profiler-config '{"profiler":"torch","torch_profiler_dir":DIR}'`
 *    (or `--profiler-config.profiler=torch --profiler-config.torch_profiler_dir=DIR`); the number of
 *    steps is a server setting (`max_iterations`), not a request field.
 *  - Before 0.13: the environment variable VLLM_TORCH_PROFILER_DIR=DIR (removed in ≈0.16, PR #33536).
 * SGLang (python/sglang/srt/managers/scheduler_profiler_mixin.py @e914904, http_server.py):
 *  - /start_profile and /stop_profile (GET or POST) always exist; /start_profile takes JSON with
 *    output_dir, num_steps (then it stops by itself), activities (CPU, GPU, MEM, ...), with_stack,
 *    record_shapes. "Already in progress" / "not in progress" come back as HTTP 500.
 */
import { envError, usageError } from '../errors.js';

export type Engine = 'vllm' | 'sglang';

/** vLLM's release that brought --profiler-config. */
const PROFILER_CONFIG_SINCE: [number, number] = [0, 13];

/** major.minor of a version string such as 0.13.0, 0.12.0rc1, 0.11.1.dev12+g3a4b; undefined if none. */
export function majorMinor(version: string | undefined): [number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(version ?? '');
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** The server flag or variable that turns vLLM's profiler on, for the version it reports. */
export function vllmEnableHint(version: string | undefined, dir: string): string {
  const flag = `--profiler-config '{"profiler":"torch","torch_profiler_dir":"${dir}"}'`;
  const env = `VLLM_TORCH_PROFILER_DIR=${dir}`;
  const v = majorMinor(version);
  if (!v) return `restart vLLM with ${flag} (vLLM 0.13 or newer), or with the environment variable ${env} (older versions)`;
  const newer = v[0] > PROFILER_CONFIG_SINCE[0] || (v[0] === PROFILER_CONFIG_SINCE[0] && v[1] >= PROFILER_CONFIG_SINCE[1]);
  return newer ? `restart vLLM ${version} with ${flag}` : `restart vLLM ${version} with the environment variable ${env} (set for the server process)`;
}

export interface ProfilerCall {
  base: string;
  engine: Engine;
  version: string | undefined;
  /** The trace directory as the server sees it: in the hint, and SGLang's output_dir. */
  serverDir: string;
  steps?: number;
  timeoutMs?: number;
}

async function post(url: string, body: unknown, timeoutMs: number): Promise<{ status: number; text: string }> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status, text: (await res.text()).trim() };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    throw envError(url, `unreachable: ${e.cause?.code ?? e.message}`, 'is the server up, and is this its API port (not the metrics port)?');
  }
}

export async function startProfile(c: ProfilerCall): Promise<void> {
  const url = new URL('start_profile', c.base).href;
  const body = c.engine === 'sglang' ? { output_dir: c.serverDir, activities: ['CPU', 'GPU'], ...(c.steps ? { num_steps: c.steps } : {}) } : undefined;
  const r = await post(url, body, c.timeoutMs ?? 30_000);
  if (r.status === 404 && c.engine === 'vllm') throw envError(url, 'profiling is not enabled on this vLLM server (404)', vllmEnableHint(c.version, c.serverDir));
  if (r.status === 401 || r.status === 403) throw envError(url, `refused (${r.status})`, 'the profiler endpoints need the server\'s API or admin key; run this where they are open');
  if (r.status >= 400) {
    const busy = /already|in progress/i.test(r.text);
    throw envError(url, `${r.status} ${r.text.slice(0, 200)}`, busy ? 'a profile is already running: stop it (POST /stop_profile) or wait for it to end' : 'see the server log');
  }
}

/** Blocks until the engine has written its traces (vLLM flushes before answering). */
export async function stopProfile(c: ProfilerCall): Promise<void> {
  const url = new URL('stop_profile', c.base).href;
  const r = await post(url, undefined, c.timeoutMs ?? 30 * 60_000);
  if (r.status >= 400) throw envError(url, `${r.status} ${r.text.slice(0, 200)}`, 'see the server log (was the profile stopped by someone else?)');
}

export function parseEngine(raw: string | undefined): Engine | undefined {
  if (raw === undefined) return undefined;
  if (raw === 'vllm' || raw === 'sglang') return raw;
  throw usageError('--engine', `unknown engine "${raw}"`, 'use vllm or sglang');
}
