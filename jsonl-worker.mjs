// The JSONL parsing worker (src/analyze/jsonl-worker.ts) as one script's text: the CLI bundle and
// the test config both define __CVM_JSONL_WORKER__ as it, and src/analyze/jsonl-pool.ts runs it with
// eval, so a worker needs no file of its own beside the bundled CLI.
import { buildSync } from 'esbuild';

export function jsonlWorkerCode() {
  const out = buildSync({
    entryPoints: [new URL('./src/analyze/jsonl-worker.ts', import.meta.url).pathname],
    bundle: true,
    write: false,
    // An eval'd worker runs as a CommonJS script.
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  return out.outputFiles[0].text;
}
