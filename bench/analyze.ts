/**
 * Benchmark: write a synthetic scheduler profile of N records (default 1,000,000) to a temp file,
 * analyse it in this process, and print records/s and peak RSS. Run: npx vite-node bench/analyze.ts [N]
 */
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFiles } from '../src/analyze/index.js';

const n = Number(process.argv[2] ?? 1_000_000);
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
global.gc?.();
const rssBefore = process.memoryUsage().rss;
// Peak RSS while analysing, sampled (maxRSS would include the generator's own peak).
let rssPeak = rssBefore;
const sampler = setInterval(() => {
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
}, 20);
const t0 = performance.now();
const { analysis } = await analyzeFiles([file], { logYear: 2025 });
const seconds = (performance.now() - t0) / 1000;
clearInterval(sampler);
rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
const bytes = statSync(file).size;
rmSync(dir, { recursive: true, force: true });

const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
console.log(`records:        ${analysis.batches} (${mib(bytes)} of JSONL, generated in ${genSeconds.toFixed(1)} s)`);
console.log(`analysis time:  ${seconds.toFixed(2)} s`);
console.log(`records/s:      ${Math.round(analysis.batches / seconds)}`);
console.log(`MiB/s:          ${(bytes / 2 ** 20 / seconds).toFixed(1)}`);
console.log(`RSS before:     ${mib(rssBefore)}`);
console.log(`peak RSS:       ${mib(rssPeak)} while analysing (sampled every 20 ms); process max ${mib(process.resourceUsage().maxRSS * 1024)} incl. generation`);
console.log(`quantiles:      ${analysis.quantiles.method}${analysis.quantiles.relative_error ? ` (±${analysis.quantiles.relative_error * 100}%)` : ''}`);
console.log(`step p50/p99:   ${analysis.timing_ms.step!.p50.toFixed(3)} / ${analysis.timing_ms.step!.p99.toFixed(3)} ms`);
