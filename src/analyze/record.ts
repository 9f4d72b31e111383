/**
 * One scheduler step, in the field names of the seed-004 JSONL profile. Every field but the
 * identity is optional: a vLLM iteration log line carries step time and counts but no schedule or
 * model-run split, and a JSONL writer may leave out what it does not measure.
 */
export interface SchedulerRecord {
  batch_id?: number;
  /** Unix seconds. */
  timestamp?: number;
  schedule_duration_ms?: number;
  model_run_duration_ms?: number;
  total_step_duration_ms?: number;
  num_prefill_reqs?: number;
  num_decode_reqs?: number;
  total_scheduled_tokens?: number;
  prefill_chunk_sizes?: number[];
  decode_chunk_sizes?: number[];
  avg_prefill_chunk_size?: number;
  max_prefill_chunk_size?: number;
  min_prefill_chunk_size?: number;
  avg_decode_chunk_size?: number;
  num_waiting_reqs?: number;
  num_running_reqs?: number;
  /** 0–1. */
  kv_cache_usage?: number;
  // Fields only a converted vLLM log carries.
  /** Context (prefill) tokens of the step. */
  num_prefill_tokens?: number;
  /** Generation (decode) tokens of the step. */
  num_decode_tokens?: number;
  /** Data-parallel engine index (EngineCore_DP<n> / Engine <n>). */
  dp_rank?: number;
  /** A DP padding step with no work, logged so iteration indexes stay aligned. */
  dummy?: boolean;
  num_encoder_inputs?: number;
  num_encoder_output_embeddings?: number;
}

export const NUMBER_FIELDS = [
  'batch_id', 'timestamp', 'schedule_duration_ms', 'model_run_duration_ms', 'total_step_duration_ms',
  'num_prefill_reqs', 'num_decode_reqs', 'total_scheduled_tokens', 'avg_prefill_chunk_size',
  'max_prefill_chunk_size', 'min_prefill_chunk_size', 'avg_decode_chunk_size', 'num_waiting_reqs',
  'num_running_reqs', 'kv_cache_usage', 'num_prefill_tokens', 'num_decode_tokens', 'dp_rank',
  'num_encoder_inputs', 'num_encoder_output_embeddings',
] as const;
export const ARRAY_FIELDS = ['prefill_chunk_sizes', 'decode_chunk_sizes'] as const;
export const TIME_FIELDS = ['schedule_duration_ms', 'model_run_duration_ms', 'total_step_duration_ms'] as const;

/**
 * Checks one parsed JSONL value and copies the known fields; returns the reason when it is not a
 * usable record. Nulls count as absent (a writer that measured nothing); unknown fields are dropped.
 */
export function toRecord(value: unknown): SchedulerRecord | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of NUMBER_FIELDS) {
    const v = src[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) return `${key} is not a finite number`;
    out[key] = v;
  }
  for (const key of ARRAY_FIELDS) {
    const v = src[key];
    if (v === undefined || v === null) continue;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) return `${key} is not a list of numbers`;
    out[key] = v;
  }
  if (src.dummy !== undefined && src.dummy !== null) {
    if (typeof src.dummy !== 'boolean') return 'dummy is not a boolean';
    out.dummy = src.dummy;
  }
  if (!TIME_FIELDS.some((k) => out[k] !== undefined)) return 'no schedule_duration_ms, model_run_duration_ms or total_step_duration_ms';
  for (const k of TIME_FIELDS) if ((out[k] as number | undefined) !== undefined && (out[k] as number) < 0) return `${k} is negative`;
  return out as SchedulerRecord;
}
