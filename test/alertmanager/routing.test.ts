/**
 * The routing tree and receivers alertmanager.yml gets for each receiver combination (exact),
 * where each receiver's secret goes, what the flags, the config file and the public URLs turn
 * into, and the one-line errors for bad input.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderAlertmanagerConfig } from '../../src/render/alertmanager.js';
import { render } from '../../src/render/index.js';
import { runCli } from '../support/cli.js';
import { specFor } from '../support/stacks.js';
import { COMBINATIONS } from './combinations.js';

type Route = { receiver: string; matchers: string[]; continue?: boolean };
type Config = { route: { receiver: string; routes: Route[] }; receivers: Record<string, unknown>[]; templates: string[] };

const QUIET: Route[] = [
  { receiver: 'null', matchers: ['alertname="Watchdog"'] },
  { receiver: 'null', matchers: ['severity="info"'] },
];
const ALL = 'severity=~"critical|warning"';
const CRIT = 'severity="critical"';
const WARN = 'severity="warning"';

/** Per combination: the root receiver, the routes after Watchdog/info, and each receiver's .env variable. */
const EXPECTED: Record<string, { root: string; routes: Route[]; secrets: Record<string, string | undefined> }> = {
  none: { root: 'null', routes: [], secrets: {} },
  'webhook (all)': { root: 'webhook', routes: [{ receiver: 'webhook', matchers: [ALL] }], secrets: { webhook: undefined } },
  'slack (all)': { root: 'slack', routes: [{ receiver: 'slack', matchers: [ALL] }], secrets: { slack: 'SLACK_WEBHOOK_URL' } },
  'email (all)': { root: 'email', routes: [{ receiver: 'email', matchers: [ALL] }], secrets: { email: 'SMTP_PASSWORD' } },
  'email without SMTP auth': { root: 'email', routes: [{ receiver: 'email', matchers: [ALL] }], secrets: { email: undefined } },
  'pagerduty (all)': { root: 'pagerduty', routes: [{ receiver: 'pagerduty', matchers: [ALL] }], secrets: { pagerduty: 'PAGERDUTY_ROUTING_KEY' } },
  'msteams (all)': { root: 'msteams', routes: [{ receiver: 'msteams', matchers: [ALL] }], secrets: { msteams: 'MSTEAMS_WEBHOOK_URL' } },
  'pagerduty critical, slack warning': {
    root: 'slack',
    routes: [
      { receiver: 'pagerduty', matchers: [CRIT], continue: true },
      { receiver: 'slack', matchers: [WARN] },
    ],
    secrets: { pagerduty: 'PAGERDUTY_ROUTING_KEY', slack: 'SLACK_WEBHOOK_URL' },
  },
  'pagerduty critical, slack all': {
    root: 'slack',
    routes: [
      { receiver: 'pagerduty', matchers: [CRIT], continue: true },
      { receiver: 'slack', matchers: [ALL] },
    ],
    secrets: { pagerduty: 'PAGERDUTY_ROUTING_KEY', slack: 'SLACK_WEBHOOK_URL' },
  },
  'slack critical, slack warning': {
    root: 'slack-warning',
    routes: [
      { receiver: 'slack-critical', matchers: [CRIT], continue: true },
      { receiver: 'slack-warning', matchers: [WARN] },
    ],
    secrets: { 'slack-critical': 'SLACK_WEBHOOK_URL_CRITICAL', 'slack-warning': 'SLACK_WEBHOOK_URL_WARNING' },
  },
  // Critical alerts reach nobody here (generate warns): they must not fall through to the fallback.
  'email warning only': {
    root: 'email',
    routes: [
      { receiver: 'email', matchers: [WARN] },
      { receiver: 'null', matchers: [CRIT] },
    ],
    secrets: { email: 'SMTP_PASSWORD' },
  },
  'msteams critical, email and webhook warning': {
    root: 'email',
    routes: [
      { receiver: 'msteams', matchers: [CRIT], continue: true },
      { receiver: 'email', matchers: [WARN], continue: true },
      { receiver: 'webhook', matchers: [WARN] },
    ],
    secrets: { msteams: 'MSTEAMS_WEBHOOK_URL', email: 'SMTP_PASSWORD', webhook: undefined },
  },
  'slack without Grafana': { root: 'slack', routes: [{ receiver: 'slack', matchers: [ALL] }], secrets: { slack: 'SLACK_WEBHOOK_URL' } },
  'pagerduty behind a reverse proxy': { root: 'pagerduty', routes: [{ receiver: 'pagerduty', matchers: [ALL] }], secrets: { pagerduty: 'PAGERDUTY_ROUTING_KEY' } },
};

