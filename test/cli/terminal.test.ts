/**
 * The built CLI as a user runs it: under a real pseudo-terminal (util-linux `script`) answering the
 * prompts with keystrokes, and with stdin not a terminal (no prompts at all).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_CLI, runBuilt } from '../support/cli.js';
import { requireTool } from '../support/env.js';
import { freePort, portFlags } from '../support/ports.js';

const script = requireTool('script', 'apt-get install util-linux (bsdutils)');
let work: string;
beforeAll(() => {
  if (!existsSync(BUILT_CLI)) throw new Error('dist/cli.js is missing: run npm run build (npm test does)');
  work = mkdtempSync(join(tmpdir(), 'cvm-tty-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs a command under a pty; `steps` wait for a text, then type. Resolves with output and exit code. */
function underPty(command: string, steps: [waitFor: string, type: string][]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(script!, ['-qfec', command, '/dev/null'], { env: { ...process.env, TERM: 'xterm', NO_COLOR: '1' } });
    let output = '';
    let step = 0;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out waiting for ${JSON.stringify(steps[step]?.[0])}; output so far:\n${output}`));
    }, 30_000);
    // One step per prompt: type only after the prompt's text has appeared.
    const advance = () => {
      const next = steps[step];
      if (!next || !output.includes(next[0])) return;
      output = output.slice(output.indexOf(next[0]) + next[0].length);
      step++;
      setTimeout(() => child.stdin.write(next[1]), 50);
    };
    let full = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      full += d.toString();
      advance();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output: full });
    });
  });
}

describe.runIf(script)('the built CLI in a terminal', () => {
  it('asks its questions in a pseudo-terminal and writes the stack', async () => {
    const dir = join(work, 'pty-stack');
    const ports = (await portFlags()).join(' ');
    const { code, output } = await underPty(`${process.execPath} ${BUILT_CLI} ${dir} --gpu none ${ports}`, [
      ['Inference engine', '\r'], // vLLM
      ['Server URL', '\x15http://10.0.0.5:8000\r'], // ^U clears the default
      ['Name for it', 'edge-1\r'],
      ['Add another server?', 'n\r'],
      ['Where should alerts go?', '\x1b[B\x1b[B\x1b[B\x1b[B\x1b[B\r'], // down x5: Webhook
      ['Webhook URL', 'http://10.0.0.9:5001/hook\r'],
      ['Which alerts should go to the webhook?', '\r'], // all
      ['Heartbeat ping URL', 'https://hc-ping.com/pty-key\r'], // masked
      ['Publish', 'n\r'],
      ['highly available pair', 'n\r'],
    ]);
    expect(code, output).toBe(0);
    expect(output).toContain('Monitoring stack written to');
    const targets = JSON.parse(readFileSync(join(dir, 'prometheus/targets/vllm.json'), 'utf8'));
    expect(targets).toEqual([{ targets: ['10.0.0.5:8000'], labels: { instance: 'edge-1', host: '10.0.0.5' } }]);
    expect(readFileSync(join(dir, 'alertmanager/alertmanager.yml'), 'utf8')).toContain('url: http://10.0.0.9:5001/hook');
    expect(readFileSync(join(dir, '.env'), 'utf8')).toContain('HEARTBEAT_URL=https://hc-ping.com/pty-key');
    expect(output).not.toContain('pty-key');
  });

  it('does not prompt when stdin is not a terminal, and uses defaults', () => {
    const dir = join(work, 'piped');
    const r = runBuilt([dir, '--gpu', 'none']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('?');
    const targets = JSON.parse(readFileSync(join(dir, 'prometheus/targets/vllm.json'), 'utf8'));
    expect(targets[0].targets).toEqual(['host.docker.internal:8000']);
    expect(r.stderr).toMatch(/localhost is rewritten to host\.docker\.internal .* --host 0\.0\.0\.0/);
  });

  it('reports a port in use when not interactive, naming the next free one', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const r = runBuilt([join(work, 'busy'), '--yes', '--gpu', 'none', '--grafana-port', String(port), '--prometheus-port', String(await freePort()), '--alertmanager-port', String(await freePort())]);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`warning: ports\\.grafana: port ${port} is in use on this machine; \\d+ is free — pass --grafana-port \\d+`));
    } finally {
      busy.close();
    }
  });

  it('prints help listing every flag, and the version', () => {
    const help = runBuilt(['--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--yes', '--config', '--target', '--gpu', '--receiver', '--grafana-port', '--prometheus-port', '--alertmanager-port', '--expose', '--image', '--platform', '--overwrite', '--force', '--dry-run', '--json']) {
      expect(help.stdout).toContain(flag);
    }
    const version = runBuilt(['--version']);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(BUILT_CLI, '../../package.json'), 'utf8')).version);
  });
});
