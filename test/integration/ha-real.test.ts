/**
 * --ha on real binaries (the newest Prometheus and Alertmanager of test/support/versions.ts present):
 * two Alertmanagers clustered on loopback and two Prometheus replicas, all four running the generated
 * configs, and a webhook receiver. One alert posted to both Alertmanagers, then one alert fired by
 * both replicas, reaches the webhook exactly once; with one Prometheus and one Alertmanager stopped,
 * a new alert still does, once. validate's HA checks pass on the healthy pair and name the stopped
 * instances afterwards.
 *
 * Loopback adaptations only, as in test-alert-real-alertmanager.test.ts: the file_sd target lists
 * and the prometheus/alertmanager jobs' and `alerting` targets point at the local processes (the
 * same list in both replicas' configs, so they still differ only in `replica`); the Alertmanagers
 * listen and gossip on 127.0.0.1 (--cluster.listen-address/--cluster.peer with loopback ports
 * instead of the service names); the webhook URL is the local receiver; group_wait is 1s and
 * LLMTargetDown's `for:` 1s. Peer timeout, gossip and dedup are Alertmanager's defaults, as generated.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haChecks, type Instance } from '../../src/validate/ha.js';
import { postAlerts, type RunningAlertmanager, startAlertmanager } from '../alertmanager/support.js';
import { ALERTMANAGER_RELEASES, PROMETHEUS_RELEASES } from '../support/versions.js';
import { webhookReceiver } from './support/platform.js';
import { freePort, type RunningPrometheus, startPrometheus, waitFor } from './support/prometheus.js';
import { serveMetrics, type StaticTarget } from './support/static-targets.js';
import { pointTargets, renderTestStack, type TestStack } from './support/test-stack.js';

const PROMETHEUS = [...PROMETHEUS_RELEASES].reverse().find((r) => r.path('prometheus') !== undefined);
const ALERTMANAGER = [...ALERTMANAGER_RELEASES].reverse().find((r) => r.path('prometheus-alertmanager') !== undefined);

/**
 * A second Alertmanager holds back a notification for its position x --cluster.peer-timeout (15 s by
 * default) and sends it only if its peer's notification log still has none: a duplicate, if any,
 * arrives within that. The tests watch a little longer than that before saying "once".
 */
const DUPLICATE_WINDOW_MS = 20_000;

const VLLM_METRICS = '# HELP vllm:num_requests_running Number of requests in model execution batches.\n# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running{engine="0",model_name="m"} 0.0\n';

interface PromConfig {
  scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[];
  alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
  global: { external_labels: Record<string, string> };
}

interface Webhook {
  alerts: { status: string; labels: Record<string, string> }[];
}

