/**
 * `profile <url>` against the project's emulated engines (no GPU): the vLLM emulator without a
 * profiler directory answers 404 and the error names the switch; with one, and the SGLang emulator
 * with num_steps, write a synthetic trace whose figures follow from how it is built (per 20 ms step,
 * four layers of a GEMM and an attention kernel).
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/demo/emulator.js';
import { emulatedTrace } from '../../src/demo/profiler.js';
import { profileServer } from '../../src/profile/live.js';
import { runCli } from '../support/cli.js';

const running: Emulator[] = [];
afterEach(async () => {
  for (const e of running.splice(0)) await e.stop();
});
const tmp = (): string => mkdtempSync(join(tmpdir(), 'cvm-profile-emu-'));
const fast = { top: 5, log: () => {}, pollMs: 20, settleMs: 60, waitFilesMs: 3000 };

describe('profile against the emulated engines', () => {
  it('emulated vLLM without --profiler-dir: 404, exit 1 with the switch to add', async () => {
    const e = await startEmulator({ kind: 'vllm-v1' });
    running.push(e);
    const r = await runCli(['profile', e.url, '--seconds', '1', '--out', tmp()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/profiling is not enabled on this vLLM server \(404\)/);
  });

  it('emulated vLLM with a profiler directory: one engine step per 20 ms, 8 kernels a step, 4 layers', async () => {
    const dir = tmp();
    const e = await startEmulator({ kind: 'vllm-v1', profilerDir: dir });
    running.push(e);
    const report = await profileServer(e.url, [], { seconds: '1', out: dir }, fast);
    expect(readdirSync(dir)).toEqual([expect.stringMatching(/^dp0_pp0_tp0_dcp0_ep0_rank0\.\d+\.pt\.trace\.json\.gz$/)]);
    const t = report.traces[0]!;
    const steps = t.steps.find((g) => g.kind === 'execute')!;
    expect(steps.count).toBeGreaterThanOrEqual(45);
    expect(t.devices[0]!.kernels.count).toBe(steps.count * 8);
    expect(Object.keys(t.layer_performance).sort()).toEqual(['DecoderLayer_0', 'DecoderLayer_1', 'DecoderLayer_2', 'DecoderLayer_3']);
    expect(t.layer_performance['DecoderLayer_0']!.call_count).toBe(steps.count);
  });

  it('emulated SGLang with --steps 10: the file comes by itself, ten SGLang steps', async () => {
    const dir = tmp();
    const e = await startEmulator({ kind: 'sglang' });
    running.push(e);
    const report = await profileServer(e.url, [], { steps: '10', out: dir }, fast);
    const g = report.traces[0]!.steps.find((x) => x.kind === 'sglang')!;
    expect(g.count).toBe(10);
    expect(g.steps[0]!.name).toMatch(/^step\[DECODE bs=\d+ toks=\d+\]$/);
  });

  it('the synthetic trace: GPU busy share of each step as asked', () => {
    const trace = emulatedTrace({ engine: 'vllm', startMs: 0, endMs: 100, busy: 0.5 });
    const kernels = trace.traceEvents.filter((e) => (e as { cat: string }).cat === 'kernel') as { dur: number }[];
    expect(kernels).toHaveLength(5 * 8);
    expect(kernels.reduce((a, k) => a + k.dur, 0)).toBeCloseTo(5 * 0.5 * 20_000, 6);
  });
});
