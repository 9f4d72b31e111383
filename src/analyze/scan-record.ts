/**
 * The fast path for one JSONL line: reads a flat JSON object straight from the bytes and builds the
 * record toRecord would, without JSON.parse's full object (every key a string, every array kept).
 * It takes only the plain case (ASCII keys without escapes, the known fields with numbers, number
 * lists, booleans or null, other fields with numbers, literals or escape-free strings); anything
 * else, or anything toRecord would reject, returns undefined, and the caller parses the line the
 * slow way, which then gives the same record or states the reason.
 */
import { decimalQuotient, POW10 } from './decimal.js';
import type { RecordBatchBuilder } from './record-batch.js';
import { ARRAY_FIELDS, NUMBER_FIELDS, type SchedulerRecord } from './record.js';

const QUOTE = 0x22;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const LBRACKET = 0x5b;
const BACKSLASH = 0x5c;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;

// Field indexes: the number fields, then the two lists, then dummy; -1 is a field we drop.
const N = NUMBER_FIELDS.length;
const PREFILL = N;
const DECODE = N + 1;
const DUMMY = N + 2;
const KEYS: readonly string[] = [...NUMBER_FIELDS, ...ARRAY_FIELDS, 'dummy'];
const KEY_BYTES = KEYS.map((k) => Buffer.from(k, 'latin1'));
const TIME_BITS = [2, 3, 4].map((i) => {
  if (!NUMBER_FIELDS[i]!.endsWith('_duration_ms')) throw new Error('NUMBER_FIELDS order changed');
  return i;
});

// Open-addressed table from a key's hash to its field index.
const SLOTS = 64;
const table = new Int8Array(SLOTS).fill(-1);
for (let f = 0; f < KEYS.length; f++) {
  let s = hashOf(KEY_BYTES[f]!, 0, KEY_BYTES[f]!.length) & (SLOTS - 1);
  while (table[s] !== -1) s = (s + 1) & (SLOTS - 1);
  table[s] = f;
}

function hashOf(b: Uint8Array, start: number, end: number): number {
  let h = 0;
  for (let i = start; i < end; i++) h = (Math.imul(h, 31) + b[i]!) | 0;
  return h >>> 0;
}

// A writer puts the keys in the same order on every line: remember which field followed which
// (or came first, or followed an unknown key) and try that key first, before hashing.
const AT_START = KEYS.length;
const AFTER_UNKNOWN = KEYS.length + 1;
const successor = new Int8Array(KEYS.length + 2).fill(-1);

// The record being read; module state so a line allocates only what it returns.
const vals = new Float64Array(N);
let present = 0;
// The lists as their lengths in scratch arrays (-1: none), so a line allocates no list of its own.
let prefill: Float64Array = new Float64Array(64);
let prefillCount = -1;
let decode: Float64Array = new Float64Array(256);
let decodeCount = -1;
let dummy: boolean | undefined;
/** The value of the number scanNumber last read. */
let num = 0;

export function scanRecord(b: Buffer, start: number, end: number): SchedulerRecord | undefined {
  return scan(b, start, end) ? build() : undefined;
}

/** scanRecord, but the record goes straight into `into`'s columns; false where scanRecord would give undefined. */
export function scanRecordInto(b: Buffer, start: number, end: number, into: RecordBatchBuilder, line: number): boolean {
  if (!scan(b, start, end)) return false;
  into.addScanned(line, vals, present, dummy === true, prefill, prefillCount, decode, decodeCount);
  return true;
}

function scan(b: Buffer, start: number, end: number): boolean {
  present = 0;
  prefillCount = decodeCount = -1;
  dummy = undefined;
  let prev = AT_START;
  let i = skipWs(b, start, end);
  if (i >= end || b[i] !== LBRACE) return false;
  i = skipWs(b, i + 1, end);
  if (i < end && b[i] === RBRACE) i += 1;
  else {
    for (;;) {
      if (i >= end || b[i] !== QUOTE) return false;
      const keyStart = i + 1;
      let field = successor[prev]!;
      let j = field >= 0 ? matchKey(b, keyStart, end, field) : -1;
      if (j < 0) {
        let h = 0;
        for (j = keyStart; j < end; j++) {
          const c = b[j]!;
          if (c === QUOTE) break;
          if (c === BACKSLASH || c < 0x20 || c >= 0x80) return false;
          h = (Math.imul(h, 31) + c) | 0;
        }
        if (j >= end) return false;
        field = lookup(b, keyStart, j, h >>> 0);
        successor[prev] = field;
      }
      prev = field >= 0 ? field : AFTER_UNKNOWN;
      i = skipWs(b, j + 1, end);
      if (i >= end || b[i] !== COLON) return false;
      i = skipWs(b, i + 1, end);
      i = scanValue(b, i, end, field);
      if (i < 0) return false;
      i = skipWs(b, i, end);
      if (i >= end) return false;
      if (b[i] === COMMA) {
        i = skipWs(b, i + 1, end);
        continue;
      }
      if (b[i] !== RBRACE) return false;
      i += 1;
      break;
    }
  }
  if (skipWs(b, i, end) !== end) return false;
  // toRecord's checks: leave a rejected line to it, so the reason reads the same.
  let times = 0;
  for (const t of TIME_BITS) {
    if (!(present & (1 << t))) continue;
    if (vals[t]! < 0) return false;
    times += 1;
  }
  if (times === 0) return false;
  return true;
}

