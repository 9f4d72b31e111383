/**
 * Dashboards as ConfigMaps for the Grafana sidecar of kube-prometheus-stack: labelled
 * `grafana_dashboard: "1"` (the sidecar's default label), with the folder in an annotation (read
 * when the chart sets `sidecar.dashboards.folderAnnotation: grafana_folder`), each dashboard pointed
 * at the chart's Prometheus datasource (uid `prometheus`).
 */
import { basename } from 'node:path/posix';
import { pointedAt, renderDashboards } from '../../dashboards/index.js';
import { toJson } from '../files.js';
import { type K8sStackSpec, metadata } from './objects.js';

export const KPS_DATASOURCE = { uid: 'prometheus', name: 'Prometheus' };
export const DASHBOARD_LABEL = 'grafana_dashboard';
export const FOLDER_ANNOTATION = 'grafana_folder';
export const DASHBOARD_FOLDER = 'LLM serving';

export function renderDashboardConfigMaps(spec: K8sStackSpec): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  // The gateway dashboard always: a gateway found by its selector later needs no regeneration.
  for (const [file, d] of renderDashboards(spec.gpu, true, spec.slo)) {
    const base = basename(file, '.json');
    out.set(base, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: metadata(spec, `dashboard-${base}`, { labels: { [DASHBOARD_LABEL]: '1' }, annotations: { [FOLDER_ANNOTATION]: DASHBOARD_FOLDER } }),
      data: { [file]: toJson(pointedAt(d, KPS_DATASOURCE)) },
    });
  }
  return out;
}
