/**
 * Secrets reach containers only as Compose secrets: the compose file holds no secret value and no
 * secret environment variable, each service mounts exactly the secrets its configuration reads, and
 * secrets/ holds each value (world-readable files in a 0700 folder, as the containers' users need).
 */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { render } from '../../src/render/index.js';
import { specFor, writeStack } from '../support/stacks.js';

interface Compose {
  services: Record<string, { environment?: Record<string, string>; secrets?: string[]; command?: string[]; entrypoint?: unknown; healthcheck?: { test: string[] } }>;
  secrets?: Record<string, { file: string }>;
}

const BEARER = 'bearer-token-value-0123456789';
const SLACK = 'https://hooks.slack.com/services/T000/B000/secretpart0123';
const PAGERDUTY = 'pagerduty-routing-key-0123456789ab';
const HEARTBEAT = 'https://hc-ping.com/0123-heartbeat-secret';

async function stack(expose: boolean) {
  const tokenFile = join(mkdtempSync(join(tmpdir(), 'cvm-token-')), 'token.txt');
  writeFileSync(tokenFile, `${BEARER}\n`);
  const { spec, secrets } = await specFor(
    {
      targets: [{ name: 'secured', engine: 'vllm', url: 'https://10.0.0.7:8443', bearerTokenFile: tokenFile }],
      gpu: 'none',
      receivers: [{ kind: 'pagerduty', severities: ['critical'], pagerduty: { routingKey: PAGERDUTY } }, { kind: 'slack', severities: ['warning'], slack: { webhookUrl: SLACK } }],
      heartbeat: { url: HEARTBEAT },
      expose,
    },
    'secrets-test',
  );
  const files = render(spec, secrets);
  const values = [BEARER, SLACK, PAGERDUTY, HEARTBEAT, secrets.grafanaAdminPassword, ...(expose ? [secrets.web!.password] : [])];
  return { spec, secrets, files, values, compose: parse(files.get('docker-compose.yml')!.content) as Compose };
}

