/**
 * Worker threads that parse JSONL chunks (jsonl-worker.ts), so reading a large profile uses more
 * than one core. Each worker's answers come in the order it was asked; the caller puts the chunks
 * back in file order. The worker's code is a bundle built beside the CLI's (build.mjs) or by the
 * test config (vite.config.ts) and run with eval, as a bundled CLI has no worker file of its own to
 * point at; without it there is no pool and the main thread parses.
 */
import { Worker } from 'node:worker_threads';
import type { JsonlChunk } from './jsonl-chunk.js';
import type { ChunkRequest } from './jsonl-worker.js';
import { batchBuffers, type RecordBatch } from './record-batch.js';

declare const __CVM_JSONL_WORKER__: string | undefined;
const WORKER_CODE = typeof __CVM_JSONL_WORKER__ === 'string' ? __CVM_JSONL_WORKER__ : undefined;

export const workersAvailable = (): boolean => WORKER_CODE !== undefined;

/** A parsed chunk, and its buffer back to read into again. */
export interface Scanned {
  chunk: JsonlChunk;
  buf: Buffer;
}

interface Waiting {
  resolve: (r: Scanned) => void;
  reject: (err: Error) => void;
}

export class JsonlPool {
  private readonly workers: { worker: Worker; waiting: Waiting[] }[] = [];

  constructor(size: number) {
    if (!WORKER_CODE) throw new Error('the JSONL worker is not bundled');
    for (let i = 0; i < size; i++) {
      const worker = new Worker(WORKER_CODE, { eval: true });
      const w = { worker, waiting: [] as Waiting[] };
      worker.on('message', ({ chunk, buf }: { chunk: JsonlChunk; buf: Uint8Array }) => {
        w.waiting.shift()!.resolve({ chunk, buf: Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength) });
      });
      const fail = (err: Error): void => {
        for (const x of w.waiting.splice(0)) x.reject(err);
      };
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`JSONL worker exited (code ${code})`)));
      this.workers.push(w);
    }
  }

  /** Chunks sent and not yet answered. */
  get pending(): number {
    let n = 0;
    for (const w of this.workers) n += w.waiting.length;
    return n;
  }

  /** Parses buf[0, end) in the least busy worker; buf is handed over and comes back with the answer. */
  scan(buf: Buffer, end: number, reuse?: RecordBatch): Promise<Scanned> {
    let w = this.workers[0]!;
    for (const x of this.workers) if (x.waiting.length < w.waiting.length) w = x;
    const answer = new Promise<Scanned>((resolve, reject) => w.waiting.push({ resolve, reject }));
    // A failure is seen where the answer is awaited, in order; until then it is not "unhandled".
    answer.catch(() => {});
    const req: ChunkRequest = { buf, end, reuse };
    w.worker.postMessage(req, [buf.buffer as ArrayBuffer, ...(reuse ? batchBuffers(reuse) : [])]);
    return answer;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
