/**
 * --ha on real Docker (docker-compose v1 unless CVM_COMPOSE says otherwise, local images built from
 * Debian's binaries, Grafana left out: no image here): a stack generated with --ha for an emulated
 * vLLM and a webhook receiver run by this test is started health-gated and validated, both
 * replicas and the Alertmanager cluster included. Then the `prometheus` and `alertmanager`
 * containers are stopped, the engine goes down, and LLMTargetDown, fired by prometheus-2 alone and
 * sent by alertmanager-2 alone, reaches the webhook exactly once.
 *
 * Waits are on conditions with timeouts: a container's state, the alert's state in prometheus-2, the
 * webhook's first delivery. The one fixed wait is the window after that delivery in which a
 * duplicate would come (Alertmanager's --cluster.peer-timeout, 15 s, per position in the cluster).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/demo/index.js';
import { composeProjectName } from '../../src/stack/stack-dir.js';
import type { ValidateReport } from '../../src/validate/types.js';
import { acquireStackLock, bridgeGateway, buildLocalImages, cli, dockerSkipReason, freePort, LOCAL_IMAGE_FLAGS, portFlags, waitUntil, WebhookReceiver } from './support.js';

const skip = await dockerSkipReason();
const DUPLICATE_WINDOW_MS = 25_000;

describe.skipIf(skip !== undefined)('e2e: --ha pair (real Docker, local images)', () => {
  const root = mkdtempSync(join(tmpdir(), 'cvm-e2e-ha-'));
  const dir = join(root, 'ha-stack');
  const project = composeProjectName(dir);
  const docker = new Docker();
  const hook = new WebhookReceiver();
  let engine: Emulator | undefined;
  let report: ValidateReport | undefined;
  let validateLog = '';
  let prometheus2 = '';
  let started = false;

  const firing = (alertname: string, instance: string) =>
    hook.received.flatMap((p) => p.alerts).filter((a) => a.status === 'firing' && a.labels.alertname === alertname && a.labels.instance === instance).length;

  async function container(service: string): Promise<Docker.Container> {
    const [c] = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`, `com.docker.compose.service=${service}`] } });
    if (!c) throw new Error(`no ${service} container in project ${project}`);
    return docker.getContainer(c.Id);
  }

  let release = () => {};
  beforeAll(async () => {
    release = await acquireStackLock();
    buildLocalImages();
    const gateway = await bridgeGateway();
    const hookPort = await hook.start(gateway);
    engine = await startEmulator({ kind: 'vllm-v1', host: gateway, port: 0 });
    const p2 = await freePort();
    const a2 = await freePort();
    prometheus2 = `http://127.0.0.1:${p2}`;
    const gen = await cli([
      dir, '--yes', '--ha', '--gpu', 'none', '--no-grafana', '--scrape-interval', '2s',
      '--target', `ha-vllm:vllm=http://localhost:${engine.port}`,
      '--receiver', 'webhook', '--webhook-url', `http://localhost:${hookPort}/alerts`,
      ...LOCAL_IMAGE_FLAGS, ...(await portFlags()), '--prometheus2-port', String(p2), '--alertmanager2-port', String(a2),
    ]);
    expect(gen.code, gen.text).toBe(0);
    const up = await cli(['up', dir, '--timeout', '150']);
    started = true;
    expect(up.code, up.text).toBe(0);
    // Live checks: the static ones (promtool, amtool) are --ha's too but run without Docker in
    // test/render/ha.test.ts; the SLO rules' unit tests they include, unchanged by --ha, can outrun
    // promtool's 120 s timeout on a loaded 2-core machine.
    const v = await cli(['validate', dir, '--live', '--json', '--wait', '120']);
    validateLog = v.text;
    report = JSON.parse(v.out.join('\n')) as ValidateReport;
  }, 600_000);

  afterAll(async () => {
    if (started) await cli(['down', dir, '--volumes']).catch(() => undefined);
    await engine?.stop();
    await hook.stop();
    rmSync(root, { recursive: true, force: true });
    release();
  }, 180_000);

  it('runs both Prometheus replicas and both Alertmanagers, healthy', async () => {
    for (const service of ['prometheus', 'prometheus-2', 'alertmanager', 'alertmanager-2']) {
      const state = (await (await container(service)).inspect()).State;
      expect(state.Running, service).toBe(true);
      expect(state.Health?.Status, service).toBe('healthy');
    }
  });

  it('validate passes, both replicas (targets up, rules loaded) and the Alertmanager cluster (ready, both peers) included', () => {
    expect(report, validateLog).toBeDefined();
    expect(report!.checks.filter((c) => c.status === 'fail'), validateLog).toEqual([]);
    const byName = new Map(report!.checks.map((c) => [c.name, c]));
    for (const name of ['prometheus', 'prometheus-2']) {
      for (const check of ['ready', 'targets', 'rules loaded', 'alertmanagers']) expect(byName.get(`${name} ${check}`)?.status, `${name} ${check}`).toBe('pass');
    }
    for (const name of ['alertmanager', 'alertmanager-2']) expect(byName.get(`${name} cluster`)?.detail, name).toMatch(/^ready, 2 peers/);
    expect(byName.get('target vllm/ha-vllm')?.status).toBe('pass');
  });

  it('with prometheus and alertmanager stopped, an engine that goes down is reported once, by prometheus-2 through alertmanager-2', async () => {
    for (const service of ['prometheus', 'alertmanager']) await (await container(service)).stop();
    for (const service of ['prometheus', 'alertmanager']) expect((await (await container(service)).inspect()).State.Running, service).toBe(false);

    await engine!.setState('down');
    // for: 2m in prometheus-2, then group_wait 30s and the peer timeout in alertmanager-2.
    await waitUntil('LLMTargetDown firing in prometheus-2', async () => {
      const body = (await (await fetch(`${prometheus2}/api/v1/alerts`)).json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } };
      return body.data.alerts.some((a) => a.labels.alertname === 'LLMTargetDown' && a.labels.instance === 'ha-vllm' && a.state === 'firing') ? true : undefined;
    }, 200_000);
    const labels = await hook.waitFor((l) => l.alertname === 'LLMTargetDown' && l.instance === 'ha-vllm', 120_000);
    expect(labels.replica).toBeUndefined();
    const first = Date.now();
    await waitUntil('the duplicate window to pass', async () => (Date.now() - first >= DUPLICATE_WINDOW_MS ? true : undefined), DUPLICATE_WINDOW_MS + 5_000);
    expect(firing('LLMTargetDown', 'ha-vllm')).toBe(1);
  }, 400_000);
});
