/**
 * The real Compose CLI: `docker compose` (v2) when present, else `docker-compose` (v1).
 * CVM_COMPOSE picks one: `v1`, `v2`, or a path to a compose binary (v2 standalone or v1).
 */
import { execFile, spawn } from 'node:child_process';
import { envError } from '../errors.js';

export interface ComposeCli {
  /** v2 has `up --wait`; v1 does not. */
  major: 1 | 2;
  version: string;
  command: string;
  /** Arguments before the compose arguments, e.g. ['compose'] for the docker plugin. */
  prefix: string[];
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCommand(command: string, args: string[], opts: { cwd?: string; timeoutMs?: number; onLine?: (line: string) => void } = {}): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, COMPOSE_ANSI: 'never', NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    let pending = '';
    const onData = (chunk: Buffer, into: 'stdout' | 'stderr') => {
      const text = chunk.toString();
      if (into === 'stdout') stdout += text;
      else stderr += text;
      if (!opts.onLine) return;
      pending += text;
      const lines = pending.split(/\r?\n|\r/);
      pending = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) opts.onLine(l);
    };
    child.stdout.on('data', (c: Buffer) => onData(c, 'stdout'));
    child.stderr.on('data', (c: Buffer) => onData(c, 'stderr'));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGTERM'), opts.timeoutMs) : undefined;
    child.on('error', (err) => {
      if (timer) clearTimeout(timer);
      resolvePromise({ code: 127, stdout, stderr: stderr + String(err.message) });
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      if (opts.onLine && pending.trim()) opts.onLine(pending);
      resolvePromise({ code: code ?? 1, stdout, stderr });
    });
  });
}

function versionOf(command: string, prefix: string[]): Promise<string | undefined> {
  return new Promise((res) => {
    execFile(command, [...prefix, 'version', '--short'], { timeout: 15000 }, (err, stdout) => {
      if (err) return res(undefined);
      const v = stdout.trim().replace(/^v/, '');
      res(/^\d+\.\d+/.test(v) ? v : undefined);
    });
  });
}

function cli(command: string, prefix: string[], version: string): ComposeCli {
  return { major: version.startsWith('1.') ? 1 : 2, version, command, prefix };
}

export async function findCompose(env: NodeJS.ProcessEnv = process.env): Promise<ComposeCli> {
  const choice = env.CVM_COMPOSE;
  const candidates: [string, string[]][] =
    choice === 'v1' ? [['docker-compose', []]]
    : choice === 'v2' ? [['docker', ['compose']]]
    : choice ? [[choice, []]]
    : [['docker', ['compose']], ['docker-compose', []]];
  for (const [command, prefix] of candidates) {
    const version = await versionOf(command, prefix);
    if (version) return cli(command, prefix, version);
  }
  throw envError(
    'compose',
    choice ? `${choice} (from CVM_COMPOSE) does not run` : 'Docker Compose is not installed (neither `docker compose` nor `docker-compose` runs)',
    'install the Compose plugin (Debian/Ubuntu: apt-get install docker-compose-plugin or docker-compose; Windows/macOS: it comes with Docker Desktop)',
  );
}

/** Runs `compose -p PROJECT -f FILE ARGS...` in the stack directory. */
export function runCompose(
  c: ComposeCli,
  stack: { dir: string; project: string; composeFile: string },
  args: string[],
  opts: { timeoutMs?: number; onLine?: (line: string) => void } = {},
): Promise<RunResult> {
  return runCommand(c.command, [...c.prefix, '-p', stack.project, '-f', stack.composeFile, ...args], { cwd: stack.dir, ...opts });
}
