/**
 * The subset of Grafana's dashboard JSON model (schemaVersion 41, Grafana 12) our dashboards use,
 * typed precisely, and the small builders that lay panels out on the 24-column grid.
 */
import { PROMETHEUS_DATASOURCE_UID } from '../render/grafana.js';
import { DEFAULT_IMAGES } from '../config/defaults.js';

/** Grafana 12.0's dashboard schema version. */
export const SCHEMA_VERSION = 41;
/** The Grafana the dashboards are written for: the stack's image, whose schema they are checked against. */
export const GRAFANA_VERSION = DEFAULT_IMAGES.grafana.slice(DEFAULT_IMAGES.grafana.lastIndexOf(':') + 1);

export interface DatasourceRef {
  type: 'prometheus';
  uid: string;
}

export interface Target {
  refId: string;
  expr: string;
  legendFormat: string;
  range: boolean;
  instant: boolean;
  datasource: DatasourceRef;
}

export interface GridPos {
  h: number;
  w: number;
  x: number;
  y: number;
}

export type Unit =
  | 'short'
  | 'none'
  | 'reqps'
  | 'percentunit'
  | 's'
  | 'bytes'
  | 'decbytes'
  | 'Bps'
  | 'celsius'
  | 'watt'
  | 'hertz'
  | 'ops';

export interface FieldConfig {
  defaults: {
    unit: Unit;
    min?: number;
    max?: number;
    decimals?: number;
    /** Shown instead of "No data": says why a panel may legitimately be empty. */
    noValue?: string;
    color?: { mode: 'palette-classic' | 'thresholds' };
    thresholds?: { mode: 'absolute'; steps: { color: string; value: number | null }[] };
    custom?: Record<string, unknown>;
  };
  overrides: never[];
}

export type PanelType = 'timeseries' | 'stat' | 'bargauge';

export interface Panel {
  id: number;
  type: PanelType;
  title: string;
  description: string;
  gridPos: GridPos;
  datasource: DatasourceRef;
  targets: Target[];
  fieldConfig: FieldConfig;
  options: Record<string, unknown>;
}

export interface RowPanel {
  id: number;
  type: 'row';
  title: string;
  collapsed: false;
  gridPos: GridPos;
  panels: never[];
}

export interface Variable {
  name: string;
  label: string;
  type: 'datasource' | 'query';
  query: string | { query: string; refId: string; qryType: 1 };
  datasource?: DatasourceRef;
  refresh?: 1 | 2;
  multi: boolean;
  includeAll: boolean;
  allValue?: string;
  current: { selected: boolean; text: string | string[]; value: string | string[] };
  hide: 0 | 2;
  options: never[];
  regex?: string;
  sort?: 1;
}

export interface Dashboard {
  id: null;
  uid: string;
  title: string;
  description: string;
  tags: string[];
  timezone: 'browser';
  editable: boolean;
  graphTooltip: 1;
  time: { from: string; to: string };
  refresh: string;
  schemaVersion: number;
  version: 1;
  links: never[];
  annotations: { list: Record<string, unknown>[] };
  templating: { list: Variable[] };
  panels: (Panel | RowPanel)[];
}

export const DATASOURCE: DatasourceRef = { type: 'prometheus', uid: PROMETHEUS_DATASOURCE_UID };

export interface QuerySpec {
  expr: string;
  legend: string;
}

export interface PanelSpec {
  type?: PanelType;
  title: string;
  description: string;
  unit: Unit;
  queries: QuerySpec[];
  /** Grid width (of 24) and height. */
  w?: number;
  h?: number;
  min?: number;
  max?: number;
  decimals?: number;
  noValue?: string;
  thresholds?: { color: string; value: number | null }[];
  stack?: boolean;
}

export interface RowSpec {
  title: string;
  panels: PanelSpec[];
}

function fieldConfig(p: PanelSpec): FieldConfig {
  const type = p.type ?? 'timeseries';
  return {
    defaults: {
      unit: p.unit,
      ...(p.min !== undefined ? { min: p.min } : {}),
      ...(p.max !== undefined ? { max: p.max } : {}),
      ...(p.decimals !== undefined ? { decimals: p.decimals } : {}),
      ...(p.noValue ? { noValue: p.noValue } : {}),
      color: { mode: p.thresholds ? 'thresholds' : 'palette-classic' },
      ...(p.thresholds ? { thresholds: { mode: 'absolute', steps: p.thresholds } } : {}),
      ...(type === 'timeseries'
        ? { custom: { drawStyle: 'line', lineWidth: 1, fillOpacity: p.stack ? 30 : 0, showPoints: 'never', spanNulls: false, stacking: { mode: p.stack ? 'normal' : 'none', group: 'A' } } }
        : {}),
    },
    overrides: [],
  };
}

