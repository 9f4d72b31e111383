import { defineConfig, mergeConfig } from 'vitest/config';
import shared from './vite.config.js';

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      testTimeout: 120_000,
      hookTimeout: 180_000,
      // Integration tests start real servers on loopback ports; keep parallelism modest on 2 cores.
      maxWorkers: 2,
      // No test reads or writes the user's promtool cache, nor one another's (test/support/cli.ts).
      env: { CVM_CACHE_DIR: 'off' },
    },
  }),
);
