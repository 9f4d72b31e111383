/**
 * Reads what the probe needs out of a Grafana dashboard JSON: its Prometheus panel queries and its
 * template variables. Accepts both the provisioning form and the import form (with `__inputs`).
 */

export interface PanelQuery {
  refId: string;
  expr: string;
  legendFormat?: string;
  instant: boolean;
}

export interface DashboardPanel {
  dashboardUid: string;
  dashboardTitle: string;
  panelId: number | string;
  title: string;
  type: string;
  /** Title of the row the panel sits under, if any. */
  row?: string;
  queries: PanelQuery[];
}

export interface TemplateVariable {
  name: string;
  type: string;
  /** The variable's query text (label_values(...), a custom list, a constant). */
  query: string;
  multi: boolean;
  includeAll: boolean;
  allValue?: string;
  /** Values selected when the dashboard was saved. */
  current: string[];
  /** Fixed options (custom/interval variables). */
  options: string[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Datasources that are not Prometheus: Grafana annotations, expressions, mixed-free panels of other kinds. */
function isPrometheusDatasource(ds: unknown): boolean {
  if (ds === undefined || ds === null) return true; // the dashboard default
  if (typeof ds === 'string') return !/^(-- (Grafana|Dashboard|Mixed) --|__expr__)$/.test(ds);
  if (!isObject(ds)) return true;
  const type = str(ds.type);
  const uid = str(ds.uid);
  if (uid === '__expr__' || uid === '-- Grafana --' || uid === '-- Dashboard --') return false;
  return type === undefined || type === 'prometheus' || type.startsWith('$') || type.startsWith('${');
}

function panelQueries(panel: Json): PanelQuery[] {
  const panelDs = panel.datasource;
  const out: PanelQuery[] = [];
  for (const t of asArray(panel.targets)) {
    if (!isObject(t) || t.hide === true) continue;
    const expr = str(t.expr);
    if (!expr || !expr.trim()) continue;
    if (!isPrometheusDatasource(t.datasource ?? panelDs)) continue;
    const q: PanelQuery = { refId: str(t.refId) ?? String(out.length), expr, instant: t.instant === true && t.range !== true };
    const legend = str(t.legendFormat);
    if (legend !== undefined) q.legendFormat = legend;
    out.push(q);
  }
  return out;
}

/** Every panel with at least one Prometheus query, including those inside collapsed rows and old `rows`. */
export function dashboardPanels(dashboard: Json): DashboardPanel[] {
  const uid = str(dashboard.uid) ?? '';
  const title = str(dashboard.title) ?? uid;
  const out: DashboardPanel[] = [];
  const visit = (panel: unknown, row: string | undefined) => {
    if (!isObject(panel)) return;
    const type = str(panel.type) ?? '';
    if (type === 'row') {
      const rowTitle = str(panel.title);
      for (const p of asArray(panel.panels)) visit(p, rowTitle);
      return;
    }
    const queries = panelQueries(panel);
    if (queries.length === 0) return;
    const p: DashboardPanel = {
      dashboardUid: uid,
      dashboardTitle: title,
      panelId: (panel.id as number | string | undefined) ?? out.length,
      title: str(panel.title) ?? '',
      type,
      queries,
    };
    if (row !== undefined) p.row = row;
    out.push(p);
  };
  // Panels after a (non-collapsed) row belong to it until the next row.
  let currentRow: string | undefined;
  for (const panel of asArray(dashboard.panels)) {
    if (isObject(panel) && panel.type === 'row') {
      currentRow = str(panel.title);
      visit(panel, currentRow);
    } else {
      visit(panel, currentRow);
    }
  }
  for (const row of asArray(dashboard.rows)) {
    if (isObject(row)) for (const p of asArray(row.panels)) visit(p, str(row.title));
  }
  return out;
}

function currentValues(current: unknown): string[] {
  if (!isObject(current)) return [];
  const v = current.value;
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}

/** The dashboard's template variables in declaration order (later ones may refer to earlier ones). */
export function templateVariables(dashboard: Json): TemplateVariable[] {
  const templating = isObject(dashboard.templating) ? dashboard.templating : {};
  const out: TemplateVariable[] = [];
  for (const v of asArray(templating.list)) {
    if (!isObject(v)) continue;
    const name = str(v.name);
    if (!name) continue;
    const rawQuery = v.query;
    const query = str(rawQuery) ?? (isObject(rawQuery) ? str(rawQuery.query) ?? '' : '') ?? '';
    const tv: TemplateVariable = {
      name,
      type: str(v.type) ?? 'query',
      query: query || str(v.definition) || '',
      multi: v.multi === true,
      includeAll: v.includeAll === true,
      current: currentValues(v.current),
      options: asArray(v.options)
        .map((o) => (isObject(o) ? str(o.value) : undefined))
        .filter((x): x is string => x !== undefined),
    };
    const allValue = str(v.allValue);
    if (allValue) tv.allValue = allValue;
    out.push(tv);
  }
  // Import-form dashboards name their datasource through an input such as ${DS_PROMETHEUS}.
  for (const input of asArray(dashboard.__inputs)) {
    if (isObject(input) && input.type === 'datasource' && str(input.name) && !out.some((v) => v.name === input.name)) {
      out.unshift({ name: str(input.name)!, type: 'datasource', query: 'prometheus', multi: false, includeAll: false, current: [], options: [] });
    }
  }
  return out;
}