describe('secrets as Compose secrets', () => {
  for (const expose of [false, true]) {
    it(`no secret value and no secret environment variable in docker-compose.yml${expose ? ' (--expose)' : ''}`, async () => {
      const { files, values, compose } = await stack(expose);
      const text = files.get('docker-compose.yml')!.content;
      for (const v of values) expect(text).not.toContain(v);
      for (const [name, svc] of Object.entries(compose.services)) {
        // Only *__FILE pointers (a path) may name a secret; no variable is interpolated from .env.
        for (const [k, v] of Object.entries(svc.environment ?? {})) {
          if (/PASSWORD|TOKEN|SECRET|KEY|WEBHOOK|URL$/.test(k) && k !== 'GF_SERVER_ROOT_URL') expect([name, k, v]).toEqual([name, k, expect.stringMatching(/^\/run\/secrets\//)]);
          expect(v, `${name}.${k}`).not.toContain('${');
        }
        expect(svc.entrypoint, name).toBeUndefined();
      }
      // Nothing else generated holds a value outside .env and secrets/.
      for (const [path, f] of files) if (path !== '.env' && !path.startsWith('secrets/')) for (const v of values) expect(f.content, path).not.toContain(v);
    });

    it(`each service mounts exactly the secrets it reads${expose ? ' (--expose)' : ''}`, async () => {
      const { compose, files } = await stack(expose);
      const web = expose ? ['monitor_web_password'] : [];
      expect(compose.services.prometheus!.secrets?.sort()).toEqual(['target_secured_token', ...web].sort());
      expect(compose.services.alertmanager!.secrets?.sort()).toEqual(['heartbeat_url', 'pagerduty_routing_key', 'slack_webhook_url', ...web].sort());
      expect(compose.services.grafana!.secrets?.sort()).toEqual(['grafana_admin_password', ...web].sort());
      expect(compose.services['node-exporter']!.secrets).toBeUndefined();
      expect(compose.services.grafana!.environment?.GF_SECURITY_ADMIN_PASSWORD__FILE).toBe('/run/secrets/grafana_admin_password');
      // Every mounted secret is declared once, from secrets/, and every declared one is generated.
      const declared = Object.keys(compose.secrets ?? {}).sort();
      const mounted = [...new Set(Object.values(compose.services).flatMap((s) => s.secrets ?? []))].sort();
      expect(declared).toEqual(mounted);
      for (const name of declared) {
        expect(compose.secrets![name]!.file).toBe(`./secrets/${name}`);
        expect(files.has(`secrets/${name}`), name).toBe(true);
      }
      // The configs read the very paths that are mounted.
      const mountedPaths = mounted.map((n) => `/run/secrets/${n}`);
      const read = [...`${files.get('prometheus/prometheus.yml')!.content}${files.get('alertmanager/alertmanager.yml')!.content}`.matchAll(/\/run\/secrets\/[a-z0-9_]+/g)].map((m) => m[0]);
      for (const p of read) expect(mountedPaths).toContain(p);
    });
  }

  it('secrets/ holds each value (no newline) in files readable by the containers, in a 0700 folder', async () => {
    const { files, secrets } = await stack(true);
    expect(files.get('secrets/slack_webhook_url')).toEqual({ content: SLACK, mode: 0o644, dirMode: 0o700 });
    expect(files.get('secrets/monitor_web_password')!.content).toBe(secrets.web!.password);
    expect(files.get('.gitignore')!.content).toContain('secrets/');
  });

  it('without --expose: no web.yml, no web password, no auth in the configs', async () => {
    const { files, compose } = await stack(false);
    expect(files.has('prometheus/web.yml')).toBe(false);
    expect(files.get('.env')!.content).not.toContain('MONITOR_WEB_PASSWORD');
    expect(compose.services.prometheus!.command!.some((a) => a.startsWith('--web.config.file'))).toBe(false);
    expect(files.get('prometheus/prometheus.yml')!.content).not.toContain('basic_auth');
  });

  it('with --expose: web.yml holds the bcrypt hash, the healthchecks read the password from the secret file', async () => {
    const { files, compose, secrets } = await stack(true);
    expect(parse(files.get('prometheus/web.yml')!.content)).toEqual({ basic_auth_users: { monitor: secrets.web!.bcryptHash } });
    expect(compose.services.prometheus!.command).toContain('--web.config.file=/etc/prometheus/web.yml');
    expect(compose.services.alertmanager!.command).toContain('--web.config.file=/etc/alertmanager/web.yml');
    // promtool / amtool take the password from its file through an http_config: no shell, no password in argv.
    expect(compose.services.prometheus!.healthcheck!.test).toEqual(['CMD', 'promtool', 'check', 'ready', '--url=http://127.0.0.1:9090', '--http.config.file=/etc/prometheus/healthcheck-client.yml']);
    expect(compose.services.alertmanager!.healthcheck!.test).toEqual(['CMD', 'amtool', '--alertmanager.url=http://127.0.0.1:9093', '--http.config.file=/etc/alertmanager/healthcheck-client.yml', 'cluster', 'show']);
    for (const service of ['prometheus', 'alertmanager']) {
      expect(parse(files.get(`${service}/healthcheck-client.yml`)!.content)).toEqual({ basic_auth: { username: 'monitor', password_file: '/run/secrets/monitor_web_password' } });
    }
    const ds = parse(files.get('grafana/provisioning/datasources/datasources.yml')!.content) as { datasources: Record<string, unknown>[] };
    for (const d of ds.datasources) expect(d).toMatchObject({ basicAuth: true, basicAuthUser: 'monitor', secureJsonData: { basicAuthPassword: '$__file{/run/secrets/monitor_web_password}' } });
  });

  it('the writer makes secrets/ 0700 and its files 0644', async () => {
    const { files } = await stack(true);
    const { applyPlan, planWrite } = await import('../../src/write/write.js');
    const root = writeStack(new Map());
    const dir = join(root, 'stack');
    applyPlan(planWrite(dir, files, { overwrite: false, force: false, version: 'test', input: {} }), files);
    expect(statSync(join(dir, 'secrets')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'secrets', 'slack_webhook_url')).mode & 0o777).toBe(0o644);
    expect(statSync(join(dir, '.env')).mode & 0o777).toBe(0o600);
  });
});
