/**
 * The whole product on real Docker (Compose v1, local images built from Debian's binaries, Grafana
 * left out: no image here): the demo's emulated fleet, a stack generated for it with a webhook
 * receiver run by this test, started health-gated and validated; then faults: an engine stops ->
 * LLMTargetDown reaches the webhook; Prometheus restarts -> its data is still there.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.js';
import { type DemoRun, runDemo } from '../../src/commands/demo.js';
import type { ValidateReport } from '../../src/validate/types.js';
import { acquireStackLock, bridgeGateway, buildLocalImages, dockerSkipReason, portFlags, promQuery, waitUntil, WebhookReceiver } from './support.js';

const skip = await dockerSkipReason();

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** This machine's own IPv4 addresses other than loopback and Docker's bridges. */
function lanAddresses(): string[] {
  return Object.entries(networkInterfaces())
    .filter(([name]) => !/^(lo|docker\d*|br-|veth)/.test(name))
    .flatMap(([, addrs]) => (addrs ?? []).filter((a) => a.family === 'IPv4' && !a.internal).map((a) => a.address));
}

describe.skipIf(skip !== undefined)('e2e: demo fleet + generated stack (real Docker, compose v1, local images)', () => {
  const root = mkdtempSync(join(tmpdir(), 'cvm-e2e-stack-'));
  const dir = join(root, 'e2e-stack');
  const hook = new WebhookReceiver();
  const log: string[] = [];
  const io: Io = { out: (l) => log.push(l), err: (l) => log.push(l), isTTY: false, env: { ...process.env, CVM_COMPOSE: process.env.CVM_COMPOSE ?? 'v1' } };
  let demo: DemoRun | undefined;
  let report: ValidateReport | undefined;
  let prometheusUrl = '';

  let release = () => {};
  beforeAll(async () => {
    release = await acquireStackLock();
    buildLocalImages();
    const hookPort = await hook.start(await bridgeGateway());
    demo = await runDemo(
      {
        dir,
        images: ['prometheus=cvm-local/prometheus:test', 'alertmanager=cvm-local/alertmanager:test', 'node-exporter=cvm-local/node-exporter:test'],
        noGrafana: true,
        scrapeInterval: '2s',
        extraCreateArgs: ['--receiver', 'webhook', '--webhook-url', `http://localhost:${hookPort}/alerts`, ...(await portFlags())],
        fireTestAlert: true,
        waitMs: 90_000,
      },
      io,
    );
    report = demo.started?.json.validate as ValidateReport | undefined;
    prometheusUrl = ((demo.started?.json.up as { urls?: { prometheus?: string } } | undefined)?.urls?.prometheus) ?? '';
  }, 1_200_000);

  afterAll(async () => {
    await demo?.stop({ volumes: true });
    await hook.stop();
    rmSync(root, { recursive: true, force: true });
    release();
  });

  it('validate passes: every target up, rules loaded, Alertmanager connected, no panel missing series, test alert delivered to the webhook', async () => {
    expect(report, log.join('\n')).toBeDefined();
    const failed = report!.checks.filter((c) => c.status === 'fail');
    expect(failed, log.join('\n')).toEqual([]);
    expect(demo!.code).toBe(0);

    const targets = report!.checks.filter((c) => c.name.startsWith('target '));
    // 3 engines + the emulated DCGM exporter + node, prometheus, alertmanager.
    expect(targets.map((t) => t.name).sort()).toEqual(
      ['target alertmanager/alertmanager:9093', 'target gpu-dcgm/' , 'target node/', 'target prometheus/localhost:9090', 'target sglang/llama-sglang', 'target vllm/llama-vllm-v1', 'target vllm/opt-vllm-v0']
        .map((n) => targets.find((t) => t.name.startsWith(n))?.name ?? n)
        .sort(),
    );
    expect(targets.every((t) => t.status === 'pass')).toBe(true);
    expect(report!.checks.find((c) => c.name === 'rules loaded')?.status).toBe('pass');
    expect(report!.checks.find((c) => c.name === 'alertmanager discovered')?.status).toBe('pass');
    expect(report!.checks.find((c) => c.name === 'alertmanager ready')?.status).toBe('pass');

    const dashboards = existsSync(join(dir, 'grafana/dashboards')) ? readdirSync(join(dir, 'grafana/dashboards')).filter((f) => f.endsWith('.json')) : [];
    expect(dashboards.length, 'the stack ships dashboards').toBeGreaterThan(0);
    expect(report!.panels?.length).toBeGreaterThan(0);
    // Every panel's query runs and selects series the stack produces: none misses a series or errs.
    // Panels the probe calls waiting-for-traffic are zero-valued counters (XID errors, preemptions,
    // aborts) or series the rules derive from traffic not yet seen; they are listed, not hidden.
    // That holds for the per-instance dashboard too, whose default selection is the SGLang instance.
    // The one exception: a panel the probe calls not applicable, with its reason (the optional-feature
    // row: speculative decoding, P/D, LoRA, MFU are off in the demo fleet).
    const broken = report!.panels!.filter(
      (p) => (p.status === 'missing-series' || p.status === 'query-error') && !(p.verdict === 'not-applicable' && p.note),
    );
    expect(broken, JSON.stringify(broken, null, 2)).toEqual([]);
    const waiting = report!.panels!.filter((p) => p.status === 'waiting-for-traffic');
    if (waiting.length) console.info(`panels waiting for traffic: ${waiting.map((p) => `${p.dashboard} / ${p.title}`).join('; ')}`);
    expect(report!.panels!.filter((p) => p.status === 'data').length).toBeGreaterThan(waiting.length);

    expect(report!.checks.find((c) => c.name === 'test alert')).toMatchObject({ status: 'pass' });
    const received = await hook.waitFor((l) => l.alertname === 'CreateVllmMonitorTestAlert', 5_000);
    expect(received.severity).toBe('warning');
  });

  it('node-exporter listens only where Prometheus reaches it: the Docker bridge address, not loopback or the LAN', async () => {
    // Prometheus scrapes it (the node target is up, above) through host.docker.internal.
    const gateway = await bridgeGateway();
    expect(await accepts(gateway, 9100)).toBe(true);
    expect(await accepts('127.0.0.1', 9100)).toBe(false);
    for (const address of lanAddresses()) expect(await accepts(address, 9100), address).toBe(false);
  });

  it('an engine that stops: LLMTargetDown fires and reaches the webhook receiver', async () => {
    const sglang = demo!.fleet.find((m) => m.name === 'llama-sglang')!;
    await sglang.emulator!.setState('down');
    // for: 2m, then Alertmanager's group_wait 30s.
    const labels = await hook.waitFor((l) => l.alertname === 'LLMTargetDown' && l.instance === 'llama-sglang', 240_000);
    expect(labels.severity).toBe('critical');
    expect(labels.job).toBe('sglang');
    await sglang.emulator!.setState('normal');
  }, 300_000);

  it('Prometheus restarts: the data scraped before is still there', async () => {
    const at = Math.floor(Date.now() / 1000) - 5;
    const expr = 'count_over_time(up{job="prometheus"}[1m])';
    const before = await promQuery(prometheusUrl, expr, at);
    expect(Number(before[0]?.value[1])).toBeGreaterThan(5);

    const docker = new Docker();
    const [container] = await docker.listContainers({ filters: { label: ['com.docker.compose.service=prometheus', `com.docker.compose.project=${join(dir).split('/').pop()!.replace(/[^a-z0-9_-]/g, '')}`] } });
    expect(container).toBeDefined();
    const startedAt = (await docker.getContainer(container!.Id).inspect()).State.StartedAt;
    await docker.getContainer(container!.Id).restart();
    expect((await docker.getContainer(container!.Id).inspect()).State.StartedAt).not.toBe(startedAt);

    const after = await waitUntil('Prometheus to answer after its restart', async () => {
      const r = await promQuery(prometheusUrl, expr, at);
      return r.length ? r : undefined;
    }, 60_000);
    expect(after[0]!.value[1]).toBe(before[0]!.value[1]);
  }, 120_000);
});
