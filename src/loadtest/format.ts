/** The load test's text report, laid out like `vllm bench serve`'s summary. */
import type { Check } from './compare.js';
import { METRICS, type LoadResult } from './result.js';
import { percentileKey } from './stats.js';

const TITLES = { ttft: 'Time to First Token', tpot: 'Time per Output Token (excl. 1st token)', itl: 'Inter-token Latency (per chunk)', e2el: 'End-to-end Latency' } as const;

export function formatLoadText(r: LoadResult, percentiles: readonly number[]): string {
  const w = WIDTH - 8;
  const row = (label: string, value: string | number) => `${`${label}:`.padEnd(w)}${typeof value === 'number' ? fmt(value) : value}`;
  const lines = [
    center(' Load test result ', '='),
    row('Successful requests', String(r.completed)),
    row('Failed requests', String(r.failed)),
    ...(r.interrupted ? [row('Interrupted requests (Ctrl-C)', String(r.interrupted))] : []),
    row('Benchmark duration (s)', r.duration),
    row('Total input tokens', String(r.total_input_tokens)),
    row('Total generated tokens', String(r.total_output_tokens)),
    row('Request throughput (req/s)', r.request_throughput),
    row(`Request goodput (req/s)`, r.request_goodput),
    row('Output token throughput (tok/s)', r.output_throughput),
    row('Total token throughput (tok/s)', r.total_token_throughput),
  ];
  const slo = Object.entries(r.goodput_slo_ms).map(([k, v]) => `${k} ≤ ${v} ms`);
  if (slo.length) lines.push(row('Goodput SLOs', slo.join(', ')));
  for (const m of METRICS) {
    lines.push(center(TITLES[m], '-'));
    lines.push(row(`Mean ${m.toUpperCase()} (ms)`, r[`mean_${m}_ms`] as number));
    lines.push(row(`Median ${m.toUpperCase()} (ms)`, r[`median_${m}_ms`] as number));
    for (const p of percentiles) lines.push(row(`P${percentileKey(p)} ${m.toUpperCase()} (ms)`, r[`p${percentileKey(p)}_${m}_ms`] as number));
  }
  const errs = Object.entries(r.errors);
  if (errs.length) {
    lines.push('------------ Failures ------------');
    for (const [e, n] of errs.sort((a, b) => b[1] - a[1])) lines.push(`${String(n).padStart(6)}  ${e}`);
  }
  lines.push('='.repeat(WIDTH));
  return lines.join('\n');
}

const fmt = (n: number) => n.toFixed(2);
const WIDTH = 50;
/** A title centred in a rule, as vLLM prints its sections. */
function center(title: string, fill: string): string {
  const left = Math.max(0, Math.floor((WIDTH - title.length) / 2));
  return `${fill.repeat(left)}${title}${fill.repeat(Math.max(0, WIDTH - left - title.length))}`;
}

/** The cross-check, one line per figure: agree or disagree, and why. */
export function formatCrossCheck(checks: readonly Check[], where: string): string {
  const value = (v: number | [number, number], unit: string) =>
    Array.isArray(v) ? `(${fmt(v[0])}, ${v[1] === Infinity ? '+Inf' : fmt(v[1])}]` : unit === 'ms' ? fmt(v) : String(v);
  const rows = checks.map((c) => [c.metric, value(c.client, c.unit), value(c.server, c.unit), c.agree ? 'agree' : c.inconclusive ? 'inconclusive' : 'DISAGREE', c.why]);
  const head = ['figure', 'client', 'server', '', 'why'];
  const widths = head.slice(0, 4).map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((x, i) => (i < 4 ? x.padEnd(widths[i]!) : x)).join('  ');
  return [center(' Cross-check with the server ', '='), where, '(ms; a percentile against the server bucket that holds it)', line(head), ...rows.map(line), '='.repeat(WIDTH)].join('\n');
}