/** Which receivers an alert with these labels reaches, following Alertmanager's rules (first match, continue). */
function deliveredTo(config: Config, labels: Record<string, string>): string[] {
  const matches = (m: string) => {
    const [, name, op, value] = /^(\w+)(=~|=)"(.*)"$/.exec(m)!;
    const actual = labels[name!] ?? '';
    return op === '=' ? actual === value : new RegExp(`^(?:${value})$`).test(actual);
  };
  const out: string[] = [];
  for (const r of config.route.routes) {
    if (!r.matchers.every(matches)) continue;
    out.push(r.receiver);
    if (!r.continue) return out;
  }
  return out.length ? out : [config.route.receiver];
}

describe.each(Object.entries(COMBINATIONS))('receivers "%s"', (name, input) => {
  it('route exactly as designed: Watchdog and info to nobody, each severity to its receivers', async () => {
    const { spec } = await specFor(input);
    const config = renderAlertmanagerConfig(spec) as unknown as Config;
    const want = EXPECTED[name]!;
    expect(config.route.receiver).toBe(want.root);
    expect(config.route.routes).toEqual([...QUIET, ...want.routes]);
    expect(config.receivers.map((r) => r.name)).toEqual([...Object.keys(want.secrets), 'null']);
    expect(config.templates).toEqual(['templates/*.tmpl']);
    expect(Object.fromEntries(spec.receivers.map((r) => [r.name, r.secretEnv]))).toEqual(want.secrets);
  });

  it('deliver critical and warning alerts where the severities say, info and Watchdog to nobody', async () => {
    const { spec } = await specFor(input);
    const config = renderAlertmanagerConfig(spec) as unknown as Config;
    const takes = (s: string) => spec.receivers.filter((r) => (r.severities as string[]).includes(s)).map((r) => r.name);
    expect(deliveredTo(config, { alertname: 'LLMTargetDown', severity: 'critical' })).toEqual(takes('critical').length ? takes('critical') : ['null']);
    expect(deliveredTo(config, { alertname: 'LLMQueueDepthHigh', severity: 'warning' })).toEqual(takes('warning').length ? takes('warning') : ['null']);
    expect(deliveredTo(config, { alertname: 'LLMClientAborts', severity: 'info' })).toEqual(['null']);
    expect(deliveredTo(config, { alertname: 'Watchdog', severity: 'critical' })).toEqual(['null']);
  });

  it('keep receiver secrets in .env (and its copy for the containers, secrets/) only, with a variable of their own', async () => {
    const { spec, secrets } = await specFor(input);
    const files = render(spec, secrets);
    const values = Object.values(secrets.env);
    expect(new Set(Object.keys(secrets.env)).size).toBe(spec.receivers.filter((r) => r.secretEnv).length);
    for (const [path, f] of files) {
      if (path === '.env' || path.startsWith('secrets/')) continue;
      for (const v of values) expect(f.content, `${path} holds a secret`).not.toContain(v);
    }
    const env = files.get('.env')!;
    expect(env.mode).toBe(0o600);
    for (const [k, v] of Object.entries(secrets.env)) {
      expect(env.content).toContain(`${k}=${v}`);
      expect(files.get(`secrets/${k.toLowerCase()}`)?.content).toBe(v);
    }
  });
});

