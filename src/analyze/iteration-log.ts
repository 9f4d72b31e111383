/**
 * vLLM's per-iteration log line (`--enable-logging-iteration-details`, vllm-project/vllm#31193, moved
 * to the frontend stat logger and extended with KV-cache usage and encoder counts in #46647; DP
 * padding steps tagged `(dummy)` since #41406), turned into a SchedulerRecord:
 *
 *   (EngineCore_DP0 pid=1) INFO 12-22 21:44:40 [core.py:349] Iteration(515): 0 context requests,
 *   0 context tokens, 20 generation requests, 20 generation tokens, iteration elapsed time: 10.99 ms
 *
 * Context requests/tokens are prefill, generation requests/tokens are decode; the elapsed time is the
 * whole step (the line has no schedule/model-run split).
 */
import type { SchedulerRecord } from './record.js';

const MARKER = /\bIteration\((\d+)\):/;
const BODY =
  /\bIteration\((\d+)\):\s*(\d+) context requests?, (\d+) context tokens?, (\d+) generation requests?, (\d+) generation tokens?, iteration elapsed time: ([0-9]+(?:\.[0-9]+)?) ?ms(.*)$/;
const STAMP = /\b(?:DEBUG|INFO|WARNING|ERROR|CRITICAL)\s+(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:[.,](\d{1,6}))?\b/;
const DP_RANK = /EngineCore_DP(\d+)\b|EngineCore_(\d+)\b|\bEngine (\d+):/;
const GPU_KV = /GPU KV cache usage: ([0-9]+(?:\.[0-9]+)?)%/;
const KV_BLOCKS = /kv cache: ([0-9]+(?:\.[0-9]+)?)%/;
const ENC_IN = /encoder inputs: (\d+)/;
const ENC_OUT = /encoder output embeddings: (\d+)/;

export type LineResult = { kind: 'record'; record: SchedulerRecord } | { kind: 'ignored' } | { kind: 'malformed'; reason: string };

/**
 * Parses log lines of one file. vLLM's log stamp has no year: `year` is assumed (the stamp is read as
 * UTC) and advanced when the month wraps from December to January.
 */
export class IterationLogParser {
  private year: number;
  private lastMonth = 0;

  constructor(year: number) {
    this.year = year;
  }

  parse(line: string): LineResult {
    if (!MARKER.test(line)) return { kind: 'ignored' };
    const m = BODY.exec(line);
    if (!m) return { kind: 'malformed', reason: 'Iteration(N) line without the expected counts and elapsed time' };
    const ctxReqs = Number(m[2]);
    const ctxTokens = Number(m[3]);
    const genReqs = Number(m[4]);
    const genTokens = Number(m[5]);
    const rest = m[7] ?? '';
    const record: SchedulerRecord = {
      batch_id: Number(m[1]),
      total_step_duration_ms: Number(m[6]),
      num_prefill_reqs: ctxReqs,
      num_decode_reqs: genReqs,
      num_prefill_tokens: ctxTokens,
      num_decode_tokens: genTokens,
      total_scheduled_tokens: ctxTokens + genTokens,
    };
    const ts = this.timestamp(line.slice(0, m.index));
    if (ts !== undefined) record.timestamp = ts;
    const dp = DP_RANK.exec(line.slice(0, m.index));
    if (dp) record.dp_rank = Number(dp[1] ?? dp[2] ?? dp[3]);
    const kv = GPU_KV.exec(rest) ?? KV_BLOCKS.exec(rest);
    if (kv) record.kv_cache_usage = Number(kv[1]) / 100;
    const encIn = ENC_IN.exec(rest);
    if (encIn) record.num_encoder_inputs = Number(encIn[1]);
    const encOut = ENC_OUT.exec(rest);
    if (encOut) record.num_encoder_output_embeddings = Number(encOut[1]);
    if (rest.includes('(dummy)')) record.dummy = true;
    return { kind: 'record', record };
  }

  private timestamp(prefix: string): number | undefined {
    const s = STAMP.exec(prefix);
    if (!s) return undefined;
    const month = Number(s[1]);
    if (month < this.lastMonth && this.lastMonth === 12 && month === 1) this.year += 1;
    this.lastMonth = month;
    const frac = s[6] ? Number(`0.${s[6]}`) : 0;
    const ms = Date.UTC(this.year, month - 1, Number(s[2]), Number(s[3]), Number(s[4]), Number(s[5]));
    return ms / 1000 + frac;
  }
}
