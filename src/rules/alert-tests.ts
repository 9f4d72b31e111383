/**
 * promtool tests for every alert: raw engine/exporter series go through the normalising rules, and
 * each alert is shown to fire on a bad state and to stay silent on a healthy one.
 */
import type { Engine, Slo, WatchPath } from '../config/types.js';
import { ALERT_THRESHOLDS, type AlertDoc, llmAlerts, platformAlerts } from './alerts.js';
import { SLO_ALERT } from './slo-alerts.js';
import {
  type AlertRuleTest,
  type InputSeries,
  type Labels,
  type PromqlExprTest,
  type TestGroup,
  STEP,
  constant,
  counter,
  expectAlert,
  input,
  minutes,
  sel,
  stepsFor,
} from './promtool-tests.js';
import { type RawEngine, rawEngine } from './raw-fixtures.js';
import type { AlertingRule } from './types.js';

export function ruleOf(docs: AlertDoc[], name: string, severity?: string): AlertingRule {
  const r = docs.find((d) => d.rule.alert === name && (severity === undefined || d.rule.labels.severity === severity))?.rule;
  if (!r) throw new Error(`no alert ${name}`);
  return r;
}

const seconds = (evalTime: string): number => (evalTime.endsWith('m') ? Number(evalTime.slice(0, -1)) * 60 : Number(evalTime.slice(0, -1)));

/**
 * Every alert firing at `evalTime`, as ALERTS series: those the checks expect there, and Watchdog
 * (always firing once its 1m for: elapsed, since every test file loads every rule file).
 */
export function firingAt(checks: AlertRuleTest[], evalTime: string): PromqlExprTest['exp_samples'] {
  const labelSets: Labels[] = checks.filter((c) => c.eval_time === evalTime).flatMap((c) => c.exp_alerts.map((a) => ({ alertname: c.alertname, ...a.exp_labels })));
  if (seconds(evalTime) >= 60 && !labelSets.some((l) => l.alertname === 'Watchdog')) labelSets.push({ alertname: 'Watchdog', severity: 'info' });
  const unique = new Map(labelSets.map((l) => [JSON.stringify(Object.entries(l).sort()), l]));
  return [...unique.values()].map((l) => ({ labels: sel('ALERTS', { ...l, alertstate: 'firing' }), value: 1 }));
}

/**
 * One test group: inputs, then the alerts seen (fires) and not seen (quiet) at some eval times. At
 * each of those times the set of firing alerts must be exactly the ones the checks expect there —
 * no more, no fewer: ALERTS{alertstate="firing"} is compared with them as a whole.
 */
