/**
 * Streams one input file line by line and hands each line's outcome to a sink. The format is decided
 * per file from its first non-blank line: a JSON object means seed-004 JSONL, anything else a server
 * log in which only vLLM `Iteration(N): …` lines count. In JSONL every non-blank line must be a
 * record; in a log, other lines are ignored and only a broken iteration line is malformed.
 */
import type { InputFormat } from './analyzer.js';
import { IterationLogParser } from './iteration-log.js';
import { readJsonlLine } from './jsonl-chunk.js';
import { forEachLine, lineChunks, splitLines } from './lines.js';
import type { SchedulerRecord } from './record.js';

export interface LineSink {
  begin(format: InputFormat): void;
  /** May return a promise (a writer waiting for its output to drain); reading waits for it. */
  record(line: number, record: SchedulerRecord): void | Promise<void>;
  malformed(line: number, reason: string): void;
  ignored(line: number): void;
}

export interface ReadOptions {
  /** Year assumed for vLLM log stamps, which carry none. */
  logYear: number;
}

export async function scanFile(path: string, options: ReadOptions, sink: LineSink): Promise<void> {
  let format: InputFormat | undefined;
  let parser: IterationLogParser | undefined;
  let n = 0;
  await forEachLine(path, (buf, start, end) => {
    n += 1;
    if (format === undefined) {
      format = formatOf(buf.toString('utf8', start, end));
      if (format === undefined) return sink.ignored(n);
      if (format === 'vllm-log') parser = new IterationLogParser(options.logYear);
      sink.begin(format);
    }
    if (format === 'jsonl') {
      const r = readJsonlLine(buf, start, end);
      if (r === undefined) return sink.ignored(n);
      return typeof r === 'string' ? sink.malformed(n, r) : sink.record(n, r);
    }
    const res = parser!.parse(buf.toString('utf8', start, end));
    if (res.kind === 'record') return sink.record(n, res.record);
    if (res.kind === 'malformed') return sink.malformed(n, res.reason);
    return sink.ignored(n);
  });
  if (format === undefined) sink.begin('jsonl');
}

/** The format a file's first non-blank line says; undefined for a blank line. */
function formatOf(line: string): InputFormat | undefined {
  if (line.trim() === '') return undefined;
  return line.trimStart().startsWith('{') ? 'jsonl' : 'vllm-log';
}

/** The format of the file's first non-blank line when the first chunk holds one (else undefined). */
export async function sniffFormat(path: string): Promise<InputFormat | undefined> {
  for await (const { buf, end } of lineChunks(path)) {
    let format: InputFormat | undefined;
    splitLines(buf, 0, end, (s, e) => {
      format ??= formatOf(buf.toString('utf8', s, e));
    });
    return format;
  }
  return undefined;
}
