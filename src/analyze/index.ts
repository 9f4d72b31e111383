/** Scheduler-profile analysis: read seed-004 JSONL and vLLM iteration logs, analyse, convert. */
import { type Analysis, Analyzer, type AnalyzerOptions, type ChartData } from './analyzer.js';
import { type ReadOptions, scanFile } from './read.js';
import type { SchedulerRecord } from './record.js';

export type { Analysis, ChartData } from './analyzer.js';
export { formatText } from './format-text.js';
export { formatHtml, CHART_IDS } from './format-html.js';

export async function analyzeFiles(paths: string[], read: ReadOptions, options: Partial<AnalyzerOptions> = {}): Promise<{ analysis: Analysis; charts: ChartData }> {
  const analyzer = new Analyzer(options);
  for (const path of paths) {
    let file = analyzer.beginFile(path, 'jsonl');
    await scanFile(path, read, {
      begin: (format) => {
        file.format = format;
      },
      record: (line, r) => analyzer.add(file, line, r),
      malformed: (line, reason) => analyzer.malformed(file, line, reason),
      ignored: () => {
        file.ignored_lines += 1;
      },
    });
    file = analyzer.files[analyzer.files.length - 1]!;
  }
  return { analysis: analyzer.finish(), charts: analyzer.charts() };
}

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
