/**
 * The raw-query form of a dashboard, for a Prometheus that does not load our recording rules:
 * every query, variable and annotation reads the engines' own series through the rules' expressions
 * (src/rules/inline.ts), so it answers what the recorded form would, at a higher query cost.
 */
import { inlineRecorded, type RecordingDefinitions } from '../rules/inline.js';
import { type Dashboard, type Panel, type RowPanel, type Variable } from './model.js';

export function rawVariant(d: Dashboard, defs: RecordingDefinitions, step: string): Dashboard {
  const raw = (expr: string) => inlineRecorded(expr, defs, step);
  const panel = (p: Panel): Panel => ({ ...p, targets: p.targets.map((t) => ({ ...t, expr: raw(t.expr) })) });
  const row = (p: Panel | RowPanel): Panel | RowPanel => (p.type === 'row' ? { ...p, panels: p.panels.map(panel) } : panel(p));
  return {
    ...d,
    description: `${d.description} Raw-query form: reads the engines' own metrics, no recording rules needed (heavier queries; load prometheus/rules/*.yml for the recorded form).`,
    panels: d.panels.map(row),
    annotations: { list: d.annotations.list.map((a) => (typeof a.expr === 'string' ? { ...a, expr: raw(a.expr) } : a)) },
    templating: { list: d.templating.list.map((v) => rawVariable(v, raw)) },
  };
}

/**
 * `label_values(llm:x{…}, label)` lists values of a series Prometheus has; a recorded series'
 * raw form is an expression, which only `query_result(…)` takes, its values cut out by `regex`.
 */
function rawVariable(v: Variable, raw: (expr: string) => string): Variable {
  if (typeof v.query !== 'object') return v;
  const m = /^label_values\((.*), (\w+)\)$/.exec(v.query.query);
  if (!m) return v;
  const [, series, label] = m as unknown as [string, string, string];
  const inlined = raw(series);
  if (inlined === series) return v;
  return { ...v, query: { ...v.query, query: `query_result(count by (${label}) (${inlined}))`, qryType: 3 }, regex: `/${label}="([^"]*)"/` };
}
