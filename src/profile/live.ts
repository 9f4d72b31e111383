/**
 * `profile <target-url>`: start the engine's profiler, wait (seconds, or SGLang steps), stop it,
 * find the trace files it wrote in the directory given (the profiler directory, or where it is
 * mounted here) and summarise them.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { detect } from '../engines/detect.js';
import { fetchMetrics, fetchServerVersion, isUrl, metricsUrl, UnreachableError } from '../engines/fetch-metrics.js';
import { envError, usageError } from '../errors.js';
import { parseEngine, startProfile, stopProfile, type Engine, type ProfilerCall } from './profiler-api.js';
import { summarizeTraces, type ProfileReport } from './report.js';

export interface LiveFlags {
  seconds?: string;
  steps?: string;
  out?: string;
  'server-dir'?: string;
  engine?: string;
}

export interface LiveOptions {
  top: number;
  log: (line: string) => void;
  /** How often the directory is listed, how long files must keep their size, how long to wait for them. */
  pollMs?: number;
  settleMs?: number;
  waitFilesMs?: number;
}

/** Trace files as vLLM (`….pt.trace.json.gz`) and SGLang (`….trace.json.gz`) name them, gzipped or not. */
const TRACE_FILE = /\.json(\.gz)?$/;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function positiveInt(raw: string | undefined, flag: string, example: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw usageError(flag, `"${raw}" is not a positive whole number`, `e.g. ${flag} ${example}`);
  return n;
}

/** The API base of a server URL: http://h:8000, http://h:8000/metrics and http://h:8000/ are one server. */
function apiBase(target: string): string {
  const u = new URL(target);
  u.pathname = u.pathname.replace(/metrics\/?$/, '').replace(/\/?$/, '/');
  u.search = '';
  return u.href;
}

async function detectEngine(target: string): Promise<Engine> {
  try {
    const fetched = await fetchMetrics(metricsUrl(target));
    const producer = detect(fetched.body, fetched.http, fetched.server).producer;
    if (producer === 'vllm' || producer === 'sglang') return producer;
  } catch (err) {
    if (!(err instanceof UnreachableError)) throw err;
    throw envError(target, err.message.replace(/^cannot reach [^:]+:\/\/[^ ]+: /, 'unreachable: '), 'is the server up, bound to 0.0.0.0, and the port open?');
  }
  throw usageError(target, 'no vLLM or SGLang metrics found at its /metrics', 'give --engine vllm or --engine sglang (SGLang needs --enable-metrics to be detected)');
}

type Snapshot = Map<string, string>;

function listTraces(dir: string): Snapshot {
  const out: Snapshot = new Map();
  if (!existsSync(dir)) return out;
  // Engines write per-rank files at the top level (SGLang may add a per-run folder): two levels.
  const walk = (d: string, depth: number): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory() && depth < 2) walk(p, depth + 1);
      else if (entry.isFile() && TRACE_FILE.test(entry.name)) {
        const st = statSync(p);
        out.set(p, `${st.size}:${st.mtimeMs}`);
      }
    }
  };
  walk(dir, 0);
  return out;
}

/** New or rewritten trace files, once their sizes have stopped changing; [] if none came in time. */
async function newTraces(dir: string, before: Snapshot, o: Required<Pick<LiveOptions, 'pollMs' | 'settleMs' | 'waitFilesMs'>>): Promise<string[]> {
  const deadline = Date.now() + o.waitFilesMs;
  let previous = '';
  let stableSince = 0;
  for (;;) {
    const now = listTraces(dir);
    const fresh = [...now.entries()].filter(([p, v]) => before.get(p) !== v);
    const key = JSON.stringify(fresh);
    if (fresh.length && key === previous) {
      if (Date.now() - stableSince >= o.settleMs) return fresh.map(([p]) => p).sort();
    } else {
      previous = key;
      stableSince = Date.now();
    }
    if (Date.now() > deadline) return fresh.length ? fresh.map(([p]) => p).sort() : [];
    await sleep(o.pollMs);
  }
}

export async function profileServer(target: string, extra: string[], flags: LiveFlags, opts: LiveOptions): Promise<ProfileReport> {
  if (!isUrl(target)) throw usageError(target, 'is neither a server URL nor "summarize"', 'e.g. profile http://localhost:8000, or profile summarize trace.json.gz');
  if (extra.length) throw usageError('profile', `unexpected argument "${extra[0]}"`, 'give one server URL; to summarise files use profile summarize FILE...');
  const seconds = positiveInt(flags.seconds, '--seconds', '10');
  const steps = positiveInt(flags.steps, '--steps', '20');
  if (seconds !== undefined && steps !== undefined) throw usageError('--steps', 'conflicts with --seconds', 'give one of them');
  const engine = parseEngine(flags.engine) ?? (await detectEngine(target));
  if (engine === 'vllm' && steps !== undefined) throw usageError('--steps', 'vLLM takes no step count over HTTP (it is a server setting)', 'use --seconds, or start vLLM with --profiler-config.max_iterations=N');
  const outDir = resolve(flags.out ?? 'vllm-profile');
  const serverDir = flags['server-dir'] ?? outDir;
  const base = apiBase(target);
  const version = (await fetchServerVersion(new URL('metrics', base).href, engine))?.version;
  const call: ProfilerCall = { base, engine, version, serverDir, ...(steps ? { steps } : {}) };
  const wait = { pollMs: opts.pollMs ?? 500, settleMs: opts.settleMs ?? 2000, waitFilesMs: opts.waitFilesMs ?? (steps ? 10 * 60_000 : 60_000) };

  // SGLang writes where it is told; on this machine the folder may not exist yet.
  if (engine === 'sglang' && serverDir === outDir) mkdirSync(outDir, { recursive: true });
  const before = listTraces(outDir);
  await startProfile(call);
  opts.log(`profiling ${engine}${version ? ` ${version}` : ''} at ${base} ${steps ? `for ${steps} steps` : `for ${seconds ?? 10} s`}; traces expected in ${outDir}`);
  if (!steps) {
    await sleep((seconds ?? 10) * 1000);
    opts.log('stopping the profiler: the engine writes its traces now, which can take minutes for long runs');
    await stopProfile(call);
  }
  const files = await newTraces(outDir, before, wait);
  if (!files.length) {
    const where = engine === 'vllm' ? 'in its torch_profiler_dir' : `in output_dir ${serverDir}`;
    throw envError(outDir, 'no new trace files appeared here', `the engine writes them on its own machine, ${where}: if that is another machine, mount or copy that directory here and pass it as --out (SGLang: --server-dir for its path there), or copy the files and run create-vllm-monitor profile summarize FILE...`);
  }
  opts.log(`${files.length} trace file${files.length > 1 ? 's' : ''}: ${files.join(', ')}`);
  return summarizeTraces(files, { top: opts.top });
}
