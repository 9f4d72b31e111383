/** Argument parsing shared by the commands: one usage error naming the command for a bad flag. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { usageError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs, strict and with positionals, its values typed by `options`; at most `maxPositionals` of them. */
export function parseCommandArgs<const T extends Options>(command: string, argv: string[], options: T, maxPositionals = 1) {
  try {
    const parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    if (parsed.positionals.length > maxPositionals) throw usageError(command, `expected at most ${maxPositionals} argument(s), got ${parsed.positionals.join(' ')}`, `see create-vllm-monitor ${command} --help`);
    return parsed;
  } catch (err) {
    if ((err as { exitCode?: number }).exitCode !== undefined) throw err;
    const msg = (err as Error).message.split('\n')[0]!;
    throw usageError(command, msg.replace(/\. To specify.*$/, ''), `see create-vllm-monitor ${command} --help`);
  }
}

export function seconds(flag: string, v: string | boolean | string[] | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw usageError(`--${flag}`, `${JSON.stringify(v)} is not a positive number of seconds`, `write it like --${flag} 120`);
  return n;
}

/** Progress goes to stderr so that --json output on stdout stays machine-readable. */
export function progressPrinter(err: (line: string) => void, quiet = false): (line: string) => void {
  return (line) => {
    if (!quiet) err(`  … ${line}`);
  };
}

/** An http(s) URL flag without its trailing slashes; undefined when not given. */
export function httpUrl(flag: string, v: unknown): string | undefined {
  if (v === undefined) return undefined;
  try {
    const u = new URL(String(v));
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    return String(v).replace(/\/+$/, '');
  } catch {
    throw usageError(`--${flag}`, `${JSON.stringify(v)} is not an http(s) URL`, `write it like --${flag} http://127.0.0.1:9090`);
  }
}
