import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { run } from '../../src/commands/loadtest.js';
import { startEmulator, type Emulator } from '../../src/demo/emulator.js';
import { Rng } from '../../src/demo/rng.js';
import { gamma } from '../../src/loadtest/arrivals.js';
import { randomPrompts } from '../../src/loadtest/dataset.js';
import { summarize } from '../../src/loadtest/stats.js';
import { bucketOf, crossCheck } from '../../src/loadtest/compare.js';
import type { LoadResult } from '../../src/loadtest/result.js';
import { captureIo } from '../support/cli.js';

/** A sample's value summed over its label sets in the exposition. */
function sample(text: string, name: string): number {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((a, l) => a + Number(l.split(' ').pop()), 0);
}

describe('loadtest statistics', () => {
  it('percentiles interpolate between ranks as numpy does', () => {
    // numpy.percentile([1, 2, 3, 4, 10], 90) = 4 + 0.6 · (10 − 4): rank 0.9 · 4 = 3.6
    const s = summarize([10, 1, 3, 2, 4], [90, 50]);
    expect(s.percentiles['90']).toBeCloseTo(7.6, 10);
    expect(s.median).toBe(3);
    expect(s.mean).toBe(4);
    expect(s.std).toBeCloseTo(Math.sqrt((36 + 9 + 1 + 4 + 0) / 5), 10);
  });

  it('a percentile maps to the server buckets of the two ranks it interpolates between', () => {
    // 10 observations: 5 ≤ 0.1 s, 4 in (0.1, 0.2], 1 above. p90 interpolates between the 9th and the
    // 10th smallest (rank 0.9 · 9 = 8.1): the 9th is in (0.1, 0.2], the 10th in (0.2, +Inf].
    const buckets: [number, number][] = [[0.1, 5], [0.2, 9], [Infinity, 10]];
    expect(bucketOf(buckets, 0.9)).toEqual([100, Infinity]);
    // p50: rank 4.5, between the 5th (≤ 0.1) and the 6th (in (0.1, 0.2]).
    expect(bucketOf(buckets, 0.5)).toEqual([0, 200]);
    // p40: rank 3.6, the 4th and 5th, both ≤ 0.1.
    expect(bucketOf(buckets, 0.4)).toEqual([0, 100]);
    expect(bucketOf([[0.1, 0], [Infinity, 0]], 0.5)).toBeUndefined();
  });

  it('an ITL percentile may sit above its bucket by a delayed chunk (50 ms), a TPOT one by 5 ms or 10 % only', () => {
    // 100 samples all in the (10, 25] ms bucket: every percentile's bucket is that one.
    const h = { sum: 2, count: 100, buckets: [[0.01, 0], [0.025, 100], [Infinity, 100]] as [number, number][] };
    const run = (p99: number) => {
      const r = { completed: 10, total_output_tokens: 100, mean_itl_ms: 20, p99_itl_ms: p99, mean_tpot_ms: 20, p99_tpot_ms: p99 } as unknown as LoadResult;
      const checks = crossCheck(r, { tokens: 100, requests: 10, histograms: { itl: h, tpot: h } }, [99]);
      return Object.fromEntries(checks.map((c) => [c.metric, c.agree]));
    };
    // 25 ms + max(50, 10 % of 25) = 75 ms for ITL; 25 + max(5, 2.5) = 30 ms for TPOT.
    expect(run(74)).toMatchObject({ 'p99 ITL': true, 'p99 TPOT': false, 'mean ITL': true });
    expect(run(29)).toMatchObject({ 'p99 ITL': true, 'p99 TPOT': true });
    expect(run(77)).toMatchObject({ 'p99 ITL': false, 'p99 TPOT': false });
    // Below the bucket neither gets more than 5 ms: a delay makes gaps longer, never a whole run shorter.
    expect(run(4)).toMatchObject({ 'p99 ITL': false, 'p99 TPOT': false });
    expect(run(6)).toMatchObject({ 'p99 ITL': true, 'p99 TPOT': true });
  });

  it('beyond the allowance by no more than the client\'s own stall: inconclusive, not a disagreement; below, or counts: never', () => {
    const h = { sum: 2, count: 100, buckets: [[0.01, 0], [0.025, 100], [Infinity, 100]] as [number, number][] };
    const r = { completed: 10, total_output_tokens: 100, mean_itl_ms: 20, p99_itl_ms: 105, mean_tpot_ms: 20, p99_tpot_ms: 2 } as unknown as LoadResult;
    const server = { tokens: 101, requests: 10, histograms: { itl: h, tpot: h } };
    const by = (stall: number) => Object.fromEntries(crossCheck(r, server, [99], stall).map((c) => [c.metric, c]));
    // p99 ITL 105 ms: 30 ms beyond 25 + 50.
    expect(by(0)['p99 ITL']).toMatchObject({ agree: false });
    expect(by(0)['p99 ITL']!.inconclusive).toBeUndefined();
    expect(by(29)['p99 ITL']!.inconclusive).toBeUndefined();
    expect(by(31)['p99 ITL']).toMatchObject({ agree: false, inconclusive: true, why: expect.stringMatching(/this client itself stalled up to 31\.0 ms/) });
    // Below its bucket (2 ms against (10, 25]) and a count off by one stay disagreements, stall or not.
    expect(by(1000)['p99 TPOT']!.inconclusive).toBeUndefined();
    expect(by(1000)['generated tokens']).toMatchObject({ agree: false });
    expect(by(1000)['generated tokens']!.inconclusive).toBeUndefined();
  });

  it('gamma gaps keep the mean and have variance mean²/shape', () => {
    for (const shape of [0.5, 1, 4]) {
      const rng = new Rng(3);
      const xs = Array.from({ length: 40000 }, () => gamma(rng, shape));
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length;
      expect(m).toBeCloseTo(shape, 1);
      expect(v / shape).toBeGreaterThan(0.93);
      expect(v / shape).toBeLessThan(1.07);
    }
  });

  it('random prompts are the same for a seed and within the range ratio', () => {
    const a = randomPrompts(200, 100, 20, 0.5, 9);
    expect(randomPrompts(200, 100, 20, 0.5, 9)).toEqual(a);
    expect(randomPrompts(200, 100, 20, 0.5, 10)).not.toEqual(a);
    for (const p of a) {
      expect(p.promptTokens).toBeGreaterThanOrEqual(50);
      expect(p.promptTokens).toBeLessThanOrEqual(150);
      expect(p.prompt.split(' ')).toHaveLength(p.promptTokens);
      expect(p.outputTokens).toBeGreaterThanOrEqual(10);
      expect(p.outputTokens).toBeLessThanOrEqual(30);
    }
  });
});

