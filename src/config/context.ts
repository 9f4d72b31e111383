/**
 * Everything buildSpec learns from outside its input (this machine, the environment, files), passed
 * in so the same input always gives the same spec. The CLI fills it (src/cli/environment.ts), tests fake it.
 */
import type { Engine, GpuKind, Platform } from './types.js';

export interface BuildContext {
  /** This machine's platform, the default for `platform`. */
  platform: Platform;
  /** Name of this machine; the `host` label of targets that run here. */
  localHostName: string;
  /** Decides `engine: auto` by reading the target's /metrics. */
  detectEngine(url: string): Promise<Engine>;
  /** Decides `gpu: auto` for the given platform. */
  detectGpu(platform: Platform): Promise<{ kind: GpuKind; reason: string }>;
  /** Reads a bearer-token file named in the config. */
  readTokenFile(path: string): string;
  /** Secrets from the environment and from an existing .env, by variable name. */
  secretEnv: Record<string, string | undefined>;
}
