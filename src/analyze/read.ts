/**
 * Streams one input file line by line and hands each line's outcome to a sink. The format is decided
 * per file from its first non-blank line: a JSON object means seed-004 JSONL, anything else a server
 * log in which only vLLM `Iteration(N): …` lines count. In JSONL every non-blank line must be a
 * record; in a log, other lines are ignored and only a broken iteration line is malformed.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { InputFormat } from './analyzer.js';
import { IterationLogParser } from './iteration-log.js';
import { type SchedulerRecord, toRecord } from './record.js';

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
  const input = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let format: InputFormat | undefined;
  let parser: IterationLogParser | undefined;
  let n = 0;
  for await (const line of lines) {
    n += 1;
    if (format === undefined) {
      if (line.trim() === '') {
        sink.ignored(n);
        continue;
      }
      format = line.trimStart().startsWith('{') ? 'jsonl' : 'vllm-log';
      if (format === 'vllm-log') parser = new IterationLogParser(options.logYear);
      sink.begin(format);
    }
    if (parser) {
      const res = parser.parse(line);
      if (res.kind === 'record') {
        const wait = sink.record(n, res.record);
        if (wait) await wait;
      }
      else if (res.kind === 'malformed') sink.malformed(n, res.reason);
      else sink.ignored(n);
      continue;
    }
    if (line.trim() === '') {
      sink.ignored(n);
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      sink.malformed(n, `invalid JSON (${(err as Error).message.split('\n')[0]})`);
      continue;
    }
    const rec = toRecord(value);
    if (typeof rec === 'string') sink.malformed(n, rec);
    else {
      const wait = sink.record(n, rec);
      if (wait) await wait;
    }
  }
  if (format === undefined) sink.begin('jsonl');
}
