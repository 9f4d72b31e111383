/**
 * Seed-004 JSONL, one chunk of whole lines at a time: every non-blank line must be a record. This is
 * the work a parsing worker does, and what the main thread does itself for a small file; either way
 * the chunk's results come back in a form the analyzer merges in file order.
 */
import { splitLines } from './lines.js';
import { type RecordBatch, RecordBatchBuilder } from './record-batch.js';
import { type SchedulerRecord, toRecord } from './record.js';
import { scanRecord, scanRecordInto } from './scan-record.js';

export interface JsonlChunk {
  /** Lines in the chunk; the records' and malformed lines' numbers count from its first line = 1. */
  lines: number;
  records: RecordBatch;
  malformedLines: number[];
  malformedReasons: string[];
  ignored: number;
}

/**
 * One JSONL line: its record, the reason it is none, or undefined for a blank line. Read from the
 * bytes (scan-record), and only decoded and JSON.parse'd when that declines.
 */
export function readJsonlLine(buf: Buffer, start: number, end: number): SchedulerRecord | string | undefined {
  return scanRecord(buf, start, end) ?? parseJsonlLine(buf.toString('utf8', start, end));
}

function parseJsonlLine(line: string): SchedulerRecord | string | undefined {
  if (line.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return `invalid JSON (${(err as Error).message.split('\n')[0]})`;
  }
  return toRecord(value);
}

const builder = new RecordBatchBuilder();

/** `reuse`: a batch already read, whose arrays the next chunk's records go into. */
export function scanJsonlChunk(buf: Buffer, end: number, reuse?: RecordBatch): JsonlChunk {
  const chunk: JsonlChunk = { lines: 0, records: undefined!, malformedLines: [], malformedReasons: [], ignored: 0 };
  splitLines(buf, 0, end, (s, e) => {
    const n = ++chunk.lines;
    if (scanRecordInto(buf, s, e, builder, n)) return;
    const r = parseJsonlLine(buf.toString('utf8', s, e));
    if (r === undefined) chunk.ignored += 1;
    else if (typeof r === 'string') {
      chunk.malformedLines.push(n);
      chunk.malformedReasons.push(r);
    } else builder.add(n, r);
  });
  chunk.records = builder.take(reuse);
  return chunk;
}
