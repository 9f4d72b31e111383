/**
 * Faults a newcomer hits, each named in one line: a target serving HTML, one answering 401, SGLang
 * without --enable-metrics (404 on /metrics), and a port already taken. Real Docker, Compose v1,
 * local images; Grafana left out (no image here).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_CI, NEWER_TOOLS_DIR } from '../support/env.js';
import { acquireStackLock, bridgeGateway, buildLocalImages, cli, dockerSkipReason, freePort, LOCAL_IMAGE_FLAGS, portFlags, serve, type Served } from './support.js';

const skip = await dockerSkipReason();

describe.skipIf(skip !== undefined)('e2e faults (real Docker, compose v1)', () => {
  const root = mkdtempSync(join(tmpdir(), 'cvm-e2e-faults-'));
  const dir = join(root, 'faults');
  const servers: Served[] = [];
  let gateway = '0.0.0.0';

  let release = () => {};
  beforeAll(async () => {
    release = await acquireStackLock();
    buildLocalImages();
    gateway = await bridgeGateway();
  }, 900_000);
  afterAll(async () => {
    await cli(['down', dir, '--volumes']);
    await Promise.all(servers.map((s) => s.close()));
    rmSync(root, { recursive: true, force: true });
    release();
  });

  it('validate names the cause of each broken target in one line', async () => {
    // A web UI where the metrics should be, an API key in front of /metrics, and SGLang started
    // without --enable-metrics (FastAPI's 404 body).
    const html = await serve(gateway, (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><html><body>Open WebUI</body></html>'));
    const auth = await serve(gateway, (_req, res) => res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"Unauthorized"}'));
    const sglang = await serve(gateway, (_req, res) => res.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"Not Found"}'));
    servers.push(html, auth, sglang);

    const created = await cli([
      dir, '--yes', '--gpu', 'none', '--no-grafana', '--scrape-interval', '2s', ...LOCAL_IMAGE_FLAGS, ...(await portFlags()),
      '--target', `webui:vllm=http://localhost:${html.port}`,
      '--target', `locked:vllm=http://localhost:${auth.port}`,
      '--target', `nometrics:sglang=http://localhost:${sglang.port}`,
    ]);
    expect(created.code, created.text).toBe(0);
    const up = await cli(['up', dir]);
    expect(up.code, up.text).toBe(0);

    const v = await cli(['validate', dir, '--live', '--wait', '60']);
    expect(v.code).toBe(1);
    const line = (name: string) => v.out.findIndex((l) => l.includes(`target ${name}`));
    const at = (name: string) => `${v.out[line(name)]}\n${v.out[line(name) + 1]}`;
    expect(at('vllm/webui')).toContain('HTML instead of metrics');
    expect(at('vllm/locked')).toMatch(/HTTP 401[\s\S]*bearerTokenFile/);
    expect(at('sglang/nometrics')).toMatch(/HTTP 404[\s\S]*--enable-metrics/);
    // The stack itself is fine: its own targets are up.
    expect(v.out.find((l) => l.includes('target prometheus/'))).toMatch(/^\s+ok/);
    // One stack at a time: node-exporter holds host port 9100.
    expect((await cli(['down', dir, '--volumes'])).code).toBe(0);
  });

  it('a service that fails its healthcheck is shown with its last log lines and the likely fix', async () => {
    const brokenDir = join(root, 'broken');
    expect((await cli([brokenDir, '--yes', '--gpu', 'none', '--no-grafana', ...LOCAL_IMAGE_FLAGS, ...(await portFlags())])).code).toBe(0);
    // A hand edit Alertmanager cannot load.
    const path = join(brokenDir, 'alertmanager/alertmanager.yml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('route:', 'route:\n  no_such_field: 1'));
    try {
      const up = await cli(['up', brokenDir, '--timeout', '45']);
      expect(up.code).toBe(1);
      const problem = up.err.find((l) => l.includes('✗ alertmanager is'));
      expect(problem, up.text).toBeDefined();
      expect(problem).toContain('create-vllm-monitor validate');
      const logStart = up.err.indexOf('  last log lines of alertmanager:');
      expect(logStart, up.text).toBeGreaterThan(-1);
      expect(up.err.slice(logStart).some((l) => l.includes('no_such_field'))).toBe(true);
    } finally {
      await cli(['down', brokenDir, '--volumes']);
    }
  });

  it("static checks run inside the stack's own images when promtool/amtool are not local", async () => {
    const imgDir = join(root, 'in-image');
    expect((await cli([imgDir, '--yes', '--gpu', 'dcgm', '--no-grafana', ...LOCAL_IMAGE_FLAGS, '--target', 'vllm=http://10.0.0.5:8000'])).code).toBe(0);
    const v = await cli(['validate', imgDir, '--static'], { CVM_PROMTOOL: 'image', CVM_AMTOOL: 'image' });
    expect(v.code, v.text).toBe(0);
    for (const name of ['promtool check config', 'promtool check rules', 'promtool test rules']) {
      expect(v.out.find((l) => l.includes(name))).toContain('ok (image cvm-local/prometheus:test)');
    }
    expect(v.out.find((l) => l.includes('amtool check-config'))).toContain('ok (image cvm-local/alertmanager:test)');
  });

  it('up refuses a port that is already taken, and says which', async () => {
    const port = await freePort();
    const squatter = await serve('127.0.0.1', (_req, res) => res.end('mine'), port);
    servers.push(squatter);
    const busyDir = join(root, 'busy');
    const created = await cli([busyDir, '--yes', '--gpu', 'none', '--no-grafana', ...LOCAL_IMAGE_FLAGS, '--prometheus-port', String(port), '--alertmanager-port', String(await freePort())]);
    expect(created.code, created.text).toBe(0);
    const up = await cli(['up', busyDir]);
    expect(up.code).toBe(1);
    const problem = up.err.filter((l) => l.includes('✗'));
    expect(problem).toHaveLength(1);
    expect(problem[0]).toContain(`port ${port} for prometheus is already taken`);
    expect(problem[0]).toContain('--prometheus-port');
  });
});

const COMPOSE_V2 = join(NEWER_TOOLS_DIR, 'usr/libexec/docker/cli-plugins/docker-compose');
const v2Missing = !existsSync(COMPOSE_V2);
if (v2Missing && IN_CI && skip === undefined) throw new Error(`${COMPOSE_V2} is missing in CI: .ci/run must run .ci/newer-tools.sh`);
if (v2Missing) console.warn(`skipped compose v2 e2e: ${COMPOSE_V2} not found (bash .ci/newer-tools.sh ${NEWER_TOOLS_DIR})`);

describe.skipIf(skip !== undefined || v2Missing)('e2e with Compose v2 (docker compose up --wait)', () => {
  const root = mkdtempSync(join(tmpdir(), 'cvm-e2e-v2-'));
  const dir = join(root, 'v2stack');
  const env = { CVM_COMPOSE: COMPOSE_V2 };
  let release = () => {};
  beforeAll(async () => {
    release = await acquireStackLock();
  }, 900_000);
  afterAll(async () => {
    await cli(['down', dir, '--volumes'], env);
    rmSync(root, { recursive: true, force: true });
    release();
  });

  it('up waits for health with --wait, status reports it, down stops it', async () => {
    buildLocalImages();
    expect((await cli([dir, '--yes', '--gpu', 'none', '--no-grafana', ...LOCAL_IMAGE_FLAGS, ...(await portFlags())], env)).code).toBe(0);
    const up = await cli(['up', dir, '--json'], env);
    expect(up.code, up.text).toBe(0);
    const result = JSON.parse(up.out.join('\n')) as { ok: boolean; services: { service: string; health: string }[] };
    expect(result.services.map((s) => [s.service, s.health]).sort()).toEqual([['alertmanager', 'healthy'], ['node-exporter', 'healthy'], ['prometheus', 'healthy']]);
    expect(up.err.some((l) => l.includes('docker-compose 2.') || l.includes(' 2.'))).toBe(true);
    const status = await cli(['status', dir], env);
    expect(status.code).toBe(0);
    expect(status.out.find((l) => l.startsWith('prometheus'))).toMatch(/running\s+healthy/);
    const down = await cli(['down', dir], env);
    expect(down.code).toBe(0);
    expect((await cli(['status', dir], env)).code).toBe(1);
  });
});
