/**
 * cvm-pagerduty.tmpl: what a PagerDuty incident shows. Its summary (description) holds at most
 * 1024 characters; the links and the custom details carry the rest (alertmanager.ts lists them).
 */
export const PAGERDUTY_FILE = 'cvm-pagerduty.tmpl';

export const PAGERDUTY_TEMPLATES = `{{/* PagerDuty notifications of create-vllm-monitor (pagerduty_configs in alertmanager.yml). */}}

{{ define "cvm.pagerduty.description" }}{{ template "cvm.title" . }}: {{ (index .Alerts 0).Annotations.summary }}{{ end }}

{{/* PagerDuty's severities are critical, error, warning and info. */}}
{{ define "cvm.pagerduty.severity" }}{{ if eq .CommonLabels.severity "critical" }}critical{{ else if eq .CommonLabels.severity "warning" }}warning{{ else }}info{{ end }}{{ end }}

{{ define "cvm.pagerduty.where" }}{{ template "cvm.where.alert" (index .Alerts 0) }}{{ end }}
{{ define "cvm.pagerduty.value" }}{{ (index .Alerts 0).Annotations.description }} {{ template "cvm.value.alert" (index .Alerts 0) }}{{ end }}

{{ define "cvm.pagerduty.alerts" -}}
{{ range .Alerts.Firing }}{{ .Labels.severity }}: {{ .Annotations.summary }} ({{ template "cvm.where.alert" . }}, {{ template "cvm.since.alert" . }})
{{ end }}{{ range .Alerts.Resolved }}resolved: {{ .Annotations.summary }} ({{ template "cvm.where.alert" . }}, {{ template "cvm.since.alert" . }})
{{ end }}
{{- end }}
`;
