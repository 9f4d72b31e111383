/**
 * --remote-write URL (repeatable) and its settings flags -> remoteWrite input. A credentials flag
 * goes with the --remote-write of the same position; checked here so that errors name the flag.
 */
import { usageError } from '../errors.js';
import type { RemoteWriteEndpointInput, RemoteWriteInput } from '../config/input.js';
import { checkExternalLabel, checkRemoteWriteUrl } from '../config/remote-write.js';
import type { FlagValues } from './create-flags.js';

const list = (v: FlagValues[string]): string[] => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []);
const CREDENTIALS = ['remote-write-user', 'remote-write-password', 'remote-write-token'] as const;

export function remoteWriteFromFlags(f: FlagValues): RemoteWriteInput | undefined {
  const urls = list(f['remote-write']);
  for (const url of urls) checkRemoteWriteUrl(url, '--remote-write');
  for (const flag of CREDENTIALS) {
    const n = list(f[flag]).length;
    if (n > 0 && urls.length === 0) throw usageError(`--${flag}`, 'is given without --remote-write', 'add --remote-write URL for the endpoint it authenticates to');
    if (n > urls.length) throw usageError(`--${flag}`, `is given ${n} times for ${urls.length} --remote-write`, 'give it once per --remote-write that needs it, in the same order');
  }
  const [users, passwords, tokens] = CREDENTIALS.map((flag) => list(f[flag]));
  const endpoints = urls.map((url, i): RemoteWriteEndpointInput => {
    const [username, password, token] = [users![i], passwords![i], tokens![i]];
    if (password !== undefined && username === undefined) throw usageError('--remote-write-password', 'is given without --remote-write-user', 'add --remote-write-user USER, or pass a bearer token with --remote-write-token instead');
    if (token !== undefined && (username !== undefined || password !== undefined)) throw usageError('--remote-write-token', 'is given together with basic auth (--remote-write-user)', 'use one of them for each --remote-write');
    return { url, ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password } : {}), ...(token !== undefined ? { token } : {}) };
  });
  for (const name of ['cluster', 'replica'] as const) if (typeof f[name] === 'string') checkExternalLabel(f[name], `--${name}`, name);
  const out: RemoteWriteInput = {
    ...(endpoints.length ? { endpoints } : {}),
    ...(f['remote-write-recorded-only'] === true ? { recordedOnly: true } : {}),
    ...(typeof f.cluster === 'string' ? { cluster: f.cluster } : {}),
    ...(typeof f.replica === 'string' ? { replica: f.replica } : {}),
  };
  return Object.keys(out).length ? out : undefined;
}

/** Flags win: their endpoints replace the file's, their labels and recordedOnly override. */
export function mergeRemoteWrite(file: RemoteWriteInput | undefined, flags: RemoteWriteInput | undefined): RemoteWriteInput | undefined {
  if (!file || !flags) return flags ?? file;
  return { ...file, ...flags };
}
