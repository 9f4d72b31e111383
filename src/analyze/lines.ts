/**
 * Reads a file in large chunks and hands each line to a callback as a byte range of the chunk, so
 * a line costs no string unless the callback makes one. Lines end at "\n" ("\r\n" counts as one
 * end, as readline's crlfDelay: Infinity does); a last line without "\n" still counts. Memory is
 * one chunk plus the longest line, whatever the file's size.
 */
import { open } from 'node:fs/promises';

/** May return a promise (a sink waiting for its output to drain); reading waits for it. */
export type LineCallback = (buf: Buffer, start: number, end: number) => void | Promise<void>;

const CHUNK = 4 << 20;
const LF = 10;
const CR = 13;

export async function forEachLine(path: string, onLine: LineCallback): Promise<void> {
  const fh = await open(path, 'r');
  try {
    let buf = Buffer.allocUnsafe(CHUNK);
    // Bytes of an unfinished line carried at the start of buf.
    let carry = 0;
    for (;;) {
      if (carry === buf.length) {
        // A line longer than the buffer: grow it rather than split the line.
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, carry);
        buf = bigger;
      }
      const { bytesRead } = await fh.read(buf, carry, buf.length - carry, null);
      const filled = carry + bytesRead;
      if (bytesRead === 0) {
        if (filled > 0) await emit(onLine, buf, 0, filled);
        return;
      }
      let start = 0;
      for (let nl = buf.indexOf(LF, carry); nl !== -1 && nl < filled; nl = buf.indexOf(LF, start)) {
        const wait = emit(onLine, buf, start, nl);
        if (wait) await wait;
        start = nl + 1;
      }
      carry = filled - start;
      if (carry > 0 && start > 0) buf.copyWithin(0, start, filled);
    }
  } finally {
    await fh.close();
  }
}

function emit(onLine: LineCallback, buf: Buffer, start: number, end: number): void | Promise<void> {
  return onLine(buf, start, end > start && buf[end - 1] === CR ? end - 1 : end);
}
