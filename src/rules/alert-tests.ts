/**
 * promtool tests for every alert: raw engine/exporter series go through the normalising rules, and
 * each alert is shown to fire on a bad state and to stay silent on a healthy one.
 */
import type { Engine, GpuKind, Slo } from '../spec/types.js';
import { ALERT_THRESHOLDS, type AlertDoc, BURN_RATES, gpuAlerts, llmAlerts, platformAlerts } from './alerts.js';
import { pythonFloat } from './promql.js';
import { type HistogramName, SLO_HISTOGRAMS } from './series.js';
import {
  type AlertRuleTest,
  type InputSeries,
  type Labels,
  type TestGroup,
  STEP,
  constant,
  counter,
  expectAlert,
  input,
  minutes,
  stepsFor,
} from './promtool-tests.js';
import { type RawEngine, type RawGpu, histogramInputs, rawEngine, rawGpu } from './raw-fixtures.js';
import type { AlertingRule } from './types.js';

function ruleOf(docs: AlertDoc[], name: string, severity?: string): AlertingRule {
  const r = docs.find((d) => d.rule.alert === name && (severity === undefined || d.rule.labels.severity === severity))?.rule;
  if (!r) throw new Error(`no alert ${name}`);
  return r;
}

/** One test group: inputs, then the alert seen (fires) and not seen (quiet) at `at` minutes. */
function scenario(name: string, inputs: InputSeries[], checks: AlertRuleTest[]): TestGroup {
  return { name, interval: STEP, input_series: inputs, alert_rule_test: checks };
}
const fires = (rule: AlertingRule, at: number, labels: Labels, value: number): AlertRuleTest => ({
  eval_time: minutes(at),
  alertname: rule.alert,
  exp_alerts: [expectAlert(rule, labels, value)],
});
const quiet = (alertname: string, at: number): AlertRuleTest => ({ eval_time: minutes(at), alertname, exp_alerts: [] });

/** A latency histogram whose observations all land in a fast bucket, or all above the SLO. */
interface LatencyShape {
  inputs: InputSeries[];
  p99: number;
}
function latency(raw: RawEngine, h: HistogramName, sloSeconds: number, slow: boolean, steps: number): LatencyShape {
  const bounds = raw.bounds(h);
  const fast = bounds.find((b) => b > 0 && b <= sloSeconds);
  const high = bounds.find((b) => b >= 2 * sloSeconds) ?? bounds[bounds.length - 1];
  if (fast === undefined || high === undefined || high <= sloSeconds) {
    throw new Error(`${raw.engine} ${h}: objective ${sloSeconds}s is outside the engine's buckets (${bounds.join(', ')})`);
  }
  const labels = raw.engine === 'sglang' && h === 'queue_seconds' ? { ...raw.labels, engine_type: 'unified', moe_ep_rank: '0', pp_rank: '0', tp_rank: '0' } : { ...raw.labels, ...(raw.engine === 'vllm' ? { dp_rank: '0' } : {}) };
  const perStep = 4;
  const inputs = histogramInputs(
    raw.histogram(h),
    labels,
    [
      { le: pythonFloat(fast), perStep: slow ? 0 : perStep },
      { le: pythonFloat(high), perStep },
      { le: '+Inf', perStep },
    ],
    steps,
  );
  // histogram_quantile interpolates linearly inside the bucket holding the rank.
  const p99 = slow ? fast + (high - fast) * 0.99 : fast * 0.99;
  return { inputs, p99 };
}

