/**
 * --remote-write in the rendered stack: prometheus.yml's remote_write (credentials read from the
 * secrets files, queue settings, the recorded-only filter), the external labels and the alerts
 * without `replica`, Prometheus alone mounting the secrets, no secret value in any generated file
 * but .env and secrets/, and a config every Prometheus we support (2.42, 2.53, 3.5) loads.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/input.js';
import { render } from '../../src/render/index.js';
import { QUEUE_CONFIG, RECORDED_ONLY_RELABEL } from '../../src/render/remote-write.js';
import { renderRuleFiles } from '../../src/rules/index.js';
import { REMOTE_WRITE_ALERTS } from '../../src/rules/remote-write-alerts.js';
import { VM_DEDUP_RELABEL, vmDedupArgs } from '../../src/render/remote-write-dedup.js';
import { runCli } from '../support/cli.js';
import { buildSpec } from '../../src/config/build.js';
import { specFor, testContext, writeStack } from '../support/stacks.js';
import { PROMETHEUS_RELEASES } from '../support/versions.js';

const PASSWORD = 'rw-password-0123456789';
const TOKEN = 'rw-token-abcdef0123456789';

const INPUT: ConfigInput = {
  targets: [{ name: 'llama', engine: 'vllm', url: 'http://10.0.0.5:8000' }],
  gpu: 'dcgm',
  remoteWrite: {
    endpoints: [
      { url: 'https://vm.example.org/api/v1/write', username: 'monitor', password: PASSWORD },
      { url: 'https://mimir.example.org/api/v1/push', token: TOKEN, recordedOnly: true },
      { url: 'http://localhost:8428/api/v1/write' },
    ],
    cluster: 'prod-eu',
  },
};

interface RemoteWrite {
  url: string;
  name: string;
  basic_auth?: { username: string; password_file: string };
  authorization?: { type: string; credentials_file: string };
  queue_config: Record<string, unknown>;
  write_relabel_configs?: unknown[];
}
interface PromConfig {
  global: { external_labels: Record<string, string> };
  alerting: { alert_relabel_configs?: unknown[] };
  remote_write?: RemoteWrite[];
}

async function rendered(input: ConfigInput) {
  const { spec, secrets } = await specFor(input, 'rw-stack');
  const files = render(spec, secrets);
  return { spec, files, prom: parse(files.get('prometheus/prometheus.yml')!.content) as PromConfig };
}

describe('--remote-write: rendered stack', () => {
  it('writes each endpoint with its credentials file, the fleet queue settings and, where asked, only the recorded series', async () => {
    const { prom } = await rendered(INPUT);
    expect(prom.remote_write).toEqual([
      { url: 'https://vm.example.org/api/v1/write', name: 'remote-1', basic_auth: { username: 'monitor', password_file: '/run/secrets/remote_write_password' }, queue_config: QUEUE_CONFIG },
      { url: 'https://mimir.example.org/api/v1/push', name: 'remote-2', authorization: { type: 'Bearer', credentials_file: '/run/secrets/remote_write_2_token' }, queue_config: QUEUE_CONFIG, write_relabel_configs: RECORDED_ONLY_RELABEL },
      // localhost is the container itself to Prometheus in Docker.
      { url: 'http://host.docker.internal:8428/api/v1/write', name: 'remote-3', queue_config: QUEUE_CONFIG },
    ]);
    expect(prom.global.external_labels).toEqual({ monitor: 'rw-stack', cluster: 'prod-eu', replica: 'gpu-box' });
    // HA replicas send the same alert: without `replica` Alertmanager takes it for one.
    expect(prom.alerting.alert_relabel_configs).toEqual([{ action: 'labeldrop', regex: 'replica' }]);
  });

  it('without --remote-write: no remote_write, no cluster/replica labels, alerts as before', async () => {
    const { prom } = await rendered({ targets: INPUT.targets!, gpu: 'dcgm' });
    expect(prom.remote_write).toBeUndefined();
    expect(prom.global.external_labels).toEqual({ monitor: 'rw-stack' });
    expect(prom.alerting.alert_relabel_configs).toBeUndefined();
  });

  it('the recorded-only filter keeps every series our rules record and no raw one', () => {
    const regex = new RegExp(`^(?:${(RECORDED_ONLY_RELABEL[0]!.regex)})$`);
    const records = [...renderRuleFiles({ targets: [], gpu: 'dcgm', slo: { ttftP99Seconds: 2.5, itlP99Seconds: 0.1, e2eP99Seconds: 60, availabilityPercent: 99.9 } }).rules.values()].flatMap((f) =>
      f.groups.flatMap((g) => g.rules.flatMap((r) => ('record' in r ? [r.record] : []))),
    );
    expect(records.length).toBeGreaterThan(100);
    expect(records.filter((r) => !regex.test(r))).toEqual([]);
    for (const raw of ['vllm:num_requests_running', 'sglang:num_running_reqs', 'DCGM_FI_DEV_GPU_UTIL', 'node_cpu_seconds_total', 'up', 'ALERTS', 'smg_router_requests_total']) expect(regex.test(raw), raw).toBe(false);
  });

  it('only Prometheus mounts the remote-write secrets, and no generated file but .env and secrets/ holds them', async () => {
    const { files } = await rendered(INPUT);
    const compose = parse(files.get('docker-compose.yml')!.content) as { services: Record<string, { secrets?: string[] }>; secrets: Record<string, { file: string }> };
    expect(compose.services.prometheus!.secrets).toEqual(expect.arrayContaining(['remote_write_password', 'remote_write_2_token']));
    for (const [name, service] of Object.entries(compose.services)) if (name !== 'prometheus') expect(service.secrets ?? []).not.toContain('remote_write_password');
    expect(compose.secrets.remote_write_password).toEqual({ file: './secrets/remote_write_password' });
    expect(files.get('secrets/remote_write_password')!.content).toBe(PASSWORD);
    expect(files.get('secrets/remote_write_2_token')!.content).toBe(TOKEN);
    expect(files.get('.env')!.content).toContain(`REMOTE_WRITE_PASSWORD=${PASSWORD}\n`);
    expect(files.get('.env')!.content).toContain(`REMOTE_WRITE_2_TOKEN=${TOKEN}\n`);
    // The stack's README says where the data goes and names the secrets by their variable only.
    const readme = files.get('README.md')!.content;
    expect(readme).toContain('- `https://vm.example.org/api/v1/write`, user `monitor`, password `REMOTE_WRITE_PASSWORD` in `.env`: every series');
    expect(readme).toContain('- `https://mimir.example.org/api/v1/push`, bearer token `REMOTE_WRITE_2_TOKEN` in `.env`: the recorded series only');
    for (const [path, f] of files) {
      if (path === '.env' || path.startsWith('secrets/')) continue;
      expect(f.content, path).not.toContain(PASSWORD);
      expect(f.content, path).not.toContain(TOKEN);
    }
  });

  it("the stack's README tells how to deduplicate HA replicas with the flags the real VictoriaMetrics test runs, and names the remote-write alerts", async () => {
    const { spec, files } = await rendered(INPUT);
    const readme = files.get('README.md')!.content;
    const [dedup, relabel] = vmDedupArgs(spec.scrapeInterval, 'relabel.yml');
    expect(readme).toContain(`\`${dedup}\``);
    expect(readme).toContain(`\`${relabel}\``);
    expect(readme).toContain(`\`\`\`yaml\n${stringify(VM_DEDUP_RELABEL)}\`\`\``);
    expect(readme).toContain('-distributor.ha-tracker.replica=replica');
    expect(readme).toContain('--query.replica-label=replica');
    for (const name of REMOTE_WRITE_ALERTS) expect(readme).toContain(`\`${name}\``);
    // Their rules are in alerts.yml, with a promtool test file of their own.
    const alerts = parse(files.get('prometheus/rules/alerts.yml')!.content) as { groups: { name: string; rules: { alert: string }[] }[] };
    expect(alerts.groups.find((g) => g.name === 'remote-write-alerts')!.rules.map((r) => r.alert)).toEqual([...REMOTE_WRITE_ALERTS]);
    expect(files.has('prometheus/tests/alerts-remote-write.test.yml')).toBe(true);
    const plain = await specFor({ targets: INPUT.targets, gpu: 'dcgm' }, 'rw-stack');
    const without = render(plain.spec, plain.secrets);
    expect(without.has('prometheus/tests/alerts-remote-write.test.yml')).toBe(false);
    expect(without.get('prometheus/rules/alerts.yml')!.content).not.toContain('PrometheusRemoteWrite');
    expect(without.get('README.md')!.content).not.toContain('dedup');
  });

  it('takes the secrets from the environment (or .env) when not given, and infers bearer from REMOTE_WRITE_TOKEN', async () => {
    const { spec, secrets } = await buildSpec(
      { remoteWrite: { endpoints: [{ url: 'https://vm.example.org/api/v1/write', username: 'u' }, { url: 'https://mimir.example.org/api/v1/push' }] } },
      'rw-env',
      testContext({ secretEnv: { REMOTE_WRITE_PASSWORD: PASSWORD, REMOTE_WRITE_2_TOKEN: TOKEN } }),
    );
    expect(spec.remoteWrite!.endpoints.map((e) => e.auth)).toEqual([
      { kind: 'basic', username: 'u', secretEnv: 'REMOTE_WRITE_PASSWORD' },
      { kind: 'bearer', secretEnv: 'REMOTE_WRITE_2_TOKEN' },
    ]);
    expect(secrets).toEqual({ REMOTE_WRITE_PASSWORD: PASSWORD, REMOTE_WRITE_2_TOKEN: TOKEN });
    expect(spec.remoteWrite!.replica).toBe('gpu-box');
    expect(spec.remoteWrite!.cluster).toBe('rw-env');
  });

  for (const release of PROMETHEUS_RELEASES) {
    const promtool = release.path('promtool');
    it.skipIf(!promtool)(`${release.name} loads the config (promtool check config)${promtool ? '' : `: ${release.missing('promtool')}`}`, async () => {
      const { files } = await rendered(INPUT);
      const dir = writeStack(files);
      try {
        const r = spawnSync(promtool!, ['check', 'config', join(dir, 'prometheus/prometheus.yml')], { encoding: 'utf8' });
        expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('--remote-write: the CLI', () => {
  it('keeps the endpoints and their auth when regenerating, the secrets from .env, none in the manifest or the output', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = join(mkdtempSync(join(tmpdir(), 'cvm-rw-')), 'stack');
    try {
      const first = await runCli([dir, '--yes', '--gpu', 'none', '--target', 'vllm=http://10.0.0.5:8000', '--remote-write', 'https://vm.example.org/api/v1/write', '--remote-write-user', 'monitor', '--remote-write-password', PASSWORD, '--remote-write', 'https://mimir.example.org/api/v1/push', '--remote-write-recorded-only'], { env: { REMOTE_WRITE_2_TOKEN: TOKEN } });
      expect(first.code, first.stderr).toBe(0);
      expect(`${first.stdout}${first.stderr}`).not.toContain(PASSWORD);
      expect(`${first.stdout}${first.stderr}`).not.toContain(TOKEN);
      const manifest = readFileSync(join(dir, '.create-vllm-monitor.json'), 'utf8');
      expect(manifest).not.toContain(PASSWORD);
      expect(manifest).not.toContain(TOKEN);
      const before = readFileSync(join(dir, 'prometheus/prometheus.yml'), 'utf8');
      // No flags, no secrets in the environment: the manifest and .env have all it takes.
      const again = await runCli([dir, '--yes'], { env: {} });
      expect(again.code, again.stderr).toBe(0);
      expect(readFileSync(join(dir, 'prometheus/prometheus.yml'), 'utf8')).toBe(before);
      expect(readFileSync(join(dir, 'secrets/remote_write_2_token'), 'utf8')).toBe(TOKEN);
      const json = await runCli([dir, '--yes', '--dry-run', '--json'], { env: {} });
      expect(JSON.parse(json.stdout).remoteWrite).toEqual({
        cluster: 'stack',
        replica: expect.any(String),
        endpoints: [
          { url: 'https://vm.example.org/api/v1/write', auth: 'basic', recordedOnly: true },
          { url: 'https://mimir.example.org/api/v1/push', auth: 'bearer', recordedOnly: true },
        ],
      });
      expect(json.stdout).not.toContain(PASSWORD);
      const prom = parse(before) as PromConfig;
      expect(prom.remote_write!.map((e) => [e.basic_auth?.username, e.authorization?.type, Boolean(e.write_relabel_configs)])).toEqual([
        ['monitor', undefined, true],
        [undefined, 'Bearer', true],
      ]);
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });
});

