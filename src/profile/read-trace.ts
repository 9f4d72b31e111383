/**
 * Streams a Kineto / Chrome trace (`.json`, gzipped or not) and hands each element of `traceEvents`
 * to a callback, without ever holding the document: memory stays at one chunk plus one event.
 *
 * Why a splitter of our own rather than a streaming JSON library (@streamparser/json, stream-json,
 * clarinet): those tokenize every value in JavaScript, several times slower than the engine's native
 * JSON.parse. A trace is one big array of small objects, so this reader only tracks strings and
 * bracket depth to find where each event starts and ends, and gives that slice to JSON.parse. The
 * other top-level keys (deviceProperties, distributedInfo, ...) are small and parsed the same way.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

export type TraceEvent = Record<string, unknown> & {
  ph?: string; cat?: string; name?: string; pid?: number | string; tid?: number | string; ts?: number; dur?: number;
  args?: Record<string, unknown>;
};

export interface TraceReadResult {
  /** Top-level keys other than traceEvents, parsed. */
  meta: Record<string, unknown>;
  /** Bytes of JSON read (after decompression). */
  bytes: number;
  events: number;
}

const QUOTE = 0x22, BACKSLASH = 0x5c, LBRACE = 0x7b, RBRACE = 0x7d, LBRACKET = 0x5b, RBRACKET = 0x5d, COMMA = 0x2c, COLON = 0x3a;
const indexOrEnd = (buf: Buffer, byte: number, from: number): number => {
  const at = buf.indexOf(byte, from);
  return at < 0 ? buf.length : at;
};
const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** What the bytes being collected are: an object key, a top-level value, or one trace event. */
const enum Capture { None, Key, Meta, Event }
/** Where we are between the top-level object's members. */
const enum Phase { Key, Colon, Value, InValue }

export class TraceSplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private form: 'unknown' | 'object' | 'array' = 'unknown';
  /** Depth at which event objects open: 1 for a bare array, 2 inside {"traceEvents": [...]}; -1 elsewhere. */
  private eventsDepth = -1;
  private phase = Phase.Key;
  private key = '';
  private capture = Capture.None;
  private capStart = -1;
  private parts: Buffer[] = [];
  readonly meta: Record<string, unknown> = {};
  bytes = 0;
  events = 0;

  constructor(private readonly onEvent: (e: TraceEvent) => void) {}

  write(buf: Buffer): void {
    this.bytes += buf.length;
    const n = buf.length;
    // Strings (kernel names, Python frames) are most of a trace: inside one, jump to the next quote
    // or backslash with indexOf (native) instead of looking at every byte. Positions are cached so
    // each search runs once per chunk position, not once per string.
    let nextQuote = -1, nextBackslash = -1;
    for (let i = 0; i < n; i++) {
      if (this.inString && !this.escaped) {
        if (nextQuote < i) nextQuote = indexOrEnd(buf, QUOTE, i);
        if (nextBackslash < i) nextBackslash = indexOrEnd(buf, BACKSLASH, i);
        i = Math.min(nextQuote, nextBackslash);
        if (i >= n) break;
      }
      const c = buf[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.capture === Capture.Key) {
            this.key = JSON.parse(this.take(buf, i + 1)) as string;
            this.phase = Phase.Colon;
          }
        }
        continue;
      }
      if (isSpace(c)) continue;
      const topMember = this.form === 'object' && this.depth === 1;
      if (topMember && this.phase === Phase.Value) {
        // A top-level value starts here: the events array is walked, anything else collected.
        this.phase = Phase.InValue;
        if (this.key === 'traceEvents' && c === LBRACKET) {
          this.eventsDepth = 2;
          this.depth++;
          continue;
        }
        this.begin(Capture.Meta, i);
      }
      switch (c) {
        case QUOTE:
          this.inString = true;
          if (topMember && this.phase === Phase.Key) this.begin(Capture.Key, i);
          break;
        case LBRACE:
        case LBRACKET:
          if (this.depth === 0) {
            this.form = c === LBRACE ? 'object' : 'array';
            if (c === LBRACKET) this.eventsDepth = 1;
          } else if (this.depth === this.eventsDepth && c === LBRACE) this.begin(Capture.Event, i);
          this.depth++;
          break;
        case RBRACE:
        case RBRACKET:
          this.depth--;
          if (this.capture === Capture.Event && this.depth === this.eventsDepth) {
            this.events++;
            this.onEvent(JSON.parse(this.take(buf, i + 1)) as TraceEvent);
          } else if (this.depth === this.eventsDepth - 1) this.eventsDepth = -1;
          else if (this.depth === 0 && this.capture === Capture.Meta) this.endMeta(buf, i);
          break;
        case COMMA:
          if (topMember) {
            if (this.capture === Capture.Meta) this.endMeta(buf, i);
            this.phase = Phase.Key;
          }
          break;
        case COLON:
          if (topMember && this.phase === Phase.Colon) this.phase = Phase.Value;
          break;
      }
    }
    // Keep the unfinished piece: the chunk is ours (a fresh buffer per read), so a view is enough.
    if (this.capture !== Capture.None) {
      this.parts.push(buf.subarray(this.capStart));
      this.capStart = 0;
    }
  }

  /** Called once the input has ended; a truncated file is an error, not a silently short summary. */
  end(): void {
    if (this.form === 'unknown') throw new Error('no JSON object or array found');
    if (this.depth !== 0 || this.inString) throw new Error(`the JSON ends early (truncated file?) after ${this.events} events`);
  }

  private begin(kind: Capture, i: number): void {
    this.capture = kind;
    this.capStart = i;
    this.parts = [];
  }

  /** The captured text up to (not including) index `end` of this chunk; ends the capture. */
  private take(buf: Buffer, end: number): string {
    const text = this.parts.length === 0
      ? buf.toString('utf8', this.capStart, end)
      : Buffer.concat([...this.parts, buf.subarray(this.capStart, end)]).toString('utf8');
    this.capture = Capture.None;
    this.parts = [];
    return text;
  }

  private endMeta(buf: Buffer, end: number): void {
    this.meta[this.key] = JSON.parse(this.take(buf, end));
  }
}

/** A readable of the file's JSON text: gunzipped when it starts with the gzip magic bytes. */
async function openJson(path: string): Promise<Readable> {
  const head = await new Promise<Buffer>((resolve, reject) => {
    const s = createReadStream(path, { start: 0, end: 1 });
    const chunks: Buffer[] = [];
    s.on('data', (c) => chunks.push(c as Buffer)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (head.length === 2 && head[0] === 0x1f && head[1] === 0x8b) return raw.pipe(createGunzip({ chunkSize: 1 << 20 }));
  return raw;
}

export async function readTrace(path: string, onEvent: (e: TraceEvent) => void): Promise<TraceReadResult> {
  const splitter = new TraceSplitter(onEvent);
  const input = await openJson(path);
  for await (const chunk of input) splitter.write(chunk as Buffer);
  splitter.end();
  return { meta: splitter.meta, bytes: splitter.bytes, events: splitter.events };
}
