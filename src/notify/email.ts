/**
 * cvm-email.tmpl: subject, HTML and plain-text bodies. The HTML one runs as html/template, which
 * escapes every value for where it lands (text, attribute, URL).
 */
export const EMAIL_FILE = 'cvm-email.tmpl';

export const EMAIL_TEMPLATES = `{{/* E-mail notifications of create-vllm-monitor (email_configs in alertmanager.yml). */}}

{{ define "cvm.email.subject" }}{{ template "cvm.title" . }}: {{ (index .Alerts 0).Annotations.summary }}{{ end }}

{{ define "cvm.email.text.alert" -}}
{{ .Annotations.summary }}{{ if eq .Status "resolved" }} (resolved){{ end }}
{{ .Annotations.description }}
Severity: {{ .Labels.severity }}
Where: {{ template "cvm.where.alert" . }}
When: {{ template "cvm.since.alert" . }}
{{ with .Annotations.value }}Value: {{ . }}{{ with $.Annotations.threshold }}, threshold {{ . }}{{ end }}
{{ end }}{{ with .Annotations.runbook_url }}Runbook: {{ . }}
{{ end }}{{ template "cvm.dashboard.text.alert" . }}Query: {{ .GeneratorURL }}
{{- end }}

{{ define "cvm.email.text" -}}
{{ template "cvm.title" . }}

{{ range .Alerts.Firing }}{{ template "cvm.email.text.alert" . }}
Silence: {{ $.ExternalURL }}/#/silences/new?filter={{ template "cvm.silence.filter.alert" . }}

{{ end }}{{ with .Alerts.Resolved }}Resolved:
{{ range . }}- {{ .Annotations.summary }} ({{ template "cvm.where.alert" . }}, {{ template "cvm.since.alert" . }})
{{ end }}
{{ end }}All alerts: {{ template "cvm.alerts.url" . }}
{{ end }}

{{ define "cvm.email.html.alert" -}}
<tr><td style="padding:12px 0;border-top:1px solid #ddd">
<b>{{ .Annotations.summary }}</b>{{ if eq .Status "resolved" }} (resolved){{ end }}<br>
{{ .Annotations.description }}<br>
<b>Severity:</b> {{ .Labels.severity }} · <b>Where:</b> {{ template "cvm.where.alert" . }} · {{ template "cvm.since.alert" . }}<br>
{{ with .Annotations.value }}<b>Value:</b> {{ . }}{{ with $.Annotations.threshold }} · <b>Threshold:</b> {{ . }}{{ end }}<br>
{{ end }}{{ with .Annotations.runbook_url }}<a href="{{ . }}">Runbook</a> · {{ end }}{{ template "cvm.dashboard.html.alert" . }}<a href="{{ .GeneratorURL }}">Query</a>
{{- end }}

{{ define "cvm.email.html" -}}
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{ template "cvm.title" . }}</title></head>
<body style="font-family:sans-serif;font-size:14px">
<h2 style="color:{{ if eq .Status "resolved" }}#2e7d32{{ else if eq .CommonLabels.severity "critical" }}#c62828{{ else }}#ef6c00{{ end }}">{{ template "cvm.title" . }}</h2>
<table style="border-collapse:collapse">
{{ range .Alerts.Firing }}{{ template "cvm.email.html.alert" . }} · <a href="{{ $.ExternalURL }}/#/silences/new?filter={{ template "cvm.silence.filter.alert" . }}">Silence</a></td></tr>
{{ end }}{{ with .Alerts.Resolved }}<tr><td style="padding:12px 0;border-top:1px solid #ddd"><b>Resolved:</b><ul>
{{ range . }}<li>{{ .Annotations.summary }} ({{ template "cvm.where.alert" . }}, {{ template "cvm.since.alert" . }})</li>
{{ end }}</ul></td></tr>
{{ end }}</table>
<p><a href="{{ template "cvm.alerts.url" . }}">All alerts in Alertmanager</a></p>
</body></html>
{{ end }}
`;