describe('loadtest against an emulated vLLM', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ kind: 'vllm-v1', arrivalRate: 0, seed: 4 });
  });
  afterAll(async () => emu.stop());

  it('reports what the server counted, with client latencies at or above its own', async () => {
    const before = emu.metricsText();
    const io = captureIo();
    const code = await main(['loadtest', emu.url, '--rate', '8', '--requests', '24', '--input-len', '120', '--output-len', '16', '--range-ratio', '0.5', '--seed', '2', '--json'], io);
    expect(code).toBe(0);
    const r = JSON.parse(io.lines.join('\n'));
    const after = emu.metricsText();
    const delta = (name: string) => sample(after, name) - sample(before, name);
    expect(r.completed).toBe(24);
    expect(r.failed).toBe(0);
    // Exact: what the client received is what the server counted (ignore_eos: every max_tokens).
    const prompts = randomPrompts(24, 120, 16, 0.5, 2);
    expect(r.total_output_tokens).toBe(prompts.reduce((a, p) => a + p.outputTokens, 0));
    expect(delta('vllm:generation_tokens_total')).toBe(r.total_output_tokens);
    expect(delta('vllm:prompt_tokens_total')).toBe(r.total_input_tokens);
    expect(delta('vllm:request_success_total')).toBe(24);
    // The client's clock starts before the server's and stops after it; by how much is small, plus
    // what the client's event loop was held up (this emulator shares it, on a busy machine too).
    const serverTtft = delta('vllm:time_to_first_token_seconds_sum') / delta('vllm:time_to_first_token_seconds_count');
    const serverE2e = delta('vllm:e2e_request_latency_seconds_sum') / delta('vllm:e2e_request_latency_seconds_count');
    expect(r.mean_ttft_ms).toBeGreaterThanOrEqual(serverTtft * 1000 - 1);
    expect(r.mean_ttft_ms).toBeLessThan(serverTtft * 1000 + 60 + r.client_stall_ms);
    expect(r.mean_e2el_ms).toBeGreaterThanOrEqual(serverE2e * 1000 - 1);
    expect(r.mean_e2el_ms).toBeLessThan(serverE2e * 1000 + 60 + r.client_stall_ms);
    expect(r.request_throughput).toBeCloseTo(24 / r.duration, 6);
    expect(r.output_throughput).toBeCloseTo(r.total_output_tokens / r.duration, 6);
    expect(r.p99_ttft_ms).toBeGreaterThanOrEqual(r.median_ttft_ms);
    // TPOT is per request, ≈ the engine's step time (0.02 s and up).
    expect(r.mean_tpot_ms).toBeGreaterThan(15);
    expect(r.mean_tpot_ms).toBeLessThan(100);
  });

  it('goodput counts only the requests within every SLO', async () => {
    const io = captureIo();
    expect(await main(['loadtest', emu.url, '--concurrency', '4', '--requests', '12', '--input-len', '50', '--output-len', '10', '--goodput', 'ttft:1', '--json'], io)).toBe(0);
    const r = JSON.parse(io.lines.join('\n'));
    // No request reaches its first token within 1 ms (the engine takes a step of 20 ms and more).
    expect(r.completed).toBe(12);
    expect(r.request_goodput).toBe(0);
    expect(r.max_concurrency).toBe(4);
  });

  it('drives the chat endpoint from a ShareGPT file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cvm-loadtest-'));
    const file = join(dir, 'sharegpt.json');
    const turn = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(' ');
    writeFileSync(file, JSON.stringify([{ conversations: [{ from: 'human', value: turn(30) }, { from: 'gpt', value: 'x'.repeat(40) }] }, { conversations: [{ from: 'human', value: 'hi' }] }]));
    const io = captureIo();
    expect(await main(['loadtest', emu.url, '--endpoint', 'chat', '--dataset', file, '--requests', '3', '--json'], io)).toBe(0);
    const r = JSON.parse(io.lines.join('\n'));
    expect(r.completed).toBe(3);
    // Every request is the one usable conversation: 30 words in, 40 characters ≈ 10 tokens out.
    expect(r.total_input_tokens).toBe(90);
    expect(r.total_output_tokens).toBe(30);
  });

  it('stops on an interrupt and still reports', async () => {
    const io = captureIo();
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 700);
    const t0 = Date.now();
    expect(await run([emu.url, '--rate', '10', '--duration', '30s', '--input-len', '20', '--output-len', '200', '--json'], io, stop.signal)).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000);
    const r = JSON.parse(io.lines.join('\n'));
    expect(r.interrupted).toBeGreaterThan(0);
    expect(r.failed).toBe(0);
    expect(io.errors.join('\n')).toMatch(/interrupted/);
  });
});

