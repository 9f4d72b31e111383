/**
 * The built CLI writing into a pipe whose reader has gone (`create-vllm-monitor detect FILE | head -1`):
 * it stops printing and exits 0, with no EPIPE stack trace on stderr.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_CLI } from '../support/cli.js';

let work: string;
let capture: string;
beforeAll(() => {
  if (!existsSync(BUILT_CLI)) throw new Error('dist/cli.js is missing: run npm run build (npm test does)');
  work = mkdtempSync(join(tmpdir(), 'cvm-pipe-'));
  capture = join(work, 'metrics.txt');
  // A vLLM V1 scrape, enough for detect to print a report of many lines.
  writeFileSync(
    capture,
    [
      '# HELP vllm:num_requests_running Number of requests in model execution batches.',
      '# TYPE vllm:num_requests_running gauge',
      'vllm:num_requests_running{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 3.0',
      '# HELP vllm:num_requests_waiting Number of requests waiting to be processed.',
      '# TYPE vllm:num_requests_waiting gauge',
      'vllm:num_requests_waiting{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 0.0',
      '',
    ].join('\n'),
  );
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the CLI with its stdout read by `reader`; returns the CLI's own exit code, its stderr and what the reader printed. */
function throughPipe(args: string[], reader: string): { cliCode: number; stderr: string; read: string } {
  const r = spawnSync('bash', ['-c', `"$0" "$1" ${args.map((_, i) => `"\${${i + 2}}"`).join(' ')} 2>"$ERR" | ${reader}; echo "cli=\${PIPESTATUS[0]}"`, process.execPath, BUILT_CLI, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ERR: join(work, 'stderr.txt') },
  });
  const lines = r.stdout.trimEnd().split('\n');
  const status = /^cli=(\d+)$/.exec(lines.pop() ?? '');
  return { cliCode: Number(status?.[1] ?? NaN), stderr: spawnSync('cat', [join(work, 'stderr.txt')], { encoding: 'utf8' }).stdout, read: lines.join('\n') };
}

describe('the CLI on a closed pipe', () => {
  it('detect FILE | head -1: the first line, then a quiet exit 0', () => {
    const r = throughPipe(['detect', capture], 'head -1');
    expect(r.read).toMatch(/^\S/);
    expect(r.read.split('\n')).toHaveLength(1);
    expect(r.stderr).toBe('');
    expect(r.cliCode).toBe(0);
  });

  it('--help | head -2', () => {
    const r = throughPipe(['--help'], 'head -2');
    expect(r.read.split('\n')).toHaveLength(2);
    expect(r.stderr).toBe('');
    expect(r.cliCode).toBe(0);
  });

  it('a reader that closed before the first write (every write fails with EPIPE)', async () => {
    for (const args of [['--help'], ['detect', capture]]) {
      const child = spawn(process.execPath, [BUILT_CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise<number | null>((r) => child.on('close', r));
      expect(stderr, args.join(' ')).toBe('');
      expect(code, args.join(' ')).toBe(0);
    }
  });
});
