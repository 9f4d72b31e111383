/**
 * Benchmark: write a synthetic scheduler profile of N records (default 1,000,000) to a temp file,
 * analyse it in this process, then compute the comparable statistics on the same file with DuckDB
 * (2 threads) and, where pandas is installed, with seed 004's own script; print each one's time and
 * peak RSS. Run: npx vite-node bench/analyze.ts [N] [REPEATS]: with REPEATS > 1, ours and DuckDB
 * run that many times in turn and the minimum and median of each (and of their ratio) are printed,
 * with the load average, as the machine may be shared.
 */
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFiles } from '../src/analyze/index.js';
import { duckdbStats } from './analyze/duckdb.js';
import { runPandasSeed } from './analyze/pandas.js';
import { mib, type Timed, timed } from './analyze/rss.js';

const n = Number(process.argv[2] ?? 1_000_000);
const repeats = Number(process.argv[3] ?? 1);
const dir = mkdtempSync(join(tmpdir(), 'cvm-bench-analyze-'));
const file = join(dir, 'scheduler_profiling.jsonl');

async function generate(): Promise<void> {
  const out = createWriteStream(file);
  let t = 1_700_000_000;
  let seed = 1;
  const rand = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);
  for (let i = 0; i < n; i++) {
    const prefill = rand() < 0.15 ? Array.from({ length: 1 + Math.floor(rand() * 3) }, () => 64 * (1 + Math.floor(rand() * 16))) : [];
    const decode = 8 + Math.floor(rand() * 56);
    const schedule = 0.5 + rand() * 2 + (rand() < 0.001 ? 30 : 0);
    const modelRun = 8 + decode * 0.2 + prefill.reduce((a, b) => a + b, 0) * 0.02 + rand() * 4;
    t += (schedule + modelRun) / 1000;
    const prefillSum = prefill.reduce((a, b) => a + b, 0);
    const line = JSON.stringify({
      batch_id: i, timestamp: t, schedule_duration_ms: schedule, model_run_duration_ms: modelRun, total_step_duration_ms: schedule + modelRun,
      num_prefill_reqs: prefill.length, num_decode_reqs: decode, total_scheduled_tokens: prefillSum + decode, prefill_chunk_sizes: prefill,
      decode_chunk_sizes: Array<number>(decode).fill(1), num_waiting_reqs: Math.floor(rand() * 4), num_running_reqs: decode + prefill.length,
      kv_cache_usage: rand(),
    });
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const g0 = performance.now();
await generate();
const genSeconds = (performance.now() - g0) / 1000;
const bytes = statSync(file).size;
try {
  const load0 = loadavg();
  const runs: { ours: Timed<Awaited<ReturnType<typeof analyzeFiles>>>; duck: Timed<Awaited<ReturnType<typeof duckdbStats>>> }[] = [];
  for (let r = 0; r < repeats; r++) runs.push({ ours: await timed(() => analyzeFiles([file], { logYear: 2025 })), duck: await timed(() => duckdbStats(file)) });
  const { ours, duck } = runs[0]!;
  const a = ours.value.analysis;
  const d = duck.value;
  const pandas = runPandasSeed(file);

  const f3 = (x: number | undefined): string => (x === undefined ? '-' : x.toFixed(3));
  console.log(`records:        ${a.batches} (${mib(bytes)} of JSONL, generated in ${genSeconds.toFixed(1)} s)`);
  console.log(`analyze:        ${ours.seconds.toFixed(2)} s (CPU ${ours.cpuSeconds.toFixed(2)} s), ${Math.round(a.batches / ours.seconds)} records/s, ${(bytes / 2 ** 20 / ours.seconds).toFixed(1)} MiB/s; peak RSS ${mib(ours.rssPeak)} (before ${mib(ours.rssBefore)}, sampled every 20 ms)`);
  console.log(`duckdb:         ${duck.seconds.toFixed(2)} s (CPU ${duck.cpuSeconds.toFixed(2)} s; threads=2, read_ndjson_auto); process peak RSS ${mib(duck.rssPeak)} (before ${mib(duck.rssBefore)})`);
  console.log(`ours/duckdb:    ${(ours.seconds / duck.seconds).toFixed(2)}x wall time, ${(ours.cpuSeconds / duck.cpuSeconds).toFixed(2)}x CPU time`);
  if (repeats > 1) {
    const stats = (xs: number[]): string => {
      const sorted = [...xs].sort((x, y) => x - y);
      return `min ${sorted[0]!.toFixed(2)} median ${sorted[Math.floor((sorted.length - 1) / 2)]!.toFixed(2)}`;
    };
    const load = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' ');
    console.log(`${repeats} runs:         analyze wall ${stats(runs.map((x) => x.ours.seconds))} s, CPU ${stats(runs.map((x) => x.ours.cpuSeconds))} s, peak RSS max ${mib(Math.max(...runs.map((x) => x.ours.rssPeak)))}`);
    console.log(`                duckdb wall ${stats(runs.map((x) => x.duck.seconds))} s, CPU ${stats(runs.map((x) => x.duck.cpuSeconds))} s`);
    console.log(`                ours/duckdb wall ${stats(runs.map((x) => x.ours.seconds / x.duck.seconds))}x, CPU ${stats(runs.map((x) => x.ours.cpuSeconds / x.duck.cpuSeconds))}x (per run); load average ${load(load0)} before, ${load(loadavg())} after`);
  }
  if ('skipped' in pandas) console.log(`pandas seed:    skipped: ${pandas.skipped}`);
  else {
    console.log(`pandas seed:    ${pandas.seconds.toFixed(2)} s; peak RSS ${pandas.maxRssKiB === undefined ? 'unknown' : mib(pandas.maxRssKiB * 1024)} (seed 004 script, own process)`);
    for (const line of pandas.output) console.log(`                ${line}`);
  }
  console.log(`quantiles:      ${a.quantiles.method}${a.quantiles.relative_error ? ` (±${a.quantiles.relative_error * 100}%)` : ''}`);
  // Ours beside DuckDB's, so a faster reader that changes the numbers shows here.
  const row = (name: string, o: { mean: number; p50: number; p95: number; p99: number } | null, q: DuckRow): void => {
    console.log(`${name.padEnd(16)}mean/p50/p95/p99 ${f3(o?.mean)} / ${f3(o?.p50)} / ${f3(o?.p95)} / ${f3(o?.p99)}   duckdb ${f3(q.mean)} / ${f3(q.p50)} / ${f3(q.p95)} / ${f3(q.p99)}`);
  };
  row('schedule ms:', a.timing_ms.schedule, d.schedule);
  row('model run ms:', a.timing_ms.model_run, d.model_run);
  row('step ms:', a.timing_ms.step, d.step);
  console.log(`counts:         n ${a.batches}/${d.n}, tokens ${a.tokens.total}/${d.tokens_total}, prefill ${a.requests.prefill_total}/${d.prefill_total}, decode ${a.requests.decode_total}/${d.decode_total}, decode chunks ${a.chunks.decode?.count ?? 0}/${d.decode_chunks}, kv>=0.9 ${a.kv_cache.batches_at_or_above_90pct}/${d.kv_high}, span s ${f3(a.span?.seconds)}/${f3(d.span_seconds)} (ours/duckdb)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

type DuckRow = Awaited<ReturnType<typeof duckdbStats>>['step'];
