/**
 * The runbook page of a stack's alerts: one section per alert, headed by its name (so
 * `#<name in lower case>` finds it, as runbook_url expects), with what it means, its expression
 * and what to do. Every stack carries its own copy (RUNBOOKS.md) to host where its runbookUrl points.
 */
import type { GpuKind, Slo } from '../spec/types.js';
import { stackAlerts } from './alerts.js';

export function renderRunbooks(slo: Slo, gpu: GpuKind, header: string): string {
  const lines = ['# Alert runbooks', '', `<!-- ${header} -->`, ''];
  const seen = new Set<string>();
  for (const { docs } of stackAlerts(slo, gpu)) {
    for (const d of docs) {
      // Burn-rate alerts come as a critical and a warning rule under one name: one section.
      if (seen.has(d.rule.alert)) continue;
      seen.add(d.rule.alert);
      lines.push(`## ${d.rule.alert}`, '', `**${d.rule.annotations.summary}** Severity: ${d.rule.labels.severity}; fires after ${d.rule.for}.`, '', '```promql', d.rule.expr, '```', '', d.runbook, '');
    }
  }
  return lines.join('\n');
}
