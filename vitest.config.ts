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
    },
  }),
);
