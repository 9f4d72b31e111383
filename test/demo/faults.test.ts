/**
 * Engine states and faults of the emulators, as the alert scenarios need them: each shows in
 * /metrics under the real names, types, HELP and labels of the engine version emulated (a sleeping
 * vLLM, a P/D decode node deferring, HTTP 5xx, finished_reason="error", client aborts, preemption
 * storms, a full KV cache without preemption, latency at a chosen level, trickle traffic); faults
 * left at zero change nothing; kinds that cannot show one refuse it.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/commands/emulate.js';
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { type Emulator, type EmulatorKind, type EmulatorOptions, startEmulator } from '../../src/demo/emulator.js';
import { familyById } from '../../src/engines/catalog.js';
import { detect } from '../../src/engines/detect.js';
import { labelKeysOf, parseExposition } from '../../src/engines/exposition.js';
import { PROMETHEUS_RELEASES, itEachRelease } from '../support/versions.js';

const START = 1753795326.93;
const running: Emulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

async function emu(kind: EmulatorKind, extra: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  const e = await startEmulator({ kind, realTime: false, seed: 7, startTime: START, ...extra });
  running.push(e);
  return e;
}

type Match = Record<string, string>;
const sum = (text: string, name: string, match: Match = {}) =>
  parseExposition(text)
    .samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((a, s) => a + s.value, 0);
const family = (text: string, name: string) => parseExposition(text).families.find((f) => f.name === name);

/** Each catalog metric the text shows has the catalog's type, HELP and label keys. */
function expectCatalogued(text: string, names: string[]) {
  const cat = familyById('vllm-v1').metrics;
  for (const name of names) {
    const f = family(text, name)!;
    const m = cat.find((c) => c.name === name)!;
    expect([f.type, f.help], name).toEqual([m.type, m.help]);
    expect(labelKeysOf(f), name).toEqual([...new Set(['engine', 'model_name', ...m.labels])].sort());
  }
}

describe('faults left at zero', () => {
  it('change no byte of the output, and add no family', async () => {
    for (const kind of ['vllm-v1', 'vllm-v1-legacy', 'sglang'] as const) {
      const plain = await emu(kind, { dpRanks: 2 });
      const zero = await emu(kind, { dpRanks: 2, faults: { http5xxShare: 0, abortShare: 0, ttftDelaySeconds: 0, itlDelaySeconds: 0 } });
      plain.advance(120);
      zero.advance(120);
      expect(zero.metricsText(), kind).toBe(plain.metricsText());
      expect(plain.metricsText()).not.toMatch(/^http_requests_total|^vllm:num_requests_waiting_by_reason/m);
    }
  });
});

