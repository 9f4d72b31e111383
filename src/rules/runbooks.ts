/**
 * The runbook page of a stack's alerts: one section per alert, headed by its name (so
 * `#<name in lower case>` finds it, as runbook_url expects), with what it means, its expression
 * and what to do. Every stack carries its own copy (RUNBOOKS.md) to host where its runbookUrl points.
 * Its layout is templates/RUNBOOKS.md.hbs; the text (our own alerts' Markdown) is built here.
 */
import type { GpuKind, Slo } from '../config/types.js';
import { BUILT_IN_TEMPLATES, layout, type TemplateSources } from '../render/templates.js';
import { type AlertDoc, stackAlerts } from './alerts.js';

export function renderRunbooks(slo: Slo, gpu: GpuKind, header: string, templates: TemplateSources = BUILT_IN_TEMPLATES, remoteWrite = false): string {
  // One section per alert name: burn-rate, XID and other alerts come as several rules (severities) under one name.
  const byName = new Map<string, AlertDoc[]>();
  for (const { docs } of stackAlerts(slo, gpu, undefined, remoteWrite)) for (const d of docs) byName.set(d.rule.alert, [...(byName.get(d.rule.alert) ?? []), d]);
  const alerts = [...byName].map(([name, docs]) => {
    const first = docs[0]!;
    const rules = docs.map((d) => d.rule);
    const when =
      rules.length === 1
        ? `Severity: ${first.rule.labels.severity}; fires after ${first.rule.for}.`
        : `Severities: ${rules.map((r) => `${r.labels.severity} (fires after ${r.for})`).join(', ')}.`;
    const exprs = rules.length === 1 ? [first.rule.expr] : rules.map((r) => `# ${r.labels.severity}\n${r.expr}`);
    return { name, summary: first.rule.annotations.summary, when, exprs, runbook: first.runbook };
  });
  return layout(templates, 'RUNBOOKS.md.hbs', { header, alerts });
}