export function scenario(name: string, inputs: InputSeries[], checks: AlertRuleTest[], interval = STEP): TestGroup {
  const times = [...new Set(checks.map((c) => c.eval_time))];
  return {
    name,
    interval,
    input_series: inputs,
    alert_rule_test: checks,
    promql_expr_test: times.map((t) => ({ expr: 'ALERTS{alertstate="firing"}', eval_time: t, exp_samples: firingAt(checks, t) })),
  };
}
export const fires = (rule: AlertingRule, at: number, labels: Labels, value: number): AlertRuleTest => ({
  eval_time: minutes(at),
  alertname: rule.alert,
  exp_alerts: [expectAlert(rule, labels, value)],
});
/** Several severities of one alert name firing at once (inhibition leaves the highest). */
export const firesAll = (alerts: [AlertingRule, number][], at: number, labels: Labels): AlertRuleTest => ({
  eval_time: minutes(at),
  alertname: alerts[0]![0].alert,
  exp_alerts: alerts.map(([rule, value]) => expectAlert(rule, labels, value)),
});
export const quiet = (alertname: string, at: number): AlertRuleTest => ({ eval_time: minutes(at), alertname, exp_alerts: [] });

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
    // A full KV cache is vLLM's normal state: nothing fires on it alone.
    scenario(`${engine}: a full KV cache without preemptions fires nothing`, [...raw.kvUsage(constant(1, n)), ...raw.preemptions(counter(0, n))], [quiet('LLMPreemptionsSustained', at)]),
  );

  // Preemptions per 15s step: 9 is 0.6/s (over the page threshold 0.5), 7 is 0.47/s (ticket only),
  // 1 is 0.067/s (just over the ticket threshold 0.05), 0.5 is 0.033/s (under it).
  const pAt = 25;
  const pn = stepsFor(pAt + 5);
  const pCrit = ruleOf(docs, 'LLMPreemptionsSustained', 'critical');
  const pWarn = ruleOf(docs, 'LLMPreemptionsSustained', 'warning');
  groups.push(
    scenario(`${engine}: LLMPreemptionsSustained pages over ${t.preemptionsPerSecondCritical}/s (warning too)`, [...raw.preemptions(counter(9, pn)), ...raw.kvUsage(constant(1, pn))], [
      quiet('LLMPreemptionsSustained', 14),
      firesAll([[pCrit, 0.6], [pWarn, 0.6]], pAt, L),
    ]),
    scenario(`${engine}: LLMPreemptionsSustained tickets just under the page threshold`, [...raw.preemptions(counter(7, pn))], [fires(pWarn, pAt, L, 7 / 15)]),
    scenario(`${engine}: LLMPreemptionsSustained tickets just over ${t.preemptionsPerSecond}/s`, [...raw.preemptions(counter(1, pn))], [fires(pWarn, pAt, L, 1 / 15)]),
    scenario(`${engine}: LLMPreemptionsSustained quiet under ${t.preemptionsPerSecond}/s`, [...raw.preemptions(counter(0.5, pn))], [quiet('LLMPreemptionsSustained', pAt)]),
    scenario(`${engine}: LLMPreemptionsSustained quiet without preemptions`, [...raw.preemptions(counter(0, pn))], [quiet('LLMPreemptionsSustained', pAt)]),
  );

  // Requests per 15s step; 0.1 req/s (the minimum traffic) is 1.5 per step.
  const eAt = 20;
  const en = stepsFor(eAt + 5);
  const abort = ruleOf(docs, 'LLMClientAbortsHigh');
  groups.push(
    // Users pressing Stop: half the requests aborted is no error and pages nobody.
    scenario(`${engine}: client aborts fire LLMClientAbortsHigh (info) and no error alert`, raw.finished(1, 1, en), [fires(abort, eAt, L, 0.5), quiet(SLO_ALERT.availability, eAt)]),
    scenario(`${engine}: LLMClientAbortsHigh quiet just under ${t.abortedRatio} aborted`, raw.finished(4, 1, en), [quiet('LLMClientAbortsHigh', eAt)]),
    scenario(`${engine}: LLMClientAbortsHigh quiet on trickle traffic (1 request per 15s, all aborted)`, raw.finished(0, 1, en), [quiet('LLMClientAbortsHigh', eAt)]),
  );
  // P/D transfer failures per finished request (20 finished per 15s step): 2 is 0.1, 1.2 is 0.06
  // (just over 0.05), 1 is the threshold itself and 0.9 just under; trickle traffic never pages.
  const kv = ruleOf(docs, 'LLMKVTransferFailing');
  const kvCase = (failures: number, ok = 20) => [...raw.finished(ok, 0, en), ...raw.kvTransferFailures(counter(failures, en))];
  groups.push(
    scenario(`${engine}: LLMKVTransferFailing pages on one failed transfer per ten requests`, kvCase(2), [quiet('LLMKVTransferFailing', 4), fires(kv, eAt, L, 0.1)]),
    scenario(`${engine}: LLMKVTransferFailing pages just over ${t.kvTransferFailureRatio} per request`, kvCase(1.2), [fires(kv, eAt, L, 0.06)]),
    scenario(`${engine}: LLMKVTransferFailing quiet at ${t.kvTransferFailureRatio} per request`, kvCase(1), [quiet('LLMKVTransferFailing', eAt)]),
    scenario(`${engine}: LLMKVTransferFailing quiet just under ${t.kvTransferFailureRatio} per request`, kvCase(0.9), [quiet('LLMKVTransferFailing', eAt)]),
    scenario(`${engine}: LLMKVTransferFailing quiet on trickle traffic (1 request per 15s, every transfer failing)`, kvCase(1, 1), [quiet('LLMKVTransferFailing', eAt)]),
    scenario(`${engine}: LLMKVTransferFailing quiet without P/D (no transfer metric)`, raw.finished(20, 0, en), [quiet('LLMKVTransferFailing', eAt)]),
  );
  groups.push(
    scenario(
      `${engine}: LLMThroughputCollapsed fires when tokens stop while requests run (value: those running)`,
      [...raw.generationTokens(constant(5000, n)), ...raw.waiting(constant(3, n)), ...raw.running(constant(4, n))],
      [fires(ruleOf(docs, 'LLMThroughputCollapsed'), at, L, 4)],
    ),
    // A hung engine core with nothing queued behind it still leaves its clients without tokens.
    scenario(
      `${engine}: LLMThroughputCollapsed fires on a hung batch with an empty queue`,
      [...raw.generationTokens(constant(5000, n)), ...raw.waiting(constant(0, n)), ...raw.running(constant(1, n))],
      [fires(ruleOf(docs, 'LLMThroughputCollapsed'), at, L, 1)],
    ),
    scenario(
      `${engine}: LLMThroughputCollapsed quiet while tokens flow`,
      [...raw.generationTokens(counter(300, n)), ...raw.waiting(constant(3, n)), ...raw.running(constant(4, n))],
      [quiet('LLMThroughputCollapsed', at)],
    ),
  );

  groups.push(...engineStateTests(engine, docs));
  return groups;
}

