/** `profile summarize`: the summary of each trace file (one per rank), with what to look at next. */
import { usageError } from '../errors.js';
import { nextSteps } from './advice.js';
import { compareRanks, type RankComparison } from './ranks.js';
import { summarizeTrace, type SummaryOptions, type TraceSummary } from './summarize.js';

export interface ProfileReport {
  traces: (TraceSummary & { next: string[] })[];
  /** With several files (ranks): their GPUs side by side; null for one. */
  ranks: RankComparison | null;
}

export async function summarizeTraces(paths: string[], options: SummaryOptions = {}): Promise<ProfileReport> {
  const traces = [];
  // One file at a time: each is streamed, so memory stays that of the largest one.
  for (const path of paths) {
    const summary = await summarizeTrace(path, options).catch((err: Error) => {
      // A bad file is bad input (exit 2), named; zlib and JSON.parse say what was wrong with it.
      throw usageError(path, `not a complete trace (${err.message.split('\n')[0]})`, 'pass the .json / .json.gz files the torch profiler wrote, one per rank');
    });
    traces.push({ ...summary, next: nextSteps(summary) });
  }
  return { traces, ranks: compareRanks(traces) };
}
