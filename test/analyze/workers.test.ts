import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Analyzer } from '../../src/analyze/analyzer.js';
import { analyzeFiles } from '../../src/analyze/index.js';
import { workersFor } from '../../src/analyze/jsonl-file.js';
import { workersAvailable } from '../../src/analyze/jsonl-pool.js';
import { scanFile } from '../../src/analyze/read.js';
import { RecordBatchBuilder } from '../../src/analyze/record-batch.js';
import { profileRecord, tempDir } from './helpers.js';

const READ = { logYear: 2025 };
const OPTIONS = { maxMalformedShown: 10_000 };

/** Over 16 MiB of JSONL with what the reader must take in its stride, spread over many chunks. */
function awkwardProfile(path: string): void {
  const parts: string[] = [];
  let seed = 7;
  const rand = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);
  for (let i = 0; i < 40_000; i++) {
    const r = profileRecord(i, {
      schedule: 0.5 + rand() * 2 + (rand() < 0.002 ? 40 : 0), modelRun: 8 + rand() * 30, prefill: rand() < 0.2 ? [64, 128 * Math.ceil(rand() * 4)] : [],
      decode: 1 + Math.floor(rand() * 120), waiting: rand() < 0.3 ? 0 : Math.floor(rand() * 5), running: 4, kv: rand(),
    });
    if (i % 7 === 0) r.dp_rank = i % 3;
    if (i % 501 === 0) r.dummy = true;
    let line = JSON.stringify(r);
    // Lines the fast scanner leaves to JSON.parse: an escaped key, a nested object, a non-ASCII string.
    if (i % 97 === 0) line = line.replace('"batch_id"', '"b\\u0061tch_id"');
    if (i % 89 === 0) line = line.replace('{', '{"meta": {"host": "gpu-1"}, ');
    if (i % 83 === 0) line = line.replace('{', '{"note": "größer", ');
    const end = i % 5 === 0 ? '\r\n' : i % 211 === 0 ? '\r' : '\n';
    parts.push(line + end);
    if (i % 113 === 0) parts.push('\n', '   \r\n');
    if (i % 401 === 0) parts.push('{"batch_id": 1, "schedule_duration_ms": \n');
    if (i % 409 === 0) parts.push('[1, 2]\n', `${JSON.stringify({ batch_id: i, schedule_duration_ms: -1 })}\n`, 'not json\n');
    // A record longer than a worker's chunk (1 MiB), with a decode list far past the scanner's scratch size.
    if (i === 20_000) parts.push(`${JSON.stringify({ ...r, batch_id: -1, decode_chunk_sizes: Array<number>(700_000).fill(1).fill(2, 350_000) })}\n`);
  }
  // The last line has no end.
  parts.push(JSON.stringify(profileRecord(40_000, { schedule: 1, modelRun: 9, prefill: [], decode: 3, waiting: 1, running: 2, kv: 0.5 })));
  writeFileSync(path, parts.join(''));
}

/** The line-by-line reader's analysis (the path logs take), as the reference. */
async function lineByLine(path: string): Promise<string> {
  const analyzer = new Analyzer(OPTIONS);
  const file = analyzer.beginFile(path, 'jsonl');
  const records = new RecordBatchBuilder();
  await scanFile(path, READ, {
    begin: () => {},
    record: (line, r) => records.add(line, r),
    malformed: (line, reason) => analyzer.malformed(file, line, reason),
    ignored: () => {
      file.ignored_lines += 1;
    },
  });
  analyzer.addBatch(file, records.take());
  return JSON.stringify({ analysis: analyzer.finish(), charts: analyzer.charts() });
}

describe('analyze: JSONL parsed in worker threads', () => {
  it('gives byte-identical results to parsing on the main thread and to the line-by-line reader', async () => {
    const path = join(tempDir(), 'awkward.jsonl');
    awkwardProfile(path);
    expect(workersAvailable()).toBe(true);
    expect(await workersFor(path)).toBeGreaterThan(0);
    const parallel = JSON.stringify(await analyzeFiles([path], { ...READ, workers: 2 }, OPTIONS));
    const inline = JSON.stringify(await analyzeFiles([path], { ...READ, workers: 0 }, OPTIONS));
    expect(parallel).toBe(inline);
    expect(parallel).toBe(await lineByLine(path));
    // The file holds what it should: malformed lines (the first after record 0 and two blank lines), blank and dummy lines.
    const a = JSON.parse(parallel).analysis;
    // 354 pairs of blank lines, less the one "\n" that follows a lone "\r" (record 23843's end) and so makes it a "\r\n".
    expect(a.files[0]).toMatchObject({ records: 40_002 - 80, dummy: 80, ignored_lines: 2 * 354 - 1 });
    expect(a.malformed.count).toBe(100 + 3 * 98);
    expect(a.malformed.shown[0]).toMatchObject({ line: 4, reason: expect.stringMatching(/^invalid JSON/) });
    expect(a.malformed.shown.map((m: { reason: string }) => m.reason)).toContain('schedule_duration_ms is negative');
  });

  it('leaves a small file to the main thread', async () => {
    const dir = tempDir();
    const p = join(dir, 'small.jsonl');
    writeFileSync(p, '{"schedule_duration_ms": 1}\n');
    expect(await workersFor(p)).toBe(0);
  });
});