describe('notification links', () => {
  it('default to the localhost URLs of the published ports', async () => {
    const { spec } = await specFor({ targets: [], gpu: 'none', ports: { grafana: 3300, prometheus: 9190, alertmanager: 9193 } });
    expect(spec.urls).toEqual({ grafana: 'http://localhost:3300', prometheus: 'http://localhost:9190', alertmanager: 'http://localhost:9193' });
  });

  it('--public-url puts Prometheus, Alertmanager and Grafana at their published ports on that host', async () => {
    const { spec, secrets } = await specFor({ targets: [], gpu: 'none', publicUrl: 'https://gpu-box.example.org/', expose: true });
    expect(spec.urls).toEqual({ grafana: 'https://gpu-box.example.org:3000', prometheus: 'https://gpu-box.example.org:9090', alertmanager: 'https://gpu-box.example.org:9093' });
    const compose = parse(render(spec, secrets).get('docker-compose.yml')!.content);
    expect(compose.services.prometheus.command).toContain('--web.external-url=https://gpu-box.example.org:9090');
    expect(compose.services.alertmanager.command).toContain('--web.external-url=https://gpu-box.example.org:9093');
    expect(compose.services.grafana.environment.GF_SERVER_ROOT_URL).toBe('https://gpu-box.example.org:3000');
    expect(compose.services.prometheus.command).not.toContain('--web.route-prefix=/');
    expect(render(spec, secrets).get('alertmanager/templates/cvm-links.tmpl')!.content).toContain('{{ define "cvm.grafana.url" }}https://gpu-box.example.org:3000{{ end }}');
  });

  it('per-component URLs with a path keep the routes at / (the proxy strips the path), so healthchecks and validate still work', async () => {
    const { spec, secrets } = await specFor(COMBINATIONS['pagerduty behind a reverse proxy']!);
    const compose = parse(render(spec, secrets).get('docker-compose.yml')!.content);
    for (const [svc, url] of [['prometheus', 'https://mon.example.org/prometheus'], ['alertmanager', 'https://mon.example.org/alertmanager']]) {
      expect(compose.services[svc!].command).toEqual(expect.arrayContaining([`--web.external-url=${url}`, '--web.route-prefix=/']));
    }
    expect(compose.services.prometheus.healthcheck.test).toContain('http://127.0.0.1:9090/-/ready');
    expect(compose.services.grafana.environment.GF_SERVER_ROOT_URL).toBe('https://mon.example.org/grafana');
  });

  it('without Grafana and without its URL, messages carry no dashboard link; with --grafana-public-url they link to that Grafana', async () => {
    const none = await specFor(COMBINATIONS['slack without Grafana']!);
    expect(none.spec.urls.grafana).toBeUndefined();
    const files = render(none.spec, none.secrets);
    expect(files.get('alertmanager/templates/cvm-links.tmpl')!.content).toContain('{{ define "cvm.dashboard.url.alert" }}{{ end }}');
    expect(files.get('alertmanager/alertmanager.yml')!.content).not.toContain('Dashboard');
    const yours = await specFor({ ...COMBINATIONS['slack without Grafana']!, publicUrls: { grafana: 'https://grafana.corp.example' } });
    expect(render(yours.spec, yours.secrets).get('alertmanager/templates/cvm-links.tmpl')!.content).toContain('https://grafana.corp.example/d/cvm-llm-instance?');
    expect(parse(render(yours.spec, yours.secrets).get('docker-compose.yml')!.content).services.grafana).toBeUndefined();
  });
});

