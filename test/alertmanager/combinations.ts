/** Receiver combinations the alertmanager suites render, check and run. */
import type { ConfigInput, ReceiverInput } from '../../src/config/input.js';

const T = [{ engine: 'vllm' as const, url: 'http://10.0.0.5:8000' }];
const R = {
  slack: { kind: 'slack', slack: { webhookUrl: 'https://hooks.slack.com/services/T0/B0/a', channel: '#llm' } },
  slack2: { kind: 'slack', slack: { webhookUrl: 'https://hooks.slack.com/services/T0/B0/b', channel: '#llm-oncall' } },
  pagerduty: { kind: 'pagerduty', pagerduty: { routingKey: 'R0123456789ABCDEF0123456789ABCDE' } },
  email: { kind: 'email', email: { to: 'oncall@example.org', from: 'alerts@example.org', smarthost: 'smtp.example.org:587', username: 'alerts', password: 's3cret' } },
  emailNoAuth: { kind: 'email', email: { to: 'oncall@example.org', from: 'alerts@example.org', smarthost: 'smtp.example.org:25', requireTls: false } },
  msteams: { kind: 'msteams', msteams: { webhookUrl: 'https://example.webhook.office.com/webhookb2/abc' } },
  webhook: { kind: 'webhook', webhook: { url: 'http://10.0.0.9:5001/alerts' } },
} satisfies Record<string, ReceiverInput>;

const only = (r: ReceiverInput, ...severities: ('critical' | 'warning')[]): ReceiverInput => ({ ...r, severities });

export const COMBINATIONS: Record<string, ConfigInput> = {
  none: { targets: T, gpu: 'none' },
  'webhook (all)': { targets: T, gpu: 'dcgm', receiver: R.webhook },
  'slack (all)': { targets: T, gpu: 'dcgm', receiver: R.slack },
  'email (all)': { targets: T, gpu: 'none', receiver: R.email },
  'email without SMTP auth': { targets: T, gpu: 'none', receiver: R.emailNoAuth },
  'pagerduty (all)': { targets: T, gpu: 'none', receiver: R.pagerduty },
  'msteams (all)': { targets: T, gpu: 'none', receiver: R.msteams },
  'pagerduty critical, slack warning': { targets: T, gpu: 'dcgm', receivers: [only(R.pagerduty, 'critical'), only(R.slack, 'warning')] },
  'pagerduty critical, slack all': { targets: T, gpu: 'dcgm', receivers: [only(R.pagerduty, 'critical'), R.slack] },
  'slack critical, slack warning': { targets: T, gpu: 'none', receivers: [only(R.slack2, 'critical'), only(R.slack, 'warning')] },
  'email warning only': { targets: T, gpu: 'none', receivers: [only(R.email, 'warning')] },
  'msteams critical, email and webhook warning': { targets: T, gpu: 'amd', receivers: [only(R.msteams, 'critical'), only(R.email, 'warning'), only(R.webhook, 'warning')] },
  'slack without Grafana': { targets: T, gpu: 'none', grafana: false, receiver: R.slack },
  'pagerduty behind a reverse proxy': {
    targets: T,
    gpu: 'none',
    receiver: R.pagerduty,
    publicUrls: { grafana: 'https://mon.example.org/grafana', prometheus: 'https://mon.example.org/prometheus', alertmanager: 'https://mon.example.org/alertmanager' },
  },
};

export const usesMsteams = (input: ConfigInput): boolean => [input.receiver, ...(input.receivers ?? [])].some((r) => r?.kind === 'msteams');
