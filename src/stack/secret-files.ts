/**
 * secrets/<name> from .env, before every start: .env is where the values live (and where people
 * edit them); the files are only the form Compose mounts into the containers.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { envError } from '../errors.js';
import type { StackDir } from './stack-dir.js';

/** A Compose secret `grafana_admin_password` holds .env's GRAFANA_ADMIN_PASSWORD. */
export const secretEnvName = (secret: string): string => secret.toUpperCase();

/** Writes each file whose content differs from .env (atomically); returns the names it rewrote. */
export function syncSecretFiles(stack: StackDir): string[] {
  const written: string[] = [];
  for (const [name, file] of Object.entries(stack.secretFiles)) {
    const value = stack.env[secretEnvName(name)];
    if (value === undefined) {
      throw envError(join(stack.dir, '.env'), `has no ${secretEnvName(name)}, which the Compose secret ${name} needs`, 'add it to .env, or regenerate the stack (create-vllm-monitor DIR) to recreate it');
    }
    const path = resolve(stack.dir, file);
    let current: string | undefined;
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === value) continue;
    // 0700 folder, 0644 file: private on the host, readable by the container's own user.
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    chmodSync(dirname(path), 0o700);
    const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, value, { mode: 0o644 });
    chmodSync(tmp, 0o644);
    renameSync(tmp, path);
    written.push(name);
  }
  return written;
}
