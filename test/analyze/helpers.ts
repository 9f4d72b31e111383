/** Builders for scheduler-profile inputs used by the analyze tests. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SchedulerRecord } from '../../src/analyze/record.js';

export function tempDir(prefix = 'cvm-analyze-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeLines(dir: string, name: string, lines: string[]): string {
  const p = join(dir, name);
  writeFileSync(p, `${lines.join('\n')}\n`);
  return p;
}

/** A seed-004 record with consistent derived fields. */
export function profileRecord(i: number, o: { schedule: number; modelRun: number; prefill: number[]; decode: number; waiting: number; running: number; kv: number; t0?: number; stepGapMs?: number }): SchedulerRecord {
  const prefillSum = o.prefill.reduce((a, b) => a + b, 0);
  return {
    batch_id: i,
    timestamp: (o.t0 ?? 1_700_000_000) + (i * (o.stepGapMs ?? 10)) / 1000,
    schedule_duration_ms: o.schedule,
    model_run_duration_ms: o.modelRun,
    total_step_duration_ms: o.schedule + o.modelRun,
    num_prefill_reqs: o.prefill.length,
    num_decode_reqs: o.decode,
    total_scheduled_tokens: prefillSum + o.decode,
    prefill_chunk_sizes: o.prefill,
    decode_chunk_sizes: Array<number>(o.decode).fill(1),
    avg_prefill_chunk_size: o.prefill.length ? prefillSum / o.prefill.length : 0,
    max_prefill_chunk_size: o.prefill.length ? Math.max(...o.prefill) : 0,
    min_prefill_chunk_size: o.prefill.length ? Math.min(...o.prefill) : 0,
    avg_decode_chunk_size: 1,
    num_waiting_reqs: o.waiting,
    num_running_reqs: o.running,
    kv_cache_usage: o.kv,
  };
}

/** A vLLM engine-core iteration line as vLLM prints it (vllm-project/vllm#31193; KV and dummy suffixes from #46647 / #41406). */
export function iterationLine(o: { dp: number; index: number; ctxReqs: number; ctxTokens: number; genReqs: number; genTokens: number; ms: number; time: string; kvPct?: number; dummy?: boolean }): string {
  const kv = o.kvPct !== undefined ? `, GPU KV cache usage: ${o.kvPct.toFixed(1)}%` : '';
  return `(EngineCore_DP${o.dp} pid=${2010410 + o.dp}) INFO ${o.time} [core.py:349] Iteration(${o.index}): ${o.ctxReqs} context requests, ${o.ctxTokens} context tokens, ${o.genReqs} generation requests, ${o.genTokens} generation tokens, iteration elapsed time: ${o.ms.toFixed(2)} ms${kv}${o.dummy ? ' (dummy)' : ''}`;
}