describe('receivers from flags and files', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'cvm-routing-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  const gen = (...args: string[]) => runCli([join(work, 'stack'), '--yes', '--target', 'vllm=http://10.0.0.5:8000', '--gpu', 'none', ...args]);
  const amConfig = () => parse(readFileSync(join(work, 'stack/alertmanager/alertmanager.yml'), 'utf8')) as Config;

  it('--receiver pagerduty:critical --receiver slack:warning: one route each, secrets in .env (0600) only', async () => {
    const key = 'R0123456789ABCDEF0123456789XYZ';
    const hook = 'https://hooks.slack.com/services/T9/B9/secret-hook';
    const r = await gen('--receiver', 'pagerduty:critical', '--receiver', 'slack:warning', '--pagerduty-routing-key', key, '--slack-webhook-url', hook, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(amConfig().route.routes.slice(2)).toEqual([
      { receiver: 'pagerduty', matchers: [CRIT], continue: true },
      { receiver: 'slack', matchers: [WARN] },
    ]);
    const env = readFileSync(join(work, 'stack/.env'), 'utf8');
    expect(env).toContain(`PAGERDUTY_ROUTING_KEY=${key}`);
    expect(env).toContain(`SLACK_WEBHOOK_URL=${hook}`);
    expect(statSync(join(work, 'stack/.env')).mode & 0o777).toBe(0o600);
    for (const f of ['docker-compose.yml', '.create-vllm-monitor.json', 'alertmanager/alertmanager.yml']) {
      const text = readFileSync(join(work, 'stack', f), 'utf8');
      expect(text, f).not.toContain(key);
      expect(text, f).not.toContain(hook);
    }
    expect(r.stdout).not.toContain(key);
    expect(JSON.parse(r.stdout).receivers).toEqual([
      { name: 'pagerduty', kind: 'pagerduty', severities: ['critical'] },
      { name: 'slack', kind: 'slack', severities: ['warning'] },
    ]);
  });

  it('two Slack receivers: each setting flag once per receiver, in order, each secret in its own variable', async () => {
    const r = await gen('--receiver', 'slack:critical', '--receiver', 'slack:warning', '--slack-webhook-url', 'https://hooks.slack.com/a', '--slack-webhook-url', 'https://hooks.slack.com/b', '--slack-channel', '#oncall', '--slack-channel', '#llm');
    expect(r.code, r.stderr).toBe(0);
    const env = readFileSync(join(work, 'stack/.env'), 'utf8');
    expect(env).toContain('SLACK_WEBHOOK_URL_CRITICAL=https://hooks.slack.com/a');
    expect(env).toContain('SLACK_WEBHOOK_URL_WARNING=https://hooks.slack.com/b');
    const receivers = amConfig().receivers as { name: string; slack_configs?: { channel: string; api_url_file: string }[] }[];
    expect(receivers.map((x) => [x.name, x.slack_configs?.[0]?.channel, x.slack_configs?.[0]?.api_url_file])).toEqual([
      ['slack-critical', '#oncall', '/run/secrets/slack_webhook_url_critical'],
      ['slack-warning', '#llm', '/run/secrets/slack_webhook_url_warning'],
      ['null', undefined, undefined],
    ]);
    // Regenerating without the secrets takes them back from .env.
    const again = await gen('--receiver', 'slack:critical', '--receiver', 'slack:warning');
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(work, 'stack/.env'), 'utf8')).toContain('SLACK_WEBHOOK_URL_WARNING=https://hooks.slack.com/b');
  });

  it('a config file routes with receivers and severities; settings flags complete its receivers', async () => {
    const file = join(work, 'monitor.yaml');
    writeFileSync(file, ['receivers:', '  - { kind: pagerduty, severities: [critical] }', '  - { kind: webhook, severities: [warning], webhook: { url: "http://10.0.0.9:5001/" } }', 'publicUrl: http://gpu-box.lan', ''].join('\n'));
    const r = await gen('--config', file, '--pagerduty-routing-key', 'RKEY0123456789');
    expect(r.code, r.stderr).toBe(0);
    expect(amConfig().route.routes.slice(2).map((x) => [x.receiver, x.matchers])).toEqual([
      ['pagerduty', [CRIT]],
      ['webhook', [WARN]],
    ]);
    expect(readFileSync(join(work, 'stack/docker-compose.yml'), 'utf8')).toContain('--web.external-url=http://gpu-box.lan:9093');
    expect(r.stderr).toMatch(/warning: publicUrl: the ports are bound to 127\.0\.0\.1/);
  });

  it('warns when a severity reaches nobody', async () => {
    const r = await gen('--receiver', 'webhook:critical', '--webhook-url', 'http://10.0.0.9:5001/', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: receivers: no receiver takes warning alerts/);
  });

  const bad: [string, string[], RegExp][] = [
    ['info is not routed', ['--receiver', 'slack:info'], /^error: --receiver: info alerts are not sent to receivers — use critical or warning/],
    ['unknown severity', ['--receiver', 'slack:page'], /^error: --receiver: unknown severity "page" — use critical or warning/],
    ['unknown kind with a severity', ['--receiver', 'sms:critical'], /^error: --receiver: unknown value "sms" — use one of none/],
    ['none with others', ['--receiver', 'none', '--receiver', 'webhook'], /^error: --receiver: none cannot be combined with other receivers/],
    ['one kind twice for one severity', ['--receiver', 'webhook:critical', '--receiver', 'webhook:critical', '--webhook-url', 'http://h:1/'], /^error: receivers\[1\]\.severities: receivers\[0\] is already a webhook receiver for critical/],
    ['settings count off', ['--receiver', 'slack:critical', '--receiver', 'slack:warning', '--slack-webhook-url', 'https://a/', '--slack-webhook-url', 'https://b/', '--slack-webhook-url', 'https://c/'], /^error: --slack-webhook-url: is given 3 times for 2 slack receiver\(s\) — give it once/],
    ['setting of an absent kind', ['--receiver', 'webhook', '--webhook-url', 'http://h:1/', '--slack-channel', '#x'], /^error: --slack-channel: is a setting of the slack receiver, and none is given — add --receiver slack/],
    ['second receiver lacks its secret', ['--receiver', 'pagerduty:critical', '--receiver', 'slack:warning', '--pagerduty-routing-key', 'K'], /^error: receivers\[1\]\.slack\.webhookUrl: the Slack incoming-webhook URL is required for the slack receiver — pass --slack-webhook-url or set SLACK_WEBHOOK_URL/],
    ['public URL with a port', ['--public-url', 'http://gpu-box:8080'], /^error: publicUrl: "http:\/\/gpu-box:8080" has a port or path; .* — give only scheme and host/],
    ['public URL not http', ['--public-url', 'ftp://gpu-box'], /^error: publicUrl: scheme "ftp" is not supported — use http/],
    ['public URL with braces', ['--alertmanager-public-url', 'https://am/{{x}}'], /^error: publicUrls\.alertmanager: .*braces.* — write a plain URL with --alertmanager-public-url/],
  ];
  it.each(bad)('bad input: %s → one line naming the field and a fix, exit 2', async (_name, args, line) => {
    const r = await gen(...args);
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
  });

  it('a config file with receiver and receivers is refused', async () => {
    const file = join(work, 'monitor.yaml');
    writeFileSync(file, 'receiver: { kind: none }\nreceivers: [{ kind: none }]\n');
    const r = await gen('--config', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: .*monitor\.yaml: receivers: cannot be given together with receiver — list every receiver under receivers/m);
  });

  it('the schema names a bad severity in the config file', async () => {
    const file = join(work, 'monitor.yaml');
    writeFileSync(file, 'receivers: [{ kind: slack, severities: [info] }]\n');
    const r = await gen('--config', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/receivers\[0\]\.severities\[0\]: must be one of critical \| warning/);
  });
});
