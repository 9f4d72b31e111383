/**
 * `create-vllm-monitor emulate --kind vllm-v1 --port 8000 [--host 0.0.0.0]`: serve an emulated
 * engine or GPU exporter on /metrics until interrupted (for demos and for trying a stack without GPUs),
 * in a state (--state) and with engine faults (--http-5xx, --errors, --aborts, --ttft-delay, --itl-delay).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EMULATOR_KINDS, EMULATOR_STATES, type EngineFaults, startEmulator, TRAFFIC_MODES, type Traffic, unsupported, type EmulatorKind, type EmulatorState } from '../demo/emulator.js';
import { EXIT_OK, envError, usageError } from '../errors.js';
import type { Io } from '../cli/io.js';

const USAGE = `Usage: create-vllm-monitor emulate --kind KIND [--port N] [--host ADDR] [--model NAME] [--dp N] [--pp N] [--gpus N] [--nvml] [--seed N] [--rate R | --traffic clients] [--state STATE] [FAULTS]
  --nvml: the nvidia-smi exporter's NVML backend (the -nvml image), which reports XIDs
  --traffic simulated|clients: an engine's requests from simulated users at --rate (default 3/s) and
          clients, or from clients of its API only (for loadtest, whose cross-check then matches exactly)
  KIND:   ${EMULATOR_KINDS.join(' | ')}
  STATE:  ${EMULATOR_STATES.join(' | ')}
  FAULTS: --http-5xx SHARE  --errors SHARE  --aborts SHARE  (shares of requests, 0-1)
          --ttft-delay SECONDS  --itl-delay SECONDS  --sleep-level 1|2  --pd-transfer SECONDS
          --http-metrics  --waiting-by-reason  (serve those vLLM V1 families from the start)
  --profiler-dir DIR: engines serve /start_profile and /stop_profile and write synthetic torch traces
          to DIR (vLLM only with it, as with a profiler configured; SGLang to the output_dir it is sent)`;

/** Number flags of the faults: the fault each sets and the values it takes. */
const FAULT_FLAGS: Record<string, { key: keyof EngineFaults; ok: (n: number) => boolean; want: string }> = {
  'http-5xx': { key: 'http5xxShare', ok: (n) => n >= 0 && n <= 1, want: 'a share from 0 to 1' },
  errors: { key: 'errorShare', ok: (n) => n >= 0 && n <= 1, want: 'a share from 0 to 1' },
  aborts: { key: 'abortShare', ok: (n) => n >= 0 && n <= 1, want: 'a share from 0 to 1' },
  'ttft-delay': { key: 'ttftDelaySeconds', ok: (n) => n >= 0, want: 'seconds ≥ 0' },
  'itl-delay': { key: 'itlDelaySeconds', ok: (n) => n >= 0, want: 'seconds ≥ 0' },
  'pd-transfer': { key: 'pdTransferSeconds', ok: (n) => n >= 0, want: 'seconds ≥ 0' },
};

function intFlag(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw usageError(`--${name}`, `must be an integer ≥ ${min}, got "${v}"`, '');
  return n;
}

