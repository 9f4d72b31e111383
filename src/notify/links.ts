/**
 * cvm-links.tmpl: the dashboard link of an alert, the one file of the notification templates that
 * differs between stacks (it holds Grafana's public URL). Without a Grafana to link to, the link
 * templates are defined empty and every message simply has no dashboard link.
 */
import { GPU_UID, HOST_UID, INSTANCE_UID, OVERVIEW_UID } from '../dashboards/index.js';

export const LINKS_FILE = 'cvm-links.tmpl';

/** Grafana variables the links set, per dashboard (test/alertmanager checks the dashboards have them). */
export const DASHBOARD_VARIABLES: Record<string, string[]> = {
  [GPU_UID]: ['host', 'gpu'],
  [INSTANCE_UID]: ['instance', 'model_name', 'engine', 'job'],
  [HOST_UID]: ['instance'],
  [OVERVIEW_UID]: [],
};

const q = (label: string) => `{{ .Labels.${label} | urlquery }}`;
const optional = (variable: string, label = variable) => `{{ with .Labels.${label} }}&var-${variable}={{ . | urlquery }}{{ end }}`;

/**
 * The dashboard that shows an alert's subject, with its variables set and the time range from an
 * hour before it fired (to 15 minutes after it resolved): GPU alerts the GPU dashboard of their
 * host and GPU, engine alerts the instance dashboard of their server and model, host alerts the
 * host dashboard, anything else the serving overview.
 */
function dashboardUrl(grafana: string): string {
  const d = (uid: string) => `${grafana}/d/${uid}?{{ template "cvm.dashboard.range.alert" . }}`;
  return [
    '{{ define "cvm.dashboard.url.alert" -}}',
    '{{ if match "^GPU" .Labels.alertname -}}',
    `${d(GPU_UID)}&var-host={{ or .Labels.host .Labels.instance | urlquery }}${optional('gpu')}`,
    '{{- else if or .Labels.model_name (match "^LLM" .Labels.alertname) -}}',
    `${d(INSTANCE_UID)}&var-instance=${q('instance')}${optional('model_name')}${optional('engine')}${optional('job')}`,
    '{{- else if or (match "^(Node|Host)" .Labels.alertname) (eq .Labels.job "node") -}}',
    `${d(HOST_UID)}&var-instance={{ or .Labels.instance .Labels.host | urlquery }}`,
    '{{- else -}}',
    d(OVERVIEW_UID),
    '{{- end }}',
    '{{- end }}',
  ].join('\n');
}

export function linksTemplates(grafanaUrl: string | undefined): string {
  const lines = ['{{/* Dashboard links: generated for this stack by create-vllm-monitor. */}}', ''];
  if (grafanaUrl) {
    lines.push(
      `{{ define "cvm.grafana.url" }}${grafanaUrl}{{ end }}`,
      '',
      '{{ define "cvm.dashboard.range.alert" }}from={{ (.StartsAt.Add -3600000000000).UnixMilli }}&to={{ if eq .Status "resolved" }}{{ (.EndsAt.Add 900000000000).UnixMilli }}{{ else }}now{{ end }}{{ end }}',
      '',
      dashboardUrl(grafanaUrl),
      '',
      '{{/* The link as each format writes it, followed by a separator; nothing without a Grafana. */}}',
      '{{ define "cvm.dashboard.slack.alert" }}<{{ template "cvm.dashboard.url.alert" . }}|Dashboard> · {{ end }}',
      '{{ define "cvm.dashboard.markdown.alert" }}[Dashboard]({{ template "cvm.dashboard.url.alert" . }}) · {{ end }}',
      '{{ define "cvm.dashboard.html.alert" }}<a href="{{ template "cvm.dashboard.url.alert" . }}">Dashboard</a> · {{ end }}',
      '{{ define "cvm.dashboard.text.alert" }}Dashboard: {{ template "cvm.dashboard.url.alert" . }}',
      '{{ end }}',
    );
  } else {
    lines.push(
      '{{/* No Grafana is known to this stack (generate with --grafana-public-url URL for links to yours). */}}',
      '{{ define "cvm.grafana.url" }}{{ end }}',
      '{{ define "cvm.dashboard.range.alert" }}{{ end }}',
      '{{ define "cvm.dashboard.url.alert" }}{{ end }}',
      '{{ define "cvm.dashboard.slack.alert" }}{{ end }}',
      '{{ define "cvm.dashboard.markdown.alert" }}{{ end }}',
      '{{ define "cvm.dashboard.html.alert" }}{{ end }}',
      '{{ define "cvm.dashboard.text.alert" }}{{ end }}',
    );
  }
  return `${lines.join('\n')}\n`;
}
