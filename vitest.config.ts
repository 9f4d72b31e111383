import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // templates/*.hbs imported as their text, as esbuild's text loader does in build.mjs.
  plugins: [
    {
      name: 'hbs-text',
      load(id) {
        return id.endsWith('.hbs') ? `export default ${JSON.stringify(readFileSync(id, 'utf8'))};` : null;
      },
    },
  ],
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Integration tests start real servers on loopback ports; keep parallelism modest on 2 cores.
    maxWorkers: 2,
  },
});
