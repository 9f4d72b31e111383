/**
 * The dead man's switch (--heartbeat-url): Watchdog goes to the heartbeat receiver first and
 * only, and nothing else does — checked on the config and by real amtool (`config routes test`)
 * against the same stack without a heartbeat; the URL stays in .env; and the generated config,
 * run by real Alertmanager, pings at its pace with Watchdog alone, sends no resolved message,
 * survives a failing endpoint and never logs the URL. Alertmanager 0.25 cannot read a webhook URL
 * from a file (`url_file` came with 0.26, and 0.26/0.27 crash when such a webhook fails), so
 * generate refuses an older image and the amtool checks run on 0.28 and 0.33.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HEARTBEAT_TIMING, renderAlertmanagerConfig } from '../../src/render/alertmanager.js';
import { renderCompose } from '../../src/render/compose.js';
import { render } from '../../src/render/index.js';
import type { ConfigInput } from '../../src/config/input.js';
import { imageVersion } from '../../src/config/heartbeat.js';
import { type AmConfig, fireTestAlert } from '../../src/validate/alert-test.js';
import { waitFor } from '../integration/support/prometheus.js';
import { runCli } from '../support/cli.js';
import { specFor } from '../support/stacks.js';
import { ALERTMANAGER_RELEASES, itEachRelease } from '../support/versions.js';
import { COMBINATIONS } from './combinations.js';
import { captureServer, postAlerts, startAlertmanager, writeAlertmanagerDir } from './support.js';

const PING = 'https://hc-ping.com/5e3b1a2c-0000-4000-8000-c0ffee000001';
const HEARTBEAT_ROUTE = { receiver: 'heartbeat', matchers: ['alertname="Watchdog"'], group_by: ['alertname'], group_wait: '0s', group_interval: '10s', repeat_interval: '1m' };
const HEARTBEAT_RECEIVER = { name: 'heartbeat', webhook_configs: [{ url_file: '/run/secrets/heartbeat_url', send_resolved: false }] };

type Route = Record<string, unknown>;
type Config = { route: Route & { routes: Route[] }; receivers: { name: string }[] };

const withHeartbeat = (input: ConfigInput): ConfigInput => ({ ...input, heartbeat: { url: PING } });

/** Alerts the stack raises, and two that only look like Watchdog. */
const LABEL_SETS: Record<string, string>[] = [
  { alertname: 'Watchdog', severity: 'info' },
  { alertname: 'Watchdog', severity: 'critical' },
  { alertname: 'LLMTargetDown', severity: 'critical', instance: 'node-a' },
  { alertname: 'LLMQueueDepthHigh', severity: 'warning', instance: 'node-a' },
  { alertname: 'LLMClientAbortsHigh', severity: 'info' },
  { alertname: 'WatchdogX', severity: 'warning' },
  { alertname: 'watchdog', severity: 'critical' },
];
const isWatchdog = (labels: Record<string, string>) => labels.alertname === 'Watchdog';

// Alertmanager 0.25 has no url_file; it cannot load the config at all (see the last describe).
const RELEASES = ALERTMANAGER_RELEASES.filter((r) => r.atLeast('0.28'));

