/**
 * alertmanager/alertmanager.yml: the routing tree (by severity), the receivers with their
 * notification templates (src/notify), grouping and inhibition.
 */
import { call, TEMPLATES_GLOB } from '../notify/index.js';
import { ROUTED_SEVERITIES, type RoutedReceiver, type StackSpec } from '../config/types.js';
import { heartbeatSecretPath, receiverSecretPath } from './secrets.js';

/** Receives what nobody is to be told about (Watchdog without a heartbeat, info). */
export const NULL_RECEIVER = 'null';
export const HEARTBEAT_RECEIVER = 'heartbeat';

/**
 * Watchdog's pace to the heartbeat: sent at once, then again once repeat_interval has passed at a
 * group_interval tick. The tick must be shorter than the repeat: Alertmanager re-sends only when
 * the last send is older than repeat_interval, so equal values ping every other tick (2 minutes).
 * These make a ping about every 70 s.
 */
export const HEARTBEAT_TIMING = { group_wait: '0s', group_interval: '10s', repeat_interval: '1m' } as const;

type Route = Record<string, unknown>;

/** Links each receiver carries besides those in its text; the dashboard one needs a Grafana. */
function links(spec: StackSpec): { text: string; url: string }[] {
  return [
    { text: 'Runbook', url: call('cvm.runbook') },
    ...(spec.urls.grafana ? [{ text: 'Dashboard', url: call('cvm.dashboard.url') }] : []),
    { text: 'Silence', url: call('cvm.silence.url') },
  ];
}

// send_resolved is spelled out everywhere: Slack and e-mail default it to false.
function receiverConfig(spec: StackSpec, r: RoutedReceiver): Record<string, unknown> {
  const secretFile = receiverSecretPath(r);
  switch (r.kind) {
    case 'webhook':
      // The payload is fixed JSON: annotations (summary, description, runbook_url), generatorURL
      // and externalURL, which --public-url makes reachable from outside.
      return { name: r.name, webhook_configs: [{ url: r.webhook.url, send_resolved: true }] };
    case 'slack':
      return {
        name: r.name,
        slack_configs: [
          {
            api_url_file: secretFile,
            ...(r.slack.channel ? { channel: r.slack.channel } : {}),
            send_resolved: true,
            color: call('cvm.slack.color'),
            title: call('cvm.slack.title'),
            ...(spec.urls.grafana ? { title_link: call('cvm.slack.title_link') } : {}),
            text: call('cvm.slack.text'),
            fallback: call('cvm.slack.fallback'),
            actions: links(spec).map((l) => ({ type: 'button', text: l.text, url: l.url })),
          },
        ],
      };
    case 'email':
      return {
        name: r.name,
        email_configs: [
          {
            to: r.email.to,
            from: r.email.from,
            smarthost: r.email.smarthost,
            ...(r.email.username ? { auth_username: r.email.username, auth_password_file: secretFile } : {}),
            require_tls: r.email.requireTls,
            send_resolved: true,
            headers: { Subject: call('cvm.email.subject') },
            html: call('cvm.email.html'),
            text: call('cvm.email.text'),
          },
        ],
      };
    case 'pagerduty':
      return {
        name: r.name,
        pagerduty_configs: [
          {
            routing_key_file: secretFile,
            send_resolved: true,
            severity: call('cvm.pagerduty.severity'),
            description: call('cvm.pagerduty.description'),
            client: 'Alertmanager (create-vllm-monitor)',
            client_url: call('cvm.alerts.url'),
            // Added to Alertmanager's own details (firing, resolved, num_firing, num_resolved).
            details: {
              alerts: call('cvm.pagerduty.alerts'),
              where: call('cvm.pagerduty.where'),
              value: call('cvm.pagerduty.value'),
              ...Object.fromEntries(links(spec).map((l) => [l.text.toLowerCase(), l.url])),
            },
            links: links(spec).map((l) => ({ href: l.url, text: l.text })),
          },
        ],
      };
    case 'msteams':
      return {
        name: r.name,
        // summary spelled out too: the default's template is missing from Debian's Alertmanager builds.
        msteams_configs: [{ webhook_url_file: secretFile, send_resolved: true, title: call('cvm.msteams.title'), summary: call('cvm.msteams.summary'), text: call('cvm.msteams.text') }],
      };
  }
}

/**
 * Alerts no person is notified of. Watchdog fires all the time to prove the pipeline works: it
 * goes to the heartbeat (or nowhere), first and without `continue`, so it never reaches a person.
 */
function quietRoutes(spec: StackSpec): Route[] {
  return [
    spec.heartbeat
      ? { receiver: HEARTBEAT_RECEIVER, matchers: ['alertname="Watchdog"'], group_by: ['alertname'], ...HEARTBEAT_TIMING }
      : { receiver: NULL_RECEIVER, matchers: ['alertname="Watchdog"'] },
    { receiver: NULL_RECEIVER, matchers: ['severity="info"'] },
  ];
}

/**
 * A plain webhook; the service only counts the pings. No resolved messages: a Watchdog that
 * resolves is a pipeline that stopped, and the pings stopping is what the service alerts on.
 */
