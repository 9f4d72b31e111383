/**
 * The summariser streams: a trace larger than the V8 heap it is given is summarised,
 * while a plain JSON.parse of the same file runs out of memory under the same limit. The repeated
 * copies also check the figures scale: N shifted copies are N times the kernels and busy time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeRepeatedTrace } from '../../bench/profile/repeat-trace.js';
import { summarizeTrace } from '../../src/profile/summarize.js';
import { BUILT_CLI } from '../support/cli.js';
import { FIXTURES_PRESENT, FIXTURES_SKIP_REASON, fixture } from '../support/env.js';

const HEAP_MIB = 32;
const COPIES = 4;
const ready = FIXTURES_PRESENT && existsSync(BUILT_CLI);
const reason = !FIXTURES_PRESENT ? FIXTURES_SKIP_REASON : `${BUILT_CLI} not built (node build.mjs)`;
const dir = mkdtempSync(join(tmpdir(), 'cvm-profile-memory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!ready)(`profile summarize in bounded memory${ready ? '' : ` (skipped: ${reason})`}`, () => {
  it(`summarises a trace larger than a ${HEAP_MIB} MiB heap that JSON.parse cannot read in it`, async () => {
    const source = fixture('traces/sglang_Qwen3-8B_prefilldecode.json.gz');
    const big = join(dir, 'big.pt.trace.json');
    await writeRepeatedTrace(source, COPIES, big);
    expect(statSync(big).size).toBeGreaterThan(HEAP_MIB * 2 ** 20);

    const node = (args: string[]) => spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MIB}`, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 120_000 });
    const ours = node([BUILT_CLI, 'profile', 'summarize', big, '--json']);
    expect(ours.stderr).toBe('');
    expect(ours.status).toBe(0);
    const plain = node(['-e', `JSON.parse(require('fs').readFileSync(${JSON.stringify(big)}, 'utf8'))`]);
    expect(plain.status).not.toBe(0);
    expect(plain.stderr).toMatch(/heap out of memory|Invalid string length/);

    const one = (await summarizeTrace(source)).devices[0]!;
    const many = (JSON.parse(ours.stdout) as { traces: { devices: { kernels: { count: number }; busy_ms: number }[] }[] }).traces[0]!.devices[0]!;
    expect(many.kernels.count).toBe(COPIES * one.kernels.count);
    expect(many.busy_ms).toBeCloseTo(COPIES * one.busy_ms, 3);
  }, 180_000);
});
