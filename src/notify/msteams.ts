/**
 * cvm-msteams.tmpl: a Teams message card per notification. Teams renders a markdown subset;
 * paragraphs need a blank line between them.
 */
export const MSTEAMS_FILE = 'cvm-msteams.tmpl';

export const MSTEAMS_TEMPLATES = `{{/* Microsoft Teams notifications of create-vllm-monitor (msteams_configs in alertmanager.yml). */}}

{{ define "cvm.msteams.title" }}{{ template "cvm.title" . }}{{ end }}

{{ define "cvm.msteams.summary" }}{{ template "cvm.title" . }}: {{ (index .Alerts 0).Annotations.summary }}{{ end }}

{{ define "cvm.msteams.alert" -}}
**{{ .Annotations.summary }}**{{ if eq .Status "resolved" }} (resolved){{ end }}

{{ .Annotations.description }}

**Severity:** {{ .Labels.severity }} · **Where:** {{ template "cvm.where.alert" . }} · {{ template "cvm.since.alert" . }}
{{- with .Annotations.value }}

**Value:** {{ . }}{{ with $.Annotations.threshold }} · **Threshold:** {{ . }}{{ end }}{{ end }}

{{ with .Annotations.runbook_url }}[Runbook]({{ . }}) · {{ end }}{{ template "cvm.dashboard.markdown.alert" . }}[Query]({{ .GeneratorURL }})
{{- end }}

{{ define "cvm.msteams.text" -}}
{{ range $i, $a := .Alerts.Firing }}{{ if lt $i 10 }}{{ template "cvm.msteams.alert" $a }} · [Silence]({{ $.ExternalURL }}/#/silences/new?filter={{ template "cvm.silence.filter.alert" $a }})

{{ end }}{{ end }}
{{- if gt (len .Alerts.Firing) 10 }}_Showing 10 of {{ len .Alerts.Firing }} firing alerts: [all in Alertmanager]({{ template "cvm.alerts.url" . }})._

{{ end }}
{{- with .Alerts.Resolved }}**Resolved:**

{{ range $i, $a := . }}{{ if lt $i 10 }}- {{ $a.Annotations.summary }} — {{ template "cvm.where.alert" $a }}, {{ template "cvm.since.alert" $a }}
{{ end }}{{ end }}{{ end }}
{{- end }}
`;