export function engineAlertTests(engine: Engine, slo: Slo, runbookPage?: string): TestGroup[] {
  const docs = llmAlerts(slo, runbookPage);
  const raw = rawEngine(engine);
  const at = 15;
  const n = stepsFor(at + 5);
  const L = { ...raw.labels, engine };
  const up = { job: engine, instance: raw.labels.instance!, host: raw.labels.host! };
  const t = ALERT_THRESHOLDS;
  const groups: TestGroup[] = [];

  groups.push(
    scenario(`${engine}: LLMTargetDown fires on a failed scrape`, [input('up', up, constant(0, n))], [fires(ruleOf(docs, 'LLMTargetDown'), at, up, 0)]),
    scenario(`${engine}: LLMTargetDown quiet while scrapes succeed`, [input('up', up, constant(1, n)), ...raw.running(constant(1, n))], [quiet('LLMTargetDown', at)]),
    scenario(`${engine}: LLMMetricsAbsent fires when the target serves no engine metrics`, [input('up', up, constant(1, n))], [fires(ruleOf(docs, 'LLMMetricsAbsent'), at, up, 1)]),
    scenario(`${engine}: LLMMetricsAbsent quiet with engine metrics`, [input('up', up, constant(1, n)), ...raw.running(constant(0, n))], [quiet('LLMMetricsAbsent', at)]),
    scenario(
      `${engine}: LLMAdmissionStalled fires when requests wait and none runs`,
      [...raw.waiting(constant(5, n)), ...raw.running(constant(0, n))],
      [quiet('LLMAdmissionStalled', 3), fires(ruleOf(docs, 'LLMAdmissionStalled'), at, L, 5)],
    ),
    scenario(`${engine}: LLMAdmissionStalled quiet while requests run`, [...raw.waiting(constant(5, n)), ...raw.running(constant(2, n))], [quiet('LLMAdmissionStalled', at)]),
    scenario(`${engine}: LLMQueueDepthHigh fires on a deep queue`, [...raw.waiting(constant(t.queueDepth + 5, n)), ...raw.running(constant(8, n))], [fires(ruleOf(docs, 'LLMQueueDepthHigh'), at, L, t.queueDepth + 5)]),
    scenario(`${engine}: LLMQueueDepthHigh quiet at the threshold`, [...raw.waiting(constant(t.queueDepth, n)), ...raw.running(constant(8, n))], [quiet('LLMQueueDepthHigh', at)]),
    scenario(`${engine}: LLMKVCacheNearFull fires near 1`, [...raw.kvUsage(constant(0.97, n))], [fires(ruleOf(docs, 'LLMKVCacheNearFull'), at, L, 0.97)]),
    scenario(`${engine}: LLMKVCacheNearFull quiet at half`, [...raw.kvUsage(constant(0.5, n))], [quiet('LLMKVCacheNearFull', at)]),
  );

  // 3 preemptions per 15s step: 0.2/s.
  const pAt = 25;
  const pn = stepsFor(pAt + 5);
  groups.push(
    scenario(`${engine}: LLMPreemptionsSustained fires on steady preemptions`, [...raw.preemptions(counter(3, pn))], [fires(ruleOf(docs, 'LLMPreemptionsSustained'), pAt, L, 0.2)]),
    scenario(`${engine}: LLMPreemptionsSustained quiet without preemptions`, [...raw.preemptions(counter(0, pn))], [quiet('LLMPreemptionsSustained', pAt)]),
    // 9 ok and 1 failed request per step: a failure ratio of 0.1.
    scenario(`${engine}: LLMRequestErrorRateHigh fires when a tenth fail`, raw.finished(9, 1, n), [fires(ruleOf(docs, 'LLMRequestErrorRateHigh'), at, L, 0.1)]),
    scenario(`${engine}: LLMRequestErrorRateHigh quiet without failures`, raw.finished(10, 0, n), [quiet('LLMRequestErrorRateHigh', at)]),
    scenario(
      `${engine}: LLMThroughputCollapsed fires when tokens stop while requests wait`,
      [...raw.generationTokens(constant(5000, n)), ...raw.waiting(constant(3, n)), ...raw.running(constant(4, n))],
      [fires(ruleOf(docs, 'LLMThroughputCollapsed'), at, L, 0)],
    ),
    scenario(
      `${engine}: LLMThroughputCollapsed quiet while tokens flow`,
      [...raw.generationTokens(counter(300, n)), ...raw.waiting(constant(3, n)), ...raw.running(constant(4, n))],
      [quiet('LLMThroughputCollapsed', at)],
    ),
  );

  const sloOf: Record<string, number> = { ttft_seconds: slo.ttftP99Seconds, itl_seconds: slo.itlP99Seconds, e2e_seconds: slo.e2eP99Seconds, queue_seconds: slo.ttftP99Seconds };
  const p99Alert: Record<string, string> = { ttft_seconds: 'LLMTTFTP99High', itl_seconds: 'LLMITLP99High', e2e_seconds: 'LLME2EP99High', queue_seconds: 'LLMQueueTimeHigh' };
  for (const h of ['ttft_seconds', 'itl_seconds', 'e2e_seconds', 'queue_seconds'] as const) {
    const rule = ruleOf(docs, p99Alert[h]!);
    const slow = latency(raw, h, sloOf[h]!, true, n);
    const fast = latency(raw, h, sloOf[h]!, false, n);
    groups.push(
      scenario(`${engine}: ${rule.alert} fires when every ${h} observation is slow`, slow.inputs, [fires(rule, at, L, slow.p99)]),
      scenario(`${engine}: ${rule.alert} quiet when observations are fast`, fast.inputs, [quiet(rule.alert, at)]),
    );
  }

  // Burn rate: every observation misses the objective; rate() reads the part of the long windows that
  // has data, so both pairs trip once their for: elapses.
  const bAt = 20;
  const bn = stepsFor(bAt + 5);
  for (const h of SLO_HISTOGRAMS) {
    const name = p99Alert[h]!.replace('P99High', 'ErrorBudgetBurn');
    const slow = latency(raw, h, sloOf[h]!, true, bn);
    const fast = latency(raw, h, sloOf[h]!, false, bn);
    groups.push(
      scenario(`${engine}: ${name} fires on both window pairs when every request misses`, slow.inputs, [
        { eval_time: minutes(bAt), alertname: name, exp_alerts: BURN_RATES.map((b) => expectAlert(ruleOf(docs, name, b.severity), L, 1)) },
      ]),
      scenario(`${engine}: ${name} quiet when requests meet the objective`, fast.inputs, [quiet(name, bAt)]),
    );
  }
  return groups;
}

