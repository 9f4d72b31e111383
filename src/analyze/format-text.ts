/** The human-readable report: one section per question an operator asks of a scheduler profile. */
import type { Analysis, Stat } from './analyzer.js';

export function formatNumber(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '-';
  if (Math.abs(x) >= 1e6) return x.toExponential(3);
  return Number.isInteger(x) && digits <= 2 ? String(x) : x.toFixed(digits);
}

export function formatPercent(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined ? '-' : `${(x * 100).toFixed(digits)}%`;
}

export function formatTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace('T', ' ').replace(/\.000Z$|Z$/, ' UTC');
}

function statRow(label: string, s: Stat | null, unit = '', digits = 2): string {
  const f = (x: number): string => formatNumber(x, digits) + unit;
  if (!s) return `  ${label.padEnd(24)} -`;
  return `  ${label.padEnd(24)} mean ${f(s.mean)}  p50 ${f(s.p50)}  p95 ${f(s.p95)}  p99 ${f(s.p99)}  max ${f(s.max)}  (n=${s.count})`;
}

export function formatText(a: Analysis): string {
  const out: string[] = [];
  out.push('Scheduler profile analysis');
  for (const f of a.files) {
    out.push(`  ${f.path}: ${f.format}, ${f.records} batches${f.dummy ? `, ${f.dummy} dummy` : ''}${f.malformed ? `, ${f.malformed} malformed` : ''}${f.ignored_lines ? `, ${f.ignored_lines} other lines ignored` : ''}`);
  }
  out.push('');
  out.push(`Batches: ${a.batches}${a.dummy_batches ? ` (+${a.dummy_batches} DP dummy steps, excluded)` : ''}`);
  if (a.dp_ranks.length > 1) out.push(`  per DP rank: ${a.dp_ranks.map((r) => `DP${r.dp_rank} ${r.batches}${r.dummy ? `+${r.dummy} dummy` : ''}`).join(', ')}`);
  out.push(a.span ? `Span: ${formatTime(a.span.first)} .. ${formatTime(a.span.last)} (${formatNumber(a.span.seconds, 1)} s)` : 'Span: - (records carry no timestamps)');
  out.push(`Quantiles: ${a.quantiles.method === 'exact' ? 'exact' : `log-histogram, within ±${formatPercent(a.quantiles.relative_error)} relative error`}`);
  out.push('');
  out.push('Timing (ms)');
  out.push(statRow('schedule', a.timing_ms.schedule, '', 3));
  out.push(statRow('model run', a.timing_ms.model_run, '', 3));
  out.push(statRow('step', a.timing_ms.step, '', 3));
  out.push(`  scheduling overhead     ${formatPercent(a.scheduling_overhead_share, 2)} of step time`);
  out.push('');
  out.push('Requests per batch');
  out.push(statRow('prefill', a.requests.prefill_per_batch));
  out.push(statRow('decode', a.requests.decode_per_batch));
  out.push(`  prefill share           ${formatPercent(a.requests.prefill_share, 2)} of scheduled requests; ${a.requests.batches_with_prefill} batches had prefill`);
  out.push('');
  out.push('Tokens');
  out.push(statRow('per batch', a.tokens.per_batch, '', 1));
  out.push(`  total                   ${formatNumber(a.tokens.total, 0)}`);
  out.push(`  tokens/s                ${formatNumber(a.tokens.per_step_second, 1)} per second of step time; ${formatNumber(a.tokens.per_wall_second, 1)} per second of wall time`);
  out.push('');
  out.push('Chunk sizes (tokens)');
  out.push(statRow('prefill chunk', a.chunks.prefill, '', 1));
  out.push(statRow('decode chunk', a.chunks.decode, '', 1));
  out.push(statRow('prefill tokens/batch', a.chunks.prefill_tokens_per_batch, '', 1));
  out.push('');
  out.push('Queues');
  out.push(statRow('waiting', a.queue.waiting, '', 1));
  out.push(statRow('running', a.queue.running, '', 1));
  out.push('');
  out.push('KV cache usage');
  out.push(statRow('usage (0-1)', a.kv_cache.usage, '', 3));
  if (a.kv_cache.usage) out.push(`  batches at >= 90%       ${a.kv_cache.batches_at_or_above_90pct}`);
  out.push('');
  out.push('Anomalies');
  const slow = a.anomalies.slow_steps;
  out.push(`  slow steps (> p99 + ${formatPercent(slow.margin, 0)} = ${formatNumber(slow.threshold_ms, 3)} ms): ${slow.count}`);
  for (const s of slow.slowest.slice(0, 5)) out.push(`    ${formatNumber(s.value, 3)} ms  ${where(s)}`);
  const jumps = a.anomalies.schedule_jumps;
  out.push(`  schedule-time jumps (> ${jumps.factor}x moving baseline): ${jumps.count}`);
  for (const j of jumps.events.slice(0, 5)) out.push(`    ${formatNumber(j.schedule_ms, 3)} ms vs baseline ${formatNumber(j.baseline_ms, 3)} ms  ${where(j)}`);
  const w = a.anomalies.sustained_waiting;
  out.push(`  sustained waiting queue (>= ${w.min_seconds} s, or ${w.min_batches} batches without timestamps): ${w.count}`);
  for (const e of w.episodes.slice(0, 5)) {
    out.push(`    ${e.batches} batches${e.seconds !== undefined ? ` / ${formatNumber(e.seconds, 1)} s` : ''}, waiting ${e.first_waiting} -> ${e.last_waiting} (peak ${e.peak_waiting})  ${e.file}:${e.start_line}-${e.end_line}${e.dp_rank !== undefined ? ` DP${e.dp_rank}` : ''}`);
  }
  if (a.malformed.count) {
    out.push('');
    out.push(`Malformed lines: ${a.malformed.count}${a.malformed.count > a.malformed.shown.length ? ` (first ${a.malformed.shown.length} shown)` : ''}`);
    for (const m of a.malformed.shown) out.push(`  ${m.file}:${m.line}: ${m.reason}`);
  }
  return out.join('\n');
}

function where(w: { file: string; line: number; batch_id?: number; dp_rank?: number }): string {
  return `${w.file}:${w.line}${w.batch_id !== undefined ? ` batch ${w.batch_id}` : ''}${w.dp_rank !== undefined ? ` DP${w.dp_rank}` : ''}`;
}
