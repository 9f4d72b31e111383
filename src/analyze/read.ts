/**
 * Streams one input file line by line and hands each line's outcome to a sink. The format is decided
 * per file from its first non-blank line: a JSON object means seed-004 JSONL, anything else a server
 * log in which only vLLM `Iteration(N): …` lines count. In JSONL every non-blank line must be a
 * record; in a log, other lines are ignored and only a broken iteration line is malformed. A JSONL
 * line is read from its bytes (scan-record) and only decoded and JSON.parse'd when that declines.
 */
import type { InputFormat } from './analyzer.js';
import { IterationLogParser } from './iteration-log.js';
import { forEachLine } from './lines.js';
import { type SchedulerRecord, toRecord } from './record.js';
import { scanRecord } from './scan-record.js';

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
  const jsonLine = (line: string): void | Promise<void> => {
    if (line.trim() === '') return sink.ignored(n);
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      return sink.malformed(n, `invalid JSON (${(err as Error).message.split('\n')[0]})`);
    }
    const rec = toRecord(value);
    return typeof rec === 'string' ? sink.malformed(n, rec) : sink.record(n, rec);
  };
  await forEachLine(path, (buf, start, end) => {
    n += 1;
    if (format === 'jsonl') {
      const rec = scanRecord(buf, start, end);
      return rec ? sink.record(n, rec) : jsonLine(buf.toString('utf8', start, end));
    }
    const line = buf.toString('utf8', start, end);
    if (format === undefined) {
      if (line.trim() === '') return sink.ignored(n);
      format = line.trimStart().startsWith('{') ? 'jsonl' : 'vllm-log';
      if (format === 'vllm-log') parser = new IterationLogParser(options.logYear);
      sink.begin(format);
      if (format === 'jsonl') return jsonLine(line);
    }
    const res = parser!.parse(line);
    if (res.kind === 'record') return sink.record(n, res.record);
    if (res.kind === 'malformed') return sink.malformed(n, res.reason);
    return sink.ignored(n);
  });
  if (format === undefined) sink.begin('jsonl');
}
