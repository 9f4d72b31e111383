/**
 * Files replaced without a half-written state: every file is first written beside its destination
 * under a temporary name, and only when all are staged is each renamed over its destination (a
 * rename on one filesystem is atomic). A failure while staging leaves every destination untouched.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface FileToWrite {
  path: string;
  content: string;
  mode?: number;
}

/** In order: the last file (e.g. a manifest describing the others) lands last. */
export function writeFilesAtomic(files: readonly FileToWrite[]): void {
  const staged: { temp: string; path: string }[] = [];
  try {
    for (const f of files) {
      mkdirSync(dirname(f.path), { recursive: true });
      const temp = join(dirname(f.path), `.${basename(f.path)}.cvm-${randomBytes(6).toString('hex')}`);
      staged.push({ temp, path: f.path });
      writeFileSync(temp, f.content, { mode: f.mode ?? 0o644 });
      chmodSync(temp, f.mode ?? 0o644); // the umask may have narrowed it
    }
  } catch (err) {
    for (const s of staged) rmSync(s.temp, { force: true });
    throw err;
  }
  for (const s of staged) renameSync(s.temp, s.path);
}
