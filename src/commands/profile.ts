/**
 * `create-vllm-monitor profile`: summarise torch-profiler traces (`profile summarize <trace>...`), or
 * drive a running engine's profiler and summarise what it wrote (`profile <target-url>`).
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import type { Io } from '../cli/io.js';
import { EXIT_OK, usageError } from '../errors.js';
import { formatHtml, formatText, summarizeTraces, type ProfileReport } from '../profile/index.js';
import { parseCommandArgs } from '../stack/args.js';

const HELP = `Usage:
  create-vllm-monitor profile summarize <trace>... [--json | --format text|json|html] [--report FILE] [--top N]
  create-vllm-monitor profile <target-url> [--seconds N | --steps N] [--out DIR] [--engine vllm|sglang] [--server-dir PATH]

summarize reads PyTorch profiler (Kineto) traces: .json, .json.gz, .pt.trace.json.gz, one per rank, as
vLLM and SGLang write them. It streams each file (a 200 MB trace in bounded memory) and reports per GPU:
the window (the profiler steps, or the whole file), busy and idle time from the union of GPU intervals,
the top kernels (count, total, mean, median, min, max, share), memcpy/memset, communication vs compute
and their overlap; then the top CPU ops by self and total time, per-module GPU time (nn.Module events,
as layer_performance in --json), step durations, and what to look at next.

profile <target-url> starts the engine's profiler (POST /start_profile), waits, stops it, finds the
trace files it wrote in --out DIR and summarises them. vLLM must be started with profiling enabled
(0.13 and newer: --profiler-config '{"profiler":"torch","torch_profiler_dir":"DIR"}'; older:
VLLM_TORCH_PROFILER_DIR=DIR); SGLang writes to the output_dir it is sent.

  --json            The summary as JSON (same as --format json)
  --format F        text (default), json, or html (self-contained, with charts, opens offline)
  --report FILE     Write the summary to FILE instead of standard output
  --top N           Rows in the kernel and CPU op tables (default 15)
  --seconds N       Profile for N seconds (default 10)
  --steps N         SGLang: profile N scheduler steps (num_steps; the engine stops by itself)
  --out DIR         Where the engine's trace files are, on this machine (the profiler directory,
                    or where it is mounted); default ./vllm-profile
  --server-dir PATH The same directory as the server sees it (SGLang's output_dir; default: --out)
  --engine E        vllm or sglang (default: detected from the server's /metrics)
  -h, --help        Show this help`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs('profile', argv, {
    json: { type: 'boolean' }, format: { type: 'string' }, report: { type: 'string' }, top: { type: 'string' },
    seconds: { type: 'string' }, steps: { type: 'string' }, out: { type: 'string' }, 'server-dir': { type: 'string' }, engine: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  }, Infinity);
  if (values.help) {
    io.out(HELP);
    return EXIT_OK;
  }
  const format = values.json ? 'json' : values.format ?? 'text';
  if (!['text', 'json', 'html'].includes(format)) throw usageError('--format', `unknown format "${format}"`, 'use text, json or html');
  if (values.json && values.format && values.format !== 'json') throw usageError('--json', `conflicts with --format ${values.format}`, 'give one of them');
  const top = values.top === undefined ? 15 : Number(values.top);
  if (!Number.isInteger(top) || top < 1) throw usageError('--top', `"${values.top}" is not a positive whole number`, 'e.g. --top 20');

  const [first, ...rest] = positionals;
  if (first === undefined) throw usageError('profile', 'no trace file or server URL given', 'e.g. create-vllm-monitor profile summarize trace.pt.trace.json.gz, or profile http://localhost:8000');
  let report: ProfileReport;
  if (first === 'summarize') {
    if (!rest.length) throw usageError('profile summarize', 'no trace file given', 'pass one or more .json / .json.gz trace files (one per rank)');
    const liveOnly = (['seconds', 'steps', 'out', 'server-dir', 'engine'] as const).find((k) => values[k] !== undefined);
    if (liveOnly) throw usageError(`--${liveOnly}`, 'only applies to profile <target-url>', 'drop it, or give a server URL instead of summarize (the summary goes to --report FILE)');
    for (const p of rest) {
      if (!existsSync(p) || !statSync(p).isFile()) throw usageError(p, 'no such file', 'check the path');
    }
    report = await summarizeTraces(rest, { top });
  } else {
    const { profileServer } = await import('../profile/live.js');
    report = await profileServer(first, rest, values, { top, log: (line) => io.err(line) });
  }
  const text = format === 'json' ? JSON.stringify(report, null, 2) : format === 'html' ? formatHtml(report) : formatText(report);
  if (values.report) {
    writeFileSync(values.report, text.endsWith('\n') ? text : `${text}\n`);
    io.err(`summary written to ${values.report}`);
  } else io.out(text);
  return EXIT_OK;
}
