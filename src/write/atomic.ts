/** One file replaced in one step: written beside its destination under a temporary name, then renamed over it. */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function writeFileAtomic(path: string, content: string, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.cvm-${randomBytes(6).toString('hex')}`);
  try {
    writeFileSync(temp, content, { mode });
    chmodSync(temp, mode); // the umask may have narrowed it
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}