describe.each(Object.entries(COMBINATIONS))('heartbeat with receivers "%s"', (_name, input) => {
  it('routes Watchdog first, to the heartbeat only (no continue), at its own pace; every other route and receiver is as without it', async () => {
    const plain = renderAlertmanagerConfig((await specFor(input)).spec) as unknown as Config;
    const beat = renderAlertmanagerConfig((await specFor(withHeartbeat(input))).spec) as unknown as Config;
    expect(beat.route.routes[0]).toEqual(HEARTBEAT_ROUTE);
    expect(beat.route.routes[0]).not.toHaveProperty('continue');
    expect(plain.route.routes[0]).toEqual({ receiver: 'null', matchers: ['alertname="Watchdog"'] });
    expect(beat.route.routes.slice(1)).toEqual(plain.route.routes.slice(1));
    expect({ ...beat.route, routes: [] }).toEqual({ ...plain.route, routes: [] });
    expect(beat.receivers).toEqual([...plain.receivers.slice(0, -1), HEARTBEAT_RECEIVER, { name: 'null' }]);
  });

  itEachRelease(RELEASES, 'amtool', 'amtool config routes test: Watchdog reaches the heartbeat alone; every other alert the receivers it reaches without one', async (amtool) => {
    const plain = await amtoolRoutes(amtool, input);
    const beat = await amtoolRoutes(amtool, withHeartbeat(input));
    try {
      for (const labels of LABEL_SETS) {
        const got = beat.test(labels);
        if (isWatchdog(labels)) expect(got, JSON.stringify(labels)).toEqual(['heartbeat']);
        else {
          expect(got, JSON.stringify(labels)).toEqual(plain.test(labels));
          expect(got).not.toContain('heartbeat');
        }
      }
    } finally {
      plain.close();
      beat.close();
    }
  });
});

