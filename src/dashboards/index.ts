/**
 * Our Grafana dashboards: the provisioned form (pinned datasource uid, what the stack mounts) and
 * the import form (`__inputs`, for someone else's Grafana), plus the list of panel queries the
 * panel probe and the benchmarks evaluate.
 */
import type { GpuKind, Slo } from '../config/types.js';
import { DEFAULT_SLO } from '../config/defaults.js';
import { gatewayDashboard } from './gateway.js';
import { gpuDashboard, hostDashboard } from './machines.js';
import { DATASOURCE, GRAFANA_VERSION, type Dashboard, type Panel, flatPanels } from './model.js';
import { instanceDashboard, overviewDashboard } from './serving.js';

export type { Dashboard } from './model.js';
export { GPU_UID, HOST_UID } from './machines.js';
export { INSTANCE_UID, OVERVIEW_UID } from './serving.js';

/** File name (in grafana/dashboards/) -> dashboard; the overview is Grafana's home dashboard. */
export const OVERVIEW_FILE = 'llm-serving-overview.json';

/** `gateway`: the stack has a router target (the canonical copies include its dashboard); `slo`: the objectives drawn. */
export function renderDashboards(gpu: GpuKind = 'dcgm', gateway = true, slo: Slo = DEFAULT_SLO): Map<string, Dashboard> {
  const out = new Map<string, Dashboard>([
    [OVERVIEW_FILE, overviewDashboard(slo)],
    ['llm-serving-instance.json', instanceDashboard(slo)],
  ]);
  // Without a GPU exporter every GPU panel would be empty.
  if (gpu !== 'none') out.set('gpus.json', gpuDashboard());
  out.set('hosts.json', hostDashboard());
  if (gateway) out.set('gateway.json', gatewayDashboard());
  return out;
}

const INPUT = 'DS_PROMETHEUS';

/**
 * The import form: every datasource reference goes through the `datasource` variable, whose
 * default Grafana fills from the `__inputs` prompt. Queries still read our recording rules:
 * load prometheus/rules/*.yml into that Prometheus first.
 */
export function importVariant(d: Dashboard): Record<string, unknown> {
  const { panels, annotations, templating } = withDatasource(d, { type: 'prometheus', uid: '${datasource}' }, { text: `\${${INPUT}}`, value: `\${${INPUT}}` });
  return {
    __inputs: [{ name: INPUT, label: 'Prometheus', description: 'The Prometheus that loads the create-vllm-monitor recording rules', type: 'datasource', pluginId: 'prometheus', pluginName: 'Prometheus' }],
    __requires: [
      { type: 'grafana', id: 'grafana', name: 'Grafana', version: GRAFANA_VERSION },
      { type: 'datasource', id: 'prometheus', name: 'Prometheus', version: '1.0.0' },
      ...[...new Set(flatPanels(d.panels).filter((p) => p.type !== 'row').map((p) => p.type))].sort().map((t) => ({ type: 'panel', id: t, name: t, version: '' })),
    ],
    ...d,
    description: `${d.description} Needs the create-vllm-monitor recording rules (prometheus/rules/*.yml) loaded in that Prometheus.`,
    panels,
    annotations,
    templating,
  };
}

/**
 * Every reference to our provisioned datasource swapped for `ref`, and the datasource picker set
 * to `current` and shown: what an import into someone else's Grafana needs.
 */
function withDatasource(d: Dashboard, ref: { type: string; uid: string }, current: { text: string; value: string }): Dashboard {
  const swap = <T extends { datasource?: unknown }>(x: T): T => (x.datasource && (x.datasource as { uid?: string }).uid === DATASOURCE.uid ? { ...x, datasource: ref } : x);
  const swapPanel = (p: Panel): Panel => ({ ...swap(p), targets: p.targets.map((t) => swap(t)) });
  const panels = d.panels.map((p) => (p.type === 'row' ? { ...p, panels: p.panels.map(swapPanel) } : swapPanel(p)));
  const list = d.templating.list.map((v) => (v.type === 'datasource' ? { ...v, hide: 0 as const, current: { selected: true, ...current } } : swap(v)));
  return { ...d, panels, annotations: { list: d.annotations.list.map((a) => swap(a)) }, templating: { list } };
}

/** The dashboard pointed at one datasource of another Grafana (the `import` command). */
export function pointedAt(d: Dashboard, datasource: { uid: string; name: string }): Dashboard {
  return withDatasource(d, { type: 'prometheus', uid: datasource.uid }, { text: datasource.name, value: datasource.uid });
}

export interface PanelQueryInfo {
  dashboardUid: string;
  panelId: number;
  title: string;
  row?: string;
  refId: string;
  expr: string;
  legend: string;
}

/** Every panel query of a dashboard, with its panel and row, in layout order. */
export function panelQueries(d: Dashboard): PanelQueryInfo[] {
  const out: PanelQueryInfo[] = [];
  let row: string | undefined;
  for (const p of flatPanels(d.panels)) {
    if (p.type === 'row') {
      row = p.title;
      continue;
    }
    for (const t of p.targets) out.push({ dashboardUid: d.uid, panelId: p.id, title: p.title, ...(row ? { row } : {}), refId: t.refId, expr: t.expr, legend: t.legendFormat });
  }
  return out;
}
