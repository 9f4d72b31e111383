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
import type { Io } from '../../src/cli/io.js';
import { type DemoRun, runDemo } from '../../src/commands/demo.js';
import type { ValidateReport } from '../../src/validate/types.js';
import { IN_CI, NEWER_TOOLS_DIR } from '../support/env.js';
import { SID_TOOLS_DIR } from '../support/versions.js';
import { acquireStackLock, bridgeGateway, buildLocalImages, cli, dockerSkipReason, freePort, LOCAL_IMAGE_FLAGS, portFlags, serve, type Served, SID_IMAGE_FLAGS, SID_IMAGES } from './support.js';

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
    // Every promtool test file of a DCGM stack in a container, one after another: well over a minute on two cores.
  }, 300_000);

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
const SID_BIN = join(SID_TOOLS_DIR, 'usr/bin');
const v2Missing = [COMPOSE_V2, join(SID_BIN, 'prometheus'), join(SID_BIN, 'prometheus-alertmanager')].filter((p) => !existsSync(p));
if (v2Missing.length && IN_CI && skip === undefined) throw new Error(`${v2Missing.join(', ')} missing in CI: .ci/run must run .ci/newer-tools.sh`);
if (v2Missing.length) console.warn(`skipped compose v2 / Prometheus 3.5 e2e: ${v2Missing.join(', ')} not found (bash .ci/newer-tools.sh ${NEWER_TOOLS_DIR} trixie; bash .ci/newer-tools.sh ${SID_TOOLS_DIR} sid)`);

describe.skipIf(skip !== undefined || v2Missing.length > 0)('e2e with Compose v2 (up --wait) and Prometheus 3.5 / Alertmanager 0.33 images', () => {
  const root = mkdtempSync(join(tmpdir(), 'cvm-e2e-v2-'));
  const dir = join(root, 'v2stack');
  const log: string[] = [];
  // validate runs promtool/amtool inside the stack's own images, as it does where none is installed.
  const env = { ...process.env, CVM_COMPOSE: COMPOSE_V2, CVM_PROMTOOL: 'image', CVM_AMTOOL: 'image' };
  const io: Io = { out: (l) => log.push(l), err: (l) => log.push(l), isTTY: false, env };
  let demo: DemoRun | undefined;
  let release = () => {};
  beforeAll(async () => {
    release = await acquireStackLock();
    buildLocalImages({ binDir: SID_BIN, tag: 'sid' });
  }, 900_000);
  afterAll(async () => {
    await demo?.stop({ volumes: true });
    await cli(['down', join(root, 'broken'), '--volumes'], env);
    rmSync(root, { recursive: true, force: true });
    release();
  });

  it('the demo comes up with --wait and validates, promtool 3.5 tests and amtool 0.33 included', async () => {
    demo = await runDemo({ dir, images: SID_IMAGES, noGrafana: true, scrapeInterval: '2s', extraCreateArgs: await portFlags(), waitMs: 90_000 }, io);
    try {
      expect(demo.code, log.join('\n')).toBe(0);
      const report = demo.started?.json.validate as ValidateReport;
      expect(report.checks.filter((c) => c.status === 'fail'), log.join('\n')).toEqual([]);
      for (const name of ['promtool check config', 'promtool check rules', 'promtool test rules']) {
        expect(report.checks.find((c) => c.name.includes(name))?.detail, name).toContain('image cvm-local/prometheus:sid');
      }
      expect(report.checks.find((c) => c.name.includes('amtool check-config'))?.detail).toContain('image cvm-local/alertmanager:sid');
      expect(log.some((l) => / 2\.\d+\.\d+/.test(l) && l.includes('docker-compose'))).toBe(true);
      // The images run what they claim.
      const urls = (demo.started?.json.up as { urls: { prometheus: string; alertmanager: string } }).urls;
      const prom = (await (await fetch(`${urls.prometheus}/api/v1/status/buildinfo`)).json()) as { data: { version: string } };
      expect(prom.data.version).toMatch(/^3\.5\./);
      const am = (await (await fetch(`${urls.alertmanager}/api/v2/status`)).json()) as { versionInfo: { version: string } };
      expect(am.versionInfo.version).toMatch(/^0\.33\./);
      // The demo's GPU exporter is emulated on this machine, so status lists its container as not created.
      const status = await cli(['status', dir], env);
      for (const service of ['prometheus', 'alertmanager', 'node-exporter']) expect(status.out.find((l) => l.startsWith(service)), status.text).toMatch(/running\s+healthy/);
    } finally {
      await demo.stop({ volumes: true });
      demo = undefined;
    }
    expect((await cli(['status', dir], env)).code).toBe(1);
  }, 600_000);

  it('a crash-looping Alertmanager 0.33 is named, with its own log lines, though compose v2 only says "dependency failed"', async () => {
    const brokenDir = join(root, 'broken');
    expect((await cli([brokenDir, '--yes', '--gpu', 'none', '--no-grafana', ...SID_IMAGE_FLAGS, ...(await portFlags())], env)).code).toBe(0);
    const path = join(brokenDir, 'alertmanager/alertmanager.yml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('route:', 'route:\n  no_such_field: 1'));
    const up = await cli(['up', brokenDir, '--timeout', '45'], env);
    expect(up.code).toBe(1);
    const problems = up.err.filter((l) => l.includes('✗'));
    expect(problems, up.text).toHaveLength(1);
    expect(problems[0]).toMatch(/✗ alertmanager is unhealthy.*create-vllm-monitor validate/);
    const logStart = up.err.indexOf('  last log lines of alertmanager:');
    expect(logStart, up.text).toBeGreaterThan(-1);
    expect(up.err.slice(logStart).some((l) => l.includes('no_such_field')), up.text).toBe(true);
  }, 300_000);
});
