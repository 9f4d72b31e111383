/**
 * .create-vllm-monitor.json: which files this tool wrote, with their hashes, and the input they came
 * from (no secrets). Regeneration compares hashes to tell a user's edits from our own output.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigInput } from '../config/input.js';

export const MANIFEST_FILE = '.create-vllm-monitor.json';
const GENERATOR = 'create-vllm-monitor';

export interface Manifest {
  generator: typeof GENERATOR;
  version: string;
  /** The input the stack was generated from, secrets removed; `add-target` regenerates from it. */
  input: ConfigInput;
  /** Relative path -> sha256 of what we wrote. */
  files: Record<string, string>;
}

export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

export function makeManifest(version: string, input: ConfigInput, files: Map<string, { content: string }>, kept: Record<string, string>): Manifest {
  const hashes: Record<string, string> = {};
  for (const [path, file] of [...files].sort(([a], [b]) => a.localeCompare(b))) hashes[path] = kept[path] ?? sha256(file.content);
  return { generator: GENERATOR, version, input, files: hashes };
}

/** Reads the manifest of a stack directory; undefined when there is none or it is not ours. */
export function readManifest(dir: string): Manifest | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, MANIFEST_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const m = JSON.parse(text) as Manifest;
    return m.generator === GENERATOR && typeof m.files === 'object' ? m : undefined;
  } catch {
    return undefined;
  }
}
