/**
 * Records in columns of typed arrays: what the analyzer reads, and what a parsing worker posts back
 * (transferred, not copied, and with no object per record to rebuild). What a record yields that
 * does not depend on the records before it (step time, tokens, decode runs) is worked out here, so
 * in a worker.
 */
import { NUMBER_FIELDS, scheduledTokens, type SchedulerRecord, stepTime } from './record.js';

/** Column indexes of `num`: NUMBER_FIELDS in order, then the derived values. */
export const STEP = NUMBER_FIELDS.length;
export const TOKENS = STEP + 1;
export const PREFILL_TOKENS = STEP + 2;
export const COLUMNS = STEP + 3;

export interface RecordBatch {
  size: number;
  line: Float64Array;
  /** size × COLUMNS, row by row; NaN where the record has no value (a record's values are finite). */
  num: Float64Array;
  /** 1 for a dummy step. */
  dummy: Uint8Array;
  /** Record i's prefill chunk sizes are prefill[prefillEnd[i-1] .. prefillEnd[i]). */
  prefillEnd: Int32Array;
  prefill: Float64Array;
  /** Record i's decode chunk sizes as runs of one value: runValue/runLength[decodeEnd[i-1] .. decodeEnd[i]). */
  decodeEnd: Int32Array;
  runValue: Float64Array;
  runLength: Float64Array;
}

export class RecordBatchBuilder {
  private size = 0;
  private line = new Float64Array(1024);
  private num = new Float64Array(1024 * COLUMNS);
  private dummy = new Uint8Array(1024);
  private prefillEnd = new Int32Array(1024);
  private decodeEnd = new Int32Array(1024);
  private prefill = new Float64Array(1024);
  private prefillUsed = 0;
  private runValue = new Float64Array(1024);
  private runLength = new Float64Array(1024);
  private runsUsed = 0;

  get length(): number {
    return this.size;
  }

  add(line: number, r: SchedulerRecord): void {
    if (this.size === this.line.length) this.growRecords();
    const i = this.size++;
    this.line[i] = line;
    const num = this.num;
    const o = i * COLUMNS;
    for (let k = 0; k < STEP; k++) num[o + k] = r[NUMBER_FIELDS[k]!] ?? NaN;
    num[o + STEP] = stepTime(r) ?? NaN;
    num[o + TOKENS] = scheduledTokens(r) ?? NaN;
    const p = r.prefill_chunk_sizes;
    num[o + PREFILL_TOKENS] = r.num_prefill_tokens ?? (p ? p.reduce((a, b) => a + b, 0) : NaN);
    this.dummy[i] = r.dummy ? 1 : 0;
    if (p) for (const x of p) this.pushPrefill(x);
    this.prefillEnd[i] = this.prefillUsed;
    const d = r.decode_chunk_sizes;
    if (d) {
      for (let a = 0; a < d.length;) {
        const x = d[a]!;
        let b = a + 1;
        // Object.is-equal only: a -0 after a 0 starts its own run, as add() would see it.
        while (b < d.length && d[b] === x && (x !== 0 || Object.is(d[b], x))) b += 1;
        this.pushRun(x, b - a);
        a = b;
      }
    }
    this.decodeEnd[i] = this.runsUsed;
  }

  /** The records added so far, in arrays of their own (so they can be transferred); starts afresh. */
  take(): RecordBatch {
    const n = this.size;
    const batch: RecordBatch = {
      size: n,
      line: this.line.slice(0, n),
      num: this.num.slice(0, n * COLUMNS),
      dummy: this.dummy.slice(0, n),
      prefillEnd: this.prefillEnd.slice(0, n),
      prefill: this.prefill.slice(0, this.prefillUsed),
      decodeEnd: this.decodeEnd.slice(0, n),
      runValue: this.runValue.slice(0, this.runsUsed),
      runLength: this.runLength.slice(0, this.runsUsed),
    };
    this.size = this.prefillUsed = this.runsUsed = 0;
    return batch;
  }

  private growRecords(): void {
    const n = this.line.length * 2;
    this.line = grown(this.line, n);
    this.num = grown(this.num, n * COLUMNS);
    this.dummy = grown(this.dummy, n);
    this.prefillEnd = grown(this.prefillEnd, n);
    this.decodeEnd = grown(this.decodeEnd, n);
  }

  private pushPrefill(x: number): void {
    if (this.prefillUsed === this.prefill.length) this.prefill = grown(this.prefill, this.prefill.length * 2);
    this.prefill[this.prefillUsed++] = x;
  }

  private pushRun(x: number, times: number): void {
    if (this.runsUsed === this.runValue.length) {
      this.runValue = grown(this.runValue, this.runValue.length * 2);
      this.runLength = grown(this.runLength, this.runLength.length * 2);
    }
    this.runValue[this.runsUsed] = x;
    this.runLength[this.runsUsed++] = times;
  }
}

function grown<T extends Float64Array | Int32Array | Uint8Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}

/** The batch's arrays, for postMessage's transfer list. */
export function batchBuffers(b: RecordBatch): ArrayBuffer[] {
  return [b.line, b.num, b.dummy, b.prefillEnd, b.prefill, b.decodeEnd, b.runValue, b.runLength].map((a) => a.buffer as ArrayBuffer);
}
