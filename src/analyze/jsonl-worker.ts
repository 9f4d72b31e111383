/**
 * Entry point of a parsing worker (bundled on its own by build.mjs, and by vite.config.ts for the
 * tests): takes chunks of JSONL lines (with a spent batch to fill again), answers each with its
 * JsonlChunk and the buffer back for reuse.
 */
import { parentPort } from 'node:worker_threads';
import { scanJsonlChunk } from './jsonl-chunk.js';
import { batchBuffers, type RecordBatch } from './record-batch.js';

export interface ChunkRequest {
  buf: Uint8Array;
  end: number;
  reuse?: RecordBatch;
}

parentPort!.on('message', ({ buf, end, reuse }: ChunkRequest) => {
  const bytes = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const chunk = scanJsonlChunk(bytes, end, reuse);
  parentPort!.postMessage({ chunk, buf }, [buf.buffer as ArrayBuffer, ...batchBuffers(chunk.records)]);
});
