import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';
// @ts-expect-error: a plain .mjs module beside build.mjs, without types.
import { jsonlWorkerCode } from './jsonl-worker.mjs';

/** What vite-node (benches, scripts) and vitest share: templates/*.hbs imported as their text, as esbuild's text loader does in build.mjs. */
export default defineConfig({
  // The JSONL parsing worker, as build.mjs bundles it, so tests and benches use workers too.
  define: { __CVM_JSONL_WORKER__: JSON.stringify(jsonlWorkerCode()) },
  plugins: [
    {
      name: 'hbs-text',
      load(id) {
        return id.endsWith('.hbs') ? `export default ${JSON.stringify(readFileSync(id, 'utf8'))};` : null;
      },
    },
  ],
});