/**
 * A sleeping engine (vLLM sleep mode) and requests deferred on purpose (P/D KV transfer) trip no
 * stall alert; the same queue on an awake engine, on a vLLM without the sleep metric, or waiting for
 * capacity, does. Each engine stalls the same way: 5 requests wait, none runs, no token comes out.
 */
function engineStateTests(engine: Engine, docs: AlertDoc[]): TestGroup[] {
  const raw = rawEngine(engine);
  const { sleepState, waitingByReason } = raw;
  if (!sleepState || !waitingByReason) return [];
  const at = 15;
  const n = stepsFor(at + 5);
  const L = { ...raw.labels, engine };
  const t = ALERT_THRESHOLDS;
  const stalled = ruleOf(docs, 'LLMAdmissionStalled');
  const collapsed = ruleOf(docs, 'LLMThroughputCollapsed');
  const depth = ruleOf(docs, 'LLMQueueDepthHigh');
  const idle = (r: RawEngine = raw) => [...r.running(constant(0, n)), ...r.generationTokens(constant(5000, n))];
  const stall = (r: RawEngine = raw) => [...r.waiting(constant(5, n)), ...idle(r)];
  // A stall pages once: nothing runs, so LLMThroughputCollapsed (a hung running batch) stays quiet.
  const stallFires = (value: number, labels = L) => [fires(stalled, at, labels, value), quiet(collapsed.alert, at)];
  const neither = [quiet(stalled.alert, at), quiet(collapsed.alert, at)];
  // A second target, asleep, next to an awake one: each target's own sleep state counts.
  const other = rawEngine(engine, `${engine}-2`);
  return [
    scenario(`${engine}: a sleeping engine with waiting requests fires no stall alert`, [...stall(), ...sleepState(true, n)], neither),
    scenario(`${engine}: the same stall on an awake engine fires LLMAdmissionStalled only`, [...stall(), ...sleepState(false, n)], stallFires(5)),
    scenario(`${engine}: the same stall on a vLLM without engine_sleep_state fires LLMAdmissionStalled`, stall(), stallFires(5)),
    scenario(
      `${engine}: a sleeping target silences only itself`,
      [...stall(), ...sleepState(false, n), ...stall(other), ...other.sleepState!(true, n)],
      stallFires(5),
    ),
    // P/D decode node: requests wait for their KV from the prefill node, nothing runs yet.
    scenario(`${engine}: requests deferred for a KV transfer fire no stall alert`, [...waitingByReason(0, 5, n), ...idle()], neither),
    scenario(`${engine}: requests waiting for capacity beside deferred ones fire LLMAdmissionStalled (value: those waiting for capacity)`, [...waitingByReason(2, 3, n), ...idle()], stallFires(2)),
    scenario(`${engine}: the same stall with the breakdown and nothing deferred fires LLMAdmissionStalled`, [...waitingByReason(5, 0, n), ...idle()], stallFires(5)),
    // Queue depth counts only requests waiting for capacity, asleep or not.
    scenario(`${engine}: LLMQueueDepthHigh quiet when deferred requests make the queue deep`, [...waitingByReason(t.queueDepth, 5, n), ...raw.running(constant(8, n))], [quiet(depth.alert, at)]),
    scenario(`${engine}: LLMQueueDepthHigh fires just over the threshold beside deferred requests`, [...waitingByReason(t.queueDepth + 1, 5, n), ...raw.running(constant(8, n))], [fires(depth, at, L, t.queueDepth + 1)]),
    scenario(`${engine}: a sleeping engine with a deep queue tickets LLMQueueDepthHigh only`, [...raw.waiting(constant(t.queueDepth + 5, n)), ...idle(), ...sleepState(true, n)], [
      fires(depth, at, L, t.queueDepth + 5),
      ...neither,
    ]),
  ];
}