/** The receivers real amtool resolves for a label set, on the stack's alertmanager/ folder. */
async function amtoolRoutes(amtool: string, input: ConfigInput): Promise<{ test: (labels: Record<string, string>) => string[]; close: () => void }> {
  const file = writeAlertmanagerDir((await specFor(input)).spec);
  return {
    test: (labels) => {
      const r = spawnSync(amtool, ['config', 'routes', 'test', `--config.file=${file}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.trim().split(',');
    },
    close: () => rmSync(dirname(file), { recursive: true, force: true }),
  };
}

describe('the heartbeat URL is a secret', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'cvm-heartbeat-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));
  const stack = (f: string) => join(work, 'stack', f);
  const gen = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli([join(work, 'stack'), '--yes', '--target', 'vllm=http://10.0.0.5:8000', '--gpu', 'none', '--receiver', 'webhook', '--webhook-url', 'http://10.0.0.9:5001/', ...args], { env });

  it('--heartbeat-url: in .env (0600) and its copy under secrets/ (0700) only, a Compose secret of Alertmanager alone, never in the output, compose file, manifest or config', async () => {
    const r = await gen(['--heartbeat-url', PING, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(stack('.env'), 'utf8')).toContain(`HEARTBEAT_URL=${PING}`);
    expect(statSync(stack('.env')).mode & 0o777).toBe(0o600);
    for (const f of ['docker-compose.yml', '.create-vllm-monitor.json', 'alertmanager/alertmanager.yml', 'README.md']) expect(readFileSync(stack(f), 'utf8'), f).not.toContain('hc-ping.com');
    expect(`${r.stdout}${r.stderr}`).not.toContain('hc-ping.com');
    const compose = parse(readFileSync(stack('docker-compose.yml'), 'utf8'));
    expect(compose.secrets.heartbeat_url).toEqual({ file: './secrets/heartbeat_url' });
    expect(compose.services.alertmanager.secrets).toContain('heartbeat_url');
    expect(compose.services.alertmanager.environment ?? {}).not.toHaveProperty('HEARTBEAT_URL');
    for (const [name, svc] of Object.entries(compose.services as Record<string, { secrets?: string[] }>)) if (name !== 'alertmanager') expect(svc.secrets ?? [], name).not.toContain('heartbeat_url');
    expect(readFileSync(stack('secrets/heartbeat_url'), 'utf8')).toBe(PING);
    expect(statSync(stack('secrets')).mode & 0o777).toBe(0o700);
    expect(parse(readFileSync(stack('alertmanager/alertmanager.yml'), 'utf8')).receivers.some((r: { webhook_configs?: { url_file?: string }[] }) => r.webhook_configs?.some((w) => w.url_file === '/run/secrets/heartbeat_url'))).toBe(true);
    expect(JSON.parse(readFileSync(stack('.create-vllm-monitor.json'), 'utf8')).input.heartbeat).toEqual({});
  });

  it('regenerating keeps the heartbeat and takes its URL back from .env', async () => {
    expect((await gen(['--heartbeat-url', PING])).code).toBe(0);
    const again = await runCli([join(work, 'stack'), '--yes']);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(stack('.env'), 'utf8')).toContain(`HEARTBEAT_URL=${PING}`);
    expect(parse(readFileSync(stack('alertmanager/alertmanager.yml'), 'utf8')).route.routes[0]).toEqual(HEARTBEAT_ROUTE);
  });

  it('a config file asks for it with heartbeat: {}, the URL coming from HEARTBEAT_URL', async () => {
    const file = join(work, 'monitor.yaml');
    writeFileSync(file, 'heartbeat: {}\n');
    const r = await gen(['--config', file], { HEARTBEAT_URL: PING });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(stack('.env'), 'utf8')).toContain(`HEARTBEAT_URL=${PING}`);
    const missing = await runCli([join(work, 'other'), '--yes', '--config', file]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: heartbeat\.url: the heartbeat URL is required for the heartbeat — pass --heartbeat-url URL or set HEARTBEAT_URL in the environment$/m);
  });

  it('an http:// URL works, with a warning that the key travels in clear text (and still without the URL)', async () => {
    const r = await gen(['--heartbeat-url', 'http://hc.example.org/ping/abc', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^warning: heartbeat\.url: http:\/\/ sends the check's key in clear text; use https:\/\//m);
    expect(r.stderr).not.toContain('/ping/abc');
  });

  it('refuses an Alertmanager image older than 0.28, warns when the image names no version', async () => {
    const old = await gen(['--heartbeat-url', PING, '--image', 'alertmanager=prom/alertmanager:v0.27.0']);
    expect(old.code).toBe(2);
    const lines = old.stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(lines).toEqual(['error: images.alertmanager: --heartbeat-url needs Alertmanager 0.28 or newer (a webhook URL read from a file), and prom/alertmanager:v0.27.0 is 0.27 — use a newer image, e.g. --image alertmanager=prom/alertmanager:v0.28.1']);
    const digest = await gen(['--heartbeat-url', PING, '--image', 'alertmanager=registry.local/alertmanager@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', '--dry-run']);
    expect(digest.code, digest.stderr).toBe(0);
    expect(digest.stderr).toMatch(/warning: heartbeat: cannot tell which Alertmanager registry\.local\/alertmanager@sha256:\w+ is; the heartbeat needs 0\.28 or newer/);
  });

  it('reads the version of an image reference', () => {
    expect(imageVersion('prom/alertmanager:v0.28.1')).toEqual({ major: 0, minor: 28 });
    expect(imageVersion('registry.local:5000/prom/alertmanager:v0.33.1')).toEqual({ major: 0, minor: 33 });
    expect(imageVersion('quay.io/prometheus/alertmanager:0.25.0-rc.0')).toEqual({ major: 0, minor: 25 });
    expect(imageVersion('registry.local:5000/prom/alertmanager')).toBeUndefined();
    expect(imageVersion('prom/alertmanager:latest')).toBeUndefined();
    expect(imageVersion('prom/alertmanager@sha256:abc')).toBeUndefined();
  });
});

/**
 * The generated alertmanager.yml as it is, but the secret file holds a local URL; the people
 * route groups in 1s so their messages arrive within the test (the heartbeat route keeps its own
 * timing, which is what is measured).
 */
async function heartbeatStack(pingUrl: string): Promise<{ file: string; dir: string; config: AmConfig; flags: string[] }> {
  const { spec } = await specFor({ targets: [], gpu: 'none', receiver: { kind: 'webhook', webhook: { url: 'http://10.0.0.9:5001/' } }, heartbeat: { url: PING } }, 'am-test');
  const config = renderAlertmanagerConfig(spec) as unknown as Config & { receivers: { name: string; webhook_configs?: Record<string, unknown>[] }[] };
  const dir = mkdtempSync(join(tmpdir(), 'cvm-am-heartbeat-'));
  for (const r of config.receivers) {
    for (const w of r.webhook_configs ?? []) {
      if (w.url_file) {
        w.url_file = join(dir, 'heartbeat_url');
        writeFileSync(w.url_file as string, pingUrl);
      } else w.url = pingUrl.replace(/\/ping\/.*$/, '/people');
    }
  }
  Object.assign(config.route, { group_wait: '1s', group_interval: '1s' });
  // The feature flags the compose file gives Alertmanager.
  const flags = (renderCompose(spec) as { services: { alertmanager: { command: string[] } } }).services.alertmanager.command.filter((a) => a.startsWith('--enable-feature='));
  return { file: writeAlertmanagerDir(spec, config as unknown as Record<string, unknown>, dir), dir, config: config as unknown as AmConfig, flags };
}

const iso = (t: number) => new Date(t).toISOString();
const alert = (alertname: string, severity: string, startsAt: number, endsAt?: number, instance = 'node-a') => ({ labels: { alertname, severity, instance }, annotations: { summary: alertname }, startsAt: iso(startsAt), ...(endsAt ? { endsAt: iso(endsAt) } : {}) });

describe.concurrent('heartbeat delivery by real Alertmanager', () => {
  for (const release of RELEASES) {
    const binary = release.path('prometheus-alertmanager');
    if (!binary) {
      it.skip(`${release.name}: needs ${release.missing('prometheus-alertmanager')}`, () => {});
      continue;
    }

    it(`${release.name}: Watchdog alone, at once and again about ${HEARTBEAT_TIMING.repeat_interval} + ${HEARTBEAT_TIMING.group_interval} later, never to a person, no resolved message`, async () => {
      const capture = await captureServer();
      const { file, dir, flags } = await heartbeatStack(`${capture.url}/ping/check-key-0001`);
      const am = await startAlertmanager(binary, file, flags);
      const pings = () => capture.received.filter((c) => c.path === '/ping/check-key-0001');
      const stamps: number[] = [];
      try {
        const t0 = Date.now();
        await postAlerts(am.url, [alert('Watchdog', 'info', t0 - 60_000, t0 + 600_000), alert('LLMTargetDown', 'critical', t0), alert('LLMQueueDepthHigh', 'warning', t0, undefined, 'node-b')]);
        // Arrival times as the receiver saw them: polling would blur them by its interval.
        await waitFor('first ping', async () => (pings().length >= 1 ? true : undefined), 10_000, 100);
        stamps.push(pings()[0]!.at);
        expect(stamps[0]! - t0).toBeLessThan(5_000); // group_wait 0s
        await waitFor('second ping', async () => (pings().length >= 2 ? true : undefined), 100_000, 250);
        stamps.push(pings()[1]!.at);
        // Sent once repeat_interval (60 s) has passed, at the next 10 s tick: 70 s, give or take a tick.
        expect(stamps[1]! - stamps[0]!).toBeGreaterThanOrEqual(60_000);
        expect(stamps[1]! - stamps[0]!).toBeLessThanOrEqual(81_000);
        for (const p of pings()) {
          const body = JSON.parse(p.body) as { receiver: string; status: string; alerts: { labels: Record<string, string> }[] };
          expect(body.receiver).toBe('heartbeat');
          expect(body.status).toBe('firing');
          expect(body.alerts.map((a) => a.labels.alertname)).toEqual(['Watchdog']);
        }
        const people = capture.received.filter((c) => c.path === '/people');
        expect(people.map((p) => (JSON.parse(p.body) as { alerts: { labels: { alertname: string } }[] }).alerts.map((a) => a.labels.alertname)).flat().sort()).toEqual(['LLMQueueDepthHigh', 'LLMTargetDown']);
        // Watchdog ends (a Prometheus that stopped): the pings stop, with no resolved message.
        const count = pings().length;
        await postAlerts(am.url, [alert('Watchdog', 'info', t0 - 60_000, Date.now())]);
        await new Promise((r) => setTimeout(r, 15_000)); // more than a group_interval
        expect(pings()).toHaveLength(count);
        expect(capture.received.some((c) => c.body.includes('"status":"resolved"') && c.body.includes('Watchdog'))).toBe(false);
      } finally {
        await am.stop();
        await capture.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }, 150_000);

    it(`${release.name}: a failing heartbeat endpoint neither crashes Alertmanager nor puts the URL in its log`, async () => {
      // Answers 500, as a heartbeat service in trouble would: 0.26 and 0.27 panicked here.
      const { createServer } = await import('node:http');
      let hits = 0;
      const server = createServer((req, res) => {
        hits++;
        req.resume();
        res.writeHead(500).end('boom');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/ping/check-key-0002`;
      const { file, dir, flags } = await heartbeatStack(url);
      const am = await startAlertmanager(binary, file, [...flags, '--log.level=debug']);
      try {
        await postAlerts(am.url, [alert('Watchdog', 'info', Date.now() - 60_000, Date.now() + 600_000)]);
        await waitFor('two failed attempts', async () => (hits >= 2 ? true : undefined), 20_000, 200);
        expect((await fetch(`${am.url}/-/ready`)).ok).toBe(true);
        expect(am.log()).toMatch(/heartbeat/);
        expect(am.log()).not.toContain('check-key-0002');
      } finally {
        await am.stop();
        await new Promise((r) => server.close(r));
        rmSync(dir, { recursive: true, force: true });
      }
    }, 40_000);

    it(`${release.name}: validate --fire-test-alert tells the people's webhook from the heartbeat's failing pings`, async () => {
      // The heartbeat answers 500 (and is retried) while the people's webhook answers late but fine:
      // counted together, the failures would read as the test alert's.
      const { createServer } = await import('node:http');
      let pingFailures = 0;
      const server = createServer((req, res) => {
        req.resume();
        if (req.url?.startsWith('/ping/')) {
          pingFailures++;
          res.writeHead(500).end('down');
        } else setTimeout(() => res.writeHead(200).end('ok'), 2_500);
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { file, dir, config, flags } = await heartbeatStack(`http://127.0.0.1:${(server.address() as { port: number }).port}/ping/check-key-0003`);
      expect(flags).toEqual(['--enable-feature=receiver-name-in-metrics']);
      const am = await startAlertmanager(binary, file, flags);
      try {
        await postAlerts(am.url, [alert('Watchdog', 'info', Date.now() - 60_000, Date.now() + 600_000)]);
        await waitFor('a failed ping', async () => (pingFailures >= 1 ? true : undefined), 10_000, 100);
        const r = await fireTestAlert(am.url, config, { timeoutMs: 20_000 });
        expect(r, r.detail).toMatchObject({ delivered: true, receiver: 'webhook', integrations: ['webhook'] });
      } finally {
        await am.stop();
        await new Promise((r) => server.close(r));
        rmSync(dir, { recursive: true, force: true });
      }
    }, 40_000);
  }
});

describe('Alertmanager older than 0.28', () => {
  // Why generate refuses such an image: 0.25 cannot even load the config.
  itEachRelease(ALERTMANAGER_RELEASES.filter((r) => !r.atLeast('0.26')), 'amtool', 'cannot load a webhook URL from a file', async (amtool) => {
    const { spec } = await specFor(withHeartbeat(COMBINATIONS['slack (all)']!));
    const file = writeAlertmanagerDir(spec);
    try {
      const r = spawnSync(amtool, ['check-config', file], { encoding: 'utf8' });
      expect(r.status).not.toBe(0);
      expect(`${r.stdout}${r.stderr}`).toMatch(/field url_file not found/);
    } finally {
      rmSync(dirname(file), { recursive: true, force: true });
    }
  });

  it('the stack ships one that can', async () => {
    const { spec, secrets } = await specFor(withHeartbeat(COMBINATIONS['slack (all)']!));
    const v = imageVersion(spec.images.alertmanager)!;
    expect(v.major > 0 || v.minor >= 28).toBe(true);
    expect(render(spec, secrets).get('.env')!.content).toContain(`HEARTBEAT_URL=${PING}`);
  });
});
