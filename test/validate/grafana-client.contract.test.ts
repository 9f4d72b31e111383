/**
 * Grafana HTTP API client, tested against a RECORDED CONTRACT of Grafana's API — not against a
 * running Grafana (none can be obtained here; see REAL-COMPONENTS.md). The responses below are the
 * shapes Grafana documents for GET /api/health, GET /api/datasources/uid/:uid/health (200 with
 * status OK; 400 with status ERROR when the check fails) and GET /api/search?type=dash-db, served by
 * a local HTTP server that also checks the paths and the basic-auth header the client sends.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GrafanaClient } from '../../src/grafana-client/index.js';
import { grafanaChecks } from '../../src/validate/live.js';

const CONTRACT = {
  health: { commit: '087143285', database: 'ok', version: '12.0.2' },
  datasourceOk: { message: 'Successfully queried the Prometheus API.', status: 'OK' },
  datasourceError: { message: 'Post "http://prometheus:9090/api/v1/query": dial tcp: lookup prometheus: no such host - There was an error returned querying the Prometheus API.', status: 'ERROR' },
  search: [
    { id: 1, uid: 'cvm-llm-overview', title: 'LLM serving overview', uri: 'db/llm-serving-overview', url: '/d/cvm-llm-overview/llm-serving-overview', type: 'dash-db', tags: ['llm'], isStarred: false, sortMeta: 0 },
    { id: 2, uid: 'cvm-gpu', title: 'GPU', uri: 'db/gpu', url: '/d/cvm-gpu/gpu', type: 'dash-db', tags: [], isStarred: false, sortMeta: 0 },
  ],
  unauthorized: { message: 'Unauthorized' },
};

const PASSWORD = 'contract-password';
let server: Server;
let base: string;
const seen: { path: string; auth: string | undefined }[] = [];

function authorized(req: IncomingMessage): boolean {
  return req.headers.authorization === `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', auth: req.headers.authorization });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/api/health') return send(200, CONTRACT.health); // no auth needed
    if (!authorized(req)) return send(401, CONTRACT.unauthorized);
    if (req.url === '/api/datasources/uid/vllm-monitor-prometheus/health') return send(200, CONTRACT.datasourceOk);
    if (req.url === '/api/datasources/uid/broken/health') return send(400, CONTRACT.datasourceError);
    if (req.url?.startsWith('/api/search?type=dash-db')) return send(200, CONTRACT.search);
    return send(404, { message: 'Not found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('GrafanaClient against the recorded Grafana API contract', () => {
  it('reads health, datasource health (OK and ERROR) and dashboards', async () => {
    const c = new GrafanaClient(base, { user: 'admin', password: PASSWORD });
    expect((await c.health()).database).toBe('ok');
    expect(await c.datasourceHealth('vllm-monitor-prometheus')).toEqual(CONTRACT.datasourceOk);
    expect((await c.datasourceHealth('broken')).status).toBe('ERROR');
    expect((await c.dashboards()).map((d) => d.uid)).toEqual(['cvm-llm-overview', 'cvm-gpu']);
    expect(seen.find((s) => s.path.startsWith('/api/search'))?.auth).toMatch(/^Basic /);
  });

  it('validate passes when the datasource is healthy and every dashboard is present', async () => {
    const checks = await grafanaChecks(
      { grafanaUrl: base, grafanaCredentials: { user: 'admin', password: PASSWORD }, datasourceUid: 'vllm-monitor-prometheus', dashboards: [{ uid: 'cvm-llm-overview', title: 'LLM serving overview' }, { uid: 'cvm-gpu', title: 'GPU' }], waitMs: 2000 },
      Date.now() + 2000,
    );
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ['grafana healthy', 'pass'],
      ['grafana datasource', 'pass'],
      ['grafana dashboards', 'pass'],
    ]);
  });

  it('validate names a missing dashboard, a failing datasource and a wrong password', async () => {
    const missing = await grafanaChecks(
      { grafanaUrl: base, grafanaCredentials: { user: 'admin', password: PASSWORD }, datasourceUid: 'broken', dashboards: [{ uid: 'cvm-host', title: 'Host' }], waitMs: 2000 },
      Date.now() + 2000,
    );
    expect(missing.find((c) => c.name === 'grafana datasource')).toMatchObject({ status: 'fail' });
    expect(missing.find((c) => c.name === 'grafana datasource')!.detail).toContain('no such host');
    expect(missing.find((c) => c.name === 'grafana dashboards')).toMatchObject({ status: 'fail', detail: 'missing in Grafana: Host' });

    const wrong = await grafanaChecks(
      { grafanaUrl: base, grafanaCredentials: { user: 'admin', password: 'stale' }, datasourceUid: 'vllm-monitor-prometheus', dashboards: [], waitMs: 2000 },
      Date.now() + 2000,
    );
    const ds = wrong.find((c) => c.name === 'grafana datasource')!;
    expect(ds.status).toBe('fail');
    expect(ds.fix).toContain('GRAFANA_ADMIN_PASSWORD');
  });
});
