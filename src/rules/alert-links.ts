/**
 * Links every alert carries as annotations, so that any receiver — a webhook too, whose JSON
 * Alertmanager does not template — gets them: the Grafana dashboard that shows the alert's subject
 * (variables and nothing else set; notification templates add the time range), and a silence of
 * exactly this alert prefilled in Alertmanager. Built from the stack's public URLs.
 */
import { GATEWAY_UID, GPU_UID, HOST_UID, INSTANCE_UID, OVERVIEW_UID } from '../dashboards/ids.js';
import type { PublicUrls } from '../config/types.js';

export type AlertLinkUrls = Pick<PublicUrls, 'alertmanager' | 'grafana'>;

/** `&var-<name>=<label value>` where the alert has the label; nothing where it does not. */
const variable = (name: string, label = name): string => `{{ with $labels.${label} }}&var-${name}={{ . | urlquery }}{{ end }}`;

/** The dashboard for an alert, chosen by its name: what it is about decides where to look. */
function dashboardUrl(alert: string, grafana: string): string {
  const d = (uid: string) => `${grafana}/d/${uid}?orgId=1`;
  if (alert.startsWith('GPU')) return `${d(GPU_UID)}${variable('host')}${variable('gpu')}`;
  // Per-model SLO alerts have no instance: every instance of the model.
  if (alert.endsWith('ErrorBudgetBurn')) return `${d(INSTANCE_UID)}&var-instance=$__all${variable('model_name')}${variable('engine')}${variable('job')}`;
  if (alert.startsWith('LLMGateway')) return `${d(GATEWAY_UID)}${variable('instance')}`;
  if (alert.startsWith('LLM')) return `${d(INSTANCE_UID)}${variable('instance')}${variable('model_name')}${variable('engine')}${variable('job')}`;
  if (alert.startsWith('Host')) return `${d(HOST_UID)}${variable('instance')}`;
  return d(OVERVIEW_UID);
}

/**
 * A silence matching this alert's labels: alertname and every label of its series (severity is a
 * rule label, not in $labels, so the silence covers the condition at every severity; a metric name
 * the expression kept is in $labels but not in the alert).
 */
function silenceUrl(alert: string, alertmanager: string): string {
  return `${alertmanager}/#/silences/new?filter=%7Balertname%3D%22${alert}%22{{ range $k, $v := $labels }}{{ if ne $k "__name__" }}%2C{{ $k }}%3D%22{{ $v | urlquery }}%22{{ end }}{{ end }}%7D`;
}

/** The link annotations of one alert, as Prometheus templates. */
export function linkAnnotations(alert: string, urls: AlertLinkUrls): Record<string, string> {
  return {
    ...(urls.grafana ? { dashboard_url: dashboardUrl(alert, urls.grafana) } : {}),
    silence_url: silenceUrl(alert, urls.alertmanager),
  };
}
