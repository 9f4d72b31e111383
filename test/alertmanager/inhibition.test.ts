/**
 * Inhibition names real alerts: every alertname matcher of alertmanager.yml's inhibit_rules selects
 * alerts the stack loads, with the labels its `equal` and other matchers read. A renamed alert that
 * left an inhibition behind would silently stop deduplicating.
 */
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderAlertmanagerConfig } from '../../src/render/alertmanager.js';
import { render } from '../../src/render/index.js';
import { specFor } from '../support/stacks.js';

interface Inhibit {
  source_matchers: string[];
  target_matchers: string[];
  equal: string[];
}

describe.each(['dcgm', 'nvidia-smi', 'amd'] as const)('inhibit_rules of a %s stack', (gpu) => {
  it('select alerts the stack loads, by name and label', async () => {
    const { spec, secrets } = await specFor({ targets: [{ engine: 'vllm', url: 'http://10.0.0.5:8000' }], gpu });
    const alerts: { alert: string; labels: Record<string, string> }[] = [];
    for (const [path, f] of render(spec, secrets)) {
      if (!/^prometheus\/rules\/.+\.yml$/.test(path)) continue;
      for (const g of parse(f.content).groups) for (const r of g.rules) if (r.alert) alerts.push({ alert: r.alert, labels: r.labels ?? {} });
    }
    const rules = (renderAlertmanagerConfig(spec) as { inhibit_rules: Inhibit[] }).inhibit_rules;
    const selects = (matchers: string[]) =>
      alerts.filter((a) =>
        matchers.every((m) => {
          const [, label, op, value] = /^(\w+)(=~|!=|=)"(.*)"$/.exec(m)!;
          // Labels an alert gets from its series (job, instance) are not in the rule: only alertname and severity are checked.
          if (label !== 'alertname' && label !== 'severity') return true;
          const have = label === 'alertname' ? a.alert : (a.labels[label!] ?? '');
          return op === '=' ? have === value : op === '!=' ? have !== value : new RegExp(`^(?:${value})$`).test(have);
        }),
      );
    for (const r of rules) {
      const source = selects(r.source_matchers);
      const target = selects(r.target_matchers);
      expect(source.length, `no alert matches ${r.source_matchers.join(', ')}`).toBeGreaterThan(0);
      expect(target.length, `no alert matches ${r.target_matchers.join(', ')}`).toBeGreaterThan(0);
      // Each alternative of a target alertname regex is an alert that exists.
      for (const m of r.target_matchers) {
        const alt = /^alertname=~"([\w|]+)"$/.exec(m)?.[1];
        for (const name of alt?.split('|') ?? []) expect(alerts.some((a) => a.alert === name), `${name} in ${m}`).toBe(true);
      }
    }
    // The critical-to-warning rule has pairs to deduplicate: one alert name with both severities.
    const both = [...new Set(alerts.map((a) => a.alert))].filter((n) => ['critical', 'warning'].every((s) => alerts.some((a) => a.alert === n && a.labels.severity === s)));
    expect(both).toEqual(expect.arrayContaining(['LLMAvailabilityErrorBudgetBurn', 'LLMTTFTErrorBudgetBurn', 'LLMPreemptionsSustained', 'HostFilesystemFillingUp', 'HostFilesystemAlmostFull', 'PrometheusErrorSendingAlerts', gpu === 'amd' ? 'GPURasError' : 'GPUXidError']));
  });
});
