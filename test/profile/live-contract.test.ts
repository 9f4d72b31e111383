/**
 * `profile <target-url>` against small HTTP servers that answer as each engine version does (a
 * recorded contract, from the engines' source: vLLM's api_router.py and config/profiler.py, SGLang's
 * http_server.py and scheduler_profiler_mixin.py): vLLM without a profiler answers 404 and the error
 * names the switch of that version; with one, /stop_profile writes the rank's trace; SGLang writes
 * to the output_dir it is sent and stops by itself after num_steps.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError } from '../../src/errors.js';
import { profileServer } from '../../src/profile/live.js';
import { runCli } from '../support/cli.js';

/** A rank's trace: three kernels on GPU 0, [0,10] and [5,15] overlapping, then [20,30] µs. */
function rankTrace(): Buffer {
  const k = (ts: number, dur: number, correlation: number): object => ({ ph: 'X', cat: 'kernel', name: `gemm_${correlation}`, pid: 0, tid: 7, ts: 1e12 + ts, dur, args: { device: 0, stream: 7, correlation } });
  return gzipSync(JSON.stringify({ traceEvents: [k(0, 10, 1), k(5, 10, 2), k(20, 10, 3)], distributedInfo: { rank: 0, world_size: 1 } }));
}

interface Contract {
  version: string;
  engine: 'vllm' | 'sglang';
  /** vLLM: whether the server was started with a profiler. */
  profiling?: boolean;
  /** Where the fake engine writes (its own torch_profiler_dir; SGLang uses output_dir). */
  dir: string;
  /** SGLang num_steps: the trace appears this long after start, without /stop_profile. */
  stepsDelayMs?: number;
}

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (c) => (text += String(c))).on('end', () => resolve(text));
  });
}

async function fakeEngine(c: Contract): Promise<{ url: string; calls: { path: string; method: string; body: string }[] }> {
  const calls: { path: string; method: string; body: string }[] = [];
  let running = false;
  const writeTrace = (dir: string, name: string): void => writeFileSync(join(dir, name), rankTrace());
  const server = createServer(async (req, res) => {
    const path = new URL(req.url!, 'http://x').pathname;
    calls.push({ path, method: req.method!, body: await body(req) });
    const json = (status: number, v: unknown): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(v));
    if (c.engine === 'vllm') {
      if (path === '/version') return json(200, { version: c.version });
      // Without a profiler the routes are not mounted: FastAPI's 404.
      if ((path === '/start_profile' || path === '/stop_profile') && !c.profiling) return json(404, { detail: 'Not Found' });
      if (path === '/start_profile' && req.method === 'POST') return void res.writeHead(200).end();
      if (path === '/stop_profile' && req.method === 'POST') {
        writeTrace(c.dir, `dp0_pp0_tp0_dcp0_ep0_rank0.${Date.now()}000000.pt.trace.json.gz`);
        return void res.writeHead(200).end();
      }
    } else {
      if (path === '/server_info') return json(200, { version: c.version });
      if (path === '/start_profile') {
        if (running) return void res.writeHead(500).end('Profiling is already in progress. Call /stop_profile first.\n');
        const req0 = JSON.parse(calls[calls.length - 1]!.body || '{}') as { output_dir?: string; num_steps?: number };
        running = true;
        const name = `${Date.now()}-TP-0.trace.json.gz`;
        if (req0.num_steps) setTimeout(() => { writeTrace(req0.output_dir ?? c.dir, name); running = false; }, c.stepsDelayMs ?? 100);
        return void res.writeHead(200).end('Start profiling.\n');
      }
      if (path === '/stop_profile') {
        if (!running) return void res.writeHead(500).end('Profiling is not in progress. Call /start_profile first.\n');
        running = false;
        writeTrace(c.dir, `${Date.now()}-TP-0.trace.json.gz`);
        return void res.writeHead(200).end('Stop profiling. This will take some time.\n');
      }
    }
    json(404, { detail: 'Not Found' });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls };
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'cvm-profile-live-'));
const fast = { top: 5, log: () => {}, pollMs: 20, settleMs: 60, waitFilesMs: 1500 };