export async function run(argv: string[], io: Io, signal?: AbortSignal): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        kind: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        model: { type: 'string' },
        dp: { type: 'string' },
        pp: { type: 'string' },
        gpus: { type: 'string' },
        nvml: { type: 'boolean' },
        seed: { type: 'string' },
        rate: { type: 'string' },
        traffic: { type: 'string' },
        state: { type: 'string' },
        ...Object.fromEntries(Object.keys(FAULT_FLAGS).map((k) => [k, { type: 'string' as const }])),
        'sleep-level': { type: 'string' },
        'http-metrics': { type: 'boolean' },
        'waiting-by-reason': { type: 'boolean' },
        'profiler-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw usageError('emulate', (err as Error).message, USAGE.split('\n')[0]!);
  }
  const v = parsed.values;
  if (v.help) {
    io.out(USAGE);
    return EXIT_OK;
  }
  if (!v.kind || !(EMULATOR_KINDS as readonly string[]).includes(v.kind)) throw usageError('--kind', `must be one of ${EMULATOR_KINDS.join(', ')}`, 'e.g. --kind vllm-v1');
  if (v.state && !(EMULATOR_STATES as readonly string[]).includes(v.state)) throw usageError('--state', `must be one of ${EMULATOR_STATES.join(', ')}`, '');
  const rate = v.rate === undefined ? undefined : Number(v.rate);
  if (rate !== undefined && !(rate >= 0)) throw usageError('--rate', `must be a number ≥ 0, got "${v.rate}"`, '');
  const traffic = v.traffic as Traffic | undefined;
  if (traffic !== undefined && !(TRAFFIC_MODES as readonly string[]).includes(traffic)) throw usageError('--traffic', `must be one of ${TRAFFIC_MODES.join(', ')}, got "${traffic}"`, 'e.g. --traffic clients');
  if (traffic === 'clients' && rate !== undefined && rate > 0) throw usageError('--rate', `conflicts with --traffic clients (no simulated arrivals)`, 'drop --rate, or use --traffic simulated');
  const values = v as Record<string, string | boolean | undefined>;
  const faults: Partial<EngineFaults> = {};
  for (const [flag, f] of Object.entries(FAULT_FLAGS)) {
    const raw = values[flag];
    if (typeof raw !== 'string') continue;
    const n = Number(raw);
    if (raw.trim() === '' || !f.ok(n)) throw usageError(`--${flag}`, `must be ${f.want}, got "${raw}"`, '');
    faults[f.key] = n;
  }
  const sleepLevel = v['sleep-level'];
  if (sleepLevel !== undefined && sleepLevel !== '1' && sleepLevel !== '2') throw usageError('--sleep-level', `must be 1 or 2, got "${sleepLevel}"`, '1 offloads the weights, 2 discards them');
  const badState = unsupported(v.kind as EmulatorKind, v.state as EmulatorState | undefined);
  if (badState) throw usageError('--state', badState, '');
  const badFault = unsupported(v.kind as EmulatorKind, undefined, faults);
  if (badFault) throw usageError('--kind', badFault, '');
  const opts = {
    kind: v.kind as EmulatorKind,
    host: v.host ?? '127.0.0.1',
    port: intFlag('port', v.port, 0) ?? 0,
    ...(v.model ? { model: v.model } : {}),
    ...(v.dp ? { dpRanks: intFlag('dp', v.dp, 1)! } : {}),
    ...(v.pp ? { ppSize: intFlag('pp', v.pp, 1)! } : {}),
    ...(v.gpus ? { gpus: intFlag('gpus', v.gpus, 1)! } : {}),
    ...(v.nvml ? { nvml: true } : {}),
    ...(v.seed ? { seed: intFlag('seed', v.seed, 0)! } : {}),
    ...(rate !== undefined ? { arrivalRate: rate } : {}),
    ...(traffic ? { traffic } : {}),
    ...(v.state ? { initialState: v.state as EmulatorState } : {}),
    ...(Object.keys(faults).length > 0 ? { faults } : {}),
    ...(sleepLevel ? { sleepLevel: Number(sleepLevel) as 1 | 2 } : {}),
    ...(v['http-metrics'] ? { httpMetrics: true } : {}),
    ...(v['waiting-by-reason'] ? { waitingByReason: true } : {}),
    ...(v['profiler-dir'] ? { profilerDir: resolve(v['profiler-dir']) } : {}),
  };
  let emu;
  try {
    emu = await startEmulator(opts);
  } catch (err) {
    throw envError(`--port ${opts.port}`, (err as Error).message, 'pick a free port');
  }
  io.out(`emulating ${emu.kind} on ${opts.host === '0.0.0.0' ? `0.0.0.0:${emu.port}` : emu.url}/metrics (state ${emu.state}${traffic === 'clients' ? ', traffic from clients only' : ''}); Ctrl-C stops`);
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    signal?.addEventListener('abort', done, { once: true });
  });
  await emu.stop();
  return EXIT_OK;
}