describe.skipIf(!PROMETHEUS || !ALERTMANAGER)(`--ha pair on real ${PROMETHEUS?.name ?? 'Prometheus'} and ${ALERTMANAGER?.name ?? 'Alertmanager'}`, () => {
  let stack: TestStack;
  let hook: Awaited<ReturnType<typeof webhookReceiver>>;
  const targets: Record<string, StaticTarget> = {};
  const proms: RunningPrometheus[] = [];
  const ams: RunningAlertmanager[] = [];
  const promPorts: number[] = [];
  const amPorts: number[] = [];

  /** Firing notifications of one alert the webhook got, across every payload. */
  const deliveries = (alertname: string, instance?: string) =>
    hook.received
      .flatMap((d) => (JSON.parse(d.body) as Webhook).alerts)
      .filter((a) => a.status === 'firing' && a.labels.alertname === alertname && (instance === undefined || a.labels.instance === instance)).length;

  /** Waits for the first delivery, then for the window a duplicate would come in; returns the count. */
  async function deliveredCount(alertname: string, instance: string | undefined, timeoutMs: number): Promise<number> {
    await waitFor(`${alertname} at the webhook`, async () => (deliveries(alertname, instance) > 0 ? true : undefined), timeoutMs, 250);
    const first = Date.now();
    await waitFor('the duplicate window to pass', async () => (Date.now() - first >= DUPLICATE_WINDOW_MS ? true : undefined), DUPLICATE_WINDOW_MS + 5_000, 500);
    return deliveries(alertname, instance);
  }

  const instances = (): { prometheus: Instance[]; alertmanagers: Instance[] } => ({
    prometheus: promPorts.map((p, i) => ({ name: i === 0 ? 'prometheus' : 'prometheus-2', url: `http://127.0.0.1:${p}`, headers: {} })),
    alertmanagers: amPorts.map((p, i) => ({ name: i === 0 ? 'alertmanager' : 'alertmanager-2', url: `http://127.0.0.1:${p}`, headers: {} })),
  });

  beforeAll(async () => {
    hook = await webhookReceiver();
    stack = await renderTestStack(
      {
        targets: [
          { name: 'a', engine: 'vllm', url: 'http://10.0.0.5:8000' },
          { name: 'b', engine: 'vllm', url: 'http://10.0.0.6:8000' },
        ],
        gpu: 'none',
        grafana: false,
        ha: true,
        scrapeInterval: '1s',
        receiver: { kind: 'webhook', webhook: { url: 'http://10.0.0.9:5001/alerts' } },
      },
      'ha-itest',
    );
    for (const name of ['a', 'b', 'node']) targets[name] = await serveMetrics(name === 'node' ? 'node_load1 0\n' : VLLM_METRICS);
    pointTargets(stack, 'vllm', { a: targets.a!.address, b: targets.b!.address });
    // Every node group (this machine's and the remote hosts') at one local server.
    const nodeFile = join(stack.dir, 'prometheus/targets/node.json');
    const groups = JSON.parse(readFileSync(nodeFile, 'utf8')) as { targets: string[] }[];
    for (const g of groups) g.targets = [targets.node!.address];
    writeFileSync(nodeFile, JSON.stringify(groups));

    // Alertmanager: the webhook at the local receiver, group_wait 1s.
    const amFile = join(stack.dir, 'alertmanager/alertmanager.yml');
    const am = parse(readFileSync(amFile, 'utf8')) as { route: { group_wait: string }; receivers: { webhook_configs?: { url: string }[] }[] };
    for (const r of am.receivers) for (const w of r.webhook_configs ?? []) w.url = `${hook.url}/alerts`;
    am.route.group_wait = '1s';
    writeFileSync(amFile, stringify(am));

    // LLMTargetDown after 1s instead of 2m.
    const rulesFile = join(stack.dir, 'prometheus/rules/alerts.yml');
    const rules = parse(readFileSync(rulesFile, 'utf8')) as { groups: { rules: { alert?: string; for?: string }[] }[] };
    for (const g of rules.groups) for (const r of g.rules) if (r.alert === 'LLMTargetDown') r.for = '1s';
    writeFileSync(rulesFile, stringify(rules));

    for (let i = 0; i < 2; i++) promPorts.push(await freePort());
    for (let i = 0; i < 4; i++) amPorts.push(await freePort());
    const gossip = amPorts.splice(2);
    const local: Record<string, string[]> = { prometheus: promPorts.map((p) => `127.0.0.1:${p}`), alertmanager: amPorts.map((p) => `127.0.0.1:${p}`) };
    for (const file of ['prometheus.yml', 'prometheus-2.yml']) {
      const path = join(stack.dir, 'prometheus', file);
      const config = parse(readFileSync(path, 'utf8')) as PromConfig;
      for (const job of config.scrape_configs) if (local[job.job_name]) job.static_configs![0]!.targets = local[job.job_name]!;
      config.alerting.alertmanagers[0]!.static_configs[0]!.targets = local.alertmanager!;
      writeFileSync(path, stringify(config));
    }

    const amBinary = ALERTMANAGER!.path('prometheus-alertmanager')!;
    for (let i = 0; i < 2; i++) {
      const cluster = [`--cluster.listen-address=127.0.0.1:${gossip[i]}`, `--cluster.advertise-address=127.0.0.1:${gossip[i]}`, `--cluster.peer=127.0.0.1:${gossip[1 - i]}`];
      ams.push(await startAlertmanager(amBinary, amFile, cluster, { port: amPorts[i]! }));
    }
    for (let i = 0; i < 2; i++) {
      proms.push(await startPrometheus({ binary: PROMETHEUS!.path('prometheus')!, configFile: join(stack.dir, 'prometheus', i === 0 ? 'prometheus.yml' : 'prometheus-2.yml'), port: promPorts[i]! }));
    }
  }, 120_000);

  afterAll(async () => {
    for (const p of proms) await p.stop();
    for (const a of ams) await a.stop();
    for (const t of Object.values(targets)) await t.close();
    await hook?.close();
    if (stack) rmSync(stack.dir, { recursive: true, force: true });
  });

  it('the two replicas run configs that differ only in their replica label', () => {
    const [one, two] = ['prometheus.yml', 'prometheus-2.yml'].map((f) => parse(readFileSync(join(stack.dir, 'prometheus', f), 'utf8')) as PromConfig);
    expect(one!.global.external_labels.replica).toBe('prometheus');
    expect(two!.global.external_labels.replica).toBe('prometheus-2');
    two!.global.external_labels.replica = 'prometheus';
    expect(two).toEqual(one);
  });

  it("validate's HA checks pass: both replicas ready with every target up and rules loaded, the cluster ready with both peers", async () => {
    const checks = await haChecks({ ...instances(), waitMs: 60_000 });
    expect(checks.filter((c) => c.status !== 'pass'), JSON.stringify(checks, null, 2)).toEqual([]);
    expect(checks.map((c) => c.name)).toEqual([
      'prometheus ready', 'prometheus targets', 'prometheus rules loaded', 'prometheus alertmanagers',
      'prometheus-2 ready', 'prometheus-2 targets', 'prometheus-2 rules loaded', 'prometheus-2 alertmanagers',
      'alertmanager cluster', 'alertmanager-2 cluster',
    ]);
    expect(checks.find((c) => c.name === 'alertmanager-2 cluster')!.detail).toMatch(/ready, 2 peers/);
  }, 90_000);

  it('an alert posted to both Alertmanagers (as both replicas do) reaches the webhook exactly once', async () => {
    const alert = { labels: { alertname: 'HaPostedTwice', severity: 'warning', instance: 'x' }, annotations: { summary: 'test' }, startsAt: new Date().toISOString() };
    await Promise.all(ams.map((a) => postAlerts(a.url, [alert])));
    expect(await deliveredCount('HaPostedTwice', 'x', 30_000)).toBe(1);
  }, 60_000);

  it('an alert both replicas fire (target a down) reaches the webhook exactly once', async () => {
    targets.a!.set('down', 503);
    // Both replicas really fire it, each sending it to both Alertmanagers.
    for (const p of proms) {
      await waitFor(`LLMTargetDown firing on ${p.url}`, async () => ((await p.client.alerts()).some((a) => a.labels.alertname === 'LLMTargetDown' && a.labels.instance === 'a' && a.state === 'firing') ? true : undefined), 30_000, 250);
    }
    expect(await deliveredCount('LLMTargetDown', 'a', 30_000)).toBe(1);
  }, 90_000);

  it('with prometheus and alertmanager (the first of the cluster) stopped, a new alert is still delivered exactly once', async () => {
    await proms[0]!.stop();
    await ams[0]!.stop();

    const checks = await haChecks({ ...instances(), waitMs: 3_000 });
    const failing = checks.filter((c) => c.status === 'fail').map((c) => c.name);
    expect(failing).toContain('prometheus ready');
    expect(failing).toContain('alertmanager cluster');
    expect(failing).not.toContain('prometheus-2 ready');
    expect(checks.find((c) => c.name === 'prometheus ready')!.detail).toMatch(/replica "prometheus"/);

    targets.b!.set('down', 503);
    await waitFor('LLMTargetDown{instance="b"} firing on prometheus-2', async () => ((await proms[1]!.client.alerts()).some((a) => a.labels.alertname === 'LLMTargetDown' && a.labels.instance === 'b' && a.state === 'firing') ? true : undefined), 30_000, 250);
    expect(await deliveredCount('LLMTargetDown', 'b', 60_000)).toBe(1);
  }, 150_000);
});