export function gpuAlertTests(kind: Exclude<GpuKind, 'none'>, runbookPage?: string): TestGroup[] {
  const docs = gpuAlerts(kind, runbookPage);
  const raw: RawGpu = rawGpu(kind);
  const at = 15;
  const n = stepsFor(at + 5);
  const t = ALERT_THRESHOLDS;
  const groups: TestGroup[] = [
    scenario(`${kind}: GPUExporterDown fires on a failed scrape`, [input('up', raw.up, constant(0, n))], [fires(ruleOf(docs, 'GPUExporterDown'), at, raw.up, 0)]),
    scenario(`${kind}: GPUExporterDown quiet while scrapes succeed`, [input('up', raw.up, constant(1, n))], [quiet('GPUExporterDown', at)]),
    scenario(`${kind}: GPUTemperatureHigh fires when hot`, raw.temperature(constant(t.gpuTemperatureCelsius + 5, n)), [fires(ruleOf(docs, 'GPUTemperatureHigh'), at, raw.gpuLabels, t.gpuTemperatureCelsius + 5)]),
    scenario(`${kind}: GPUTemperatureHigh quiet when cool`, raw.temperature(constant(60, n)), [quiet('GPUTemperatureHigh', at)]),
    scenario(`${kind}: GPUMemoryPressure fires at 99% used`, raw.memory(99, 100, n), [fires(ruleOf(docs, 'GPUMemoryPressure'), at, raw.gpuLabels, 0.99)]),
    // vLLM's normal state: 90% of the memory pre-allocated.
    scenario(`${kind}: GPUMemoryPressure quiet at vLLM's 90%`, raw.memory(90, 100, n), [quiet('GPUMemoryPressure', at)]),
  ];
  const xidAt = stepsFor(5);
  const withXid = raw.xid(xidAt, n);
  const withoutXid = raw.xid(undefined, n);
  if (withXid && withoutXid) {
    groups.push(
      scenario(`${kind}: GPUXidErrors fires after an XID`, withXid, [fires(ruleOf(docs, 'GPUXidErrors'), 8, raw.gpuLabels, 1)]),
      scenario(`${kind}: GPUXidErrors quiet without XIDs`, withoutXid, [quiet('GPUXidErrors', 8)]),
    );
  }
  return groups;
}

export function platformAlertTests(runbookPage?: string): TestGroup[] {
  const docs = platformAlerts(runbookPage);
  const n = stepsFor(20);
  const prom = { job: 'prometheus', instance: 'localhost:9090', host: 'monitor' };
  return [
    scenario('Watchdog fires once its for: elapses, and not before', [], [quiet('Watchdog', 0), fires(ruleOf(docs, 'Watchdog'), 5, {}, 1)]),
    scenario(
      'PrometheusConfigReloadFailed fires after a failed reload',
      [input('prometheus_config_last_reload_successful', prom, constant(0, n))],
      [fires(ruleOf(docs, 'PrometheusConfigReloadFailed'), 15, prom, 0)],
    ),
    scenario('PrometheusConfigReloadFailed quiet after a good reload', [input('prometheus_config_last_reload_successful', prom, constant(1, n))], [quiet('PrometheusConfigReloadFailed', 15)]),
  ];
}
