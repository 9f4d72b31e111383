import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFiles, formatHtml } from '../../src/analyze/index.js';
import type { Io } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { iterationLine, profileRecord, tempDir, writeLines } from './helpers.js';

function captureIo(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), isTTY: false, env: {} };
}

const READ = { logYear: 2025 };

describe('analyze: seed-004 JSONL', () => {
  it('computes the statistics the seed script computes', async () => {
    const dir = tempDir();
    // Five batches with hand-checkable numbers.
    const recs = [
      profileRecord(0, { schedule: 1, modelRun: 9, prefill: [512, 256], decode: 2, waiting: 0, running: 4, kv: 0.5 }),
      profileRecord(1, { schedule: 2, modelRun: 18, prefill: [128], decode: 3, waiting: 1, running: 4, kv: 0.6 }),
      profileRecord(2, { schedule: 3, modelRun: 27, prefill: [], decode: 4, waiting: 2, running: 4, kv: 0.7 }),
      profileRecord(3, { schedule: 4, modelRun: 36, prefill: [], decode: 5, waiting: 3, running: 5, kv: 0.8 }),
      profileRecord(4, { schedule: 100, modelRun: 900, prefill: [64], decode: 6, waiting: 4, running: 7, kv: 0.95 }),
    ];
    const file = writeLines(dir, 'p.jsonl', recs.map((r) => JSON.stringify(r)));
    const { analysis: a } = await analyzeFiles([file], READ);
    expect(a.batches).toBe(5);
    expect(a.files).toEqual([{ path: file, format: 'jsonl', records: 5, dummy: 0, malformed: 0, ignored_lines: 0 }]);
    expect(a.span).toEqual({ first: 1_700_000_000, last: 1_700_000_000.04, seconds: expect.closeTo(0.04, 6) });
    expect(a.quantiles.method).toBe('exact');
    expect(a.timing_ms.schedule).toMatchObject({ count: 5, mean: 22, min: 1, p50: 3, max: 100 });
    expect(a.timing_ms.schedule!.p95).toBeCloseTo(80.8, 9);
    expect(a.timing_ms.step).toMatchObject({ mean: 220, p50: 30, max: 1000 });
    // Seed: schedule mean / step mean.
    expect(a.scheduling_overhead_share).toBeCloseTo(110 / 1100, 12);
    // Seed: prefill / (prefill + decode) requests = 4 / (4 + 20).
    expect(a.requests).toMatchObject({ prefill_total: 4, decode_total: 20, batches_with_prefill: 3 });
    expect(a.requests.prefill_share).toBeCloseTo(4 / 24, 12);
    // Seed: sum(tokens) / sum(step ms) * 1000.
    const tokens = 768 + 2 + 128 + 3 + 4 + 5 + 64 + 6;
    expect(a.tokens.total).toBe(tokens);
    expect(a.tokens.per_step_second).toBeCloseTo((tokens / 1100) * 1000, 9);
    expect(a.tokens.per_wall_second).toBeCloseTo(tokens / a.span!.seconds, 6);
    expect(a.chunks.prefill).toMatchObject({ count: 4, mean: 240, min: 64, max: 512 });
    expect(a.chunks.decode).toMatchObject({ count: 20, mean: 1 });
    expect(a.queue.waiting).toMatchObject({ mean: 2, max: 4 });
    expect(a.queue.running).toMatchObject({ mean: 4.8, max: 7 });
    expect(a.kv_cache.usage!.max).toBe(0.95);
    expect(a.kv_cache.batches_at_or_above_90pct).toBe(1);
  });

  it('counts malformed lines with their line numbers and keeps going', async () => {
    const dir = tempDir();
    const good = (i: number): string => JSON.stringify(profileRecord(i, { schedule: 1, modelRun: 10, prefill: [], decode: 1, waiting: 0, running: 1, kv: 0.1 }));
    const lines = [good(0), good(1), '{"batch_id": 2, "schedule_duration_ms": ', JSON.stringify({ batch_id: 3, schedule_duration_ms: 'fast' }), '', JSON.stringify({ batch_id: 5 }), '[1,2]', good(6)];
    for (let i = 0; i < 80; i++) lines.push('not json at all');
    const file = writeLines(dir, 'broken.jsonl', lines);
    const { analysis: a } = await analyzeFiles([file], READ);
    expect(a.batches).toBe(3);
    expect(a.malformed.count).toBe(4 + 80);
    expect(a.malformed.shown).toHaveLength(50);
    expect(a.malformed.shown.slice(0, 4)).toEqual([
      { file, line: 3, reason: expect.stringMatching(/^invalid JSON/) },
      { file, line: 4, reason: 'schedule_duration_ms is not a finite number' },
      { file, line: 6, reason: expect.stringMatching(/^no schedule_duration_ms/) },
      { file, line: 7, reason: 'not a JSON object' },
    ]);
    expect(a.files[0]!.ignored_lines).toBe(1);
  });

  it('finds slow steps, schedule-time jumps and a sustained waiting queue', async () => {
    const dir = tempDir();
    const lines: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const slow = i === 500 || i === 700;
      const jump = i === 300;
      lines.push(JSON.stringify(profileRecord(i, {
        schedule: jump ? 20 : 1 + (i % 5) * 0.1, modelRun: slow ? 400 : jump ? 2 : 10 + (i % 7), prefill: [], decode: 4,
        // 100 ms per batch: waiting from batch 100 to 299 lasts 19.9 s; 600..629 only 2.9 s.
        waiting: (i >= 100 && i < 300) || (i >= 600 && i < 630) ? 3 + Math.floor(i / 50) : 0, running: 4, kv: 0.5, stepGapMs: 100,
      })));
    }
    const file = writeLines(dir, 'a.jsonl', lines);
    const { analysis: a } = await analyzeFiles([file], READ);
    const slow = a.anomalies.slow_steps;
    expect(slow.count).toBe(2);
    expect(slow.slowest.map((s) => s.batch_id).sort()).toEqual([500, 700]);
    expect(slow.slowest[0]!.line).toBe(501);
    expect(a.anomalies.schedule_jumps.count).toBe(1);
    expect(a.anomalies.schedule_jumps.events[0]).toMatchObject({ batch_id: 300, schedule_ms: 20 });
    expect(a.anomalies.sustained_waiting.count).toBe(1);
    expect(a.anomalies.sustained_waiting.episodes[0]).toMatchObject({ start_batch_id: 100, end_batch_id: 299, batches: 200, first_waiting: 5, last_waiting: 8, peak_waiting: 8 });
    expect(a.anomalies.sustained_waiting.episodes[0]!.seconds).toBeCloseTo(19.9, 6);
  });
});

