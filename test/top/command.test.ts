/** `top` in-process: where it looks for Prometheus, and its one-line errors with a fix. */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { freePort } from '../support/ports.js';
import { renderToDir } from '../support/stacks.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('top', () => {
  it('is listed in --help, and has its own', async () => {
    expect((await runCli(['--help'])).stdout).toMatch(/\n {2}top \[dir\] +Live terminal view/);
    const help = await runCli(['top', '--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--prometheus-url', '--interval', '--once', '--json', '--time']) expect(help.stdout).toContain(flag);
  });

  it('a directory without a stack: one line naming it and the fix, exit 1', async () => {
    const r = await runCli(['top', '/nonexistent/stack', '--once']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: /nonexistent/stack: has no docker-compose.yml, so no stack to show — pass the directory create-vllm-monitor generated, or --prometheus-url URL for any Prometheus with our rules');
  });

  it('Prometheus unreachable: one line with the URL, the cause and the fix, exit 1', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const r = await runCli(['top', '--prometheus-url', url, '--once']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: ${url}: cannot reach Prometheus (ECONNREFUSED) — check the URL, or start the stack: create-vllm-monitor up DIR`);
  });

  it("reads the Prometheus URL from the stack's docker-compose.yml, and says to start the stack", async () => {
    const port = await freePort();
    const { dir } = await renderToDir({ targets: [{ engine: 'vllm', url: 'http://10.0.0.5:8000' }], gpu: 'none', ports: { prometheus: port } });
    dirs.push(dir);
    const r = await runCli(['top', dir, '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: http://127.0.0.1:${port}: cannot reach Prometheus (ECONNREFUSED) — start the stack: create-vllm-monitor up ${dir}`);
    expect(r.stderr.split('\n')).toHaveLength(1);
  });

  it('bad usage: exit 2 with the flag at fault', async () => {
    const noUrl = await runCli(['top', '--prometheus-url', 'ftp://x', '--once']);
    expect([noUrl.code, noUrl.stderr]).toEqual([2, 'error: --prometheus-url: "ftp://x" is not an http(s) URL — write it like --prometheus-url http://127.0.0.1:9090']);
    const live = await runCli(['top', '--prometheus-url', 'http://127.0.0.1:9', '--time', '1767225600']);
    expect(live.code).toBe(2);
    expect(live.stderr).toMatch(/^error: --time: .* — add --once or --json/);
    const interval = await runCli(['top', '--interval', '0']);
    expect(interval.code).toBe(2);
  });
});