/** The index of the key's closing quote when the key at `start` is field f, else -1. */
function matchKey(b: Buffer, start: number, end: number, f: number): number {
  const k = KEY_BYTES[f]!;
  const close = start + k.length;
  if (close >= end || b[close] !== QUOTE) return -1;
  for (let i = 0; i < k.length; i++) if (b[start + i] !== k[i]) return -1;
  return close;
}

function lookup(b: Uint8Array, start: number, end: number, h: number): number {
  const len = end - start;
  for (let s = h & (SLOTS - 1); ; s = (s + 1) & (SLOTS - 1)) {
    const f = table[s]!;
    if (f === -1) return -1;
    const k = KEY_BYTES[f]!;
    if (k.length !== len) continue;
    let same = true;
    for (let i = 0; i < len; i++) {
      if (k[i] !== b[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return f;
  }
}

/** Reads one value for `field`; returns the index after it, or -1 to leave the line to JSON.parse. */
function scanValue(b: Buffer, i: number, end: number, field: number): number {
  if (i >= end) return -1;
  const c = b[i]!;
  if (c === MINUS || (c >= ZERO && c <= NINE)) {
    const next = scanNumber(b, i, end);
    if (next < 0) return -1;
    if (field === -1) return next;
    if (field >= N || !Number.isFinite(num)) return -1;
    vals[field] = num;
    present |= 1 << field;
    return next;
  }
  if (c === 0x6e /* n */) {
    if (!literal(b, i, end, 'null')) return -1;
    if (field >= 0 && field < N) present &= ~(1 << field);
    else if (field === PREFILL) prefillCount = -1;
    else if (field === DECODE) decodeCount = -1;
    else if (field === DUMMY) dummy = undefined;
    return i + 4;
  }
  if (c === 0x74 /* t */ || c === 0x66 /* f */) {
    const word = c === 0x74 ? 'true' : 'false';
    if (!literal(b, i, end, word)) return -1;
    if (field === DUMMY) dummy = c === 0x74;
    else if (field !== -1) return -1;
    return i + word.length;
  }
  if (c === LBRACKET) {
    if (field !== PREFILL && field !== DECODE) return -1;
    let list = field === PREFILL ? prefill : decode;
    let n = 0;
    let j = skipWs(b, i + 1, end);
    if (j < end && b[j] === RBRACKET) j += 1;
    else {
      for (;;) {
        // Runs of one-digit sizes ("1,1,1," for decode chunks) in a tight loop first.
        let c = b[j]!;
        while (c >= ZERO && c <= NINE && j + 2 < end && b[j + 1] === COMMA) {
          if (n === list.length) list = grownList(field, list);
          list[n++] = c - ZERO;
          j += 2;
          c = b[j]!;
        }
        j = skipWs(b, j, end);
        c = b[j]!;
        // Chunk sizes are small integers: read those here, anything else through scanNumber.
        let k = j + 1;
        let v = -1;
        if (c >= ZERO && c <= NINE) {
          v = c - ZERO;
          // No digit may follow a leading 0; the delimiter check below sends "01" to scanNumber.
          while (v > 0 && k < end && (c = b[k]!) >= ZERO && c <= NINE && v < MANTISSA_LIMIT) {
            v = v * 10 + (c - ZERO);
            k += 1;
          }
        }
        if (n === list.length) list = grownList(field, list);
        if (v >= 0 && k < end && (b[k] === COMMA || b[k] === RBRACKET)) {
          j = k;
          list[n++] = v;
        } else {
          j = scanNumber(b, j, end);
          if (j < 0 || !Number.isFinite(num)) return -1;
          list[n++] = num;
        }
        j = skipWs(b, j, end);
        if (j >= end) return -1;
        if (b[j] === COMMA) {
          j = skipWs(b, j + 1, end);
          continue;
        }
        if (b[j] !== RBRACKET) return -1;
        j += 1;
        break;
      }
    }
    if (field === PREFILL) prefillCount = n;
    else decodeCount = n;
    return j;
  }
  if (c === QUOTE && field === -1) {
    for (let j = i + 1; j < end; j++) {
      const s = b[j]!;
      if (s === QUOTE) return j + 1;
      if (s === BACKSLASH || s < 0x20 || s >= 0x80) return -1;
    }
  }
  return -1;
}

/** The field's scratch list, twice the size, its values kept. */
function grownList(field: number, list: Float64Array): Float64Array {
  const bigger = new Float64Array(list.length * 2);
  bigger.set(list);
  if (field === PREFILL) prefill = bigger;
  else decode = bigger;
  return bigger;
}

function literal(b: Uint8Array, i: number, end: number, word: string): boolean {
  if (i + word.length > end) return false;
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word.charCodeAt(k)) return false;
  return true;
}

// Up to this, another digit keeps the mantissa an exact integer (below 2^53), and m / 10^k with
// 10^k exact (k ≤ 22) is one correctly rounded division, as JSON.parse rounds.
const MANTISSA_LIMIT = 900719925474098;

/** A JSON number (strict grammar) into `num`; returns the index after it or -1. */
function scanNumber(b: Buffer, start: number, end: number): number {
  let i = start;
  const negative = b[i] === MINUS;
  if (negative) i += 1;
  if (i >= end) return -1;
  // m holds the digits while exact; up to 3 more go to `extra` (decimalQuotient takes 19 digits).
  let m = 0;
  let extra = 0;
  let extraDigits = 0;
  let simple = true;
  let c = b[i]!;
  if (c === ZERO) i += 1;
  else if (c > ZERO && c <= NINE) {
    for (; i < end && (c = b[i]!) >= ZERO && c <= NINE; i++) {
      if (m <= MANTISSA_LIMIT && extraDigits === 0) m = m * 10 + (c - ZERO);
      else if (extraDigits < 3) {
        extra = extra * 10 + (c - ZERO);
        extraDigits += 1;
      } else simple = false;
    }
  } else return -1;
  let scale = 0;
  if (i < end && b[i] === DOT) {
    i += 1;
    const fracStart = i;
    for (; i < end && (c = b[i]!) >= ZERO && c <= NINE; i++) {
      if (m <= MANTISSA_LIMIT && extraDigits === 0) m = m * 10 + (c - ZERO);
      else if (extraDigits < 3) {
        extra = extra * 10 + (c - ZERO);
        extraDigits += 1;
      } else simple = false;
    }
    if (i === fracStart) return -1;
    scale = i - fracStart;
  }
  if (i < end && (b[i] === 0x65 || b[i] === 0x45)) {
    i += 1;
    if (i < end && (b[i] === 0x2b || b[i] === MINUS)) i += 1;
    const expStart = i;
    while (i < end && (c = b[i]!) >= ZERO && c <= NINE) i += 1;
    if (i === expStart) return -1;
    simple = false;
  }
  let v = NaN;
  if (simple && scale < POW10.length) {
    if (extraDigits === 0) v = scale ? m / POW10[scale]! : m;
    else v = decimalQuotient(m, extraDigits, extra, scale);
  }
  if (v === v) num = negative ? -v : v;
  else num = Number(latin1(b, start, i));
  return i;
}

// Buffer#latin1Slice skips toString's encoding dispatch; it is not in the typings, hence the check.
const fastSlice = (Buffer.prototype as unknown as { latin1Slice?: (s: number, e: number) => string }).latin1Slice;
const latin1: (b: Buffer, s: number, e: number) => string = fastSlice
  ? (b, s, e) => fastSlice.call(b, s, e)
  : (b, s, e) => b.toString('latin1', s, e);

function skipWs(b: Uint8Array, i: number, end: number): number {
  for (; i < end; i++) {
    const c = b[i]!;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return i;
  }
  return i;
}

// Every field in toRecord's order, absent ones undefined: one object shape for every line, and
// JSON.stringify (convert) leaves the undefined ones out as toRecord's record would not have them.
function build(): SchedulerRecord {
  const g = (k: number): number | undefined => (present & (1 << k) ? vals[k] : undefined);
  return {
    batch_id: g(0), timestamp: g(1), schedule_duration_ms: g(2), model_run_duration_ms: g(3), total_step_duration_ms: g(4),
    num_prefill_reqs: g(5), num_decode_reqs: g(6), total_scheduled_tokens: g(7), avg_prefill_chunk_size: g(8),
    max_prefill_chunk_size: g(9), min_prefill_chunk_size: g(10), avg_decode_chunk_size: g(11), num_waiting_reqs: g(12),
    num_running_reqs: g(13), kv_cache_usage: g(14), num_prefill_tokens: g(15), num_decode_tokens: g(16), dp_rank: g(17),
    num_encoder_inputs: g(18), num_encoder_output_embeddings: g(19), prefill_chunk_sizes: listOf(prefill, prefillCount),
    decode_chunk_sizes: listOf(decode, decodeCount), dummy,
  };
}

function listOf(list: Float64Array, count: number): number[] | undefined {
  if (count < 0) return undefined;
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) out[i] = list[i]!;
  return out;
}

// build() names the fields by hand: fail at load, not with wrong numbers, if the lists move.
if (Object.keys(build()).join() !== KEYS.join()) throw new Error('scan-record: build() is out of step with record.ts field lists');