describe('profile <target-url> against recorded engine contracts', () => {
  it('vLLM 0.13 without a profiler (404): exit 1 naming --profiler-config with the directory', async () => {
    const dir = tmp();
    const e = await fakeEngine({ engine: 'vllm', version: '0.13.0', profiling: false, dir });
    const r = await runCli(['profile', e.url, '--engine', 'vllm', '--seconds', '1', '--out', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('profiling is not enabled');
    expect(r.stderr).toContain(`--profiler-config '{"profiler":"torch","torch_profiler_dir":"${dir}"}'`);
    expect(r.stderr).not.toContain('VLLM_TORCH_PROFILER_DIR');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('vLLM 0.11 without a profiler (404): exit 1 naming VLLM_TORCH_PROFILER_DIR', async () => {
    const dir = tmp();
    const e = await fakeEngine({ engine: 'vllm', version: '0.11.2', profiling: false, dir });
    const r = await runCli(['profile', e.url, '--engine', 'vllm', '--seconds', '1', '--out', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`VLLM_TORCH_PROFILER_DIR=${dir}`);
    expect(r.stderr).not.toContain('--profiler-config');
  });

  it('vLLM 0.13 with a profiler: start, wait, stop (which writes the rank trace), summary of the new file only', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'old.pt.trace.json.gz'), rankTrace());
    const e = await fakeEngine({ engine: 'vllm', version: '0.13.0', profiling: true, dir });
    const report = await profileServer(`${e.url}/metrics`, [], { engine: 'vllm', seconds: '1', out: dir }, fast);
    expect(e.calls.filter((c) => c.path.endsWith('_profile')).map((c) => `${c.method} ${c.path} ${c.body}`)).toEqual(['POST /start_profile ', 'POST /stop_profile ']);
    expect(report.traces).toHaveLength(1);
    expect(report.traces[0]!.file).toMatch(/rank0\.\d+\.pt\.trace\.json\.gz$/);
    const d = report.traces[0]!.devices[0]!;
    // Union of [0,10], [5,15], [20,30] µs: 25 µs busy of a 30 µs window.
    expect(d.busy_ms).toBeCloseTo(0.025, 9);
    expect(d.idle_ms).toBeCloseTo(0.005, 9);
    expect(d.summed_gpu_ms).toBeCloseTo(0.03, 9);
  });

  it('vLLM: --steps is refused (a server setting), exit 2', async () => {
    const dir = tmp();
    const e = await fakeEngine({ engine: 'vllm', version: '0.13.0', profiling: true, dir });
    const r = await runCli(['profile', e.url, '--engine', 'vllm', '--steps', '5', '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('max_iterations');
  });

  it('SGLang --steps: sends output_dir, num_steps and activities, never calls /stop_profile, waits for the file', async () => {
    const dir = tmp();
    const e = await fakeEngine({ engine: 'sglang', version: '0.5.4', dir, stepsDelayMs: 300 });
    const report = await profileServer(e.url, [], { engine: 'sglang', steps: '3', out: dir }, fast);
    const start = e.calls.find((c) => c.path === '/start_profile')!;
    expect(start.method).toBe('POST');
    expect(JSON.parse(start.body)).toEqual({ output_dir: dir, activities: ['CPU', 'GPU'], num_steps: 3 });
    expect(e.calls.some((c) => c.path === '/stop_profile')).toBe(false);
    expect(report.traces.map((t) => t.file)).toEqual(readdirSync(dir).map((f) => join(dir, f)));
    expect(report.traces[0]!.devices[0]!.busy_ms).toBeCloseTo(0.025, 9);
  });

  it('SGLang --seconds with the server on another machine (--server-dir) and nothing arriving here: exit 1 saying where the files are', async () => {
    const here = tmp();
    const there = tmp();
    const e = await fakeEngine({ engine: 'sglang', version: '0.5.4', dir: there });
    const err = await profileServer(e.url, [], { engine: 'sglang', seconds: '1', out: here, 'server-dir': '/remote/traces' }, fast).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(1);
    expect((err as CliError).message).toMatch(/no new trace files appeared here.*on its own machine, in output_dir \/remote\/traces/);
    expect(JSON.parse(e.calls.find((c) => c.path === '/start_profile')!.body).output_dir).toBe('/remote/traces');
    expect(e.calls.some((c) => c.path === '/stop_profile')).toBe(true);
  });

  it('SGLang already profiling (HTTP 500): exit 1 with the way out', async () => {
    const dir = tmp();
    const e = await fakeEngine({ engine: 'sglang', version: '0.5.4', dir, stepsDelayMs: 5000 });
    await profileServer(e.url, [], { engine: 'sglang', steps: '3', out: dir }, { ...fast, waitFilesMs: 50 }).catch(() => undefined);
    const r = await runCli(['profile', e.url, '--engine', 'sglang', '--seconds', '1', '--out', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/already in progress.*stop it \(POST \/stop_profile\)/);
  });
});
