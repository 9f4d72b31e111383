/**
 * `loadtest --dir` of a generated stack (each Prometheus release of test/support/versions.ts): the
 * stack is rendered with --expose (basic auth on Prometheus), its compose file's published port moved
 * to a free one (a hand edit, which the stack dir honours), and a real Prometheus started on that
 * port with the stack's own web.yml, scraping an emulated vLLM. --dir finds that Prometheus from
 * docker-compose.yml and authenticates with the password of the stack's .env; the same URL without
 * the password is refused, and a stack whose .env holds another password says so (exit 1, --dir).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { startEmulator, type Emulator } from '../../src/demo/emulator.js';
import { basicAuthHeaders } from '../../src/stack/access.js';
import { WEB_USER } from '../../src/render/secrets.js';
import { renderToDir, TEST_SECRETS } from '../support/stacks.js';
import { PROMETHEUS_RELEASES } from '../support/versions.js';
import { freePort, type RunningPrometheus, startPrometheus, waitFor } from '../integration/support/prometheus.js';
import { captureIo } from '../support/cli.js';

for (const release of PROMETHEUS_RELEASES) describe(`loadtest --dir with real ${release.name} behind the stack's basic auth`, () => {
  const PROMETHEUS = release.path('prometheus');
  if (!PROMETHEUS) {
    it.skip(`needs ${release.missing('prometheus')}`, () => {});
    return;
  }
  let dir: string;
  let emu: Emulator;
  let prom: RunningPrometheus;
  let port: number;
  beforeAll(async () => {
    emu = await startEmulator({ kind: 'vllm-v1', traffic: 'clients', seed: 5 });
    ({ dir } = await renderToDir({ targets: [{ name: 'llama', engine: 'vllm', url: `http://127.0.0.1:${emu.port}` }], gpu: 'none', expose: true }));
    port = await freePort();
    const compose = join(dir, 'docker-compose.yml');
    const text = readFileSync(compose, 'utf8');
    expect(text).toContain('- 9090:9090');
    writeFileSync(compose, text.replace('- 9090:9090', `- 127.0.0.1:${port}:9090`));
    // The stack's own web.yml (the bcrypt hash of TEST_SECRETS' password); a scrape config of our own.
    const config = join(dir, 'loadtest-prometheus.yml');
    writeFileSync(config, `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: vllm\n    static_configs:\n      - targets: ['127.0.0.1:${emu.port}']\n`);
    const auth = basicAuthHeaders({ user: WEB_USER, password: TEST_SECRETS.web!.password });
    prom = await startPrometheus({ binary: PROMETHEUS, configFile: config, port, headers: auth, extraArgs: [`--web.config.file=${join(dir, 'prometheus', 'web.yml')}`] });
    await waitFor('the emulator scraped', async () => ((await prom.client.targets()).some((t) => t.health === 'up') ? true : undefined), 30_000, 300);
  }, 90_000);
  afterAll(async () => {
    await prom?.stop();
    await emu?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const args = () => ['loadtest', emu.url, '--rate', '10', '--requests', '12', '--input-len', '40', '--output-len', '8', '--json'];

  it('finds the Prometheus of the stack and authenticates: the cross-check runs and agrees on the counts', async () => {
    const io = captureIo();
    const code = await main([...args(), '--dir', dir], io);
    expect(code, io.errors.join('\n')).toBe(0);
    const r = JSON.parse(io.lines.join('\n')) as { total_output_tokens: number; cross_check: { prometheus_url: string; engine: string; checks: { metric: string; agree: boolean; server: unknown }[] } };
    expect(r.cross_check.prometheus_url).toBe(`http://127.0.0.1:${port}`);
    expect(r.cross_check.engine).toBe('vllm');
    const byName = Object.fromEntries(r.cross_check.checks.map((c) => [c.metric, c]));
    expect(byName['finished requests']).toMatchObject({ agree: true, server: 12 });
    expect(byName['generated tokens']).toMatchObject({ agree: true, server: 12 * 8 });
  }, 60_000);

  it('the same Prometheus refuses a run without the password (--prometheus-url): exit 1 naming the flag and --dir as the fix', async () => {
    const io = captureIo();
    expect(await main([...args(), '--prometheus-url', `http://127.0.0.1:${port}`], io)).toBe(1);
    expect(io.errors).toEqual([expect.stringMatching(/--prometheus-url: cannot ask .*HTTP 401.*pass --dir/)]);
  }, 30_000);

  it('a stack whose .env holds another password: exit 1 naming --dir and the .env', async () => {
    const env = join(dir, '.env');
    const text = readFileSync(env, 'utf8');
    writeFileSync(env, text.replace(`=${TEST_SECRETS.web!.password}`, '=not-the-password'));
    try {
      const io = captureIo();
      expect(await main([...args(), '--dir', dir], io)).toBe(1);
      expect(io.errors).toEqual([expect.stringMatching(/--dir: cannot ask .*HTTP 401.*MONITOR_WEB_PASSWORD in its \.env/)]);
    } finally {
      writeFileSync(env, text);
    }
  }, 30_000);
});
