/**
 * Several rank files summarised together: their GPUs side by side, and a straggler named when one
 * rank is far busier (synthetic traces whose busy time is known by construction).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { formatText, summarizeTraces } from '../../src/profile/index.js';
import { runCli } from '../support/cli.js';

/** One rank: back-to-back 10 µs kernels, then an NCCL all-reduce of 5 µs that overlaps nothing. */
function rank(dir: string, r: number, kernels: number): string {
  const events = Array.from({ length: kernels }, (_, i) => ({ ph: 'X', cat: 'kernel', name: 'gemm', pid: 0, tid: 7, ts: 1e12 + i * 10, dur: 10, args: { device: 0, stream: 7, correlation: i } }));
  events.push({ ph: 'X', cat: 'kernel', name: 'ncclDevKernel_AllReduce_Sum_bf16_RING_LL', pid: 0, tid: 9, ts: 1e12 + kernels * 10 + 5, dur: 5, args: { device: 0, stream: 9, correlation: kernels } });
  const p = join(dir, `rank${r}.pt.trace.json.gz`);
  writeFileSync(p, gzipSync(JSON.stringify({ distributedInfo: { rank: r, world_size: 2 }, traceEvents: events })));
  return p;
}

describe('profile summarize, several ranks', () => {
  it('puts the ranks side by side and names the straggler', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cvm-profile-ranks-'));
    const report = await summarizeTraces([rank(dir, 0, 9), rank(dir, 1, 3)]);
    expect(report.ranks!.rows.map((r) => [r.rank, r.busy_ms])).toEqual([[0, expect.closeTo(0.095, 9)], [1, expect.closeTo(0.035, 9)]]);
    expect(report.ranks!.busy_spread).toBeCloseTo(95 / 35, 9);
    expect(report.ranks!.advice).toMatch(/^rank 0 GPU 0 is busy 0\.1 ms against 0\.0 ms on rank 1 GPU 0/);
    // The all-reduce runs alone: all of it is exposed, on both ranks.
    expect(report.ranks!.rows.map((r) => r.exposed_communication_ms)).toEqual([expect.closeTo(0.005, 9), expect.closeTo(0.005, 9)]);
    expect(formatText(report)).toContain('Ranks side by side (busiest / least busy GPU: 2.71×)');
  });

  it('one file: no comparison; balanced ranks: no advice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cvm-profile-ranks-'));
    expect((await summarizeTraces([rank(dir, 0, 4)])).ranks).toBeNull();
    expect((await summarizeTraces([rank(dir, 0, 4), rank(dir, 1, 4)])).ranks!.advice).toBeNull();
  });

  it('summarize refuses the live form\'s flags (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cvm-profile-ranks-'));
    const r = await runCli(['profile', 'summarize', rank(dir, 0, 2), '--seconds', '5']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^error: --seconds: only applies to profile <target-url>/);
  });
});
