/**
 * The streaming trace reader: whatever the chunking (one byte at a time, at random), it yields the
 * events JSON.parse sees, keeps the other top-level keys, reads gzip and bare arrays, and says when
 * a file is truncated.
 */
import { writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readTrace, TraceSplitter, type TraceEvent } from '../../src/profile/read-trace.js';

const DOC = {
  schemaVersion: 1,
  deviceProperties: [{ id: 0, name: 'GPU "quoted" {braces} [brackets]' }],
  traceName: 'a\\b"c',
  traceEvents: [
    { ph: 'X', cat: 'kernel', name: 'void k<{lambda()#1}>(int, "x")', ts: 1.5, dur: 2, args: { device: 0, grid: [1, 2, 3], nested: { a: [{}, []] } } },
    { ph: 'X', cat: 'cpu_op', name: 'aten::mm \\ } ] , : 名前 🚀', ts: 3, dur: 4 },
    { ph: 'M', name: 'process_name', args: { name: '[]{}' } },
  ],
  distributedInfo: { rank: 3, world_size: 8 },
  displayTimeUnit: 'ms',
  trailingNumber: -1.25e3,
};

function split(text: string, sizes: () => number): { events: TraceEvent[]; meta: Record<string, unknown> } {
  const events: TraceEvent[] = [];
  const s = new TraceSplitter((e) => events.push(e));
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length;) {
    const n = Math.max(1, sizes());
    s.write(Buffer.from(bytes.subarray(i, i + n)));
    i += n;
  }
  s.end();
  return { events, meta: s.meta };
}

describe('streaming trace reader', () => {
  const { traceEvents, ...meta } = DOC;
  for (const text of [JSON.stringify(DOC), JSON.stringify(DOC, null, 2)]) {
    it(`yields JSON.parse's events and keys in 1-byte and random chunks (${text.includes('\n') ? 'indented' : 'compact'})`, () => {
      expect(split(text, () => 1)).toEqual({ events: traceEvents, meta });
      let seed = 7;
      const rand = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) % 23) + 1;
      expect(split(text, rand)).toEqual({ events: traceEvents, meta });
    });
  }

  it('reads a bare JSON array of events (the Chrome trace array form)', () => {
    expect(split(JSON.stringify(traceEvents), () => 5).events).toEqual(traceEvents);
  });

  it('reads gzip and plain files, and fails on a truncated one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cvm-profile-read-'));
    const text = JSON.stringify(DOC);
    writeFileSync(join(dir, 't.pt.trace.json.gz'), gzipSync(text));
    writeFileSync(join(dir, 't.json'), text);
    writeFileSync(join(dir, 'cut.json'), text.slice(0, text.indexOf('"cpu_op"')));
    for (const f of ['t.pt.trace.json.gz', 't.json']) {
      const seen: TraceEvent[] = [];
      const r = await readTrace(join(dir, f), (e) => seen.push(e));
      expect(seen).toEqual(traceEvents);
      expect(r.meta).toEqual(meta);
      expect(r.bytes).toBe(Buffer.byteLength(text));
    }
    await expect(readTrace(join(dir, 'cut.json'), () => {})).rejects.toThrow(/ends early.*after 1 events/);
  });
});
