/**
 * Reads a file in large chunks and hands each line to a callback as a byte range of the chunk, so
 * a line costs no string unless the callback makes one. Lines end where readline (crlfDelay:
 * Infinity) ends them, so line numbers stay the same: at "\n", "\r\n" or a lone "\r"; a last line
 * without an end still counts. Memory is one chunk plus the longest line, whatever the file's size.
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
        if (filled > 0) await emitSplit(onLine, buf, 0, filled);
        return;
      }
      let start = 0;
      // Most files have no "\r" but before "\n": look for one once per chunk, not per line.
      let cr = buf.indexOf(CR);
      for (let nl = buf.indexOf(LF, carry); nl !== -1 && nl < filled; nl = buf.indexOf(LF, start)) {
        let end = nl;
        if (cr !== -1 && cr < nl) {
          if (cr === nl - 1) end = cr; // "\r\n"
          else end = -1;
          if (end === -1) await emitSplit(onLine, buf, start, nl);
          cr = buf.indexOf(CR, nl + 1);
        }
        if (end !== -1) {
          const wait = onLine(buf, start, end);
          if (wait) await wait;
        }
        start = nl + 1;
      }
      carry = filled - start;
      if (carry > 0 && start > 0) buf.copyWithin(0, start, filled);
    }
  } finally {
    await fh.close();
  }
}

/** A line that may hold "\r": each "\r" ends one too, and one at the very end is its "\r\n" or EOF. */
async function emitSplit(onLine: LineCallback, buf: Buffer, start: number, end: number): Promise<void> {
  let s = start;
  for (let cr = buf.indexOf(CR, s); cr !== -1 && cr < end; cr = buf.indexOf(CR, s)) {
    await onLine(buf, s, cr);
    s = cr + 1;
  }
  if (s < end || s === start) await onLine(buf, s, end);
}
