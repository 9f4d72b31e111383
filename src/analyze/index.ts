/** Scheduler-profile analysis: read seed-004 JSONL and vLLM iteration logs, analyse, convert. */
import { type Analysis, Analyzer, type AnalyzerOptions, type ChartData } from './analyzer.js';
import { forEachJsonlChunk, workersFor } from './jsonl-file.js';
import { type ReadOptions, scanFile, sniffFormat } from './read.js';
import { RecordBatchBuilder } from './record-batch.js';
import type { SchedulerRecord } from './record.js';

export type { Analysis, ChartData } from './analyzer.js';
export { formatText } from './format-text.js';
export { formatHtml, CHART_IDS } from './format-html.js';

export interface AnalyzeReadOptions extends ReadOptions {
  /** Parsing workers per JSONL file: 0 for none; by default one per core (up to 3) for a large file. */
  workers?: number;
}

export async function analyzeFiles(paths: string[], read: AnalyzeReadOptions, options: Partial<AnalyzerOptions> = {}): Promise<{ analysis: Analysis; charts: ChartData }> {
  const analyzer = new Analyzer(options);
  for (const path of paths) {
    const file = analyzer.beginFile(path, 'jsonl');
    if ((await sniffFormat(path)) === 'jsonl') {
      let lineBase = 0;
      await forEachJsonlChunk(path, await workersFor(path, read.workers), (chunk) => {
        analyzer.addBatch(file, chunk.records, lineBase);
        chunk.malformedLines.forEach((line, i) => analyzer.malformed(file, lineBase + line, chunk.malformedReasons[i]!));
        file.ignored_lines += chunk.ignored;
        lineBase += chunk.lines;
      });
      continue;
    }
    // Logs (and a file whose first chunk is blank) line by line, in batches of records.
    const records = new RecordBatchBuilder();
    const flush = (): void => analyzer.addBatch(file, records.take());
    await scanFile(path, read, {
      begin: (format) => {
        file.format = format;
      },
      record: (line, r) => {
        records.add(line, r);
        if (records.length === BATCH) flush();
      },
      malformed: (line, reason) => analyzer.malformed(file, line, reason),
      ignored: () => {
        file.ignored_lines += 1;
      },
    });
    flush();
  }
  return { analysis: analyzer.finish(), charts: analyzer.charts() };
}

const BATCH = 8192;

export interface ConvertSummary {
  records: number;
  malformed: { file: string; line: number; reason: string }[];
  malformedCount: number;
}

/** Writes every record (log lines converted, JSONL normalised) as one JSON object per line. */
export async function convertToJsonl(paths: string[], read: ReadOptions, write: (line: string) => void | Promise<void>, maxShown = 50): Promise<ConvertSummary> {
  const summary: ConvertSummary = { records: 0, malformed: [], malformedCount: 0 };
  for (const path of paths) {
    await scanFile(path, read, {
      begin: () => {},
      record: (_line, r: SchedulerRecord) => {
        summary.records += 1;
        return write(JSON.stringify(r));
      },
      malformed: (line, reason) => {
        summary.malformedCount += 1;
        if (summary.malformed.length < maxShown) summary.malformed.push({ file: path, line, reason });
      },
      ignored: () => {},
    });
  }
  return summary;
}
