import { describe, expect, it } from 'vitest';
import { IterationLogParser } from '../../src/analyze/iteration-log.js';

// Line shapes as vLLM prints them: #31193 (engine core), #34860 / #46647 (KV-cache suffix, encoder
// counts, frontend logger with "Engine 000:"), #41406 ("(dummy)" DP steps).
const V1 = '(EngineCore_DP0 pid=2010410) INFO 12-22 21:44:40 [core.py:349] Iteration(515): 0 context requests, 0 context tokens, 20 generation requests, 20 generation tokens, iteration elapsed time: 10.99 ms';
const KV_BLOCKS = '(EngineCore_DP0 pid=2733609) INFO 02-18 16:21:20 [core.py:387] Iteration(188): 0 context requests, 0 context tokens, 50 generation requests, 50 generation tokens, iteration elapsed time: 10.25 ms, kv cache: 5.1% (3500/68959 blocks, 56000 tokens)';
const FRONTEND = '(APIServer pid=7) INFO 06-24 10:00:01 [loggers.py:182] Engine 001: Iteration(10): 2 context requests, 4096 context tokens, 3 generation requests, 3 generation tokens, iteration elapsed time: 41.50 ms, GPU KV cache usage: 12.5%, encoder inputs: 4, encoder output embeddings: 3520';
const DUMMY = '(EngineCore_DP1 pid=2010411) INFO 12-22 21:44:40 [core.py:349] Iteration(90): 0 context requests, 0 context tokens, 0 generation requests, 0 generation tokens, iteration elapsed time: 0.85 ms (dummy)';

describe('vLLM iteration log lines', () => {
  it('reads the engine-core line into a record', () => {
    const r = new IterationLogParser(2025).parse(V1);
    expect(r).toEqual({
      kind: 'record',
      record: {
        batch_id: 515, total_step_duration_ms: 10.99, num_prefill_reqs: 0, num_decode_reqs: 20, num_prefill_tokens: 0, num_decode_tokens: 20,
        total_scheduled_tokens: 20, timestamp: Date.UTC(2025, 11, 22, 21, 44, 40) / 1000, dp_rank: 0,
      },
    });
  });

  it('reads the KV-cache suffixes and encoder counts, and the frontend engine index', () => {
    const kv = new IterationLogParser(2026).parse(KV_BLOCKS);
    expect(kv.kind === 'record' && kv.record.kv_cache_usage).toBeCloseTo(0.051, 6);
    const fe = new IterationLogParser(2026).parse(FRONTEND);
    expect(fe.kind).toBe('record');
    if (fe.kind !== 'record') return;
    expect(fe.record).toMatchObject({ batch_id: 10, dp_rank: 1, num_prefill_reqs: 2, num_prefill_tokens: 4096, total_scheduled_tokens: 4099, num_encoder_inputs: 4, num_encoder_output_embeddings: 3520 });
    expect(fe.record.kv_cache_usage).toBeCloseTo(0.125, 6);
  });

  it('tags DP dummy steps', () => {
    const r = new IterationLogParser(2025).parse(DUMMY);
    expect(r.kind === 'record' && r.record).toMatchObject({ dummy: true, dp_rank: 1, batch_id: 90 });
  });

  it('ignores other log lines and flags a broken iteration line', () => {
    const p = new IterationLogParser(2025);
    expect(p.parse('(APIServer pid=1) INFO 12-22 21:44:40 [loggers.py:123] Engine 000: Avg prompt throughput: 0.0 tokens/s')).toEqual({ kind: 'ignored' });
    expect(p.parse('Iteration(7): 3 context requests, garbage').kind).toBe('malformed');
  });

  it('moves to the next year when the log wraps from December to January', () => {
    const p = new IterationLogParser(2025);
    const dec = p.parse(V1);
    const jan = p.parse(V1.replace('12-22 21:44:40', '01-01 00:00:05'));
    expect(dec.kind === 'record' && jan.kind === 'record' && jan.record.timestamp! - dec.record.timestamp!).toBe(9 * 86400 + 2 * 3600 + 15 * 60 + 25);
  });
});