describe('loadtest bad input', () => {
  it('one line, exit 1 or 2', async () => {
    const emu = await startEmulator({ kind: 'vllm-v1', arrivalRate: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'cvm-loadtest-'));
    writeFileSync(join(dir, 'bad.json'), '{"not": "a list"');
    const cases: [string[], number, RegExp][] = [
      [['http://127.0.0.1:1'], 1, /cannot reach/],
      [[emu.url, '--model', 'gpt-4'], 2, /--model: the server does not serve "gpt-4".*meta-llama/],
      [[emu.url, '--dataset', join(dir, 'bad.json')], 2, /--dataset: .*not JSON/],
      [[emu.url, '--rate', 'fast'], 2, /--rate/],
      [[emu.url, '--goodput', 'ttft=5'], 2, /--goodput/],
      [[emu.url, '--requests', '5', '--duration', '5s'], 2, /--duration: conflicts/],
      [[emu.url, '--prometheus-url', 'http://127.0.0.1:1'], 1, /--prometheus-url: cannot ask/],
    ];
    for (const [args, code, message] of cases) {
      const io = captureIo();
      expect(await main(['loadtest', ...args], io), args.join(' ')).toBe(code);
      expect(io.errors).toHaveLength(1);
      expect(io.errors[0]).toMatch(message);
    }
    emu.setFaults({ http5xxShare: 1 });
    const failing = captureIo();
    expect(await main(['loadtest', emu.url, '--requests', '3'], failing)).toBe(1);
    expect(failing.errors.filter((l) => l.startsWith('error:'))).toEqual([expect.stringMatching(/\/v1\/completions: all 3 requests failed \(first: HTTP 500/)]);
    emu.setFaults({ http5xxShare: 0 });
    await emu.setState('html');
    const io = captureIo();
    expect(await main(['loadtest', emu.url], io)).toBe(2);
    expect(io.errors).toEqual([expect.stringMatching(/not an OpenAI-compatible server/)]);
    await emu.stop();
  });
});
