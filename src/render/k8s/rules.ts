/** PrometheusRule objects: one per rule file of the Compose stack (per engine, GPU kind, alerts, SLOs, host). */
import { basename } from 'node:path/posix';
import { type RuleFile, renderRuleFiles } from '../../rules/index.js';
import { type K8sStackSpec, metadata } from './objects.js';

/** `rules/llm-vllm.yml` -> `llm-vllm`. */
export const ruleBase = (path: string): string => basename(path, '.yml');

export function renderPrometheusRules(spec: K8sStackSpec): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const [path, file] of renderRuleFiles(spec).rules) out.set(ruleBase(path), prometheusRule(spec, ruleBase(path), file));
  return out;
}

function prometheusRule(spec: K8sStackSpec, base: string, file: RuleFile): Record<string, unknown> {
  return { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: metadata(spec, base), spec: { groups: file.groups } };
}
