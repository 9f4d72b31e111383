/**
 * The subset of Grafana's dashboard JSON model (schemaVersion 41, which Grafana 12 and 13 load) our dashboards use,
 * typed precisely, and the small builders that lay panels out on the 24-column grid.
 */
import { PROMETHEUS_DATASOURCE_UID } from '../render/grafana.js';
import { DEFAULT_IMAGES } from '../config/defaults.js';

/** The dashboard schema version our JSON is written to: Grafana 12.0's; Grafana 13 (42) migrates it on load. */
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
  /** Heatmaps read bucket series as buckets, tables read one row per series. */
  format?: 'heatmap' | 'table';
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
  | 'ops'
  | 'percent';

/** A data link: the drill-down from a series to another dashboard, its labels and time range kept. */
export interface DataLink {
  title: string;
  url: string;
}

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
    links?: DataLink[];
  };
  overrides: Override[];
}

/** Field settings for one query's series (a second unit on the right axis, its own thresholds). */
export interface Override {
  matcher: { id: 'byFrameRefID'; options: string };
  properties: { id: string; value: unknown }[];
}

export type PanelType = 'timeseries' | 'stat' | 'bargauge' | 'table' | 'heatmap';

export interface Transformation {
  id: string;
  options: Record<string, unknown>;
}

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
  transformations?: Transformation[];
}

/** A row header; a collapsed row holds its panels (Grafana draws them only when it is opened). */
export interface RowPanel {
  id: number;
  type: 'row';
  title: string;
  collapsed: boolean;
  gridPos: GridPos;
  panels: Panel[];
}

/** A link in the dashboard's header: every dashboard of the stack, time range and variables kept. */
export interface DashboardLink {
  title: string;
  type: 'dashboards';
  tags: string[];
  asDropdown: boolean;
  includeVars: boolean;
  keepTime: boolean;
  targetBlank: boolean;
  icon: 'external link';
  tooltip: string;
}

export interface Variable {
  name: string;
  label: string;
  type: 'datasource' | 'query';
  /** qryType 1: label_values(…); 3: query_result(…), whose values `regex` extracts. */
  query: string | { query: string; refId: string; qryType: 1 | 3 };
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
  links: DashboardLink[];
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
  thresholds?: Threshold[];
  /** Latency objective (seconds): a dashed line on a graph; on a stat, orange from 80% of it, red at it. */
  objective?: number;
  stack?: boolean;
  /** Queries evaluated at the end of the range only (tables, alert lists, one figure over a long window). */
  instant?: boolean;
  format?: 'heatmap' | 'table';
  links?: DataLink[];
  transformations?: Transformation[];
  overrides?: Override[];
}

export interface Threshold {
  color: string;
  value: number | null;
}

export interface RowSpec {
  title: string;
  panels: PanelSpec[];
  /** Rows of optional features start collapsed: no empty boxes where the fleet lacks them. */
  collapsed?: boolean;
}

/** Share of a latency objective at which a stat turns orange. */
export const OBJECTIVE_WARNING_SHARE = 0.8;

/** Green below 80% of the objective, orange up to it, red at or above it. */
export function objectiveThresholds(objective: number): Threshold[] {
  return [
    { color: 'green', value: null },
    { color: 'orange', value: Number((objective * OBJECTIVE_WARNING_SHARE).toPrecision(12)) },
    { color: 'red', value: objective },
  ];
}

function fieldConfig(p: PanelSpec): FieldConfig {
  const type = p.type ?? 'timeseries';
  // A graph draws the objective as a dashed line; a stat is coloured by it.
  const thresholds = p.thresholds ?? (p.objective === undefined ? undefined : type === 'timeseries' ? [{ color: 'green', value: null }, { color: 'red', value: p.objective }] : objectiveThresholds(p.objective));
  const colourByThreshold = thresholds !== undefined && type !== 'timeseries';
  return {
    defaults: {
      unit: p.unit,
      ...(p.min !== undefined ? { min: p.min } : {}),
      ...(p.max !== undefined ? { max: p.max } : {}),
      ...(p.decimals !== undefined ? { decimals: p.decimals } : {}),
      ...(p.noValue ? { noValue: p.noValue } : {}),
      color: { mode: colourByThreshold ? 'thresholds' : 'palette-classic' },
      ...(thresholds ? { thresholds: { mode: 'absolute', steps: thresholds } } : {}),
      ...(type === 'timeseries'
        ? {
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: p.stack ? 30 : 0,
              showPoints: 'never',
              spanNulls: false,
              stacking: { mode: p.stack ? 'normal' : 'none', group: 'A' },
              thresholdsStyle: { mode: p.objective !== undefined ? 'dashed' : 'off' },
            },
          }
        : {}),
      ...(p.links ? { links: p.links } : {}),
    },
    overrides: p.overrides ?? [],
  };
}

