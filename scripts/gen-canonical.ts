/**
 * Rewrites the canonical dashboards, rules and notification templates kept in the repository from
 * the generator:
 *   npm run gen:canonical
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CANONICAL_DIRS, canonicalFiles } from '../src/dashboards/canonical.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const files = canonicalFiles();
for (const dir of CANONICAL_DIRS) {
  // Files the generator no longer produces go away.
  for (const f of readdirSafe(join(root, dir))) if (!files.has(`${dir}/${f}`)) rmSync(join(root, dir, f));
}
for (const [path, content] of files) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}
console.log(`wrote ${files.size} files under ${CANONICAL_DIRS.join(', ')}`);

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
