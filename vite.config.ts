import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';

/** What vite-node (benches, scripts) and vitest share: templates/*.hbs imported as their text, as esbuild's text loader does in build.mjs. */
export default defineConfig({
  plugins: [
    {
      name: 'hbs-text',
      load(id) {
        return id.endsWith('.hbs') ? `export default ${JSON.stringify(readFileSync(id, 'utf8'))};` : null;
      },
    },
  ],
});