/** `watch`: the stack's first watched path (a disk holding several is named after it). */
export function platformAlertTests(watch: WatchPath, runbookPage?: string): TestGroup[] {
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
    ...pipelineAlertTests(docs, prom),
    ...hostAlertTests(docs, watch),
  ];
}

/** node-exporter alerts: filesystems (virtual and read-only ones ignored), OOM kills, memory, clock. */
function hostAlertTests(docs: AlertDoc[], watch: WatchPath): TestGroup[] {
  const n = stepsFor(80);
  const node = { job: 'node', instance: 'gpu-box', host: 'gpu-box' };
  // The root filesystem holds the watched path here (no mount of its own): its alerts name it.
  const root = { ...node, device: '/dev/nvme0n1p2', mountpoint: '/', fstype: 'ext4', path: watch.path, holds: watch.name };
  const plainRoot = { ...node, device: '/dev/nvme0n1p2', mountpoint: '/', fstype: 'ext4' };
  const own = { ...node, device: '/dev/nvme1n1', mountpoint: watch.path, fstype: 'xfs' };
  const scratch = { ...node, device: '/dev/sdb1', mountpoint: '/mnt/unwatched-disk', fstype: 'ext4' };
  // A filesystem of 1000 bytes whose free space follows `avail` (expanding notation).
  const fs = (labels: Labels, avail: string, readonly = 0): InputSeries[] => {
    const { path: _p, holds: _h, ...l } = labels;
    return [input('node_filesystem_size_bytes', l, constant(1000, n)), input('node_filesystem_avail_bytes', l, avail), input('node_filesystem_readonly', l, constant(readonly, n))];
  };
  // Filesystems that must never alert however full: memory-backed, container layers, read-only.
  const ignored = [
    ...fs({ ...node, device: 'tmpfs', mountpoint: '/run', fstype: 'tmpfs' }, constant(5, n)),
    ...fs({ ...node, device: 'overlay', mountpoint: '/var/lib/docker/overlay2/x/merged', fstype: 'overlay' }, constant(5, n)),
    ...fs({ ...node, device: '/dev/sr0', mountpoint: '/media/cdrom', fstype: 'ext4' }, constant(5, n), 1),
  ];
  const fillCrit = ruleOf(docs, 'HostFilesystemFillingUp', 'critical');
  const fillWarn = ruleOf(docs, 'HostFilesystemFillingUp', 'warning');
  const fullCrit = ruleOf(docs, 'HostFilesystemAlmostFull', 'critical');
  const fullWarn = ruleOf(docs, 'HostFilesystemAlmostFull', 'warning');
  return [
    scenario('HostFilesystemAlmostFull pages under 3% free (warning too); virtual and read-only filesystems never alert', [...fs(root, constant(20, n)), ...ignored], [
      quiet('HostFilesystemAlmostFull', 29),
      firesAll([[fullCrit, 0.02], [fullWarn, 0.02]], 35, root),
    ]),
    scenario('HostFilesystemAlmostFull tickets between 3% and 5% free', fs(root, constant(40, n)), [fires(fullWarn, 35, root, 0.04)]),
    scenario('HostFilesystemAlmostFull quiet just over 5% free', fs(root, constant(60, n)), [quiet('HostFilesystemAlmostFull', 35)]),
    // A watched path on a mount of its own: that mount alerts, named after the path; the root stays quiet.
    scenario(`HostFilesystemAlmostFull names the watched path's own mount (${watch.path})`, [...fs(plainRoot, constant(600, n)), ...fs(own, constant(40, n))], [
      fires(fullWarn, 35, { ...own, path: watch.path, holds: watch.name }, 0.04),
    ]),
    // A disk holding no watched path alerts all the same, without path labels.
    scenario('HostFilesystemAlmostFull tickets a disk that holds no watched path', [...fs(plainRoot, constant(600, n)), ...fs(scratch, constant(40, n))], [fires(fullWarn, 35, scratch, 0.04)]),
    // 35% free, losing 30 bytes an hour: still free in 4h, full within 24h.
    scenario('HostFilesystemFillingUp tickets a disk full within a day', fs(root, `350-0.125x${n}`), [quiet('HostFilesystemFillingUp', 55), fires(fillWarn, 72, root, 0.314)]),
    // 15% free, losing 60 bytes an hour: full within 4h.
    scenario('HostFilesystemFillingUp pages a disk full within 4 hours (warning too)', fs(root, `150-0.25x${n}`), [firesAll([[fillCrit, 0.078], [fillWarn, 0.078]], 72, root)]),
    scenario('HostFilesystemFillingUp quiet on a steady disk', fs(root, constant(300, n)), [quiet('HostFilesystemFillingUp', 72)]),
    scenario('HostOOMKills fires after an OOM kill', [input('node_vmstat_oom_kill', node, `0x${stepsFor(10)} 1x${n - stepsFor(10)}`)], [quiet('HostOOMKills', 9), fires(ruleOf(docs, 'HostOOMKills'), 12, node, 0)]),
    scenario('HostOOMKills quiet without', [input('node_vmstat_oom_kill', node, constant(3, n))], [quiet('HostOOMKills', 12)]),
    scenario(
      'HostMemoryPressure fires over 95% used',
      [input('node_memory_MemTotal_bytes', node, constant(100, n)), input('node_memory_MemAvailable_bytes', node, constant(3, n))],
      [fires(ruleOf(docs, 'HostMemoryPressure'), 20, node, 0.97)],
    ),
    scenario(
      'HostMemoryPressure quiet just under',
      [input('node_memory_MemTotal_bytes', node, constant(100, n)), input('node_memory_MemAvailable_bytes', node, constant(6, n))],
      [quiet('HostMemoryPressure', 20)],
    ),
    scenario('HostClockSkew fires on a clock 0.1s behind', [input('node_timex_offset_seconds', node, constant(-0.1, n))], [fires(ruleOf(docs, 'HostClockSkew'), 15, node, 0.1)]),
    scenario('HostClockSkew quiet at 10ms', [input('node_timex_offset_seconds', node, constant(0.01, n))], [quiet('HostClockSkew', 15)]),
  ];
}

