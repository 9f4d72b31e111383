import { describe, expect, it } from 'vitest';
import type { AlertRuleTest, TestGroup } from '../../src/rules/promtool-tests.js';
import { FIRING, onOwnTargets, packScenarios } from '../../src/rules/test-packing.js';

const firing = (labels: Record<string, string>) => ({ labels: `ALERTS{${Object.entries({ ...labels, alertstate: 'firing' }).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`, value: 1 });
const WATCHDOG = firing({ alertname: 'Watchdog', severity: 'info' });

/** A scenario on one target: `fires` alert X on it at 15m, or not; annotated or not. */
function scenario(name: string, instance: string, opts: { fires?: boolean; annotated?: boolean; at?: string; model?: string } = {}): TestGroup {
  const at = opts.at ?? '15m';
  const labels = { alertname: 'X', instance, severity: 'warning' };
  const checks: AlertRuleTest[] = opts.annotated === false ? [] : [{ eval_time: at, alertname: 'X', exp_alerts: opts.fires ? [{ exp_labels: { instance, severity: 'warning' }, exp_annotations: { summary: `X on ${instance}.` } }] : [] }];
  return {
    name,
    interval: '15s',
    input_series: [{ series: `m{instance="${instance}",model_name="${opts.model ?? `model-${instance}`}"}`, values: opts.fires ? '1x60' : '0x60' }],
    alert_rule_test: checks,
    promql_expr_test: [{ expr: FIRING, eval_time: at, exp_samples: [...(opts.fires ? [firing(labels)] : []), WATCHDOG] }],
  };
}

describe('packScenarios', () => {
  it('packs scenarios of other targets and the same eval times into one group asserting the union', () => {
    const packed = packScenarios([scenario('a', 'i1', { fires: true }), scenario('b', 'i2', { fires: true })]);
    expect(packed).toHaveLength(1);
    const [g] = packed;
    expect(g!.name).toBe('a + b');
    expect(g!.input_series.map((s) => s.series)).toEqual(['m{instance="i1",model_name="model-i1"}', 'm{instance="i2",model_name="model-i2"}']);
    // One alert_rule_test listing both, and the firing set of both with Watchdog once.
    expect(g!.alert_rule_test).toHaveLength(1);
    expect(g!.alert_rule_test![0]!.exp_alerts.map((a) => a.exp_labels.instance)).toEqual(['i1', 'i2']);
    expect(g!.promql_expr_test![0]!.exp_samples.map((s) => s.labels)).toEqual([firing({ alertname: 'X', instance: 'i1', severity: 'warning' }).labels, WATCHDOG.labels, firing({ alertname: 'X', instance: 'i2', severity: 'warning' }).labels]);
  });

  it('moves a scenario whose target the pack already has onto its own, in series, labels and annotations', () => {
    const [g] = packScenarios([scenario('a', 'i1', { fires: true, model: 'm' }), scenario('b', 'i1', { fires: true, model: 'm' })]);
    expect(g!.input_series.map((s) => s.series)).toEqual(['m{instance="i1",model_name="m"}', 'm{instance="i1-p2",model_name="m-p2"}']);
    expect(g!.alert_rule_test![0]!.exp_alerts[1]).toEqual({ exp_labels: { instance: 'i1-p2', severity: 'warning' }, exp_annotations: { summary: 'X on i1-p2.' } });
  });

  it('renames whole values only', () => {
    const g: TestGroup = { ...scenario('a', 'vllm-1', { fires: true }), input_series: [{ series: 'm{instance="vllm-1",host="vllm-1-host"}', values: '1' }] };
    const moved = onOwnTargets({ ...g, alert_rule_test: [{ eval_time: '15m', alertname: 'X', exp_alerts: [{ exp_labels: {}, exp_annotations: { s: 'vllm-1 on vllm-1-host, vllm-10.' } }] }] }, '-p2');
    expect(moved.input_series[0]!.series).toBe('m{instance="vllm-1-p2",host="vllm-1-host-p2"}');
    expect(moved.alert_rule_test![0]!.exp_alerts[0]!.exp_annotations.s).toBe('vllm-1-p2 on vllm-1-host-p2, vllm-10.');
  });

  it('keeps a quiet alert_rule_test apart from a scenario firing that alert', () => {
    const packed = packScenarios([scenario('quiet', 'i1'), scenario('fires', 'i2', { fires: true }), scenario('quiet too', 'i3')]);
    expect(packed.map((g) => g.name)).toEqual(['quiet + quiet too', 'fires']);
    expect(packed[0]!.alert_rule_test).toEqual([{ eval_time: '15m', alertname: 'X', exp_alerts: [] }]);
  });

  it('keeps apart an alert expected firing without its annotations from a check of that alert', () => {
    const packed = packScenarios([scenario('checked', 'i1', { fires: true }), scenario('unchecked', 'i2', { fires: true, annotated: false })]);
    expect(packed).toHaveLength(2);
  });

  it('packs no groups of other eval times, or asserting anything but the firing alerts', () => {
    expect(packScenarios([scenario('a', 'i1'), scenario('b', 'i2', { at: '20m' })])).toHaveLength(2);
    const other = { ...scenario('c', 'i3'), promql_expr_test: [{ expr: 'llm:x', eval_time: '15m', exp_samples: [] }] };
    expect(packScenarios([scenario('a', 'i1'), other, scenario('b', 'i2')]).map((g) => g.name)).toEqual(['a + b', 'c']);
  });

  it('packs no scenario with a series of no instance', () => {
    const bare = { ...scenario('c', 'i3'), input_series: [{ series: 'prometheus_ready', values: '1' }] };
    expect(packScenarios([scenario('a', 'i1'), bare])).toHaveLength(2);
  });
});
