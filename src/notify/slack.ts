/**
 * cvm-slack.tmpl: a Slack message (attachment) per notification. Firing alerts each with where,
 * what, since when and their links; resolved ones listed below. Slack mrkdwn: *bold*, <url|text>.
 */
export const SLACK_FILE = 'cvm-slack.tmpl';

export const SLACK_TEMPLATES = `{{/* Slack notifications of create-vllm-monitor (slack_configs in alertmanager.yml). */}}

{{ define "cvm.slack.title" }}{{ template "cvm.title" . }}{{ end }}

{{/* The title links to the dashboard of the first alert (no link without a Grafana). */}}
{{ define "cvm.slack.title_link" }}{{ with (index .Alerts 0) }}{{ template "cvm.dashboard.url.alert" . }}{{ end }}{{ end }}

{{ define "cvm.slack.color" }}{{ if eq .Status "resolved" }}good{{ else if eq .CommonLabels.severity "critical" }}danger{{ else if eq .CommonLabels.severity "warning" }}warning{{ else }}#439FE0{{ end }}{{ end }}

{{ define "cvm.slack.alert" -}}
*{{ .Annotations.summary }}*{{ if eq .Status "resolved" }} (resolved){{ end }}
{{ .Annotations.description }}
*Severity:* {{ .Labels.severity }} · *Where:* {{ template "cvm.where.alert" . }} · {{ template "cvm.since.alert" . }}
{{- with .Annotations.value }}
*Value:* {{ . }}{{ with $.Annotations.threshold }} · *Threshold:* {{ . }}{{ end }}{{ end }}
{{ with .Annotations.runbook_url }}<{{ . }}|Runbook> · {{ end }}{{ template "cvm.dashboard.slack.alert" . }}<{{ .GeneratorURL }}|Query>
{{- end }}

{{ define "cvm.slack.text" -}}
{{ range $i, $a := .Alerts.Firing }}{{ if lt $i 10 }}{{ template "cvm.slack.alert" $a }} · <{{ $.ExternalURL }}/#/silences/new?filter={{ template "cvm.silence.filter.alert" $a }}|Silence>

{{ end }}{{ end }}
{{- if gt (len .Alerts.Firing) 10 }}_Showing 10 of {{ len .Alerts.Firing }} firing alerts: <{{ template "cvm.alerts.url" . }}|all in Alertmanager>._
{{ end }}
{{- with .Alerts.Resolved }}*Resolved:*
{{ range $i, $a := . }}{{ if lt $i 10 }}• {{ $a.Annotations.summary }} — {{ template "cvm.where.alert" $a }}, {{ template "cvm.since.alert" $a }}
{{ end }}{{ end }}{{ end }}
{{- end }}

{{ define "cvm.slack.fallback" }}{{ template "cvm.title" . }}: {{ (index .Alerts 0).Annotations.summary }}{{ end }}
`;