/** The alerting pipeline's own alerts: Prometheus' notifier, rules and TSDB, Alertmanager, the stack's targets. */
function pipelineAlertTests(docs: AlertDoc[], prom: Labels): TestGroup[] {
  const n = stepsFor(40);
  const am = { job: 'alertmanager', instance: 'alertmanager:9093', host: 'monitor' };
  const toAm = { ...prom, alertmanager: 'http://alertmanager:9093/api/v2/alerts' };
  const sendErrCrit = ruleOf(docs, 'PrometheusErrorSendingAlerts', 'critical');
  const sendErrWarn = ruleOf(docs, 'PrometheusErrorSendingAlerts', 'warning');
  const sending = (errorsPerStep: number) => [
    input('prometheus_notifications_sent_total', toAm, counter(100, n)),
    input('prometheus_notifications_errors_total', toAm, counter(errorsPerStep, n)),
  ];
  // A counter that rises once, at `atMinute`.
  const stepAt = (atMinute: number) => `0x${stepsFor(atMinute)} 1x${n - stepsFor(atMinute)}`;
  const t = (name: string, l: Labels, v: string) => [input(name, l, v)];
  return [
    scenario('PrometheusNotConnectedToAlertmanager fires after 10m without an Alertmanager', t('prometheus_notifications_alertmanagers_discovered', prom, constant(0, n)), [
      quiet('PrometheusNotConnectedToAlertmanager', 9),
      fires(ruleOf(docs, 'PrometheusNotConnectedToAlertmanager'), 11, prom, 0),
    ]),
    scenario('PrometheusNotConnectedToAlertmanager quiet with one', t('prometheus_notifications_alertmanagers_discovered', prom, constant(1, n)), [quiet('PrometheusNotConnectedToAlertmanager', 11)]),
    // 4 errors per 100 sent is over the page threshold 0.03; 2 per 100 tickets only; 0.5 per 100 neither.
    scenario('PrometheusErrorSendingAlerts pages over 3% errors (warning too)', sending(4), [firesAll([[sendErrCrit, 0.04], [sendErrWarn, 0.04]], 20, toAm)]),
    scenario('PrometheusErrorSendingAlerts tickets between 1% and 3%', sending(2), [fires(sendErrWarn, 20, toAm, 0.02)]),
    scenario('PrometheusErrorSendingAlerts quiet under 1%', sending(0.5), [quiet('PrometheusErrorSendingAlerts', 20)]),
    scenario('PrometheusNotificationsDropped fires on drops', t('prometheus_notifications_dropped_total', prom, counter(1, n)), [fires(ruleOf(docs, 'PrometheusNotificationsDropped'), 10, prom, 0)]),
    scenario('PrometheusNotificationsDropped quiet without drops', t('prometheus_notifications_dropped_total', prom, constant(0, n)), [quiet('PrometheusNotificationsDropped', 10)]),
    scenario(
      'PrometheusRuleEvaluationFailures fires on failing rules',
      t('prometheus_rule_evaluation_failures_total', { ...prom, rule_group: '/etc/prometheus/rules/llm.yml;llm-derived' }, counter(1, n)),
      [quiet('PrometheusRuleEvaluationFailures', 14), fires(ruleOf(docs, 'PrometheusRuleEvaluationFailures'), 20, { ...prom, rule_group: '/etc/prometheus/rules/llm.yml;llm-derived' }, 0)],
    ),
    scenario('PrometheusRuleEvaluationFailures quiet while rules evaluate', t('prometheus_rule_evaluation_failures_total', { ...prom, rule_group: 'g' }, constant(0, n)), [quiet('PrometheusRuleEvaluationFailures', 20)]),
    // One failed compaction at 10m: pending until its for: 15m has passed.
    scenario('PrometheusTSDBCompactionsFailing fires after a failed compaction', [...t('prometheus_tsdb_compactions_failed_total', prom, stepAt(10)), ...t('prometheus_tsdb_reloads_failures_total', prom, constant(0, n))], [
      quiet('PrometheusTSDBCompactionsFailing', 20),
      fires(ruleOf(docs, 'PrometheusTSDBCompactionsFailing'), 30, prom, 0),
    ]),
    scenario('PrometheusTSDBCompactionsFailing fires after a failed block reload', [...t('prometheus_tsdb_compactions_failed_total', prom, constant(0, n)), ...t('prometheus_tsdb_reloads_failures_total', prom, stepAt(10))], [
      fires(ruleOf(docs, 'PrometheusTSDBCompactionsFailing'), 30, prom, 0),
    ]),
    scenario('PrometheusTSDBCompactionsFailing quiet without failures', [...t('prometheus_tsdb_compactions_failed_total', prom, constant(0, n)), ...t('prometheus_tsdb_reloads_failures_total', prom, constant(0, n))], [
      quiet('PrometheusTSDBCompactionsFailing', 30),
    ]),
    scenario('PrometheusTSDBWALFailing fires after a WAL corruption', [...t('prometheus_tsdb_wal_corruptions_total', prom, stepAt(10)), ...t('prometheus_tsdb_wal_writes_failed_total', prom, constant(0, n))], [
      fires(ruleOf(docs, 'PrometheusTSDBWALFailing'), 20, prom, 0),
    ]),
    scenario('PrometheusTSDBWALFailing fires after failed WAL writes', [...t('prometheus_tsdb_wal_corruptions_total', prom, constant(0, n)), ...t('prometheus_tsdb_wal_writes_failed_total', prom, stepAt(10))], [
      fires(ruleOf(docs, 'PrometheusTSDBWALFailing'), 20, prom, 0),
    ]),
    scenario('PrometheusTSDBWALFailing quiet without failures', [...t('prometheus_tsdb_wal_corruptions_total', prom, constant(0, n)), ...t('prometheus_tsdb_wal_writes_failed_total', prom, constant(0, n))], [
      quiet('PrometheusTSDBWALFailing', 20),
    ]),
    scenario('AlertmanagerConfigReloadFailed fires after a failed reload', t('alertmanager_config_last_reload_successful', am, constant(0, n)), [
      quiet('AlertmanagerConfigReloadFailed', 9),
      fires(ruleOf(docs, 'AlertmanagerConfigReloadFailed'), 11, am, 0),
    ]),
    scenario('AlertmanagerConfigReloadFailed quiet after a good reload', t('alertmanager_config_last_reload_successful', am, constant(1, n)), [quiet('AlertmanagerConfigReloadFailed', 11)]),
    // Alertmanager 0.33 splits failures by reason; 0.25 has no reason label: summed per integration.
    scenario(
      'AlertmanagerNotificationsFailing fires when a tenth of the webhook notifications fail',
      [
        input('alertmanager_notifications_total', { ...am, integration: 'webhook' }, counter(10, n)),
        input('alertmanager_notifications_failed_total', { ...am, integration: 'webhook', reason: 'serverError' }, counter(1, n)),
        input('alertmanager_notifications_failed_total', { ...am, integration: 'webhook', reason: 'clientError' }, constant(0, n)),
        input('alertmanager_notifications_total', { ...am, integration: 'email' }, constant(0, n)),
        input('alertmanager_notifications_failed_total', { ...am, integration: 'email' }, constant(0, n)),
      ],
      [fires(ruleOf(docs, 'AlertmanagerNotificationsFailing'), 10, { ...am, integration: 'webhook' }, 0.1)],
    ),
    scenario(
      'AlertmanagerNotificationsFailing quiet while notifications succeed',
      [input('alertmanager_notifications_total', { ...am, integration: 'webhook' }, counter(10, n)), input('alertmanager_notifications_failed_total', { ...am, integration: 'webhook' }, constant(0, n))],
      [quiet('AlertmanagerNotificationsFailing', 10)],
    ),
    scenario(
      'MonitoringTargetDown fires for the node and Grafana jobs, not for an engine',
      [
        input('up', { job: 'node', instance: 'gpu-box', host: 'gpu-box' }, constant(0, n)),
        input('up', { job: 'grafana', instance: 'grafana:3000', host: 'monitor' }, constant(0, n)),
        input('up', am, constant(1, n)),
      ],
      [
        {
          eval_time: minutes(10),
          alertname: 'MonitoringTargetDown',
          exp_alerts: [
            expectAlert(ruleOf(docs, 'MonitoringTargetDown'), { job: 'node', instance: 'gpu-box', host: 'gpu-box' }, 0),
            expectAlert(ruleOf(docs, 'MonitoringTargetDown'), { job: 'grafana', instance: 'grafana:3000', host: 'monitor' }, 0),
          ],
        },
      ],
    ),
    scenario('MonitoringTargetDown quiet while the stack is up', [input('up', { job: 'node', instance: 'gpu-box', host: 'gpu-box' }, constant(1, n)), input('up', am, constant(1, n))], [quiet('MonitoringTargetDown', 10)]),
  ];
}
