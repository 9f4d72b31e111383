/**
 * cvm-common.tmpl: helpers every receiver's template uses. Go templates of Alertmanager 0.25 and
 * newer (its own functions: toUpper, match, ...; text/template's urlquery, printf, ...).
 * Helpers named `*.alert` take one alert as dot; the others the whole notification.
 */
export const COMMON_FILE = 'cvm-common.tmpl';

export const COMMON_TEMPLATES = `{{/* Helpers shared by the notification templates of create-vllm-monitor. */}}

{{/* CRITICAL, WARNING, INFO; MIXED when a group holds several severities. */}}
{{ define "cvm.severity" }}{{ with .CommonLabels.severity }}{{ . | toUpper }}{{ else }}MIXED{{ end }}{{ end }}

{{/* [FIRING:2] CRITICAL LLMTTFTErrorBudgetBurn llama-70b  /  [RESOLVED] ... */}}
{{ define "cvm.title" -}}
[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ template "cvm.severity" . }} {{ .CommonLabels.alertname }}
{{- with .CommonLabels.model_name }} {{ . }}{{ else }}{{ with .CommonLabels.instance }} {{ . }}{{ end }}{{ end }}
{{- end }}

{{/* Where it happens: model, GPU, instance, engine and host, as far as the alert has them. */}}
{{ define "cvm.where.alert" -}}
{{ with .Labels.model_name }}model {{ . }}, {{ end }}{{ with .Labels.gpu }}GPU {{ . }}, {{ end }}
{{- with .Labels.instance }}instance {{ . }}{{ end }}{{ with .Labels.engine }} ({{ . }}){{ end }}
{{- with .Labels.host }}{{ if ne . $.Labels.instance }}, host {{ . }}{{ end }}{{ end }}
{{- end }}

{{/* "Value 0.97 (threshold 0.95)" where the rule states them as annotations; the description says it otherwise. */}}
{{ define "cvm.value.alert" }}{{ with .Annotations.value }}Value {{ . }}{{ with $.Annotations.threshold }} (threshold {{ . }}){{ end }}{{ end }}{{ end }}

{{ define "cvm.since.alert" }}{{ if eq .Status "firing" }}since {{ .StartsAt.UTC.Format "2006-01-02 15:04 MST" }}{{ else }}resolved {{ .EndsAt.UTC.Format "2006-01-02 15:04 MST" }} (fired {{ .StartsAt.UTC.Format "15:04 MST" }}){{ end }}{{ end }}

{{/*
  Matchers of a silence for this alert: every label but severity, so the silence covers the
  condition at both severities. URL-encoded {name="value",...} for the filter of Alertmanager's
  silence form: <ExternalURL>/#/silences/new?filter=...
*/}}
{{ define "cvm.silence.filter.alert" -}}
%7B{{ range $i, $l := .Labels.SortedPairs }}{{ if ne $l.Name "severity" }}{{ if $i }}%2C{{ end }}{{ $l.Name | urlquery }}%3D%22{{ $l.Value | urlquery }}%22{{ end }}{{ end }}%7D
{{- end }}

{{/* The same for a whole notification: the labels its alerts share. */}}
{{ define "cvm.silence.filter" -}}
%7B{{ range $i, $l := .CommonLabels.SortedPairs }}{{ if ne $l.Name "severity" }}{{ if $i }}%2C{{ end }}{{ $l.Name | urlquery }}%3D%22{{ $l.Value | urlquery }}%22{{ end }}{{ end }}%7D
{{- end }}

{{/* The runbook, or Alertmanager itself for an alert without one. */}}
{{ define "cvm.runbook" }}{{ with (index .Alerts 0).Annotations.runbook_url }}{{ . }}{{ else }}{{ .ExternalURL }}{{ end }}{{ end }}
{{ define "cvm.silence.url" }}{{ .ExternalURL }}/#/silences/new?filter={{ template "cvm.silence.filter" . }}{{ end }}
{{ define "cvm.dashboard.url" }}{{ template "cvm.dashboard.url.alert" (index .Alerts 0) }}{{ end }}
{{ define "cvm.alerts.url" }}{{ .ExternalURL }}/#/alerts?receiver={{ .Receiver | urlquery }}{{ end }}
`;
