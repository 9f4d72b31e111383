/**
 * Records in columns of typed arrays: what the analyzer reads, and what a parsing worker posts back
 * (transferred, not copied, and with no object per record to rebuild). What a record yields that
 * does not depend on the records before it (step time, tokens, decode runs) is worked out here, so
 * in a worker; sums run in list order, as a loop over the list would add them.
 */
import { NUMBER_FIELDS, type SchedulerRecord } from './record.js';

/** Column indexes of `num`: NUMBER_FIELDS in order, then the derived values. */
export const STEP = NUMBER_FIELDS.length;
export const TOKENS = STEP + 1;
export const PREFILL_TOKENS = STEP + 2;
export const COLUMNS = STEP + 3;

const column = (name: (typeof NUMBER_FIELDS)[number]): number => NUMBER_FIELDS.indexOf(name);
const SCHEDULE = column('schedule_duration_ms');
const MODEL_RUN = column('model_run_duration_ms');
const TOTAL_STEP = column('total_step_duration_ms');
const SCHEDULED_TOKENS = column('total_scheduled_tokens');
const PREFILL_TOKEN_COUNT = column('num_prefill_tokens');
const DECODE_TOKEN_COUNT = column('num_decode_tokens');
const scratch = new Float64Array(STEP);

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
  private line: Float64Array = new Float64Array(1024);
  private num: Float64Array = new Float64Array(1024 * COLUMNS);
  private dummy: Uint8Array = new Uint8Array(1024);
  private prefillEnd: Int32Array = new Int32Array(1024);
  private decodeEnd: Int32Array = new Int32Array(1024);
  private prefill: Float64Array = new Float64Array(1024);
  private prefillUsed = 0;
  private runValue: Float64Array = new Float64Array(1024);
  private runLength: Float64Array = new Float64Array(1024);
  private runsUsed = 0;

  get length(): number {
    return this.size;
  }

  /** A record as an object (a log line's, or one JSON.parse read). */
  add(line: number, r: SchedulerRecord): void {
    let present = 0;
    for (let k = 0; k < STEP; k++) {
      const v = r[NUMBER_FIELDS[k]!];
      if (v !== undefined) {
        scratch[k] = v;
        present |= 1 << k;
      }
    }
    const p = r.prefill_chunk_sizes ?? [];
    const d = r.decode_chunk_sizes ?? [];
    this.addScanned(line, scratch, present, r.dummy === true, Float64Array.from(p), r.prefill_chunk_sizes ? p.length : -1, Float64Array.from(d), r.decode_chunk_sizes ? d.length : -1);
  }

  /**
   * A record as scan-record holds it: vals[k] for NUMBER_FIELDS[k] where bit k of `present` is set,
   * the lists as their first prefillCount / decodeCount values (-1: no list).
   */
  addScanned(line: number, vals: Float64Array, present: number, dummy: boolean, prefill: Float64Array, prefillCount: number, decode: Float64Array, decodeCount: number): void {
    if (this.size === this.line.length) this.growRecords();
    const i = this.size++;
    this.line[i] = line;
    const num = this.num;
    const o = i * COLUMNS;
    for (let k = 0; k < STEP; k++) num[o + k] = present & (1 << k) ? vals[k]! : NaN;
    this.dummy[i] = dummy ? 1 : 0;
    let prefillSum = 0;
    for (let k = 0; k < prefillCount; k++) {
      const x = prefill[k]!;
      prefillSum += x;
      this.pushPrefill(x);
    }
    this.prefillEnd[i] = this.prefillUsed;
    let decodeSum = 0;
    for (let a = 0; a < decodeCount;) {
      const x = decode[a]!;
      let b = a + 1;
      // Object.is-equal only: a -0 after a 0 starts its own run, as add() would see it.
      while (b < decodeCount && decode[b] === x && (x !== 0 || Object.is(decode[b], x))) b += 1;
      // The sum as a loop over the list adds it: one value at a time, in order.
      for (let k = a; k < b; k++) decodeSum += x;
      this.pushRun(x, b - a);
      a = b;
    }
    this.decodeEnd[i] = this.runsUsed;

    // Step time: the measured total, else schedule + model run when both are there (NaN otherwise).
    const total = num[o + TOTAL_STEP]!;
    num[o + STEP] = total === total ? total : num[o + SCHEDULE]! + num[o + MODEL_RUN]!;
    // Tokens: the stated total, else prefill + decode tokens, else the chunk sums.
    const stated = num[o + SCHEDULED_TOKENS]!;
    const prefillTokens = num[o + PREFILL_TOKEN_COUNT]!;
    const decodeTokens = num[o + DECODE_TOKEN_COUNT]!;
    num[o + TOKENS] = stated === stated ? stated
      : prefillTokens === prefillTokens || decodeTokens === decodeTokens ? (prefillTokens === prefillTokens ? prefillTokens : 0) + (decodeTokens === decodeTokens ? decodeTokens : 0)
      : prefillCount >= 0 || decodeCount >= 0 ? prefillSum + decodeSum
      : NaN;
    // Prefill tokens: the stated count, else the prefill chunks' sum.
    num[o + PREFILL_TOKENS] = prefillTokens === prefillTokens ? prefillTokens : prefillCount >= 0 ? prefillSum : NaN;
  }

  /**
   * The records added so far, in the builder's own arrays (so they can be transferred); starts afresh
   * in `reuse`'s arrays (a batch already read) where given, else in new ones.
   */
  take(reuse?: RecordBatch): RecordBatch {
    const batch: RecordBatch = {
      size: this.size, line: this.line, num: this.num, dummy: this.dummy, prefillEnd: this.prefillEnd, prefill: this.prefill,
      decodeEnd: this.decodeEnd, runValue: this.runValue, runLength: this.runLength,
    };
    // Else new arrays of the sizes the last batch needed: allocating is cheaper than copying out.
    const records = this.line.length;
    this.line = reuse?.line ?? new Float64Array(records);
    this.num = reuse?.num ?? new Float64Array(records * COLUMNS);
    this.dummy = reuse?.dummy ?? new Uint8Array(records);
    this.prefillEnd = reuse?.prefillEnd ?? new Int32Array(records);
    this.decodeEnd = reuse?.decodeEnd ?? new Int32Array(records);
    this.prefill = reuse?.prefill ?? new Float64Array(this.prefill.length);
    this.runValue = reuse?.runValue ?? new Float64Array(this.runValue.length);
    this.runLength = reuse?.runLength ?? new Float64Array(this.runLength.length);
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
