/**
 * --watch-path NAME=PATH: directories whose disk the host alerts name, e.g. the model cache.
 * Node exporter reports filesystems by mountpoint; the rules find the one holding each path.
 */
import { usageError } from '../errors.js';
import type { WatchPath } from './types.js';

/** Docker's data root holds the Prometheus volume (and the images): watched on every machine. */
export const DEFAULT_WATCH_PATHS: readonly WatchPath[] = [{ name: 'Docker data and Prometheus volume', path: '/var/lib/docker' }];

// Both end up in PromQL strings and label_replace replacements: no quotes, backslashes or `$`.
const PATH_RE = /^\/[A-Za-z0-9._@+\-/ ]*$/;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9 ._()-]{0,59}$/;

/** A watched path, normalised (no trailing or doubled slash); throws a one-line error naming `field`. */
export function checkWatchPath(w: WatchPath, field: string): WatchPath {
  if (!PATH_RE.test(w.path) || w.path.split('/').some((c) => c === '.' || c === '..')) {
    throw usageError(field, `${JSON.stringify(w.path)} is not an absolute path`, 'write it like model-cache=/data/huggingface (letters, digits, . _ - @ + and spaces; no . or .. parts)');
  }
  if (w.path.split('/').every((c) => c === '')) throw usageError(field, '/ is the root disk, watched on every machine already', 'name the directory the disk holds, e.g. model-cache=/var/lib/models');
  if (!NAME_RE.test(w.name)) throw usageError(field, `${JSON.stringify(w.name)} is not a name for a path`, 'write it like model-cache=/data/huggingface (letters, digits, spaces, . _ ( ) -, up to 60)');
  return { name: w.name, path: `/${w.path.split('/').filter(Boolean).join('/')}` };
}

/** `NAME=PATH` of the flag; PATH alone is named after itself. */
export function parseWatchPath(value: string, field: string): WatchPath {
  const eq = value.indexOf('=');
  const w = eq < 0 ? { name: value.replace(/^\/+/, '') || 'root', path: value } : { name: value.slice(0, eq), path: value.slice(eq + 1) };
  return checkWatchPath(w, field);
}

/**
 * The user's paths in their order, then the defaults they do not name. A disk holding several is
 * named after the first, so the user's model cache wins over Docker's data root on a shared disk.
 */
export function buildWatchPaths(input: readonly WatchPath[] | undefined, field: string): WatchPath[] {
  const byPath = new Map<string, WatchPath>();
  for (const [i, w] of (input ?? []).entries()) {
    const checked = checkWatchPath(w, `${field}[${i}]`);
    if (!byPath.has(checked.path)) byPath.set(checked.path, checked);
  }
  for (const w of DEFAULT_WATCH_PATHS) if (!byPath.has(w.path)) byPath.set(w.path, w);
  return [...byPath.values()];
}

/** Mountpoints that may hold `path`, longest first: /data/models, /data, /. */
export function mountCandidates(path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  return [...parts.map((_, i) => `/${parts.slice(0, parts.length - i).join('/')}`), '/'];
}
