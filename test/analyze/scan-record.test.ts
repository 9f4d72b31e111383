import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forEachLine } from '../../src/analyze/lines.js';
import { toRecord } from '../../src/analyze/record.js';
import { scanRecord } from '../../src/analyze/scan-record.js';
import { profileRecord, tempDir } from './helpers.js';

/** What the slow path makes of a line: the record (as JSON, absent fields left out) or the reason. */
function slow(line: string): string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return 'invalid JSON';
  }
  const r = toRecord(v);
  return typeof r === 'string' ? r : JSON.stringify(r);
}

function fast(line: string): string | undefined {
  const b = Buffer.from(line, 'utf8');
  const r = scanRecord(b, 0, b.length);
  return r && JSON.stringify(r);
}

describe('scanRecord (the JSONL fast path)', () => {
  it('gives exactly the record JSON.parse + toRecord give, numbers to the last bit', () => {
    let s = 7;
    const rand = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
    for (let i = 0; i < 3000; i++) {
      const r = profileRecord(i, { schedule: rand() * 3, modelRun: rand() * 10 ** (rand() * 8 - 4), prefill: i % 3 ? [] : [64, 128], decode: i % 60, waiting: i % 4, running: 5, kv: rand() });
      const line = JSON.stringify({ ...r, timestamp: 1_700_000_000 + rand() * 1e6, extra: 'x', big: 12345678901234567890, tiny: 1e-300, neg: -0.5 });
      expect(fast(line), line).toBe(slow(line));
    }
    for (const x of ['0.1', '-0', '1e3', '1E-7', '123.456e2', '9007199254740993', '0.30000000000000004', '5e-324', '1.7976931348623157e308']) {
      const line = `{"schedule_duration_ms":${x.startsWith('-') ? '0' : x},"timestamp":${x}}`;
      expect(fast(line), line).toBe(slow(line));
    }
  });

  it('takes spacing, nulls, duplicates, unknown fields and dummy as JSON.parse does', () => {
    for (const line of [
      ' { "schedule_duration_ms" : 1.5 , "batch_id":null, "x": "a b", "y": true, "z": null } ',
      '{"schedule_duration_ms":1,"schedule_duration_ms":2}',
      '{"total_step_duration_ms":3,"decode_chunk_sizes":[1, 1 ,1],"prefill_chunk_sizes":[],"dummy":false}',
      '{"total_step_duration_ms":3,"dummy":true,"dummy":null,"decode_chunk_sizes":[1],"decode_chunk_sizes":null}',
      '{"model_run_duration_ms":0,"kv_cache_usage":0.25}',
      '{"model_run_duration_ms":1,"prefill_chunk_sizes":[0, 10,200 , -3, 1.5, 2e3, 12345678901234567890, 9007199254740993]}',
      '{"sched":1,"model_run_duration_ms":1,"batch_id":7}',
      '{"batch_id":7,"sched":1,"model_run_duration_ms":1}',
    ]) {
      expect(fast(line), line).toBeDefined();
      expect(fast(line), line).toBe(slow(line));
    }
  });

  it('declines what it does not take, so the slow path states the reason', () => {
    for (const line of [
      '', '   ', '[1,2]', '{}', '{"batch_id": 5}', '{"schedule_duration_ms": "fast"}', '{"schedule_duration_ms": -1}',
      '{"schedule_duration_ms": 1e400}', '{"schedule_duration_ms": 01}', '{"schedule_duration_ms": 1.}', '{"schedule_duration_ms": .5}',
      '{"schedule_duration_ms": 1', '{"schedule_duration_ms": 1}x', '{"schedule_duration_ms": 1,}', '{"sched\\u0075le_duration_ms": 1}',
      '{"schedule_duration_ms": 1, "é": 2}', '{"schedule_duration_ms": 1, "o": {"a": 1}}', '{"schedule_duration_ms": 1, "s": "a\\"b"}',
      '{"schedule_duration_ms": 1, "decode_chunk_sizes": [1, "a"]}', '{"schedule_duration_ms": 1, "decode_chunk_sizes": [1,]}',
      '{"schedule_duration_ms": 1, "decode_chunk_sizes": [1,],"x":1}', '{"schedule_duration_ms": 1, "decode_chunk_sizes": [01]}',
      '{"schedule_duration_ms": 1, "decode_chunk_sizes": [1}', '{"schedule_duration_ms": 1, "decode_chunk_sizes": [,1]}',
      '{"schedule_duration_ms": 1, "dummy": 1}', '{"schedule_duration_ms": true}', '\uFEFF{"schedule_duration_ms": 1}',
    ]) {
      expect(fast(line), line).toBeUndefined();
    }
  });
});

describe('forEachLine', () => {
  it('splits where readline does (LF, CRLF, lone CR), keeps a last line without an end, and lines longer than a chunk', async () => {
    const dir = tempDir();
    const long = 'x'.repeat(9 << 20);
    const p = join(dir, 'l.txt');
    writeFileSync(p, `a\r\n\nb\n${long}\nc\rd\r\r\ne\r\n\rf\r`);
    const got: string[] = [];
    await forEachLine(p, (buf, s, e) => {
      got.push(buf.toString('utf8', s, e));
    });
    expect(got.map((l) => (l.length > 100 ? `long:${l.length}` : l))).toEqual(['a', '', 'b', `long:${long.length}`, 'c', 'd', '', 'e', '', 'f']);
  });

  it('carries a line across chunk boundaries whole', async () => {
    const dir = tempDir();
    const p = join(dir, 'many.txt');
    const lines = Array.from({ length: 400_000 }, (_, i) => `line ${i} ${'y'.repeat(i % 37)}`);
    writeFileSync(p, `${lines.join('\n')}\n`);
    let n = 0;
    let bad = 0;
    await forEachLine(p, (buf, s, e) => {
      if (buf.toString('utf8', s, e) !== lines[n]) bad += 1;
      n += 1;
    });
    expect([n, bad]).toEqual([lines.length, 0]);
  });
});
