/**
 * Entry point of a parsing worker (bundled on its own by build.mjs, and by vite.config.ts for the
 * tests): takes chunks of JSONL lines, answers each with its JsonlChunk and the buffer back for reuse.
 */
import { parentPort } from 'node:worker_threads';
import { scanJsonlChunk } from './jsonl-chunk.js';
import { batchBuffers } from './record-batch.js';

export interface ChunkRequest {
  buf: Uint8Array;
  end: number;
}

parentPort!.on('message', ({ buf, end }: ChunkRequest) => {
  const bytes = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const chunk = scanJsonlChunk(bytes, end);
  parentPort!.postMessage({ chunk, buf }, [buf.buffer as ArrayBuffer, ...batchBuffers(chunk.records)]);
});