/**
 * Each plugin's options as complete as Grafana 12.0's panelcfg schema requires (stat, bargauge and
 * timeseries Options; test/dashboards/grafana-schema.test.ts checks them), Grafana's own defaults
 * where we have no opinion. Legends show each series' last and highest value.
 */
function options(type: PanelType): Record<string, unknown> {
  const reduce = { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false } };
  const legend = { displayMode: 'list', placement: 'bottom', showLegend: true, calcs: ['lastNotNull', 'max'] };
  if (type === 'stat') {
    return { ...reduce, colorMode: 'value', graphMode: 'area', justifyMode: 'auto', orientation: 'auto', textMode: 'value_and_name', wideLayout: true, showPercentChange: false, percentChangeColorMode: 'standard' };
  }
  if (type === 'bargauge') {
    return {
      ...reduce,
      legend: { ...legend, showLegend: false, calcs: [] },
      displayMode: 'gradient',
      orientation: 'horizontal',
      showUnfilled: true,
      valueMode: 'color',
      namePlacement: 'auto',
      sizing: 'auto',
      minVizHeight: 16,
      minVizWidth: 8,
      maxVizHeight: 300,
    };
  }
  return { legend, tooltip: { mode: 'multi', sort: 'desc' } };
}

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Lays rows out top to bottom, panels left to right, wrapping at 24 columns; ids are sequential. */
export function layout(rows: RowSpec[], withRowHeaders: boolean): (Panel | RowPanel)[] {
  const out: (Panel | RowPanel)[] = [];
  let id = 1;
  let y = 0;
  for (const row of rows) {
    if (withRowHeaders) {
      out.push({ id: id++, type: 'row', title: row.title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
      y += 1;
    }
    let x = 0;
    let rowHeight = 0;
    for (const p of row.panels) {
      const w = p.w ?? 12;
      const h = p.h ?? 8;
      if (x + w > 24) {
        y += rowHeight;
        x = 0;
        rowHeight = 0;
      }
      const type = p.type ?? 'timeseries';
      out.push({
        id: id++,
        type,
        title: p.title,
        description: p.description,
        gridPos: { h, w, x, y },
        datasource: DATASOURCE,
        targets: p.queries.map((q, i) => ({ refId: REF_IDS[i]!, expr: q.expr, legendFormat: q.legend, range: true, instant: false, datasource: DATASOURCE })),
        fieldConfig: fieldConfig(p),
        options: options(type),
      });
      x += w;
      rowHeight = Math.max(rowHeight, h);
    }
    y += rowHeight;
  }
  return out;
}

/** A label_values() variable over one of our series, multi-select with All (a regex). */
export function queryVariable(name: string, label: string, series: string, filter: string, opts: { multi?: boolean; includeAll?: boolean } = {}): Variable {
  const query = `label_values(${series}${filter ? `{${filter}}` : ''}, ${name})`;
  const multi = opts.multi ?? true;
  const includeAll = opts.includeAll ?? true;
  return {
    name,
    label,
    type: 'query',
    datasource: DATASOURCE,
    query: { query, refId: 'PrometheusVariableQueryEditor-VariableQuery', qryType: 1 },
    refresh: 2,
    multi,
    includeAll,
    ...(includeAll ? { allValue: '.*' } : {}),
    current: includeAll ? { selected: true, text: ['All'], value: ['$__all'] } : { selected: false, text: '', value: '' },
    hide: 0,
    options: [],
    sort: 1,
  };
}

/** The Prometheus datasource picker; the provisioned dashboards pin our datasource, so it stays hidden there. */
export function datasourceVariable(): Variable {
  return {
    name: 'datasource',
    label: 'Data source',
    type: 'datasource',
    query: 'prometheus',
    multi: false,
    includeAll: false,
    current: { selected: true, text: 'Prometheus', value: DATASOURCE.uid },
    hide: 2,
    options: [],
    regex: '',
  };
}

export function dashboard(uid: string, title: string, description: string, tags: string[], variables: Variable[], panels: (Panel | RowPanel)[]): Dashboard {
  return {
    id: null,
    uid,
    title,
    description,
    tags: ['llm-serving', 'create-vllm-monitor', ...tags],
    timezone: 'browser',
    editable: true,
    graphTooltip: 1,
    time: { from: 'now-1h', to: 'now' },
    refresh: '30s',
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    links: [],
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    templating: { list: [datasourceVariable(), ...variables] },
    panels,
  };
}
