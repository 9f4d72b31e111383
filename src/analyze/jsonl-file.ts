/**
 * A JSONL file's chunks, parsed and handed on in file order: by worker threads when the file is
 * large enough to repay starting them, else on this thread. Only a few chunks per worker are read
 * ahead, so memory stays bounded however large the file.
 */
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { type JsonlChunk, scanJsonlChunk } from './jsonl-chunk.js';
import { JsonlPool, workersAvailable } from './jsonl-pool.js';
import { CHUNK, lineChunks } from './lines.js';

/** Below this, a worker's start-up (tens of ms) costs more than it saves. */
const MIN_PARALLEL_BYTES = 4 * CHUNK;
// More would parse faster than the main thread merges, and each adds about 20 MB of peak RSS.
const MAX_WORKERS = 3;
const IN_FLIGHT_PER_WORKER = 2;
// Smaller chunks than one thread reads: chunks in flight and their batches are what the workers add
// to peak RSS (1 MiB: about 175 MB for a 1M-record file, 4 MiB: about 200 MB), at no cost in time.
const PARALLEL_CHUNK = 1 << 20;

/** How many workers to use for a file: `requested` where given (0: none), else by its size. */
export async function workersFor(path: string, requested?: number): Promise<number> {
  if (!workersAvailable()) return 0;
  if (requested !== undefined) return requested;
  return (await stat(path)).size >= MIN_PARALLEL_BYTES ? Math.min(availableParallelism(), MAX_WORKERS) : 0;
}

export async function forEachJsonlChunk(path: string, workers: number, onChunk: (chunk: JsonlChunk) => void): Promise<void> {
  const spare: Buffer[] = [];
  if (workers === 0) {
    for await (const { buf, end } of lineChunks(path, spare)) {
      onChunk(scanJsonlChunk(buf, end));
      spare.push(buf);
    }
    return;
  }
  const pool = new JsonlPool(workers);
  try {
    const ahead: Promise<{ chunk: JsonlChunk; buf: Buffer }>[] = [];
    const next = async (): Promise<void> => {
      const { chunk, buf } = await ahead.shift()!;
      spare.push(buf);
      onChunk(chunk);
    };
    for await (const { buf, end } of lineChunks(path, spare, PARALLEL_CHUNK)) {
      ahead.push(pool.scan(buf, end));
      if (ahead.length >= workers * IN_FLIGHT_PER_WORKER) await next();
    }
    while (ahead.length) await next();
  } finally {
    await pool.close();
  }
}
