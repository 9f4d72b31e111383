/**
 * validate --fire-test-alert against real Alertmanager (each release of test/support/versions.ts:
 * 0.25, 0.28, 0.33) running the generated alertmanager.yml with a webhook receiver. Loopback
 * adaptations only: the webhook URL points at a local server instead of host.docker.internal, and
 * group_wait is 1s instead of 30s. The alert must reach the webhook, and a webhook answering 500
 * must be reported as a failed notification: both read from the Alertmanager's own counters.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AmConfig, fireTestAlert } from '../../src/validate/alert-test.js';
import { freePort, waitFor } from '../integration/support/prometheus.js';
import { renderToDir } from '../support/stacks.js';
import { ALERTMANAGER_RELEASES } from '../support/versions.js';

for (const release of ALERTMANAGER_RELEASES) describe(`test alert through real ${release.name}`, () => {
  const binary = release.path('prometheus-alertmanager');
  if (!binary) {
    it.skip(`needs ${release.missing('prometheus-alertmanager')}`, () => {});
    return;
  }
  let dir: string;
  let am: ChildProcess | undefined;
  let amUrl: string;
  let webhook: Server;
  let status = 200;
  const received: { alerts: { labels: Record<string, string> }[] }[] = [];
  let config: AmConfig;

  beforeAll(async () => {
    webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += String(d)));
      req.on('end', () => {
        if (status === 200) received.push(JSON.parse(body) as (typeof received)[number]);
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
    const hook = `http://127.0.0.1:${(webhook.address() as { port: number }).port}/hook`;
    const stack = await renderToDir({ targets: [{ engine: 'vllm', url: 'http://10.0.0.5:8000' }], gpu: 'none', receiver: { kind: 'webhook', webhook: { url: hook } } }, 'am-test');
    dir = stack.dir;
    const file = join(dir, 'alertmanager/alertmanager.yml');
    const doc = parse(readFileSync(file, 'utf8')) as AmConfig & { route: { group_wait?: string }; receivers: { webhook_configs?: { url: string }[] }[] };
    for (const r of doc.receivers) for (const w of r.webhook_configs ?? []) w.url = hook;
    doc.route.group_wait = '1s';
    writeFileSync(file, stringify(doc));
    config = doc;
    const port = await freePort();
    amUrl = `http://127.0.0.1:${port}`;
    am = spawn(binary, [`--config.file=${file}`, `--storage.path=${join(dir, 'am-data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='], { stdio: 'ignore' });
    await waitFor(`${release.name} ready`, async () => ((await fetch(`${amUrl}/-/ready`).catch(() => undefined))?.ok ? true : undefined), 30_000, 200);
  });

  afterAll(async () => {
    if (am?.pid && am.exitCode === null) {
      const exited = new Promise((r) => am!.once('exit', r));
      process.kill(am.pid, 'SIGTERM');
      await exited;
    }
    await new Promise((r) => webhook?.close(r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is delivered to the webhook receiver, as its counters and the webhook say', async () => {
    const r = await fireTestAlert(amUrl, config, { timeoutMs: 30_000 });
    expect(r, r.detail).toMatchObject({ delivered: true, receiver: 'webhook', integrations: ['webhook'] });
    expect(received.flatMap((p) => p.alerts.map((a) => a.labels.alertname))).toContain('CreateVllmMonitorTestAlert');
  });

  it('is reported as failed when the webhook answers 500', async () => {
    status = 500;
    const r = await fireTestAlert(amUrl, config, { timeoutMs: 30_000 });
    expect(r.delivered).toBe(false);
    expect(r.detail).toMatch(/webhook notification failed/);
  });
});
