/**
 * --expose: real Prometheus and Alertmanager (every release of the matrix) started with the
 * generated web.yml and the generated prometheus.yml pieces that talk to them (self-scrape,
 * Alertmanager's scrape, alerting). Without the password the API and the lifecycle endpoints answer
 * 401; with it they work, Prometheus scrapes both with the password from its file, and its alerts
 * reach Alertmanager.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePassword } from '../../src/cli/create.js';
import { webPassword } from '../../src/cli/web-password.js';
import { render } from '../../src/render/index.js';
import { WEB_USER, webPasswordFile } from '../../src/render/secrets.js';
import { HEALTHCHECK_CLIENT_FILE } from '../../src/render/web-config.js';
import { basicAuthHeaders } from '../../src/stack/access.js';
import { startAlertmanager, type RunningAlertmanager } from '../alertmanager/support.js';
import { runCli } from '../support/cli.js';
import { specFor } from '../support/stacks.js';
import { TOOLCHAINS } from '../support/versions.js';
import { freePort, type RunningPrometheus, startPrometheus, waitFor } from './support/prometheus.js';

interface ScrapeJob {
  job_name: string;
  basic_auth?: { username: string; password_file: string };
  static_configs: { targets: string[] }[];
}
interface PromConfig {
  scrape_configs: ScrapeJob[];
  alerting: { alertmanagers: { basic_auth?: { username: string; password_file: string }; static_configs: { targets: string[] }[] }[] };
}

for (const tc of TOOLCHAINS) describe(`--expose: basic auth on Prometheus and Alertmanager, ${tc.name}`, () => {
  const promBin = tc.prometheus.path('prometheus');
  const amBin = tc.alertmanager.path('prometheus-alertmanager');
  const promtool = tc.prometheus.path('promtool');
  const amtool = tc.alertmanager.path('amtool');
  if (!promBin || !amBin || !promtool) {
    it.skip(`needs ${!promBin ? tc.prometheus.missing('prometheus') : !promtool ? tc.prometheus.missing('promtool') : tc.alertmanager.missing('prometheus-alertmanager')}`, () => {});
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'cvm-expose-'));
  let prom: RunningPrometheus;
  let am: RunningAlertmanager;
  let password: string;
  let compose: { services: Record<string, { healthcheck: { test: string[] } }> };
  let clientConfig: string;
  let auth: Record<string, string>;
  const wrong = basicAuthHeaders({ user: WEB_USER, password: 'not-the-password' });

  beforeAll(async () => {
    const { spec, secrets } = await specFor({ targets: [], gpu: 'none', expose: true });
    // The password and hash as create makes them (CSPRNG, bcryptjs), not the fixed test ones.
    const web = webPassword(dir, {}, generatePassword);
    password = web.password;
    auth = basicAuthHeaders({ user: WEB_USER, password });
    const files = render(spec, { ...secrets, web });
    for (const path of ['prometheus/web.yml', `secrets/${webPasswordFile().name}`]) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), files.get(path)!.content);
    }
    expect(files.get('prometheus/web.yml')!.content).not.toContain(password);
    expect(files.get('alertmanager/web.yml')!.content).toBe(files.get('prometheus/web.yml')!.content);
    compose = parse(files.get('docker-compose.yml')!.content) as typeof compose;
    clientConfig = files.get(`prometheus/${HEALTHCHECK_CLIENT_FILE}`)!.content;
    expect(files.get(`alertmanager/${HEALTHCHECK_CLIENT_FILE}`)!.content).toBe(clientConfig);

    const [promPort, amPort] = [await freePort(), await freePort()];
    // The generated jobs and alerting block, with the container's addresses and secret path moved to this machine.
    const generated = parse(files.get('prometheus/prometheus.yml')!.content) as PromConfig;
    const local = (o: unknown) =>
      JSON.parse(
        JSON.stringify(o)
          .replaceAll(webPasswordFile().path, join(dir, 'secrets', webPasswordFile().name))
          .replaceAll('localhost:9090', `127.0.0.1:${promPort}`)
          .replaceAll('alertmanager:9093', `127.0.0.1:${amPort}`),
      );
    const config = {
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: ['always.yml'],
      alerting: local(generated.alerting),
      scrape_configs: generated.scrape_configs.filter((j) => j.job_name === 'prometheus' || j.job_name === 'alertmanager').map(local),
    };
    writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
    writeFileSync(join(dir, 'always.yml'), stringify({ groups: [{ name: 'always', rules: [{ alert: 'ExposeAuthProbe', expr: 'vector(1)', labels: { severity: 'info' } }] }] }));
    writeFileSync(join(dir, 'alertmanager.yml'), stringify({ route: { receiver: 'nobody' }, receivers: [{ name: 'nobody' }] }));

    am = await startAlertmanager(amBin, join(dir, 'alertmanager.yml'), [`--web.config.file=${join(dir, 'prometheus', 'web.yml')}`], { headers: auth, port: amPort });
    prom = await startPrometheus({ binary: promBin, configFile: join(dir, 'prometheus.yml'), port: promPort, headers: auth, extraArgs: [
        `--web.config.file=${join(dir, 'prometheus', 'web.yml')}`,
        // An alert sent before Alertmanager was discovered is resent only after this delay (1m by default).
        '--rules.alert.resend-delay=1s',
      ],
    });
  }, 90_000);

  afterAll(async () => {
    await prom?.stop();
    await am?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('promtool accepts the generated web.yml', () => {
    const r = spawnSync(promtool, ['check', 'web-config', join(dir, 'prometheus', 'web.yml')], { encoding: 'utf8' });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
  });

  /** A service's compose healthcheck run here: the container's address and file paths moved to this machine. */
  function runHealthcheck(service: 'prometheus' | 'alertmanager', url: string, passwordFile: string): { status: number | null; text: string } {
    const [kind, tool, ...args] = compose.services[service]!.healthcheck.test;
    expect(kind, 'run without a shell: nothing is expanded on a command line').toBe('CMD');
    expect(args.join(' ')).not.toContain(password);
    const client = join(dir, `${service}-${HEALTHCHECK_CLIENT_FILE}`);
    writeFileSync(client, clientConfig.replace(webPasswordFile().path, passwordFile));
    const local = args.map((a) => a.replace(/http:\/\/127\.0\.0\.1:909[03]/, url).replace(`/etc/${service}/${HEALTHCHECK_CLIENT_FILE}`, client));
    const bin = tool === 'promtool' ? promtool! : amtool!;
    const r = spawnSync(bin, local, { encoding: 'utf8' });
    return { status: r.status, text: `${tool} ${local.join(' ')}: ${r.stdout}${r.stderr}` };
  }

  it('the compose healthchecks authenticate with the password from its file, and fail with a wrong one', () => {
    const right = join(dir, 'secrets', webPasswordFile().name);
    const bad = join(dir, 'wrong-password');
    writeFileSync(bad, 'not-the-password');
    // promtool check ready came in Prometheus 2.44 (the stack ships 3.x); Debian 12's 2.42 predates it.
    const promtoolReady = spawnSync(promtool, ['check', 'ready', '--help']).status === 0;
    const checks = [...(promtoolReady ? [['prometheus', prom.url] as const] : []), ...(amtool ? [['alertmanager', am.url] as const] : [])];
    expect(checks.length, `promtool ${promtool} has check ready: ${promtoolReady}; amtool: ${amtool}`).toBeGreaterThan(0);
    for (const [service, url] of checks) {
      const ok = runHealthcheck(service, url, right);
      expect(ok.status, ok.text).toBe(0);
      const refused = runHealthcheck(service, url, bad);
      expect(refused.status, refused.text).not.toBe(0);
    }
  });

  it('refuses the API and the lifecycle endpoints without the password, or with a wrong one (401)', async () => {
    for (const headers of [{}, wrong]) {
      expect((await fetch(`${prom.url}/api/v1/query?query=up`, { headers })).status).toBe(401);
      expect((await fetch(`${prom.url}/-/reload`, { method: 'POST', headers })).status).toBe(401);
      expect((await fetch(`${prom.url}/-/quit`, { method: 'POST', headers })).status).toBe(401);
      expect((await fetch(`${am.url}/api/v2/status`, { headers })).status).toBe(401);
      expect((await fetch(`${am.url}/-/reload`, { method: 'POST', headers })).status).toBe(401);
    }
    // Still running after the refused /-/quit.
    expect(await prom.client.ready()).toBe(true);
  });

  it('answers with it: the API, and /-/reload on both', async () => {
    expect((await prom.client.query('vector(1)')).series).toHaveLength(1);
    expect((await fetch(`${prom.url}/-/reload`, { method: 'POST', headers: auth })).status).toBe(200);
    expect((await fetch(`${am.url}/api/v2/status`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${am.url}/-/reload`, { method: 'POST', headers: auth })).status).toBe(200);
  });

  it('scrapes itself and Alertmanager with the password from its file (targets up)', async () => {
    const health = await waitFor('both targets up', async () => {
      const t = await prom.client.targets();
      const byJob = Object.fromEntries(t.map((x) => [x.labels.job, x.health]));
      return byJob.prometheus === 'up' && byJob.alertmanager === 'up' ? byJob : undefined;
    }, 30_000);
    expect(health).toEqual({ prometheus: 'up', alertmanager: 'up' });
  });

  it('sends its alerts to Alertmanager with the password', async () => {
    const alerts = await waitFor('the probe alert in Alertmanager', async () => {
      const res = await fetch(`${am.url}/api/v2/alerts`, { headers: auth });
      const list = (await res.json()) as { labels: Record<string, string> }[];
      return list.some((a) => a.labels.alertname === 'ExposeAuthProbe') ? list : undefined;
    }, 30_000).catch(async (err: Error) => {
      const ams = await fetch(`${prom.url}/api/v1/alertmanagers`, { headers: auth }).then((r) => r.text());
      const rules = await fetch(`${prom.url}/api/v1/rules`, { headers: auth }).then((r) => r.text());
      const sent = await prom.client.query('{__name__=~"prometheus_notifications_.*"}');
      throw new Error(`${err.message}\nalertmanagers: ${ams}\nrules: ${rules.slice(0, 300)}\n${JSON.stringify(sent.series.map((x) => [x.metric.__name__, x.value?.[1]]))}\nAM: ${am.log().slice(-1500)}`);
    });
    expect(alerts.map((a) => a.labels.alertname)).toContain('ExposeAuthProbe');
  });

  it('report, import and doctor reach the stack\'s own Prometheus with the password from its .env', async () => {
    // The stack as generated, its published port the one this Prometheus listens on.
    const port = Number(new URL(prom.url).port);
    const stackDir = join(dir, 'stack');
    const made = await runCli([stackDir, '--yes', '--target', 'a:vllm=http://10.0.0.5:8000', '--gpu', 'none', '--expose', '--prometheus-port', String(port)], { env: {} });
    expect(made.code, made.stderr).toBe(0);
    // Its .env holds the password this Prometheus was started with.
    const envFile = join(stackDir, '.env');
    writeFileSync(envFile, readFileSync(envFile, 'utf8').replace(/^MONITOR_WEB_PASSWORD=.*$/m, `MONITOR_WEB_PASSWORD=${password}`));
    const report = await runCli(['report', '--dir', stackDir, '--format', 'json', '--since', '5m'], { env: {} });
    expect(report.code, report.stderr).toBe(0);
    expect(JSON.parse(report.stdout).prometheus_url).toBe(`http://127.0.0.1:${port}`);
    // import reads this Prometheus' rules (it has none of ours) instead of failing on 401.
    const imported = await runCli(['import', stackDir, '--grafana-url', 'http://127.0.0.1:1', '--prometheus-url', `http://127.0.0.1:${port}`], { env: { GRAFANA_TOKEN: 'unused' } });
    expect(imported.stderr).toMatch(/has no rule for \d+ of the \d+ recorded series/);
    const doctor = await runCli(['doctor', stackDir, '--json'], { env: {} });
    const prometheus = (JSON.parse(doctor.stdout) as { check: string; status: string; detail: string }[]).find((f) => f.check === 'prometheus');
    expect(prometheus, doctor.stdout).toMatchObject({ status: 'ok' });
    for (const out of [report, imported, doctor]) expect(`${out.stdout}${out.stderr}`).not.toContain(password);
  }, 60_000);

  it('/-/quit with the password stops Prometheus', async () => {
    expect((await fetch(`${prom.url}/-/quit`, { method: 'POST', headers: auth })).status).toBe(200);
    await waitFor('Prometheus gone', async () => ((await prom.client.ready()) ? undefined : true), 20_000);
  });
});