function heartbeatReceiver(spec: StackSpec): Record<string, unknown>[] {
  return spec.heartbeat ? [{ name: HEARTBEAT_RECEIVER, webhook_configs: [{ url_file: heartbeatSecretPath(spec.heartbeat), send_resolved: false }] }] : [];
}

/**
 * One route per receiver, matching its severities; `continue` lets a severity reach every
 * receiver that takes it (e.g. critical to PagerDuty and to Slack).
 */
function severityRoutes(receivers: RoutedReceiver[]): Route[] {
  return receivers.map((r, i) => ({
    receiver: r.name,
    matchers: [r.severities.length === 1 ? `severity="${r.severities[0]}"` : `severity=~"${r.severities.join('|')}"`],
    ...(i < receivers.length - 1 ? { continue: true } : {}),
  }));
}

/** A severity no receiver takes goes nowhere, not to the fallback (generate warned about it). */
function unroutedRoutes(receivers: RoutedReceiver[]): Route[] {
  if (receivers.length === 0) return [];
  return ROUTED_SEVERITIES.filter((s) => !receivers.some((r) => r.severities.includes(s))).map((s) => ({ receiver: NULL_RECEIVER, matchers: [`severity="${s}"`] }));
}

export function renderAlertmanagerConfig(spec: StackSpec): Record<string, unknown> {
  // An alert with no or an unknown severity is a rule bug; it goes where warnings go rather than nowhere.
  const fallback = spec.receivers.find((r) => r.severities.includes('warning'))?.name ?? NULL_RECEIVER;
  return {
    route: {
      receiver: fallback,
      group_by: ['alertname', 'job', 'instance'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
      routes: [...quietRoutes(spec), ...severityRoutes(spec.receivers), ...unroutedRoutes(spec.receivers)],
    },
    receivers: [...spec.receivers.map((r) => receiverConfig(spec, r)), ...heartbeatReceiver(spec), { name: NULL_RECEIVER }],
    inhibit_rules: [
      // A critical alert silences the warning about the same thing: same alert, instance, engine and
      // model (SLO alerts are per model), GPU, disk, Alertmanager or integration (a label both lack
      // compares equal, so this serves every alert).
      { source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ['alertname', 'instance', 'engine', 'model_name', 'gpu', 'mountpoint', 'alertmanager', 'integration'] },
      // One cause, one page. A TTFT or ITL burn explains the E2E burn of the same model (E2E adds them
      // up), at its own severity or below.
      { source_matchers: ['alertname=~"LLMTTFTErrorBudgetBurn|LLMITLErrorBudgetBurn"', 'severity="critical"'], target_matchers: ['alertname="LLME2EErrorBudgetBurn"'], equal: ['engine', 'model_name', 'job'] },
      { source_matchers: ['alertname=~"LLMTTFTErrorBudgetBurn|LLMITLErrorBudgetBurn"', 'severity="warning"'], target_matchers: ['alertname="LLME2EErrorBudgetBurn"', 'severity="warning"'], equal: ['engine', 'model_name', 'job'] },
      // Preemption slows requests down: once the model's latency objective pages (2m, before
      // preemption's 15m), the preemption page is the same incident; its panels show the cause.
      { source_matchers: ['alertname=~"LLM(TTFT|ITL|E2E)ErrorBudgetBurn"', 'severity="critical"'], target_matchers: ['alertname="LLMPreemptionsSustained"'], equal: ['engine', 'model_name', 'job'] },
      // When a target is down, its latency and queue alerts are noise.
      { source_matchers: ['alertname="LLMTargetDown"'], target_matchers: ['alertname=~"LLM.+"', 'alertname!="LLMTargetDown"'], equal: ['instance'] },
      { source_matchers: ['alertname="GPUExporterDown"'], target_matchers: ['alertname=~"GPU.+"', 'alertname!="GPUExporterDown"'], equal: ['instance'] },
      // A GPU that fell off the bus raises a critical XID (79) or RAS error first: one page for it, and
      // GPUMissing speaks only if the GPU is still gone when that alert ends.
      { source_matchers: ['alertname=~"GPUXidError|GPURasError"', 'severity="critical"'], target_matchers: ['alertname="GPUMissing"'], equal: ['instance'] },
      // No Alertmanager at all explains every failed or dropped send.
      { source_matchers: ['alertname="PrometheusNotConnectedToAlertmanager"'], target_matchers: ['alertname=~"PrometheusErrorSendingAlerts|PrometheusNotificationsDropped"'], equal: ['instance'] },
      // A disk almost full now says more than one filling up.
      { source_matchers: ['alertname="HostFilesystemAlmostFull"'], target_matchers: ['alertname="HostFilesystemFillingUp"'], equal: ['instance', 'mountpoint'] },
      // A host whose node exporter is down has no host alerts worth reading.
      { source_matchers: ['alertname="MonitoringTargetDown"', 'job="node"'], target_matchers: ['alertname=~"Host.+"'], equal: ['instance'] },
    ],
    templates: [TEMPLATES_GLOB],
  };
}
