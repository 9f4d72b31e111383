/**
 * A big trace from a real one: its events written `copies` times, each copy shifted past the end
 * of the previous one and with its own correlation ids, as a longer run of the same work would be.
 * Streamed out, so making a 200 MB file holds only the source trace.
 */
import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

type Ev = { ts?: number; dur?: number; args?: Record<string, unknown> };

/** Copies needed for about `mib` MiB of JSON (written compact, as the copies are). */
export function copiesFor(source: string, mib: number): number {
  const one = Buffer.byteLength(JSON.stringify((JSON.parse(gunzipSync(readFileSync(source)).toString('utf8')) as { traceEvents: unknown[] }).traceEvents));
  return Math.max(1, Math.round((mib * 2 ** 20) / one));
}

export async function writeRepeatedTrace(source: string, copies: number, file: string): Promise<void> {
  const doc = JSON.parse(gunzipSync(readFileSync(source)).toString('utf8')) as { traceEvents: Ev[] } & Record<string, unknown>;
  const { traceEvents, ...meta } = doc;
  let t0 = Infinity, t1 = -Infinity;
  for (const e of traceEvents) {
    if (typeof e.ts !== 'number') continue;
    t0 = Math.min(t0, e.ts);
    t1 = Math.max(t1, e.ts + (e.dur ?? 0));
  }
  const out = createWriteStream(file);
  const write = async (s: string): Promise<void> => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write(`${JSON.stringify(meta).slice(0, -1)},"traceEvents":[`);
  let first = true;
  for (let c = 0; c < copies; c++) {
    const shift = c * (t1 - t0 + 1000);
    for (const e of traceEvents) {
      const copy: Ev = { ...e, ...(typeof e.ts === 'number' ? { ts: e.ts + shift } : {}) };
      if (e.args && typeof e.args.correlation === 'number') copy.args = { ...e.args, correlation: (e.args.correlation as number) + c * 10_000_000 };
      await write(`${first ? '' : ','}${JSON.stringify(copy)}`);
      first = false;
    }
  }
  await write(']}');
  out.end();
  await once(out, 'finish');
}
