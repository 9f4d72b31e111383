/**
 * Notifications as real Alertmanager (0.25, 0.28, 0.33) sends them, with the generated
 * alertmanager.yml and templates: PagerDuty for critical, Slack for everything, Teams and e-mail
 * for warnings, a webhook for everything. Loopback adaptations only: receiver endpoints and
 * secret files point at local stand-ins, group_wait/group_interval are 1s, and Alertmanager runs
 * with the --web.external-url the compose file gives it. Alerts are posted to its API as
 * Prometheus would post them (our rules' labels and annotations). Last, validate's test alert
 * on a stack whose only receiver takes critical alerts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAlertmanagerConfig } from '../../src/render/alertmanager.js';
import { renderCompose } from '../../src/render/compose.js';
import type { ReceiverInput } from '../../src/config/input.js';
import { type AmConfig, fireTestAlert } from '../../src/validate/alert-test.js';
import { waitFor } from '../integration/support/prometheus.js';
import { specFor } from '../support/stacks.js';
import { ALERTMANAGER_RELEASES } from '../support/versions.js';
import { type Captured, captureServer, decodeQuotedPrintable, postAlerts, type RunningAlertmanager, smtpServer, startAlertmanager, writeAlertmanagerDir } from './support.js';

const PUBLIC = 'http://gpu-box.example.org';
const RUNBOOK = 'https://wiki.example.org/llm/runbooks';
const common = { engine: 'vllm', model_name: 'llama-70b', instance: 'node-a', job: 'vllm', host: 'gpu-1', monitor: 'am-test' };

const CRITICAL = {
  labels: { alertname: 'LLMTTFTErrorBudgetBurn', severity: 'critical', ...common },
  annotations: {
    summary: "The TTFT objective's error budget burns fast.",
    description: '0.31 of requests on llama-70b on node-a (vllm) missed the time to first token objective (2.5s) over 1h; budget 0.01 at 14.4x burn.',
    runbook_url: `${RUNBOOK}#llmttfterrorbudgetburn`,
  },
  generatorURL: `${PUBLIC}:9090/graph?g0.expr=llm%3Attft&g0.tab=1`,
};
const WARNING = {
  labels: { alertname: 'LLMQueueDepthHigh', severity: 'warning', ...common },
  annotations: { summary: 'Many requests are queued.', description: '37.00 requests wait on llama-70b on node-a (vllm).', runbook_url: `${RUNBOOK}#llmqueuedepthhigh`, value: '37', threshold: '20' },
  generatorURL: `${PUBLIC}:9090/graph?g0.expr=llm%3Aqueue`,
};
// One alert per dashboard family, for the dashboard each message links to.
const GPU = { labels: { alertname: 'GPUXidError', severity: 'warning', gpu: '3', instance: 'gpu-1', host: 'gpu-1', job: 'gpu-dcgm', monitor: 'am-test' }, annotations: { summary: 'A GPU reported an XID error.', description: 'GPU 3 on gpu-1 reported XID 94 (a hardware or driver fault): 1.00 time(s) within 5 minutes, in the last 1h.', runbook_url: `${RUNBOOK}#gpuxiderror` } };
const HOST = { labels: { alertname: 'NodeFilesystemAlmostFull', severity: 'warning', instance: 'gpu-1', host: 'gpu-1', job: 'node', monitor: 'am-test' }, annotations: { summary: 'A filesystem is almost full.', description: '/ on gpu-1 has 3% left.', runbook_url: `${RUNBOOK}#nodefilesystemalmostfull` } };
const PLATFORM = { labels: { alertname: 'PrometheusConfigReloadFailed', severity: 'warning', instance: 'localhost:9090', job: 'prometheus', host: 'box', monitor: 'am-test' }, annotations: { summary: 'Prometheus failed to reload its configuration.', description: 'x', runbook_url: `${RUNBOOK}#prometheusconfigreloadfailed` } };
const INFO = { labels: { alertname: 'LLMClientAbortsHigh', severity: 'info', ...common }, annotations: { summary: 'Clients abort requests.', description: 'x', runbook_url: `${RUNBOOK}#x` } };
const WATCHDOG = { labels: { alertname: 'Watchdog', severity: 'info', monitor: 'am-test' }, annotations: { summary: 'Always firing.', description: 'x', runbook_url: `${RUNBOOK}#watchdog` } };

const at = (a: object, startsAt: Date, endsAt?: Date) => ({ ...a, startsAt: startsAt.toISOString(), ...(endsAt ? { endsAt: endsAt.toISOString() } : {}) });

for (const release of ALERTMANAGER_RELEASES) describe(`notifications from real ${release.name}`, () => {
  const binary = release.path('prometheus-alertmanager');
  if (!binary) {
    it.skip(`needs ${release.missing('prometheus-alertmanager')}`, () => {});
    return;
  }
  // msteams_configs came with 0.26.
  const teams = release.atLeast('0.26');
  let capture: Awaited<ReturnType<typeof captureServer>>;
  let smtp: Awaited<ReturnType<typeof smtpServer>>;
  let am: RunningAlertmanager;
  let dir: string;
  const startsAt = new Date(Date.now() - 10 * 60_000);

  const on = (prefix: string): Captured[] => capture.received.filter((c) => c.path.startsWith(prefix));
  const json = (prefix: string) => on(prefix).map((c) => JSON.parse(c.body) as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
  const arrived = (what: string, check: () => boolean) => waitFor(what, async () => (check() ? true : undefined), 20_000, 200).catch((err: Error) => {
    throw new Error(`${err.message}\nreceived: ${JSON.stringify(capture.received.map((c) => c.path))}\n${am.log().slice(-2000)}`);
  });

  beforeAll(async () => {
    capture = await captureServer();
    smtp = await smtpServer();
    const receivers: ReceiverInput[] = [
      { kind: 'pagerduty', severities: ['critical'], pagerduty: { routingKey: 'R0123456789ABCDEF' } },
      { kind: 'slack', slack: { webhookUrl: 'https://hooks.slack.com/services/T/B/x', channel: '#llm' } },
      ...(teams ? [{ kind: 'msteams', severities: ['warning'], msteams: { webhookUrl: 'https://example.webhook.office.com/x' } } satisfies ReceiverInput] : []),
      { kind: 'email', severities: ['warning'], email: { to: 'oncall@example.org', from: 'alerts@example.org', smarthost: smtp.address, requireTls: false } },
      { kind: 'webhook', webhook: { url: `${capture.url}/hook` } },
    ];
    const { spec, secrets } = await specFor({ targets: [], gpu: 'none', receivers, publicUrl: PUBLIC, expose: true, runbookUrl: RUNBOOK }, 'am-test');
    const config = renderAlertmanagerConfig(spec) as { route: Record<string, string>; receivers: Record<string, Record<string, unknown>[] | string>[] };
    dir = mkdtempSync(join(tmpdir(), 'cvm-am-delivery-'));
    // Secrets as the container's entrypoint writes them, but with local endpoints.
    const local: Record<string, string> = { SLACK_WEBHOOK_URL: `${capture.url}/slack`, MSTEAMS_WEBHOOK_URL: `${capture.url}/teams`, PAGERDUTY_ROUTING_KEY: secrets.env.PAGERDUTY_ROUTING_KEY! };
    for (const r of config.receivers) {
      for (const [key, list] of Object.entries(r)) {
        if (!Array.isArray(list)) continue;
        for (const c of list) {
          for (const field of ['api_url_file', 'webhook_url_file', 'routing_key_file']) {
            if (typeof c[field] !== 'string') continue;
            const env = Object.keys(local).find((e) => (c[field] as string).endsWith(e.toLowerCase()))!;
            c[field] = join(dir, env.toLowerCase());
            writeFileSync(c[field] as string, local[env]!);
          }
          if (key === 'pagerduty_configs') c.url = `${capture.url}/pagerduty`;
          if (key === 'webhook_configs') c.url = `${capture.url}/hook`;
        }
      }
    }
    Object.assign(config.route, { group_wait: '1s', group_interval: '1s', repeat_interval: '1h' });
    const file = writeAlertmanagerDir(spec, config, dir);
    const compose = renderCompose(spec) as { services: { alertmanager: { command: string[] } } };
    const externalUrl = compose.services.alertmanager.command.filter((a) => a.startsWith('--web.external-url='));
    expect(externalUrl).toEqual([`--web.external-url=${PUBLIC}:9093`]);
    am = await startAlertmanager(binary, file, externalUrl);
    await postAlerts(am.url, [CRITICAL, WARNING, GPU, HOST, PLATFORM, INFO, WATCHDOG].map((a) => at(a, startsAt)));
    await arrived('every firing notification', () => on('/pagerduty').length >= 1 && on('/slack').length >= 5 && on('/hook').length >= 5 && smtp.mails.length >= 4 && (!teams || on('/teams').length >= 4));
  }, 60_000);

  afterAll(async () => {
    await am?.stop();
    await capture?.close();
    await smtp?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const dashboard = `${PUBLIC}:3000/d/cvm-llm-instance?from=${startsAt.getTime() - 3_600_000}&to=now&var-instance=node-a&var-model_name=llama-70b&var-engine=vllm&var-job=vllm`;
  const silence = (alert: string) => `${PUBLIC}:9093/#/silences/new?filter=%7Balertname%3D%22${alert}%22%2Cengine%3D%22vllm%22%2Chost%3D%22gpu-1%22%2Cinstance%3D%22node-a%22%2Cjob%3D%22vllm%22%2Cmodel_name%3D%22llama-70b%22%2Cmonitor%3D%22am-test%22%7D`;

  it('pages PagerDuty for the critical alert only, with severity, where, value and the runbook, dashboard and silence links', () => {
    const events = json('/pagerduty');
    expect(events).toHaveLength(1);
    const e = events[0]!;
    expect(e.event_action).toBe('trigger');
    expect(e.payload.severity).toBe('critical');
    expect(e.payload.summary).toBe("[FIRING:1] CRITICAL LLMTTFTErrorBudgetBurn llama-70b: The TTFT objective's error budget burns fast.");
    expect(e.payload.custom_details.where).toBe('model llama-70b, instance node-a (vllm), host gpu-1');
    expect(e.payload.custom_details.value).toContain('0.31 of requests');
    expect(e.client_url).toBe(`${PUBLIC}:9093/#/alerts?receiver=pagerduty`);
    expect(e.links).toEqual([
      { href: CRITICAL.annotations.runbook_url, text: 'Runbook' },
      { href: dashboard, text: 'Dashboard' },
      { href: silence('LLMTTFTErrorBudgetBurn'), text: 'Silence' },
    ]);
  });

  it('posts both severities to Slack (everything), each with its links, value and threshold; info and Watchdog go nowhere', () => {
    const messages = json('/slack').map((m) => m.attachments[0]);
    const critical = messages.find((a) => a.title.includes('LLMTTFTErrorBudgetBurn'))!;
    const warning = messages.find((a) => a.title.includes('LLMQueueDepthHigh'))!;
    expect(critical.title).toBe('[FIRING:1] CRITICAL LLMTTFTErrorBudgetBurn llama-70b');
    expect(critical.color).toBe('danger');
    expect(critical.title_link).toBe(dashboard);
    expect(critical.text).toContain(CRITICAL.annotations.description);
    expect(critical.text).toContain('*Severity:* critical · *Where:* model llama-70b, instance node-a (vllm), host gpu-1 · since ');
    expect(critical.text).toContain(`<${CRITICAL.annotations.runbook_url}|Runbook> · <${dashboard}|Dashboard> · <${CRITICAL.generatorURL}|Query> · <${silence('LLMTTFTErrorBudgetBurn')}|Silence>`);
    expect(critical.actions.map((a: { text: string; url: string }) => [a.text, a.url])).toEqual([
      ['Runbook', CRITICAL.annotations.runbook_url],
      ['Dashboard', dashboard],
      ['Silence', silence('LLMTTFTErrorBudgetBurn')],
    ]);
    expect(warning.color).toBe('warning');
    expect(warning.text).toContain('*Value:* 37 · *Threshold:* 20');
    const everything = capture.received.map((c) => c.body).join('\n') + smtp.mails.join('\n');
    expect(everything).not.toContain('LLMClientAbortsHigh');
    expect(everything).not.toContain('Watchdog');
  });

  it('links each alert to its dashboard: GPU alerts to the GPU dashboard of their host and GPU, host alerts to the host one, others to the overview', () => {
    const link = (alert: string) => json('/slack').map((m) => m.attachments[0]).find((a) => a.title.includes(alert))?.title_link as string;
    const from = `from=${startsAt.getTime() - 3_600_000}&to=now`;
    expect(link('GPUXidError')).toBe(`${PUBLIC}:3000/d/cvm-gpu?${from}&var-host=gpu-1&var-gpu=3`);
    expect(link('NodeFilesystemAlmostFull')).toBe(`${PUBLIC}:3000/d/cvm-host?${from}&var-instance=gpu-1`);
    expect(link('PrometheusConfigReloadFailed')).toBe(`${PUBLIC}:3000/d/cvm-llm-overview?${from}`);
  });

  // 0.25 has no Teams receiver: the case is not skipped there, it does not exist.
  if (teams) it('sends the warnings, not the critical alert, to Teams, with their links', () => {
    const cards = json('/teams').map((c) => JSON.stringify(c));
    expect(cards).toHaveLength(4);
    expect(cards.join('\n')).not.toContain('LLMTTFTErrorBudgetBurn');
    const card = cards.find((c) => c.includes('LLMQueueDepthHigh'))!;
    expect(card).toContain('[FIRING:1] WARNING LLMQueueDepthHigh llama-70b');
    expect(card).toContain(`[Runbook](${WARNING.annotations.runbook_url})`);
    expect(card).toContain('[Dashboard](http://gpu-box.example.org:3000/d/cvm-llm-instance?');
    expect(card).toContain(`[Silence](${silence('LLMQueueDepthHigh')})`);
  });

  it('mails the warnings: subject, HTML and text with the value and links', () => {
    expect(smtp.mails).toHaveLength(4);
    const mail = smtp.mails.map(decodeQuotedPrintable).find((m) => m.includes('Subject: [FIRING:1] WARNING LLMQueueDepthHigh'))!;
    expect(mail).toMatch(/^Subject: \[FIRING:1\] WARNING LLMQueueDepthHigh llama-70b: Many requests are queued\.$/m);
    expect(mail).toContain('Value: 37, threshold 20');
    expect(mail).toContain(`Silence: ${silence('LLMQueueDepthHigh')}`);
    expect(mail).toContain(`<a href="${WARNING.annotations.runbook_url}">Runbook</a>`);
    expect(mail).toMatch(/<a href="http:\/\/gpu-box\.example\.org:3000\/d\/cvm-llm-instance\?from=\d+&(amp;)?to=now/);
  });

  it("gives the webhook the fixed payload: runbook_url, Prometheus' generatorURL and Alertmanager's public externalURL", () => {
    const payloads = json('/hook');
    const alerts = payloads.flatMap((p) => p.alerts as { labels: Record<string, string>; annotations: Record<string, string>; generatorURL: string }[]);
    expect(alerts.map((a) => a.labels.alertname).sort()).toEqual(['GPUXidError', 'LLMQueueDepthHigh', 'LLMTTFTErrorBudgetBurn', 'NodeFilesystemAlmostFull', 'PrometheusConfigReloadFailed']);
    for (const p of payloads) expect(p.externalURL).toBe(`${PUBLIC}:9093`);
    const critical = alerts.find((a) => a.labels.alertname === 'LLMTTFTErrorBudgetBurn')!;
    expect(critical.annotations.runbook_url).toBe(CRITICAL.annotations.runbook_url);
    expect(critical.generatorURL).toBe(CRITICAL.generatorURL);
  });

  it('sends the resolved state: PagerDuty resolves, Slack says RESOLVED in green', async () => {
    await postAlerts(am.url, [at(CRITICAL, startsAt, new Date())]);
    await arrived('resolved notifications', () => json('/pagerduty').some((e) => e.event_action === 'resolve') && json('/slack').some((m) => m.attachments[0].title.startsWith('[RESOLVED]')));
    const resolved = json('/slack').map((m) => m.attachments[0]).find((a) => a.title.startsWith('[RESOLVED]'))!;
    expect(resolved.title).toBe('[RESOLVED] CRITICAL LLMTTFTErrorBudgetBurn llama-70b');
    expect(resolved.color).toBe('good');
    expect(resolved.text).toMatch(/\*Resolved:\*\n• The TTFT objective's error budget burns fast\. — model llama-70b, instance node-a \(vllm\), host gpu-1, resolved \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    // Resolved dashboards end 15 minutes after the alert did.
    expect(resolved.title_link).toMatch(/&to=\d{13}&var-instance=node-a/);
  }, 30_000);
});

for (const release of ALERTMANAGER_RELEASES) describe(`validate --fire-test-alert with only a critical receiver, real ${release.name}`, () => {
  const binary = release.path('prometheus-alertmanager');
  if (!binary) {
    it.skip(`needs ${release.missing('prometheus-alertmanager')}`, () => {});
    return;
  }
  it('sends the test alert as critical, the one severity that reaches someone', async () => {
    const capture = await captureServer();
    const { spec } = await specFor({ targets: [], gpu: 'none', receivers: [{ kind: 'webhook', severities: ['critical'], webhook: { url: `${capture.url}/hook` } }] }, 'am-test');
    const config = renderAlertmanagerConfig(spec) as unknown as AmConfig & { route: Record<string, unknown>; receivers: { webhook_configs?: { url: string }[] }[] };
    config.route.group_wait = '1s';
    // Generate rewrote the loopback URL to host.docker.internal, for Alertmanager in Docker.
    for (const r of config.receivers) for (const w of r.webhook_configs ?? []) w.url = `${capture.url}/hook`;
    const file = writeAlertmanagerDir(spec, config as unknown as Record<string, unknown>);
    const am = await startAlertmanager(binary, file);
    try {
      const r = await fireTestAlert(am.url, config, { timeoutMs: 20_000 });
      expect(r, r.detail).toMatchObject({ delivered: true, receiver: 'webhook', labels: { severity: 'critical' } });
      expect(capture.received.some((c) => c.body.includes('CreateVllmMonitorTestAlert'))).toBe(true);
    } finally {
      await am.stop();
      await capture.close();
      rmSync(dirname(file), { recursive: true, force: true });
    }
  }, 40_000);
});
