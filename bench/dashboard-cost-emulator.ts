/**
 * The benchmark's targets: emulated vLLM V1 (>= 0.11 names) from src/demo, advanced in simulated
 * time so an hour of scrapes is produced in seconds.
 */
import { VllmEmulator } from '../src/demo/engine-vllm.js';

export interface BenchTarget {
  advance: (seconds: number) => void;
  metrics: () => string;
}

export function createBenchTarget(model: string, seed: number, startTime: number): BenchTarget {
  const emulator = new VllmEmulator({ era: 'v1', model, dpRanks: 1, seed, startTime });
  return {
    advance: (seconds) => {
      for (const sim of emulator.sims) sim.advance(seconds);
    },
    metrics: () => emulator.render(),
  };
}