/**
 * Each plugin's options as complete as the pinned Grafana's panelcfg schema requires (stat, bargauge,
 * table, heatmap and timeseries Options; test/dashboards/grafana-schema.test.ts checks them),
 * Grafana's own defaults where we have no opinion. Legends show each series' last and highest value.
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
  if (type === 'table') return { showHeader: true, cellHeight: 'sm', frameIndex: 0, showTypeIcons: false };
  if (type === 'heatmap') {
    // The engines' buckets as they are (calculate: false); cells coloured by requests per second.
    return {
      calculate: false,
      cellGap: 1,
      color: { mode: 'scheme', scheme: 'Spectral', scale: 'exponential', exponent: 0.5, fill: 'dark-orange', reverse: false, steps: 64 },
      exemplars: { color: 'rgba(255,0,255,0.7)' },
      filterValues: { le: 1e-9 },
      legend: { show: true },
      rowsFrame: { layout: 'auto' },
      showValue: 'never',
      tooltip: { mode: 'single', yHistogram: true, showColorScale: false },
      yAxis: { axisPlacement: 'left', reverse: false },
    };
  }
  return { legend, tooltip: { mode: 'multi', sort: 'desc' } };
}

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function panelOf(p: PanelSpec, id: number, gridPos: GridPos): Panel {
  const type = p.type ?? 'timeseries';
  return {
    id,
    type,
    title: p.title,
    description: p.description,
    gridPos,
    datasource: DATASOURCE,
    targets: p.queries.map((q, i) => ({
      refId: REF_IDS[i]!,
      expr: q.expr,
      legendFormat: q.legend,
      range: !p.instant,
      instant: Boolean(p.instant),
      ...(p.format ? { format: p.format } : {}),
      datasource: DATASOURCE,
    })),
    fieldConfig: fieldConfig(p),
    options: options(type),
    ...(p.transformations ? { transformations: p.transformations } : {}),
  };
}

/**
 * Lays rows out top to bottom, panels left to right, wrapping at 24 columns; ids are sequential.
 * A collapsed row keeps its panels inside it, placed where they go when it opens, and takes one
 * grid unit until then.
 */
export function layout(rows: RowSpec[], withRowHeaders: boolean): (Panel | RowPanel)[] {
  const out: (Panel | RowPanel)[] = [];
  let id = 1;
  let y = 0;
  for (const row of rows) {
    const collapsed = withRowHeaders && Boolean(row.collapsed);
    const header: RowPanel | undefined = withRowHeaders ? { id: id++, type: 'row', title: row.title, collapsed, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] } : undefined;
    if (header) {
      out.push(header);
      y += 1;
    }
    let x = 0;
    let top = y;
    let rowHeight = 0;
    for (const p of row.panels) {
      const w = p.w ?? 12;
      const h = p.h ?? 8;
      if (x + w > 24) {
        top += rowHeight;
        x = 0;
        rowHeight = 0;
      }
      const panel = panelOf(p, id++, { h, w, x, y: top });
      if (collapsed) header!.panels.push(panel);
      else out.push(panel);
      x += w;
      rowHeight = Math.max(rowHeight, h);
    }
    if (!collapsed) y = top + rowHeight;
  }
  return out;
}

/** Every panel of a dashboard, those inside collapsed rows included, in layout order. */
export function flatPanels(panels: readonly (Panel | RowPanel)[]): (Panel | RowPanel)[] {
  return panels.flatMap((p) => (p.type === 'row' ? [p, ...p.panels] : [p]));
}

/** A label_values() variable over one of our series, multi-select with All (a regex). */
export function queryVariable(name: string, label: string, series: string, filter: string, opts: { multi?: boolean; includeAll?: boolean; hidden?: boolean } = {}): Variable {
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
    hide: opts.hidden ? 2 : 0,
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

/** The header link to every dashboard of the stack (they share the tag), keeping time range and variables. */
const STACK_DASHBOARDS: DashboardLink = {
  title: 'Stack dashboards',
  type: 'dashboards',
  tags: ['create-vllm-monitor'],
  asDropdown: true,
  includeVars: true,
  keepTime: true,
  targetBlank: false,
  icon: 'external link',
  tooltip: 'Overview, instance, GPUs, hosts: time range and variables kept',
};

/** A Prometheus annotation: a region while `expr` has a series, titled from its labels. */
export type PrometheusAnnotation = {
  name: string;
  datasource: DatasourceRef;
  enable: true;
  hide: false;
  iconColor: string;
  expr: string;
  step: string;
  titleFormat: string;
  textFormat: string;
  tagKeys: string;
  useValueForTime: false;
};

export function annotation(name: string, iconColor: string, expr: string, titleFormat: string, textFormat: string, tagKeys: string): PrometheusAnnotation {
  return { name, datasource: DATASOURCE, enable: true, hide: false, iconColor, expr, step: '60s', titleFormat, textFormat, tagKeys, useValueForTime: false };
}

export function dashboard(
  uid: string,
  title: string,
  description: string,
  tags: string[],
  variables: Variable[],
  panels: (Panel | RowPanel)[],
  annotations: PrometheusAnnotation[] = [],
): Dashboard {
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
    links: [STACK_DASHBOARDS],
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
        ...annotations,
      ],
    },
    templating: { list: [datasourceVariable(), ...variables] },
    panels,
  };
}
