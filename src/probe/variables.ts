/**
 * Resolves a dashboard's template variables to concrete values, as a person opening the dashboard
 * would see them: All where the variable offers it, otherwise the values Prometheus has.
 */
import type { TemplateVariable } from './dashboard-panels.js';
import { type QueryWindow, type VariableValue, substitute } from './grafana-vars.js';
import type { PrometheusClient } from './prom-client.js';

export interface ResolveOptions {
  /** Values to use instead of resolving (a name mapped to one value or several). */
  overrides?: Record<string, string | string[]>;
  /** uid substituted for datasource variables. */
  datasourceUid: string;
  window: QueryWindow;
  /** Evaluation time (unix seconds); label values are looked up over the window before it. */
  time: number;
}

/** `label_values(label)` or `label_values(selector, label)`. */
export function parseLabelValues(query: string): { label: string; selector?: string } | undefined {
  const m = /^\s*label_values\s*\(\s*(.*?)\s*\)\s*$/s.exec(query);
  if (!m) return undefined;
  const inner = m[1]!;
  // The label is the last comma-separated argument; the selector may itself contain commas.
  const comma = inner.lastIndexOf(',');
  if (comma < 0) return { label: inner.trim() };
  return { selector: inner.slice(0, comma).trim(), label: inner.slice(comma + 1).trim() };
}

function fixed(values: string[], v: TemplateVariable): VariableValue {
  return { values, multi: v.multi || v.includeAll };
}

export async function resolveVariables(
  variables: TemplateVariable[],
  client: PrometheusClient,
  opts: ResolveOptions,
): Promise<Record<string, VariableValue>> {
  const out: Record<string, VariableValue> = {};
  for (const v of variables) {
    const override = opts.overrides?.[v.name];
    if (override !== undefined) {
      const values = Array.isArray(override) ? override : [override];
      out[v.name] = { values, multi: v.multi || v.includeAll || values.length > 1 };
      continue;
    }
    switch (v.type) {
      case 'datasource':
        out[v.name] = { values: [opts.datasourceUid], multi: false };
        break;
      case 'constant':
      case 'textbox':
        out[v.name] = fixed([v.current[0] ?? v.query], { ...v, multi: false, includeAll: false });
        break;
      case 'custom':
      case 'interval': {
        const options = v.options.length ? v.options : v.query.split(',').map((x) => x.trim()).filter(Boolean);
        if (v.includeAll && v.type === 'custom') out[v.name] = { values: options, multi: true, all: v.allValue ? { allValue: v.allValue } : {} };
        else out[v.name] = fixed(v.current.length && !v.current.includes('$__all') ? v.current : options.slice(0, 1), v);
        break;
      }
      case 'query': {
        const parsed = parseLabelValues(substitute(v.query, opts.window, out));
        let values: string[] = [];
        if (parsed) {
          const start = opts.time - opts.window.rangeSeconds;
          values = await client.labelValues(parsed.label, parsed.selector ? [parsed.selector] : [], start, opts.time);
        }
        if (v.includeAll) out[v.name] = { values, multi: true, all: v.allValue ? { allValue: v.allValue } : {} };
        else if (v.multi) out[v.name] = { values, multi: true };
        else out[v.name] = { values: values.slice(0, 1), multi: false };
        break;
      }
      default:
        // adhoc filters add nothing to the query text; unknown kinds stay unsubstituted.
        break;
    }
  }
  return out;
}