describe('vLLM API server errors', () => {
  it('HTTP 5xx: a share of /v1 requests in http_requests_total{status="5xx"}, as prometheus_fastapi_instrumentator counts them', async () => {
    const e = await emu('vllm-v1', { faults: { http5xxShare: 0.1 } });
    e.advance(300);
    const text = e.metricsText();
    const f = family(text, 'http_requests_total')!;
    expect([f.type, f.help, labelKeysOf(f)]).toEqual(['counter', 'Total number of requests by method, status and handler.', ['handler', 'method', 'status']]);
    expect(new Set(f.samples.map((s) => s.labels.handler))).toEqual(new Set(['/v1/chat/completions', '/v1/completions']));
    expect(new Set(f.samples.map((s) => `${s.labels.method} ${s.labels.status}`))).toEqual(new Set(['POST 2xx', 'POST 5xx']));
    expect(family(text, 'http_requests_created')?.type).toBe('gauge');
    const err = sum(text, 'http_requests_total', { status: '5xx' });
    const all = sum(text, 'http_requests_total');
    expect(Math.abs(err - 0.1 * (all + e.sims[0]!.waiting.length + e.sims[0]!.running.length))).toBeLessThanOrEqual(1);
    // They never reach the engine: every finished request answered 2xx.
    expect(sum(text, 'http_requests_total', { status: '2xx' })).toBe(sum(text, 'vllm:request_success_total'));
    expect(text).toMatch(/^http_requests_total\{handler="\/v1\/chat\/completions",method="POST",status="5xx"\} \d+\.0$/m);
    expect(detect(text)).toMatchObject({ family: 'vllm-v1', alsoMatches: [], problems: [] });
  });

  it('HTTP metrics from the start with httpMetrics, and still served with engine stats off', async () => {
    const e = await emu('vllm-v1-legacy', { httpMetrics: true });
    e.advance(60);
    expect(sum(e.metricsText(), 'http_requests_total', { status: '2xx' })).toBeGreaterThan(0);
    expect(sum(e.metricsText(), 'http_requests_total', { status: '5xx' })).toBe(0);
    await e.setState('stats-off');
    const body = await (await fetch(e.metricsUrl)).text();
    expect(body).toMatch(/^http_requests_total\{/m);
    expect(body).not.toMatch(/vllm:/);
  });

  it('finished_reason="error": a share of finished requests, answered 5xx; V1 pre-creates the series', async () => {
    const e = await emu('vllm-v1', { faults: { errorShare: 0.05 }, dpRanks: 2 });
    e.advance(300);
    const text = e.metricsText();
    const errors = sum(text, 'vllm:request_success_total', { finished_reason: 'error' });
    const finished = sum(text, 'vllm:request_success_total');
    expect(Math.abs(errors - 0.05 * finished)).toBeLessThanOrEqual(2);
    expect(sum(text, 'http_requests_total', { status: '5xx' })).toBe(errors);
    expect(parseExposition(text).samples.filter((s) => s.name === 'vllm:request_success_total' && s.labels.finished_reason === 'error').map((s) => s.labels.engine)).toEqual(['0', '1']);
  });

  it('refuses errors where the engine version has no such series', async () => {
    await expect(emu('vllm-v0', { faults: { http5xxShare: 0.1 } })).rejects.toThrow(/V0 emulation predates the HTTP metrics/);
    await expect(emu('sglang', { faults: { http5xxShare: 0.1 } })).rejects.toThrow(/SGLang exposes no HTTP status metric/);
    await expect(emu('vllm-v1-legacy', { faults: { errorShare: 0.1 } })).rejects.toThrow(/finished_reason="error"/);
    const e = await emu('sglang');
    expect(() => e.setFaults({ errorShare: 0.1 })).toThrow(/SGLang counts no server errors/);
    await expect(emu('dcgm', { faults: { abortShare: 0.5 } })).rejects.toThrow(/GPU exporter/);
    await expect(emu('vllm-v1', { faults: { abortShare: 1.5 } })).rejects.toThrow(/share from 0 to 1/);
  });
});

describe('client abort storm', () => {
  it('vLLM: finished_reason="abort"; SGLang: num_aborted_requests_total', async () => {
    const v = await emu('vllm-v1');
    v.advance(60);
    const before = v.metricsText();
    v.setFaults({ abortShare: 0.6 });
    v.advance(300);
    const after = v.metricsText();
    const aborted = sum(after, 'vllm:request_success_total', { finished_reason: 'abort' }) - sum(before, 'vllm:request_success_total', { finished_reason: 'abort' });
    const finished = sum(after, 'vllm:request_success_total') - sum(before, 'vllm:request_success_total');
    expect(aborted / finished).toBeGreaterThan(0.55);
    expect(aborted / finished).toBeLessThan(0.7);

    const s = await emu('sglang', { faults: { abortShare: 0.6 } });
    s.advance(300);
    const t = s.metricsText();
    expect(sum(t, 'sglang:num_aborted_requests_total') / sum(t, 'sglang:num_requests_total')).toBeGreaterThan(0.55);
  });
});

describe('a sleeping vLLM engine', () => {
  it('engine_sleep_state awake=0 weights_offloaded=1: in-flight requests aborted, new ones wait, no tokens, KV freed; wakes on normal', async () => {
    const e = await emu('vllm-v1', { dpRanks: 2 });
    const gpu = await emu('dcgm', { follow: [e] });
    e.advance(60);
    gpu.advance(60);
    const awake = e.metricsText();
    const inFlight = sum(awake, 'vllm:num_requests_running') + sum(awake, 'vllm:num_requests_waiting');
    await e.setState('asleep');
    e.advance(1);
    const asleep = e.metricsText();
    e.advance(120);
    gpu.advance(30);
    const later = e.metricsText();
    for (const engine of ['0', '1']) {
      for (const [state, v] of [['awake', 0], ['weights_offloaded', 1], ['discard_all', 0]] as const) expect(sum(later, 'vllm:engine_sleep_state', { engine, sleep_state: state }), `${engine} ${state}`).toBe(v);
    }
    expect(sum(asleep, 'vllm:request_success_total', { finished_reason: 'abort' }) - sum(awake, 'vllm:request_success_total', { finished_reason: 'abort' })).toBe(inFlight);
    expect(sum(later, 'vllm:num_requests_running')).toBe(0);
    expect(sum(later, 'vllm:num_requests_waiting')).toBeGreaterThan(sum(asleep, 'vllm:num_requests_waiting') + 100);
    expect(sum(later, 'vllm:generation_tokens_total')).toBe(sum(asleep, 'vllm:generation_tokens_total'));
    expect(sum(later, 'vllm:kv_cache_usage_perc')).toBe(0);
    // The GPU gives the weights and KV cache back.
    expect(sum(gpu.metricsText(), 'DCGM_FI_DEV_FB_USED')).toBeLessThan(2000);

    await e.setState('normal');
    e.advance(30);
    const woken = e.metricsText();
    expect(sum(woken, 'vllm:engine_sleep_state', { sleep_state: 'awake' })).toBe(2);
    expect(sum(woken, 'vllm:generation_tokens_total')).toBeGreaterThan(sum(later, 'vllm:generation_tokens_total'));
  });

  it('sleep level 2 shows discard_all=1; only vllm-v1 (>= 0.11) has the sleep state', async () => {
    const e = await emu('vllm-v1', { sleepLevel: 2, initialState: 'asleep' });
    e.advance(10);
    const text = e.metricsText();
    expect([sum(text, 'vllm:engine_sleep_state', { sleep_state: 'awake' }), sum(text, 'vllm:engine_sleep_state', { sleep_state: 'weights_offloaded' }), sum(text, 'vllm:engine_sleep_state', { sleep_state: 'discard_all' })]).toEqual([0, 0, 1]);
    for (const kind of ['vllm-v0', 'vllm-v1-legacy', 'sglang'] as const) {
      const other = await emu(kind);
      await expect(other.setState('asleep'), kind).rejects.toThrow(/vLLM >= 0.11/);
    }
  });
});

describe('a P/D decode node', () => {
  it('num_requests_waiting_by_reason{reason="deferred"}: requests wait for their KV, nothing runs meanwhile, then they decode from transferred KV', async () => {
    const e = await emu('vllm-v1', { dpRanks: 2, faults: { pdTransferSeconds: 120 } });
    e.advance(60);
    await e.setState('pd-deferred');
    e.advance(60);
    const waitingKv = e.metricsText();
    expectCatalogued(waitingKv, ['vllm:num_requests_waiting_by_reason', 'vllm:engine_sleep_state']);
    for (const engine of ['0', '1']) {
      const deferred = sum(waitingKv, 'vllm:num_requests_waiting_by_reason', { engine, reason: 'deferred' });
      expect(deferred, engine).toBeGreaterThan(30);
      expect(deferred + sum(waitingKv, 'vllm:num_requests_waiting_by_reason', { engine, reason: 'capacity' })).toBe(sum(waitingKv, 'vllm:num_requests_waiting', { engine }));
    }
    expect(sum(waitingKv, 'vllm:num_requests_running')).toBe(0);
    expect(sum(waitingKv, 'vllm:prompt_tokens_by_source_total', { source: 'external_kv_transfer' })).toBe(0);
    e.advance(120);
    const decoding = e.metricsText();
    expect(sum(decoding, 'vllm:num_requests_running')).toBeGreaterThan(0);
    expect(sum(decoding, 'vllm:prompt_tokens_by_source_total', { source: 'external_kv_transfer' })).toBeGreaterThan(0);
    expect(sum(decoding, 'vllm:generation_tokens_total')).toBeGreaterThan(sum(waitingKv, 'vllm:generation_tokens_total'));
    expect(detect(decoding)).toMatchObject({ family: 'vllm-v1', alsoMatches: [], problems: [] });
    await expect((await emu('sglang')).setState('pd-deferred')).rejects.toThrow(/vllm-v1/);
  });

  it('waitingByReason serves the breakdown on a plain server: everything waits for capacity', async () => {
    const e = await emu('vllm-v1', { waitingByReason: true, initialState: 'kv-full' });
    e.advance(120);
    const text = e.metricsText();
    expect(sum(text, 'vllm:num_requests_waiting_by_reason', { reason: 'deferred' })).toBe(0);
    expect(sum(text, 'vllm:num_requests_waiting_by_reason', { reason: 'capacity' })).toBe(sum(text, 'vllm:num_requests_waiting'));
    expect(sum(text, 'vllm:num_requests_waiting')).toBeGreaterThan(0);
  });
});

describe('KV cache pressure', () => {
  const series = async (kind: EmulatorKind, state: 'preemption-storm' | 'kv-saturated') => {
    const e = await emu(kind);
    e.advance(60);
    await e.setState(state);
    e.advance(120);
    const start = e.metricsText();
    const kv: number[] = [];
    const waiting: number[] = [];
    for (let i = 0; i < 60; i++) {
      e.advance(5);
      kv.push(sum(e.metricsText(), kind === 'sglang' ? 'sglang:token_usage' : 'vllm:kv_cache_usage_perc'));
      waiting.push(sum(e.metricsText(), kind === 'sglang' ? 'sglang:num_queue_reqs' : 'vllm:num_requests_waiting'));
    }
    return { start, end: e.metricsText(), kv, waiting };
  };

  it('a preemption storm: sustained preemptions (vLLM) and retractions (SGLang) over 0.5/s', async () => {
    const v = await series('vllm-v1', 'preemption-storm');
    expect((sum(v.end, 'vllm:num_preemptions_total') - sum(v.start, 'vllm:num_preemptions_total')) / 300).toBeGreaterThan(0.5);
    const s = await series('sglang', 'preemption-storm');
    expect((sum(s.end, 'sglang:num_retracted_requests_total') - sum(s.start, 'sglang:num_retracted_requests_total')) / 300).toBeGreaterThan(0.5);
  });

  it('a busy vLLM with its KV cache full and no preemption, the queue short', async () => {
    const v = await series('vllm-v1', 'kv-saturated');
    expect(Math.min(...v.kv)).toBeGreaterThan(0.85);
    expect(v.kv.reduce((a, b) => a + b) / v.kv.length).toBeGreaterThan(0.93);
    expect(sum(v.end, 'vllm:num_preemptions_total')).toBe(0);
    expect(Math.max(...v.waiting)).toBeLessThanOrEqual(20);
    expect(sum(v.end, 'vllm:generation_tokens_total') - sum(v.start, 'vllm:generation_tokens_total')).toBeGreaterThan(300 * 300);
  });
});

describe('latency at a chosen level, and trickle traffic', () => {
  /** Observations of a histogram between two scrapes at or under `le`, and in all. */
  const delta = (a: string, b: string, name: string, le: string) => ({
    under: sum(b, `${name}_bucket`, { le }) - sum(a, `${name}_bucket`, { le }),
    all: sum(b, `${name}_count`) - sum(a, `${name}_count`),
  });

  it('ttftDelaySeconds adds its seconds to every TTFT: 2.0 keeps all under the 2.5 s bucket, 2.6 puts all over it', async () => {
    for (const [delay, under] of [
      [2.0, 1],
      [2.6, 0],
    ] as const) {
      const e = await emu('vllm-v1');
      e.advance(60);
      e.setFaults({ ttftDelaySeconds: delay });
      e.advance(10);
      const a = e.metricsText();
      e.advance(300);
      const d = delta(a, e.metricsText(), 'vllm:time_to_first_token_seconds', '2.5');
      expect(d.all).toBeGreaterThan(500);
      expect(d.under / d.all, `delay ${delay}`).toBe(under);
      expect(delta(a, e.metricsText(), 'vllm:time_to_first_token_seconds', '1.0').under).toBe(0);
    }
  });

  it('itlDelaySeconds adds its seconds to every engine step: inter-token latency just under and just over 0.1 s', async () => {
    for (const [delay, share] of [
      [0.06, 1],
      [0.08, 0],
    ] as const) {
      const e = await emu('vllm-v1', { arrivalRate: 1, faults: { itlDelaySeconds: delay } });
      e.advance(60);
      const a = e.metricsText();
      e.advance(300);
      const d = delta(a, e.metricsText(), 'vllm:inter_token_latency_seconds', '0.1');
      expect(d.all).toBeGreaterThan(10000);
      expect(d.under / d.all, `delay ${delay}`).toBeCloseTo(share, 2);
    }
  });

  it('trickle: one request every 20 s or so', async () => {
    const e = await emu('sglang');
    e.advance(60);
    await e.setState('trickle');
    e.advance(60);
    const a = sum(e.metricsText(), 'sglang:num_requests_total');
    e.advance(600);
    const n = sum(e.metricsText(), 'sglang:num_requests_total') - a;
    expect(n).toBeGreaterThan(15);
    expect(n).toBeLessThan(50);
  });
});

describe('faulty emulators and the real promtool', () => {
  itEachRelease(PROMETHEUS_RELEASES, 'promtool', 'promtool check metrics accepts every fault and state at once', async (tool) => {
    const e = await emu('vllm-v1', { dpRanks: 2, faults: { http5xxShare: 0.1, errorShare: 0.05, abortShare: 0.3, ttftDelaySeconds: 0.5, itlDelaySeconds: 0.01 } });
    e.advance(60);
    await e.setState('pd-deferred');
    e.advance(60);
    const r = spawnSync(tool, ['check', 'metrics'], { input: e.metricsText(), encoding: 'utf8' });
    const findings = `${r.stdout}${r.stderr}`.split('\n').filter(Boolean).map((l) => l.replace(/^\S+ /, ''));
    // As for the fault-free output (emulators.test.ts): what real vLLM names draw (colons,
    // iteration_tokens_total a histogram), nothing about the HTTP families.
    for (const f of findings) expect(["metric names should not contain ':'", 'non-counter metrics should not have "_total" suffix'], tool).toContain(f);
  });
});

describe('emulate command: states and faults', () => {
  function capture(): Io & { lines: string[]; errors: string[] } {
    const lines: string[] = [];
    const errors: string[] = [];
    return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), isTTY: false, env: {} };
  }

  it('serves the faults given as flags', async () => {
    const io = capture();
    const stop = new AbortController();
    const done = run(['--kind', 'vllm-v1', '--port', '0', '--state', 'asleep', '--http-5xx', '0.5', '--sleep-level', '2', '--rate', '20'], io, stop.signal);
    for (let i = 0; i < 50 && io.lines.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const url = /on (http:\/\/\S+)\/metrics/.exec(io.lines[0]!)![1]!;
    await new Promise((r) => setTimeout(r, 1500));
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(sum(text, 'vllm:engine_sleep_state', { sleep_state: 'discard_all' })).toBe(1);
    expect(sum(text, 'http_requests_total', { status: '5xx' })).toBeGreaterThan(0);
    stop.abort();
    expect(await done).toBe(0);
  });

  it('rejects bad fault values and faults the kind cannot show with exit 2 and one line', async () => {
    for (const args of [
      ['--kind', 'vllm-v1', '--aborts', '1.5'],
      ['--kind', 'vllm-v1', '--ttft-delay', 'soon'],
      ['--kind', 'vllm-v1', '--sleep-level', '3'],
      ['--kind', 'sglang', '--state', 'asleep'],
      ['--kind', 'vllm-v0', '--errors', '0.1'],
      ['--kind', 'dcgm', '--itl-delay', '0.1'],
    ]) {
      const io = capture();
      expect(await main(['emulate', ...args], io), args.join(' ')).toBe(2);
      expect(io.errors.join('\n').split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});