describe('analyze: vLLM server logs', () => {
  function dpLog(): string[] {
    const lines = ['(APIServer pid=1) INFO 12-22 21:44:30 [api_server.py:1] Starting vLLM API server on http://0.0.0.0:8000'];
    for (let i = 0; i < 40; i++) {
      const sec = String(40 + Math.floor(i / 10)).padStart(2, '0');
      const time = `12-22 21:44:${sec}`;
      lines.push(iterationLine({ dp: 0, index: i, ctxReqs: i % 4 === 0 ? 1 : 0, ctxTokens: i % 4 === 0 ? 512 : 0, genReqs: 8, genTokens: 8, ms: 10 + (i % 4 === 0 ? 20 : 0), time, kvPct: 20 + i / 4 }));
      lines.push(iterationLine({ dp: 1, index: i, ctxReqs: 0, ctxTokens: 0, genReqs: i < 20 ? 2 : 0, genTokens: i < 20 ? 2 : 0, ms: i < 20 ? 8 : 0.5, time, dummy: i >= 20 }));
      if (i === 5) lines.push('(EngineCore_DP0 pid=2010410) INFO 12-22 21:44:40 [core.py:349] Iteration(5): truncated');
    }
    return lines;
  }

  it('analyses iteration lines, excludes DP dummy steps and ignores other lines', async () => {
    const dir = tempDir();
    const file = writeLines(dir, 'vllm.log', dpLog());
    const { analysis: a } = await analyzeFiles([file], READ);
    expect(a.files[0]).toMatchObject({ format: 'vllm-log', records: 60, dummy: 20, malformed: 1, ignored_lines: 1 });
    expect(a.malformed.shown).toEqual([{ file, line: 14, reason: expect.any(String) }]);
    expect(a.dp_ranks).toEqual([{ dp_rank: 0, batches: 40, dummy: 0 }, { dp_rank: 1, batches: 20, dummy: 20 }]);
    expect(a.batches).toBe(60);
    expect(a.timing_ms.schedule).toBeNull();
    expect(a.timing_ms.step).toMatchObject({ count: 60, max: 30, min: 8 });
    // 10 of DP0's steps take 30 ms, 30 take 10 ms, DP1's 20 real ones 8 ms (dummies' 0.5 ms kept out).
    expect(a.timing_ms.step!.mean).toBeCloseTo((10 * 30 + 30 * 10 + 20 * 8) / 60, 9);
    expect(a.requests).toMatchObject({ prefill_total: 10, decode_total: 40 * 8 + 20 * 2 });
    expect(a.tokens.total).toBe(10 * 512 + 40 * 8 + 20 * 2);
    expect(a.span!.seconds).toBe(3);
    // The line prints one decimal: 29.75% appears as 29.8%.
    expect(a.kv_cache.usage).toMatchObject({ count: 40, min: 0.2 });
    expect(a.kv_cache.usage!.max).toBeCloseTo(0.298, 9);
  });

  it('draws step-time charts from a log and says why the schedule/model-run charts are empty', async () => {
    const dir = tempDir();
    const file = writeLines(dir, 'vllm.log', dpLog());
    const { analysis, charts } = await analyzeFiles([file], READ);
    const html = formatHtml(analysis, charts);
    const chart = (id: string): string => new RegExp(`<svg[^>]*data-chart="${id}"[^>]*>.*?</svg>`).exec(html)![0];
    expect(chart('time-trend')).toContain('Step time (no schedule/model-run split in input)');
    expect(chart('time-trend')).toMatch(/<path d="M[^"]+L/);
    expect(chart('model-run-histogram')).toContain('Step time distribution');
    expect(chart('model-run-histogram')).toMatch(/<rect [^>]*class="mark"/);
    for (const id of ['schedule-histogram', 'schedule-vs-model-run']) {
      expect(chart(id)).toContain('data-empty="true"');
      expect(chart(id)).toContain('no schedule/model-run split in these records');
    }
    expect(chart('prefill-decode')).not.toContain('data-empty');
  });

  it('converts logs to JSONL that analyses to the same numbers (CLI)', async () => {
    const dir = tempDir();
    const log = writeLines(dir, 'vllm.log', dpLog());
    const jsonl = join(dir, 'converted.jsonl');
    const io = captureIo();
    expect(await main(['analyze', log, '--to-jsonl', '--out', jsonl, '--log-year', '2025'], io)).toBe(0);
    expect(io.stderr[0]).toBe('80 records written; 1 malformed lines skipped');
    const lines = readFileSync(jsonl, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(80);
    expect(JSON.parse(lines[1]!)).toMatchObject({ batch_id: 0, dp_rank: 1, total_step_duration_ms: 8, num_decode_reqs: 2 });

    const fromLog = captureIo();
    const fromJsonl = captureIo();
    expect(await main(['analyze', log, '--format', 'json', '--log-year', '2025'], fromLog)).toBe(0);
    expect(await main(['analyze', jsonl, '--format', 'json'], fromJsonl)).toBe(0);
    const a = JSON.parse(fromLog.stdout.join('\n'));
    const b = JSON.parse(fromJsonl.stdout.join('\n'));
    for (const key of ['batches', 'dummy_batches', 'dp_ranks', 'span', 'timing_ms', 'requests', 'tokens', 'kv_cache', 'anomalies']) expect(b[key], key).toEqual(a[key]);
    expect(b.malformed.count).toBe(0);
  });
});

