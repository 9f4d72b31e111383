/**
 * The self-contained HTML report: summary tables, the six charts of seed 004 as inline SVG, and the
 * anomaly lists. No script and no external resource, so it opens offline and can be mailed around.
 */
import type { Analysis, ChartData, Stat } from './analyzer.js';
import { countsChart, histogramChart, lineChart, scatterChart } from './charts.js';
import { formatNumber, formatPercent, formatTime } from './format-text.js';
import { type El, el, serialize } from './html.js';

export const CHART_IDS = ['time-trend', 'prefill-decode', 'tokens-trend', 'schedule-histogram', 'model-run-histogram', 'schedule-vs-model-run'] as const;

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
table{border-collapse:collapse;margin:4px 0}td,th{padding:3px 10px;border-bottom:1px solid #e5e5e5;text-align:right}
td:first-child,th:first-child{text-align:left}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:12px}
svg{background:#fafafa;border:1px solid #e5e5e5}
.grid{stroke:#e5e5e5}.axis{stroke:#888}.tick{font-size:11px;fill:#555}.axis-label,.legend{font-size:12px;fill:#333}
.chart-title{font-size:14px;font-weight:600;fill:#222}.empty{font-size:13px;fill:#999}
.muted{color:#777}ul{margin:4px 0}
`;

export function formatHtml(a: Analysis, c: ChartData, title = 'Scheduler profile analysis'): string {
  const byBatch = c.binWidth > 1 ? `batch (mean of ${c.binWidth})` : 'batch';
  const hasSplit = c.trend.schedule.length > 0 || c.trend.modelRun.length > 0;
  const noSplit = 'no schedule/model-run split in these records';
  const charts: El[] = [
    hasSplit
      ? lineChart(CHART_IDS[0], 'Schedule vs model-run time', [{ name: 'schedule', points: c.trend.schedule }, { name: 'model run', points: c.trend.modelRun }], byBatch, 'ms', noSplit)
      : lineChart(CHART_IDS[0], 'Step time (no schedule/model-run split in input)', [{ name: 'step', points: c.trend.step }], byBatch, 'ms', 'no timing in these records'),
    countsChart(CHART_IDS[1], 'Prefill vs decode requests per batch', { name: 'prefill', points: c.prefillCounts.map((n, i) => [i, n]) }, { name: 'decode', points: c.decodeCounts.map((n, i) => [i, n]) }, 'requests in batch', 'no request counts in these records'),
    lineChart(CHART_IDS[2], 'Scheduled tokens per batch', [{ name: 'tokens', points: c.trend.tokens }], byBatch, 'tokens', 'no token counts in these records'),
    histogramChart(CHART_IDS[3], 'Schedule time distribution', c.scheduleHistogram, 'schedule time (ms)', noSplit),
    c.modelRunHistogram.length || !c.stepHistogram.length
      ? histogramChart(CHART_IDS[4], 'Model-run time distribution', c.modelRunHistogram, 'model-run time (ms)', noSplit, '#ff7f0e')
      : histogramChart(CHART_IDS[4], 'Step time distribution (no model-run split in input)', c.stepHistogram, 'step time (ms)', 'no timing in these records', '#ff7f0e'),
    scatterChart(CHART_IDS[5], 'Schedule vs model-run time', c.scatter, 'schedule time (ms)', 'model-run time (ms)', noSplit),
  ];
  const page = el('html', { lang: 'en' },
    el('head', {}, el('meta', { charset: 'utf-8' }), el('title', {}, title), el('style', {}, CSS)),
    el('body', {},
      el('h1', {}, title),
      el('p', { class: 'muted' }, a.files.map((f) => `${f.path} (${f.format})`).join(', ')),
      el('p', {},
        `${a.batches} batches${a.dummy_batches ? ` (+${a.dummy_batches} DP dummy steps, excluded)` : ''}; `,
        a.span ? `${formatTime(a.span.first)} to ${formatTime(a.span.last)} (${formatNumber(a.span.seconds, 1)} s)` : 'no timestamps',
        `; quantiles ${a.quantiles.method === 'exact' ? 'exact' : `within ±${formatPercent(a.quantiles.relative_error)}`}.`),
      el('h2', {}, 'Statistics'),
      statTable(a),
      el('table', {},
        row('scheduling overhead (share of step time)', formatPercent(a.scheduling_overhead_share, 2)),
        row('prefill share of scheduled requests', formatPercent(a.requests.prefill_share, 2)),
        row('tokens/s (per second of step time)', formatNumber(a.tokens.per_step_second, 1)),
        row('tokens/s (per second of wall time)', formatNumber(a.tokens.per_wall_second, 1)),
        row('batches with KV-cache usage >= 90%', String(a.kv_cache.batches_at_or_above_90pct))),
      el('h2', {}, 'Charts'),
      el('div', { class: 'charts' }, charts),
      el('h2', {}, 'Anomalies'),
      anomalies(a),
      a.malformed.count ? [el('h2', {}, `Malformed lines (${a.malformed.count})`), el('ul', {}, a.malformed.shown.map((m) => el('li', {}, `${m.file}:${m.line}: ${m.reason}`)))] : null,
    ),
  );
  return `<!DOCTYPE html>\n${serialize(page)}\n`;
}

function row(k: string, v: string): El {
  return el('tr', {}, el('td', {}, k), el('td', {}, v));
}

function statTable(a: Analysis): El {
  const rows: [string, Stat | null, number][] = [
    ['schedule time (ms)', a.timing_ms.schedule, 3], ['model-run time (ms)', a.timing_ms.model_run, 3], ['step time (ms)', a.timing_ms.step, 3],
    ['prefill requests / batch', a.requests.prefill_per_batch, 2], ['decode requests / batch', a.requests.decode_per_batch, 2],
    ['tokens / batch', a.tokens.per_batch, 1], ['prefill chunk (tokens)', a.chunks.prefill, 1], ['decode chunk (tokens)', a.chunks.decode, 1],
    ['prefill tokens / batch', a.chunks.prefill_tokens_per_batch, 1], ['waiting requests', a.queue.waiting, 1], ['running requests', a.queue.running, 1],
    ['KV-cache usage (0-1)', a.kv_cache.usage, 3],
  ];
  return el('table', {},
    el('tr', {}, ['', 'n', 'mean', 'p50', 'p95', 'p99', 'max'].map((h) => el('th', {}, h))),
    rows.filter(([, s]) => s).map(([name, s, d]) => el('tr', {}, el('td', {}, name), el('td', {}, String(s!.count)),
      [s!.mean, s!.p50, s!.p95, s!.p99, s!.max].map((v) => el('td', {}, formatNumber(v, d))))));
}

function anomalies(a: Analysis): El {
  const s = a.anomalies.slow_steps;
  const j = a.anomalies.schedule_jumps;
  const w = a.anomalies.sustained_waiting;
  return el('ul', {},
    el('li', {}, `Slow steps (> p99 + ${formatPercent(s.margin, 0)} = ${formatNumber(s.threshold_ms, 3)} ms): ${s.count}`,
      s.slowest.length ? el('ul', {}, s.slowest.map((x) => el('li', {}, `${formatNumber(x.value, 3)} ms at ${x.file}:${x.line}${x.batch_id !== undefined ? ` (batch ${x.batch_id})` : ''}`))) : null),
    el('li', {}, `Schedule-time jumps (> ${j.factor}× moving baseline): ${j.count}`,
      j.events.length ? el('ul', {}, j.events.map((x) => el('li', {}, `${formatNumber(x.schedule_ms, 3)} ms vs ${formatNumber(x.baseline_ms, 3)} ms at ${x.file}:${x.line}`))) : null),
    el('li', {}, `Sustained waiting queue (>= ${w.min_seconds} s): ${w.count}`,
      w.episodes.length ? el('ul', {}, w.episodes.map((e) => el('li', {}, `${e.batches} batches${e.seconds !== undefined ? ` / ${formatNumber(e.seconds, 1)} s` : ''}, waiting ${e.first_waiting} → ${e.last_waiting} (peak ${e.peak_waiting}) at ${e.file}:${e.start_line}-${e.end_line}`))) : null),
  );
}
