/** validate asks each engine target its version at the URL Prometheus scrapes, for the panel probe. */
import { type Server, createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PromTarget, targetVersions } from '../../src/validate/live.js';

describe('the versions validate asks of its targets', () => {
  let server: Server;
  let base: string;
  const asked: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      asked.push(req.url ?? '');
      if (req.url === '/version') res.writeHead(200, { 'content-type': 'application/json' }).end('{"version":"0.11.0"}');
      else if (req.url === '/get_server_info') res.writeHead(200, { 'content-type': 'application/json' }).end('{"version":"0.4.6"}');
      else res.writeHead(404).end('{"detail":"Not Found"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const t = (job: string, instance: string, health: PromTarget['health'] = 'up', url = `${base}/metrics`): PromTarget => ({ labels: { job, instance }, scrapePool: job, scrapeUrl: url, health, lastError: '', lastScrape: '2026-12-01T00:00:00Z' });

  it('asks vLLM /version and SGLang /server_info then /get_server_info; nothing of exporters or targets down', async () => {
    const versions = await targetVersions([t('vllm', 'a'), t('sglang', 'b'), t('gpu-dcgm', 'g'), t('vllm', 'down', 'down')]);
    expect(versions).toEqual([
      { job: 'vllm', instance: 'a', version: '0.11.0' },
      { job: 'sglang', instance: 'b', version: '0.4.6' },
    ]);
    expect(asked.sort()).toEqual(['/get_server_info', '/server_info', '/version']);
  });

  it('an engine that cannot be asked from here is simply unknown', async () => {
    expect(await targetVersions([t('vllm', 'x', 'up', 'http://127.0.0.1:1/metrics')])).toEqual([]);
  });
});
