/** Grafana provisioning: the Prometheus and Alertmanager datasources (fixed uids) and the dashboard provider. */
import type { StackSpec } from '../config/types.js';
import { WEB_USER, webPasswordFile } from './secrets.js';

/** Dashboards reference this uid; provisioning pins it so they work without the import flow. */
export const PROMETHEUS_DATASOURCE_UID = 'vllm-monitor-prometheus';
export const ALERTMANAGER_DATASOURCE_UID = 'vllm-monitor-alertmanager';
/** With --ha: the second Prometheus replica, not the default. */
export const PROMETHEUS_2_DATASOURCE_UID = 'vllm-monitor-prometheus-2';
export const DASHBOARDS_CONTAINER_DIR = '/etc/grafana/dashboards';

export function renderDatasources(spec: StackSpec): Record<string, unknown> {
  // With --expose Grafana logs in to both; Grafana reads the password from its secret file.
  const auth = spec.expose ? { basicAuth: true, basicAuthUser: WEB_USER, secureJsonData: { basicAuthPassword: `$__file{${webPasswordFile().path}}` } } : {};
  const prometheus = (name: string, uid: string, service: string, isDefault: boolean) => ({
    name,
    type: 'prometheus',
    uid,
    access: 'proxy',
    orgId: 1,
    url: `http://${service}:9090`,
    ...auth,
    isDefault,
    editable: false,
    jsonData: {
      httpMethod: 'POST',
      // Lets $__rate_interval account for the scrape interval.
      timeInterval: spec.scrapeInterval,
      prometheusType: 'Prometheus',
      alertmanagerUid: ALERTMANAGER_DATASOURCE_UID,
    },
  });
  return {
    apiVersion: 1,
    datasources: [
      // The dashboards read the first replica (their datasource uid is fixed); with --ha the second
      // is there too, for Explore and for pointing a dashboard at while the first is down.
      prometheus('Prometheus', PROMETHEUS_DATASOURCE_UID, 'prometheus', true),
      ...(spec.ha ? [prometheus('Prometheus (prometheus-2)', PROMETHEUS_2_DATASOURCE_UID, 'prometheus-2', false)] : []),
      {
        name: 'Alertmanager',
        type: 'alertmanager',
        uid: ALERTMANAGER_DATASOURCE_UID,
        access: 'proxy',
        orgId: 1,
        url: 'http://alertmanager:9093',
        ...auth,
        editable: false,
        jsonData: { implementation: 'prometheus', handleGrafanaManagedAlerts: false },
      },
    ],
  };
}

export function renderDashboardProvider(): Record<string, unknown> {
  return {
    apiVersion: 1,
    providers: [
      {
        name: 'vllm-monitor',
        orgId: 1,
        folder: 'LLM serving',
        type: 'file',
        disableDeletion: true,
        // Edits belong in grafana/dashboards/*.json (regeneration keeps files you changed).
        allowUiUpdates: false,
        updateIntervalSeconds: 30,
        options: { path: DASHBOARDS_CONTAINER_DIR },
      },
    ],
  };
}
