/** Runs the CLI in-process with captured output, or the built bundle as a child process. */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { REPO_ROOT } from './env.js';

/**
 * Tests never share promtool's passed-test cache with each other or with the user's: a hit from an
 * earlier test would change what a later one sees (and each test asserts what it ran).
 */
export const NO_CACHE = { CVM_CACHE_DIR: 'off' } as const;

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** In-process: pass absolute paths (the working directory is the test runner's). */
export async function runCli(argv: string[], opts: { env?: NodeJS.ProcessEnv; isTTY?: boolean } = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: opts.isTTY ?? false, env: { ...NO_CACHE, ...opts.env } };
  const code = await main(argv, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** An Io that keeps what a command writes, for commands called directly (their `run(argv, io)`). */
export function captureIo(): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), isTTY: false, env: {} };
}

export const BUILT_CLI = join(REPO_ROOT, 'dist/cli.js');

export function runBuilt(argv: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): CliRun {
  const r = spawnSync(process.execPath, [BUILT_CLI, ...argv], {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...NO_CACHE, ...opts.env },
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The built bundle as a child process, without blocking this one: for tests whose own process
 * serves what the CLI reads (an emulator behind `auto=`, a server doctor probes).
 */
export function runBuiltAsync(argv: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUILT_CLI, ...argv], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...NO_CACHE }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
