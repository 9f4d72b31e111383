/**
 * `create-vllm-monitor report`: per model and serving target, throughput, latency percentiles, SLO
 * attainment, queue/KV peaks, GPU use and capacity hints over a window, from the normalised series
 * our recording rules produce in Prometheus.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Io } from '../cli/io.js';
import { envError, EXIT_OK, usageError } from '../errors.js';
import { PrometheusClient, PrometheusError } from '../probe/prom-client.js';
import { stackAccess } from '../stack/access.js';
import { COMPOSE_FILE, loadStackDir } from '../stack/stack-dir.js';
import { collectReport } from '../report/collect.js';
import { parseDuration } from '../report/duration.js';
import { formatReportHtml, formatReportMarkdown, formatReportText } from '../report/format.js';
import { DEFAULT_SLO } from '../config/defaults.js';
import { parseCommandArgs } from '../stack/args.js';

const HELP = `Usage: create-vllm-monitor report [--prometheus-url URL | --dir DIR] [--since 1h] [--format text|json|html|md]

Reads the normalised series (llm:*, gpu:*) our recording rules produce and reports, per model and
serving target: request rate, token throughput, TTFT/ITL/TPOT/E2E p50/p90/p95/p99, failed and aborted
share, waiting/running queue and KV-cache peaks, preemptions, prefix-cache hit rate, SLO attainment,
capacity hints; and per GPU: utilisation, SM and DRAM activity, memory, power, temperature.

  --prometheus-url URL   Prometheus to query (default: the stack in --dir, else http://127.0.0.1:9090)
  --dir DIR              The stack whose Prometheus to query, with its credentials (default .)
  --since DUR            Window ending now: 30m, 1h, 6h, 1d (default 1h)
  --format F             text (default), json, md, or html
  --out FILE             Write the report to FILE instead of standard output
  --slo-ttft-p99 S       p99 TTFT objective in seconds (default ${DEFAULT_SLO.ttftP99Seconds})
  --slo-itl-p99 S        p99 inter-token latency objective (default ${DEFAULT_SLO.itlP99Seconds})
  --slo-e2e-p99 S        p99 end-to-end latency objective (default ${DEFAULT_SLO.e2eP99Seconds})
  -h, --help             Show this help`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values } = parseCommandArgs('report', argv, {
    'prometheus-url': { type: 'string' }, dir: { type: 'string' }, since: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' },
    'slo-ttft-p99': { type: 'string' }, 'slo-itl-p99': { type: 'string' }, 'slo-e2e-p99': { type: 'string' }, help: { type: 'boolean', short: 'h' },
  }, 0);
  if (values.help) {
    io.out(HELP);
    return EXIT_OK;
  }
  // Without a URL: the stack in --dir (default: this directory) if there is one, with its credentials (--expose).
  const dir = values.dir ?? '.';
  const stack = values['prometheus-url'] === undefined && io.env.PROMETHEUS_URL === undefined && existsSync(join(dir, COMPOSE_FILE)) ? stackAccess(loadStackDir(dir)).prometheus : undefined;
  const url = values['prometheus-url'] ?? io.env.PROMETHEUS_URL ?? stack?.url ?? 'http://127.0.0.1:9090';
  if (!/^https?:\/\/[^\s/]+/.test(url)) throw usageError('--prometheus-url', `"${url}" is not an http(s) URL`, 'e.g. --prometheus-url http://127.0.0.1:9090');
  const since = values.since ?? '1h';
  const sinceSeconds = parseDuration(since);
  if (sinceSeconds === undefined) throw usageError('--since', `"${since}" is not a duration`, 'use e.g. 30m, 1h, 6h or 1d');
  const format = values.format ?? 'text';
  if (!['text', 'json', 'html', 'md'].includes(format)) throw usageError('--format', `unknown format "${format}"`, 'use text, json, html or md');
  const seconds = (flag: 'slo-ttft-p99' | 'slo-itl-p99' | 'slo-e2e-p99', fallback: number): number => {
    const raw = values[flag];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw usageError(`--${flag}`, `"${raw}" is not a positive number of seconds`, 'e.g. 2.5');
    return n;
  };
  const slo = {
    ttftP99Seconds: seconds('slo-ttft-p99', DEFAULT_SLO.ttftP99Seconds),
    itlP99Seconds: seconds('slo-itl-p99', DEFAULT_SLO.itlP99Seconds),
    e2eP99Seconds: seconds('slo-e2e-p99', DEFAULT_SLO.e2eP99Seconds),
    availabilityPercent: DEFAULT_SLO.availabilityPercent,
  };

  let report;
  try {
    report = await collectReport({ prometheusUrl: url, since, sinceSeconds, slo }, new PrometheusClient(url, 30_000, stack?.headers ?? {}));
  } catch (err) {
    if (err instanceof PrometheusError) throw envError(url, `Prometheus refused a query (${err.message})`, 'check that it is Prometheus 2.x or 3.x and the URL points at its root');
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    throw envError(url, `cannot reach Prometheus${cause ? ` (${cause})` : ''}`, 'start the stack (create-vllm-monitor up) or pass --prometheus-url');
  }
  const text = format === 'json' ? JSON.stringify(report, null, 2) : format === 'md' ? formatReportMarkdown(report) : format === 'html' ? formatReportHtml(report) : formatReportText(report);
  if (values.out) {
    writeFileSync(values.out, text.endsWith('\n') ? text : `${text}\n`);
    io.err(`report written to ${values.out}`);
  } else io.out(text);
  return EXIT_OK;
}
