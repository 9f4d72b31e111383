/**
 * Reads a file in large chunks and hands each line to a callback as a byte range of the chunk, so
 * a line costs no string unless the callback makes one. Lines end where readline (crlfDelay:
 * Infinity) ends them, so line numbers stay the same: at "\n", "\r\n" or a lone "\r"; a last line
 * without an end still counts. Memory is one chunk plus the longest line, whatever the file's size.
 */
import { open } from 'node:fs/promises';

/** May return a promise (a sink waiting for its output to drain); reading waits for it. */
export type LineCallback = (buf: Buffer, start: number, end: number) => void | Promise<void>;

export const CHUNK = 4 << 20;
const LF = 10;
const CR = 13;

/** Bytes [0, end) of buf: whole lines, the last one at the end of the file perhaps without its end. */
export interface LineChunk {
  buf: Buffer;
  end: number;
}

/**
 * The file as chunks cut after a "\n" (always the end of a line, "\r\n" included), each in a buffer
 * of its own that the caller keeps (it may post it to a worker); buffers pushed onto `spare` are
 * read into again.
 */
export async function* lineChunks(path: string, spare: Buffer[] = [], size = CHUNK): AsyncGenerator<LineChunk> {
  const fh = await open(path, 'r');
  try {
    let buf = spare.pop() ?? Buffer.allocUnsafeSlow(size);
    // Bytes of an unfinished line carried at the start of buf.
    let carry = 0;
    for (;;) {
      if (carry === buf.length) {
        // A line longer than the buffer: grow it rather than split the line.
        const bigger = Buffer.allocUnsafeSlow(buf.length * 2);
        buf.copy(bigger, 0, 0, carry);
        buf = bigger;
      }
      const { bytesRead } = await fh.read(buf, carry, buf.length - carry, null);
      const filled = carry + bytesRead;
      if (bytesRead === 0) {
        if (filled > 0) yield { buf, end: filled };
        return;
      }
      const end = buf.lastIndexOf(LF, filled - 1) + 1;
      if (end === 0) {
        carry = filled;
        continue;
      }
      // The rest goes to the next buffer now: the caller owns this one once it is yielded.
      const next = takeSpare(spare, filled - end, size);
      carry = buf.copy(next, 0, end, filled);
      yield { buf, end };
      buf = next;
    }
  } finally {
    await fh.close();
  }
}

function takeSpare(spare: Buffer[], atLeast: number, size: number): Buffer {
  while (spare.length) {
    const b = spare.pop()!;
    if (b.length > atLeast) return b;
  }
  return Buffer.allocUnsafeSlow(Math.max(size, atLeast * 2));
}

/**
 * Calls onLine(start, end) for each line of buf[start, end): those ended by "\n", then whatever
 * follows the last "\n" (only the file's last chunk has anything there).
 */
export function splitLines(buf: Buffer, start: number, end: number, onLine: (start: number, end: number) => void): void {
  // Most files have no "\r" but before "\n": look for one once per chunk, not per line.
  let cr = indexIn(buf, CR, start, end);
  let s = start;
  for (let nl = indexIn(buf, LF, s, end); nl !== -1; nl = indexIn(buf, LF, s, end)) {
    if (cr !== -1 && cr < nl) {
      if (cr === nl - 1) onLine(s, cr); // "\r\n"
      else splitAtCr(buf, s, nl, onLine);
      cr = indexIn(buf, CR, nl + 1, end);
    } else onLine(s, nl);
    s = nl + 1;
  }
  if (s < end) splitAtCr(buf, s, end, onLine);
}

function indexIn(buf: Buffer, byte: number, from: number, end: number): number {
  const i = buf.indexOf(byte, from);
  return i < end ? i : -1;
}

/** A line that may hold "\r": each "\r" ends one too, and one at the very end is its "\r\n" or EOF. */
function splitAtCr(buf: Buffer, start: number, end: number, onLine: (start: number, end: number) => void): void {
  let s = start;
  for (let cr = indexIn(buf, CR, s, end); cr !== -1; cr = indexIn(buf, CR, s, end)) {
    onLine(s, cr);
    s = cr + 1;
  }
  if (s < end || s === start) onLine(s, end);
}

export async function forEachLine(path: string, onLine: LineCallback): Promise<void> {
  const spare: Buffer[] = [];
  // A chunk's line ends are collected first, so a callback's promise can be waited for.
  const ranges: number[] = [];
  for await (const { buf, end } of lineChunks(path, spare)) {
    ranges.length = 0;
    splitLines(buf, 0, end, (s, e) => {
      ranges.push(s, e);
    });
    for (let i = 0; i < ranges.length; i += 2) {
      const wait = onLine(buf, ranges[i]!, ranges[i + 1]!);
      if (wait) await wait;
    }
    spare.push(buf);
  }
}