describe('analyze command', () => {
  it('prints a text report by default and writes HTML with --out', async () => {
    const dir = tempDir();
    const file = writeLines(dir, 'p.jsonl', [JSON.stringify(profileRecord(0, { schedule: 2, modelRun: 8, prefill: [100], decode: 1, waiting: 0, running: 2, kv: 0.3 }))]);
    const io = captureIo();
    expect(await main(['analyze', file], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toContain('Batches: 1');
    expect(text).toMatch(/scheduling overhead\s+20\.00% of step time/);
    const out = join(dir, 'r.html');
    expect(await main(['analyze', file, '--format', 'html', '--out', out], captureIo())).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });

  it('rejects bad input with exit code 2 and one line', async () => {
    const dir = tempDir();
    const empty = writeLines(dir, 'server.log', ['INFO nothing to see here']);
    const cases: [string[], RegExp][] = [
      [['analyze'], /no input file/],
      [['analyze', join(dir, 'missing.jsonl')], /no such file/],
      [['analyze', empty, '--format', 'pdf'], /unknown format/],
      [['analyze', empty], /no scheduler records or vLLM iteration lines/],
      [['analyze', empty, '--bogus'], /Unknown option/],
    ];
    for (const [argv, msg] of cases) {
      const io = captureIo();
      expect(await main(argv, io), argv.join(' ')).toBe(2);
      expect(io.stderr).toHaveLength(1);
      expect(io.stderr[0]).toMatch(msg);
    }
  });
});
