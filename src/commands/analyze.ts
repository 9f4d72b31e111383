/**
 * `create-vllm-monitor analyze <file>...`: statistics, anomalies and charts from scheduler profiles
 * (seed-004 JSONL) and vLLM server logs with iteration lines; `--to-jsonl` converts logs to records.
 */
import { createWriteStream, existsSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { analyzeFiles, convertToJsonl, formatHtml, formatText } from '../analyze/index.js';
import type { Io } from '../cli/io.js';
import { EXIT_OK, usageError } from '../errors.js';
import { parseCommandArgs } from '../stack/args.js';

const HELP = `Usage: create-vllm-monitor analyze <file>... [--format text|json|html] [--out FILE] [--to-jsonl]

Reads scheduler profiles: JSONL with one record per batch (batch_id, timestamp, schedule_duration_ms,
model_run_duration_ms, total_step_duration_ms, num_prefill_reqs, num_decode_reqs, ...), or vLLM server
logs with --enable-logging-iteration-details lines ("Iteration(N): ... iteration elapsed time: X ms").
The format is detected per file; other log lines are ignored; DP "(dummy)" steps are excluded.

  --format F       text (default), json, or html (self-contained, six charts, opens offline)
  --out FILE       Write the report (or the JSONL) to FILE instead of standard output
  --to-jsonl       Convert the inputs to JSONL records instead of analysing them
  --log-year YYYY  Year for vLLM log stamps, which carry none (default: this year, read as UTC)
  --slow-margin R  A step is an anomaly above p99 x (1 + R) (default 0.5)
  -h, --help       Show this help`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs('analyze', argv, {
    format: { type: 'string' }, out: { type: 'string' }, 'to-jsonl': { type: 'boolean' }, 'log-year': { type: 'string' },
    'slow-margin': { type: 'string' }, help: { type: 'boolean', short: 'h' },
  }, Infinity);
  if (values.help) {
    io.out(HELP);
    return EXIT_OK;
  }
  if (!positionals.length) throw usageError('analyze', 'no input file given', 'pass a .jsonl profile or a vLLM log, e.g. create-vllm-monitor analyze scheduler_profiling.jsonl');
  for (const p of positionals) {
    if (!existsSync(p) || !statSync(p).isFile()) throw usageError(p, 'no such file', 'check the path');
  }
  const format = values.format ?? 'text';
  if (!['text', 'json', 'html'].includes(format)) throw usageError('--format', `unknown format "${format}"`, 'use text, json or html');
  const logYear = values['log-year'] === undefined ? new Date().getUTCFullYear() : Number(values['log-year']);
  if (!Number.isInteger(logYear) || logYear < 1970 || logYear > 9999) throw usageError('--log-year', `"${values['log-year']}" is not a year`, 'e.g. --log-year 2025');
  const slowMargin = values['slow-margin'] === undefined ? 0.5 : Number(values['slow-margin']);
  if (!Number.isFinite(slowMargin) || slowMargin < 0) throw usageError('--slow-margin', `"${values['slow-margin']}" is not a non-negative number`, 'e.g. --slow-margin 0.5');

  if (values['to-jsonl']) {
    const stream = values.out ? createWriteStream(values.out) : undefined;
    const summary = await convertToJsonl(positionals, { logYear }, (line) => {
      if (!stream) return io.out(line);
      // Wait for the file to drain so a million converted lines never pile up in memory.
      if (!stream.write(`${line}\n`)) return once(stream, 'drain').then(() => undefined);
      return undefined;
    });
    if (stream) {
      stream.end();
      await once(stream, 'finish');
    }
    io.err(`${summary.records} records written${summary.malformedCount ? `; ${summary.malformedCount} malformed lines skipped` : ''}`);
    for (const m of summary.malformed) io.err(`  ${m.file}:${m.line}: ${m.reason}`);
    return EXIT_OK;
  }

  const { analysis, charts } = await analyzeFiles(positionals, { logYear }, { slowMargin });
  if (analysis.batches === 0 && analysis.dummy_batches === 0 && analysis.malformed.count === 0) {
    throw usageError(positionals.join(' '), 'no scheduler records or vLLM iteration lines found', 'start vLLM with --enable-logging-iteration-details, or pass a scheduler-profiling JSONL file');
  }
  const text = format === 'json' ? JSON.stringify(analysis, null, 2) : format === 'html' ? formatHtml(analysis, charts) : formatText(analysis);
  if (values.out) {
    writeFileSync(values.out, text.endsWith('\n') ? text : `${text}\n`);
    io.err(`report written to ${values.out}`);
  } else io.out(text);
  return EXIT_OK;
}
