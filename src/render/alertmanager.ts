/** alertmanager/alertmanager.yml: one receiver of the user's choice, grouping and inhibition. */
import type { StackSpec } from '../spec/types.js';
import { receiverSecretPath } from './secrets.js';

const RECEIVER = 'default';

function receiverConfig(spec: StackSpec): Record<string, unknown> {
  const r = spec.receiver;
  const secretFile = receiverSecretPath(spec);
  // send_resolved is spelled out everywhere: Slack and e-mail default it to false.
  switch (r.kind) {
    case 'none':
      return { name: RECEIVER };
    case 'webhook':
      return { name: RECEIVER, webhook_configs: [{ url: r.webhook.url, send_resolved: true }] };
    case 'slack':
      return {
        name: RECEIVER,
        slack_configs: [
          {
            api_url_file: secretFile,
            ...(r.slack.channel ? { channel: r.slack.channel } : {}),
            send_resolved: true,
            title: '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}',
            text: '{{ range .Alerts }}*{{ .Annotations.summary }}*\n{{ .Annotations.description }}\n{{ end }}',
          },
        ],
      };
    case 'email':
      return {
        name: RECEIVER,
        email_configs: [
          {
            to: r.email.to,
            from: r.email.from,
            smarthost: r.email.smarthost,
            ...(r.email.username ? { auth_username: r.email.username, auth_password_file: secretFile } : {}),
            require_tls: r.email.requireTls,
            send_resolved: true,
          },
        ],
      };
    case 'pagerduty':
      return { name: RECEIVER, pagerduty_configs: [{ routing_key_file: secretFile, send_resolved: true }] };
    case 'msteams':
      return { name: RECEIVER, msteams_configs: [{ webhook_url_file: secretFile, send_resolved: true }] };
  }
}

export function renderAlertmanagerConfig(spec: StackSpec): Record<string, unknown> {
  return {
    route: {
      receiver: RECEIVER,
      group_by: ['alertname', 'job', 'instance'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
      routes: [
        // Watchdog fires all the time to prove the pipeline works; it must not page anyone.
        { receiver: 'null', matchers: ['alertname="Watchdog"'] },
        { receiver: 'null', matchers: ['severity="info"'] },
      ],
    },
    receivers: [receiverConfig(spec), { name: 'null' }],
    inhibit_rules: [
      // A critical alert silences the warnings about the same thing on the same instance.
      { source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ['alertname', 'instance'] },
      // When a target is down, its latency and queue alerts are noise.
      { source_matchers: ['alertname="LLMTargetDown"'], target_matchers: ['alertname=~"LLM.+"', 'alertname!="LLMTargetDown"'], equal: ['instance'] },
      { source_matchers: ['alertname="GPUExporterDown"'], target_matchers: ['alertname=~"GPU.+"', 'alertname!="GPUExporterDown"'], equal: ['instance'] },
    ],
  };
}
