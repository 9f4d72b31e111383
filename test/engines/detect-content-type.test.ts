/**
 * detect warns when a metrics answer carries a Content-Type Prometheus 3 refuses to scrape (none, or
 * one it does not know): Prometheus 2 scraped such answers, 3.x fails them unless the job sets
 * fallback_scrape_protocol (test/validate/scrape-diagnosis-real-prometheus.test.ts shows a real 3.5
 * refusing one).
 */
import { type Server, createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { detect } from '../../src/engines/detect.js';

const BODY = '# HELP vllm:num_requests_running Number of requests currently running on GPU.\n# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running{model_name="m"} 1.0\n';

describe('detect and the Content-Type of a metrics answer', () => {
  it('accepts the types Prometheus 3 scrapes', () => {
    for (const contentType of ['text/plain; version=0.0.4; charset=utf-8', 'text/plain', 'application/openmetrics-text; version=1.0.0; charset=utf-8', 'Text/Plain; version=1.0.0']) {
      expect(detect(BODY, { status: 200, contentType }).problems.filter((p) => p.code === 'content-type'), contentType).toEqual([]);
    }
    // A file has no Content-Type to judge.
    expect(detect(BODY).problems.filter((p) => p.code === 'content-type')).toEqual([]);
  });

  it('warns about a missing or unknown one, with both fixes', () => {
    const none = detect(BODY, { status: 200 }).problems.find((p) => p.code === 'content-type')!;
    expect(none).toMatchObject({ severity: 'warning', message: expect.stringMatching(/^no Content-Type header: Prometheus 3/) });
    expect(none.fix).toContain('fallback_scrape_protocol: PrometheusText0.0.4');
    expect(detect(BODY, { status: 200, contentType: 'application/octet-stream' }).problems.find((p) => p.code === 'content-type')?.message).toMatch(/^Content-Type "application\/octet-stream"/);
  });

  describe('the detect command on a server that sends none', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      server = createServer((_req, res) => res.writeHead(200).end(BODY));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('still detects the engine, and says Prometheus 3 will refuse it', async () => {
      const lines: string[] = [];
      const io: Io = { out: (l) => lines.push(l), err: (l) => lines.push(l), isTTY: false, env: {} };
      expect(await main(['detect', url], io)).toBe(0);
      expect(lines.join('\n')).toMatch(/detected: +vLLM/);
      expect(lines.join('\n')).toMatch(/warning +content-type: no Content-Type header: Prometheus 3, which the stack runs, refuses to scrape this/);
    });
  });
});
