/**
 * The targets a dashboard's variables select (instance, job), so that a metric exposed by one
 * engine does not make a panel filtered to another look feedable.
 */
import { type QueryWindow, type VariableValue, substitute } from './grafana-vars.js';

export interface Scope {
  matchers: string[];
  instance?: RegExp;
  job?: RegExp;
}

const SCOPE_LABELS = ['instance', 'job'] as const;

export function scopeOf(vars: Record<string, VariableValue>, window: QueryWindow): Scope {
  const scope: Scope = { matchers: [] };
  for (const label of SCOPE_LABELS) {
    const v = vars[label];
    if (!v || v.all || v.values.length === 0) continue;
    scope.matchers.push(substitute(`${label}=~"\${${label}:regex}"`, window, vars));
    const re = new RegExp(`^(?:${v.values.map((x) => x.replace(/[\\^$*+?.()|{}[\]]/g, '\\$&')).join('|')})$`);
    scope[label] = re;
  }
  return scope;
}
