/**
 * A JSONL file's chunks, parsed and handed on in file order: by worker threads when the file is
 * large enough to repay starting them, else on this thread. With workers, this thread reads, merges,
 * and parses a chunk itself whenever every worker already has its fill, so one worker fewer than
 * cores keeps them all busy. Only a few chunks are read ahead, so memory stays bounded however large
 * the file.
 */
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { type JsonlChunk, scanJsonlChunk } from './jsonl-chunk.js';
import { JsonlPool, type Scanned, workersAvailable } from './jsonl-pool.js';
import { CHUNK, lineChunks } from './lines.js';
import type { RecordBatch } from './record-batch.js';

/** Below this, a worker's start-up (tens of ms) costs more than it saves. */
const MIN_PARALLEL_BYTES = 4 * CHUNK;
// More would parse faster than the main thread merges, and each adds about 20 MB of peak RSS.
const MAX_WORKERS = 3;
const IN_FLIGHT_PER_WORKER = 2;
// Smaller chunks than one thread reads: chunks in flight and their batches are what the workers add
// to peak RSS (1 MiB: about 175 MB for a 1M-record file with 2 workers, 4 MiB: about 200 MB).
const PARALLEL_CHUNK = 1 << 20;

/** How many workers to use for a file: `requested` where given (0: none), else by its size. */
export async function workersFor(path: string, requested?: number): Promise<number> {
  if (!workersAvailable()) return 0;
  if (requested !== undefined) return requested;
  if ((await stat(path)).size < MIN_PARALLEL_BYTES) return 0;
  return Math.max(1, Math.min(availableParallelism() - 1, MAX_WORKERS));
}

/** onChunk's chunk is read again once it returns (its arrays are reused): keep none of it. */
export async function forEachJsonlChunk(path: string, workers: number, onChunk: (chunk: JsonlChunk) => void): Promise<void> {
  const spare: Buffer[] = [];
  if (workers === 0) {
    let spent: RecordBatch | undefined;
    for await (const { buf, end } of lineChunks(path, spare)) {
      const chunk = scanJsonlChunk(buf, end, spent);
      onChunk(chunk);
      spent = chunk.records;
      spare.push(buf);
    }
    return;
  }
  const pool = new JsonlPool(workers);
  const perWorkers = workers * IN_FLIGHT_PER_WORKER;
  // Chunks in file order, each with its result once there.
  const ahead: { answer: Promise<Scanned>; done?: Scanned }[] = [];
  // Batches merged already, their arrays to fill again (saves allocating them for every chunk).
  const spent: RecordBatch[] = [];
  const mergeFirst = async (): Promise<void> => {
    const first = ahead.shift()!;
    const { chunk, buf } = first.done ?? (await first.answer);
    spare.push(buf);
    onChunk(chunk);
    spent.push(chunk.records);
  };
  try {
    for await (const { buf, end } of lineChunks(path, spare, PARALLEL_CHUNK)) {
      if (pool.pending < perWorkers) {
        const entry: (typeof ahead)[number] = { answer: pool.scan(buf, end, spent.pop()) };
        entry.answer.then((done) => (entry.done = done), () => {});
        ahead.push(entry);
      } else {
        const done = { chunk: scanJsonlChunk(buf, end, spent.pop()), buf };
        ahead.push({ answer: Promise.resolve(done), done });
      }
      while (ahead[0]?.done) await mergeFirst();
      if (ahead.length > perWorkers + 2) await mergeFirst();
    }
    while (ahead.length) await mergeFirst();
  } finally {
    await pool.close();
  }
}
