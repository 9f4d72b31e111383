/**
 * --ha in the rendered stack, read back as objects: two Prometheus replicas whose configs differ only
 * in `replica`, both scraping both and alerting both Alertmanagers; two Alertmanagers clustered with
 * each other; each instance with its own port, volume, healthcheck, auth and secrets; Grafana's
 * second datasource. Then promtool and amtool (every release of test/support/versions.ts) on the files.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/input.js';
import { render } from '../../src/render/index.js';
import { runCli } from '../support/cli.js';
import { renderToDir, specFor } from '../support/stacks.js';
import { ALERTMANAGER_RELEASES, PROMETHEUS_RELEASES, itEachRelease } from '../support/versions.js';

type Service = { command: string[]; ports: string[]; volumes: string[]; healthcheck: { test: string[] }; secrets?: string[]; depends_on?: Record<string, unknown> };
type Compose = { services: Record<string, Service>; volumes: Record<string, unknown> };
type PromConfig = {
  global: { external_labels: Record<string, string> };
  alerting: { alert_relabel_configs?: unknown[]; alertmanagers: { static_configs: { targets: string[] }[] }[] };
  scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[];
};

const HA: ConfigInput = { targets: [{ engine: 'vllm', url: 'http://10.0.0.5:8000' }], gpu: 'none', ha: true, receiver: { kind: 'webhook', webhook: { url: 'http://10.0.0.9:5001/alerts' } } };

async function files(input: ConfigInput): Promise<Map<string, string>> {
  const { spec, secrets } = await specFor(input, 'ha-stack');
  return new Map([...render(spec, secrets)].map(([p, f]) => [p, f.content]));
}
const yaml = <T>(f: Map<string, string>, path: string): T => parse(f.get(path)!) as T;

describe('--ha: the rendered objects', () => {
  it('runs prometheus, prometheus-2, alertmanager and alertmanager-2, each on its own 127.0.0.1 port and volume, each with a healthcheck', async () => {
    const compose = yaml<Compose>(await files(HA), 'docker-compose.yml');
    const s = compose.services;
    expect(Object.keys(s).filter((n) => /^(prometheus|alertmanager)/.test(n))).toEqual(['prometheus', 'prometheus-2', 'alertmanager', 'alertmanager-2']);
    expect(s.prometheus!.ports).toEqual(['127.0.0.1:9090:9090']);
    expect(s['prometheus-2']!.ports).toEqual(['127.0.0.1:19090:9090']);
    expect(s.alertmanager!.ports).toEqual(['127.0.0.1:9093:9093']);
    expect(s['alertmanager-2']!.ports).toEqual(['127.0.0.1:19093:9093']);
    expect(Object.keys(compose.volumes)).toEqual(['prometheus_data', 'prometheus_2_data', 'alertmanager_data', 'alertmanager_2_data', 'grafana_data']);
    expect(s['prometheus-2']!.volumes).toContain('prometheus_2_data:/prometheus');
    expect(s['alertmanager-2']!.volumes).toContain('alertmanager_2_data:/alertmanager');
    expect(s['prometheus-2']!.command).toContain('--config.file=/etc/prometheus/prometheus-2.yml');
    expect(s['prometheus-2']!.command).toContain('--web.external-url=http://localhost:19090');
    expect(s['alertmanager-2']!.command).toContain('--web.external-url=http://localhost:19093');
    for (const name of ['prometheus', 'prometheus-2', 'alertmanager', 'alertmanager-2']) expect(s[name]!.healthcheck.test.join(' '), name).toMatch(/-\/ready/);
    // Both replicas start once both Alertmanagers have.
    expect(Object.keys(s['prometheus-2']!.depends_on!)).toEqual(['alertmanager', 'alertmanager-2']);
  });

  it('clusters the Alertmanagers: each listens for gossip on 9094 and names the other as its peer (and only the other)', async () => {
    const s = yaml<Compose>(await files(HA), 'docker-compose.yml').services;
    const cluster = (name: string) => s[name]!.command.filter((a) => a.startsWith('--cluster.'));
    expect(cluster('alertmanager')).toEqual(['--cluster.listen-address=0.0.0.0:9094', '--cluster.peer=alertmanager-2:9094']);
    expect(cluster('alertmanager-2')).toEqual(['--cluster.listen-address=0.0.0.0:9094', '--cluster.peer=alertmanager:9094']);
    // The gossip port is never published.
    expect(Object.values(s).flatMap((x) => x.ports ?? []).some((p) => p.endsWith(':9094'))).toBe(false);
  });

  it('the two Prometheus configs differ only in replica, both scrape both of each and alert both Alertmanagers, without the replica label', async () => {
    const f = await files(HA);
    const one = yaml<PromConfig>(f, 'prometheus/prometheus.yml');
    const two = yaml<PromConfig>(f, 'prometheus/prometheus-2.yml');
    expect(one.global.external_labels).toEqual({ monitor: 'ha-stack', replica: 'prometheus' });
    expect(two.global.external_labels).toEqual({ monitor: 'ha-stack', replica: 'prometheus-2' });
    expect({ ...two, global: { ...two.global, external_labels: one.global.external_labels } }).toEqual(one);
    expect(one.alerting.alertmanagers[0]!.static_configs[0]!.targets).toEqual(['alertmanager:9093', 'alertmanager-2:9093']);
    expect(one.alerting.alert_relabel_configs).toEqual([{ action: 'labeldrop', regex: 'replica' }]);
    const job = (name: string) => one.scrape_configs.find((j) => j.job_name === name)!.static_configs![0]!.targets;
    expect(job('prometheus')).toEqual(['prometheus:9090', 'prometheus-2:9090']);
    expect(job('alertmanager')).toEqual(['alertmanager:9093', 'alertmanager-2:9093']);
  });

  it('with remote write the pair shares cluster and differs in replica', async () => {
    const f = await files({ ...HA, remoteWrite: { endpoints: [{ url: 'https://vm.example.org/api/v1/write' }], cluster: 'eu-1' } });
    expect(yaml<PromConfig>(f, 'prometheus/prometheus.yml').global.external_labels).toEqual({ monitor: 'ha-stack', cluster: 'eu-1', replica: 'prometheus' });
    expect(yaml<PromConfig>(f, 'prometheus/prometheus-2.yml').global.external_labels).toEqual({ monitor: 'ha-stack', cluster: 'eu-1', replica: 'prometheus-2' });
  });

  it('with --expose all four ask for the web password, and each mounts it for its healthcheck, scrapes and alerting', async () => {
    const f = await files({ ...HA, expose: true, ports: { prometheus2: 19190, alertmanager2: 19193 } });
    const s = yaml<Compose>(f, 'docker-compose.yml').services;
    for (const name of ['prometheus', 'prometheus-2', 'alertmanager', 'alertmanager-2']) {
      expect(s[name]!.command.some((a) => a.startsWith('--web.config.file=')), name).toBe(true);
      expect(s[name]!.secrets, name).toContain('monitor_web_password');
      expect(s[name]!.healthcheck.test, name).toContain(`--http.config.file=/etc/${name.replace(/-2$/, '')}/healthcheck-client.yml`);
    }
    expect(s['prometheus-2']!.ports).toEqual(['19190:9090']);
    expect(s['alertmanager-2']!.ports).toEqual(['19193:9093']);
    const two = yaml<{ alerting: { alertmanagers: { basic_auth?: unknown }[] } }>(f, 'prometheus/prometheus-2.yml');
    expect(two.alerting.alertmanagers[0]!.basic_auth).toEqual({ username: 'monitor', password_file: '/run/secrets/monitor_web_password' });
  });

  it("Grafana's dashboards read the first replica; the second is a datasource of its own, not the default", async () => {
    const ds = yaml<{ datasources: { name: string; uid: string; url: string; isDefault?: boolean }[] }>(await files(HA), 'grafana/provisioning/datasources/datasources.yml').datasources;
    expect(ds.filter((d) => d.isDefault).map((d) => d.url)).toEqual(['http://prometheus:9090']);
    expect(ds.find((d) => d.uid === 'vllm-monitor-prometheus-2')).toMatchObject({ url: 'http://prometheus-2:9090', isDefault: false });
  });

  it('the README, start scripts and file list cover the second instances', async () => {
    const f = await files(HA);
    expect(f.get('README.md')).toContain('## High availability (--ha)');
    expect(f.get('README.md')).toContain('http://localhost:19090');
    expect(f.get('start-monitoring.sh')).toContain('Alertmanager 2: http://localhost:19093');
    expect(f.get('start-monitoring.ps1')).toContain('Prometheus 2: http://localhost:19090');
  });

  it('without --ha: one of each, no prometheus-2.yml, no cluster flags, no replica label', async () => {
    const f = await files({ ...HA, ha: false });
    expect(f.has('prometheus/prometheus-2.yml')).toBe(false);
    const s = yaml<Compose>(f, 'docker-compose.yml').services;
    expect(Object.keys(s)).not.toContain('prometheus-2');
    expect(Object.keys(s)).not.toContain('alertmanager-2');
    expect(s.alertmanager!.command.some((a) => a.startsWith('--cluster.'))).toBe(false);
    const one = yaml<PromConfig>(f, 'prometheus/prometheus.yml');
    expect(one.global.external_labels).toEqual({ monitor: 'ha-stack' });
    expect(one.alerting.alert_relabel_configs).toBeUndefined();
  });
});

describe('--ha: the real tools accept the files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = (await renderToDir(HA, 'ha-tools')).dir;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  itEachRelease(PROMETHEUS_RELEASES, 'promtool', 'promtool check config passes on both replicas', (promtool) => {
    const out = execFileSync(promtool, ['check', 'config', join(dir, 'prometheus/prometheus.yml'), join(dir, 'prometheus/prometheus-2.yml')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out.match(/SUCCESS/g)?.length).toBeGreaterThanOrEqual(2);
  });

  itEachRelease(ALERTMANAGER_RELEASES, 'amtool', 'amtool check-config passes on the shared alertmanager.yml', (amtool) => {
    expect(execFileSync(amtool, ['check-config', join(dir, 'alertmanager/alertmanager.yml')], { encoding: 'utf8' })).toMatch(/SUCCESS/);
  });
});

describe('--ha from the CLI and from a config file', () => {
  it('the flag and `ha: true` in a config file give the same stack, the second ports from either', async () => {
    const work = mkdtempSync(join(tmpdir(), 'cvm-ha-cli-'));
    try {
      const common = ['--yes', '--gpu', 'none', '--target', 'vllm=http://10.0.0.5:8000'];
      const byFlag = await runCli([join(work, 'a'), ...common, '--ha', '--prometheus2-port', '29090', '--alertmanager2-port', '29093', '--json']);
      expect(byFlag.code, byFlag.stderr).toBe(0);
      expect((JSON.parse(byFlag.stdout) as { urls: Record<string, string> }).urls).toMatchObject({ prometheus2: 'http://localhost:29090', alertmanager2: 'http://localhost:29093' });
      writeFileSync(join(work, 'c.yml'), 'ha: true\nports: { prometheus2: 29090, alertmanager2: 29093 }\n');
      const byFile = await runCli([join(work, 'b'), ...common, '--config', join(work, 'c.yml')]);
      expect(byFile.code, byFile.stderr).toBe(0);
      const compose = (d: string) => readFileSync(join(work, d, 'docker-compose.yml'), 'utf8');
      expect(compose('b')).toBe(compose('a'));
      expect(parse(compose('b')).services['alertmanager-2'].ports).toEqual(['127.0.0.1:29093:9093']);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
