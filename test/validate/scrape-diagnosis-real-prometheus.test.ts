/**
 * validate's live target checks on the scrape errors of real Prometheus (each release of
 * test/support/versions.ts: 2.42, 2.53, 3.5), scraping loopback servers that answer as the usual
 * wrong targets do: a web UI, an HTML page sent as text/plain, a JSON API, an API key in front of
 * /metrics, SGLang without --enable-metrics (FastAPI's 404), and a metrics page without a
 * Content-Type header (which Prometheus 3 refuses and 2.x scrapes). The words differ by release
 * (see test/validate/diagnosis.test.ts); the diagnosis must not.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, type ServerResponse, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveChecks } from '../../src/validate/live.js';
import type { Check } from '../../src/validate/types.js';
import { type RunningPrometheus, startPrometheus } from '../integration/support/prometheus.js';
import { PROMETHEUS_RELEASES } from '../support/versions.js';

const METRICS = '# HELP vllm:num_requests_running Number of requests currently running on GPU.\n# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running{model_name="m"} 1.0\n';
const HTML = '<!doctype html><html><body>Open WebUI</body></html>';

/** job name -> how its server answers /metrics. */
const ANSWERS: Record<string, (res: ServerResponse) => void> = {
  metrics: (res) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(METRICS),
  webui: (res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(HTML),
  'html-as-text': (res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(HTML),
  'json-api': (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"object":"list","data":[]}'),
  locked: (res) => res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"Unauthorized"}'),
  sglang: (res) => res.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"Not Found"}'),
  'no-content-type': (res) => res.writeHead(200).end(METRICS),
};

for (const release of PROMETHEUS_RELEASES) describe(`validate names the cause of a failed scrape on real ${release.name}`, () => {
  const binary = release.path('prometheus');
  if (!binary) {
    it.skip(`needs ${release.missing('prometheus')}`, () => {});
    return;
  }
  let dir: string;
  let server: Server;
  let prom: RunningPrometheus;
  let checks: Check[];
  const target = (job: string): Check => checks.find((c) => c.name === `target ${job}/${job}`)!;

  beforeAll(async () => {
    server = createServer((req, res) => ANSWERS[req.url!.split('/')[1]!]!(res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    dir = mkdtempSync(join(tmpdir(), 'cvm-scrape-errors-'));
    const scrape_configs = Object.keys(ANSWERS).map((job) => ({ job_name: job, metrics_path: `/${job}/metrics`, static_configs: [{ targets: [`127.0.0.1:${port}`], labels: { instance: job } }] }));
    writeFileSync(join(dir, 'prometheus.yml'), stringify({ global: { scrape_interval: '1s', scrape_timeout: '1s' }, scrape_configs }));
    prom = await startPrometheus({ binary, configFile: join(dir, 'prometheus.yml') });
    ({ checks } = await liveChecks({ prometheusUrl: prom.url, dashboards: [], waitMs: 30_000 }));
  });

  afterAll(async () => {
    await prom?.stop();
    await new Promise((r) => server?.close(r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a metrics page is up', () => {
    expect(target('metrics')).toMatchObject({ status: 'pass' });
  });

  it('a web page, as text/html or as text/plain, is "HTML instead of metrics"', () => {
    for (const job of ['webui', 'html-as-text']) expect(target(job), job).toMatchObject({ status: 'fail', detail: expect.stringContaining('down: HTML instead of metrics'), fix: expect.stringContaining('/metrics') });
  });

  it(`a JSON API is ${release.atLeast('2.53') ? '"JSON instead of metrics"' : 'read as a web page (2.42 names neither)'}`, () => {
    expect(target('json-api')).toMatchObject({ status: 'fail', detail: expect.stringContaining(release.atLeast('2.53') ? 'down: JSON instead of metrics' : 'down: HTML instead of metrics') });
  });

  it('401 asks for credentials; SGLang answering 404 asks for --enable-metrics', () => {
    expect(target('locked')).toMatchObject({ status: 'fail', detail: expect.stringContaining('down: HTTP 401'), fix: expect.stringContaining('bearerTokenFile') });
    expect(target('sglang')).toMatchObject({ status: 'fail', detail: expect.stringContaining('down: HTTP 404 on /metrics'), fix: expect.stringContaining('--enable-metrics') });
  });

  it(`a metrics page without Content-Type is ${release.major >= 3 ? 'refused, and the fix named' : 'scraped'}`, () => {
    if (release.major < 3) expect(target('no-content-type')).toMatchObject({ status: 'pass' });
    else expect(target('no-content-type')).toMatchObject({ status: 'fail', detail: expect.stringContaining('down: no Content-Type'), fix: expect.stringContaining('fallback_scrape_protocol: PrometheusText0.0.4') });
  });
});
