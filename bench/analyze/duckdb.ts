/**
 * The same statistics as `analyze`, as far as SQL states them, computed by DuckDB on 2 threads in
 * this process: the yardstick of issue 14. quantile_cont interpolates like pandas and our exact mode.
 */
import { DuckDBInstance } from '@duckdb/node-api';

export interface DuckStats {
  n: number;
  schedule: { mean: number; p50: number; p95: number; p99: number };
  model_run: { mean: number; p50: number; p95: number; p99: number };
  step: { mean: number; p50: number; p95: number; p99: number };
  tokens_total: number;
  prefill_total: number;
  decode_total: number;
  decode_chunks: number;
  kv_high: number;
  span_seconds: number;
}

const measure = (col: string): string =>
  `avg(${col}) AS ${col}_mean, quantile_cont(${col}, [0.5, 0.95, 0.99]) AS ${col}_q`;

export async function duckdbStats(file: string): Promise<DuckStats> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run('SET threads=2');
    const sql = `SELECT count(*) AS n, ${measure('schedule_duration_ms')}, ${measure('model_run_duration_ms')}, ${measure('total_step_duration_ms')},
      sum(total_scheduled_tokens) AS tokens_total, sum(num_prefill_reqs) AS prefill_total, sum(num_decode_reqs) AS decode_total,
      sum(len(decode_chunk_sizes)) AS decode_chunks, count(*) FILTER (WHERE kv_cache_usage >= 0.9) AS kv_high,
      max("timestamp") - min("timestamp") AS span_seconds
      FROM read_ndjson_auto('${file.replaceAll("'", "''")}')`;
    const row = (await conn.runAndReadAll(sql)).getRowObjectsJson()[0]!;
    const num = (k: string): number => Number(row[k]);
    const m = (col: string): DuckStats['schedule'] => {
      const q = (row[`${col}_q`] as number[]).map(Number);
      return { mean: num(`${col}_mean`), p50: q[0]!, p95: q[1]!, p99: q[2]! };
    };
    return {
      n: num('n'), schedule: m('schedule_duration_ms'), model_run: m('model_run_duration_ms'), step: m('total_step_duration_ms'),
      tokens_total: num('tokens_total'), prefill_total: num('prefill_total'), decode_total: num('decode_total'),
      decode_chunks: num('decode_chunks'), kv_high: num('kv_high'), span_seconds: num('span_seconds'),
    };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
