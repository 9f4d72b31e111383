/**
 * promtool tests of the GPU alerts: raw exporter series (raw-gpu.ts) go through the GPU
 * normalisation, and at every checked time exactly the expected alerts fire. XIDs page by class
 * (79 critical, 94 warning, 13 info only), a repeated XID counts again, an exporter restart counts
 * nothing, a GPU gone pages unless its exporter is down, and thresholds are tested just under and over.
 */
import type { GpuKind } from '../config/types.js';
import { ALERT_THRESHOLDS, gpuAlerts } from './alerts.js';
import { fires, quiet, ruleOf, scenario } from './alert-tests.js';
import { type AlertRuleTest, type Labels, type TestGroup, constant, expectAlert, input, minutes, stepsFor } from './promtool-tests.js';
import { type RawGpu, rawGpu } from './raw-gpu.js';
import type { AlertingRule } from './types.js';

const at = stepsFor;

/** Only these alerts of the one name, at `minute` (an exact list: none of its other severities). */
const exactly = (name: string, minute: number, alerts: [AlertingRule, Labels, number][]): AlertRuleTest => ({
  eval_time: minutes(minute),
  alertname: name,
  exp_alerts: alerts.map(([rule, labels, value]) => expectAlert(rule, labels, value)),
});

function basics(kind: Exclude<GpuKind, 'none'>, raw: RawGpu, docs: ReturnType<typeof gpuAlerts>): TestGroup[] {
  const t = ALERT_THRESHOLDS;
  const n = at(20);
  return [
    scenario(`${kind}: GPUExporterDown fires on a failed scrape`, [input('up', raw.up, constant(0, n))], [fires(ruleOf(docs, 'GPUExporterDown'), 15, raw.up, 0)]),
    scenario(`${kind}: GPUExporterDown quiet while scrapes succeed`, [input('up', raw.up, constant(1, n))], [quiet('GPUExporterDown', 15)]),
    scenario(`${kind}: GPUTemperatureHigh fires when hot`, raw.temperature(constant(t.gpuTemperatureCelsius + 5, n)), [fires(ruleOf(docs, 'GPUTemperatureHigh'), 15, raw.gpuLabels, t.gpuTemperatureCelsius + 5)]),
    scenario(`${kind}: GPUTemperatureHigh quiet when cool`, raw.temperature(constant(60, n)), [quiet('GPUTemperatureHigh', 15)]),
    scenario(`${kind}: GPUMemoryPressure fires at 99% used`, raw.memory(99, 100, n), [fires(ruleOf(docs, 'GPUMemoryPressure'), 15, raw.gpuLabels, 0.99)]),
    // vLLM's normal state: 90% of the memory pre-allocated.
    scenario(`${kind}: GPUMemoryPressure quiet at vLLM's 90%`, raw.memory(90, 100, n), [quiet('GPUMemoryPressure', 15)]),
  ];
}

/** A GPU that leaves the machine pages; an exporter that is down does not (GPUExporterDown says so). */
function missing(kind: Exclude<GpuKind, 'none'>, raw: RawGpu, docs: ReturnType<typeof gpuAlerts>): TestGroup[] {
  const n = at(25);
  const rule = ruleOf(docs, 'GPUMissing');
  return [
    scenario(`${kind}: GPUMissing pages when one of two GPUs stops being reported`, raw.machine(2, n, { gone: { gpu: 1, atStep: at(10) } }), [quiet('GPUMissing', 13), fires(rule, 20, raw.up, 1)]),
    scenario(`${kind}: GPUMissing quiet while every GPU is reported`, raw.machine(2, n), [quiet('GPUMissing', 20)]),
    scenario(`${kind}: an exporter that goes down fires GPUExporterDown, not GPUMissing`, raw.machine(2, n, { downAt: at(10) }), [quiet('GPUMissing', 20), fires(ruleOf(docs, 'GPUExporterDown'), 20, raw.up, 0)]),
  ];
}

function xids(kind: 'dcgm' | 'nvidia-smi', raw: RawGpu, docs: ReturnType<typeof gpuAlerts>): TestGroup[] {
  const events = raw.xids!;
  const n = at(20);
  const crit = ruleOf(docs, 'GPUXidError', 'critical');
  const warn = ruleOf(docs, 'GPUXidError', 'warning');
  const info = ruleOf(docs, 'GPUXidError', 'info');
  const l = (code: number): Labels => ({ ...raw.gpuLabels, xid: String(code) });
  const groups = [
    scenario(`${kind}: XID 79 (fallen off the bus) pages`, events([{ atStep: at(5), code: 79 }], n), [quiet('GPUXidError', 4), exactly('GPUXidError', 6, [[crit, l(79), 1]])]),
    scenario(`${kind}: XID 94 (contained memory error) tickets`, events([{ atStep: at(5), code: 94 }], n), [exactly('GPUXidError', 6, [[warn, l(94), 1]])]),
    scenario(`${kind}: XID 13 (the application's fault) pages nobody: info only`, events([{ atStep: at(5), code: 13 }], n), [exactly('GPUXidError', 6, [[info, l(13), 1]])]),
    scenario(`${kind}: the same XID twice within 5 minutes counts twice`, events([{ atStep: at(5), code: 79 }, { atStep: at(7), code: 79 }], n), [
      exactly('GPUXidError', 6, [[crit, l(79), 1]]),
      exactly('GPUXidError', 8, [[crit, l(79), 2]]),
    ]),
    scenario(`${kind}: a critical and a warning XID on one GPU fire at their own severities`, events([{ atStep: at(5), code: 48 }, { atStep: at(5), code: 94 }], n), [
      exactly('GPUXidError', 6, [[crit, l(48), 1], [warn, l(94), 1]]),
    ]),
    scenario(`${kind}: no XID, no alert`, events([], n), [quiet('GPUXidError', 10)]),
    // An XID long before the test: the exporter restarts, the old state is gone (or comes back as it was).
    scenario(`${kind}: an exporter restart after an old XID fires nothing`, events([], n, { prior: { code: 79, count: 3 }, restart: [at(8), at(9)] }), [quiet('GPUXidError', 9), quiet('GPUXidError', 15)]),
    scenario(`${kind}: an exporter restart that reports the old XID again fires nothing`, events([], n, { prior: { code: 79, count: 3 }, restart: [at(8), at(9)], keepsPrior: true }), [
      quiet('GPUXidError', 9),
      quiet('GPUXidError', 15),
    ]),
    scenario(`${kind}: an XID after an exporter restart still pages`, events([{ atStep: at(12), code: 79 }], n, { prior: { code: 79, count: 3 }, restart: [at(8), at(9)] }), [
      quiet('GPUXidError', 11),
      exactly('GPUXidError', 13, [[crit, l(79), 1]]),
    ]),
  ];
  if (kind === 'dcgm') {
    // Without the exporter's count, a new code on the last-code gauge is one XID; a repeat of the same code is invisible.
    groups.push(
      scenario('dcgm: without DCGM_EXP_XID_ERRORS_COUNT, a new last code pages once', events([{ atStep: at(6), code: 79 }], n, { lastCodeOnly: true }), [quiet('GPUXidError', 5), exactly('GPUXidError', 7, [[crit, l(79), 1]])]),
      scenario('dcgm: without DCGM_EXP_XID_ERRORS_COUNT, a repeat of the same code is invisible (still 1)', events([{ atStep: at(6), code: 79 }, { atStep: at(8), code: 79 }], n, { lastCodeOnly: true }), [
        exactly('GPUXidError', 9, [[crit, l(79), 1]]),
      ]),
      scenario('dcgm: without DCGM_EXP_XID_ERRORS_COUNT, an exporter restart (79, a gap, then 0) fires nothing', events([], n, { prior: { code: 79, count: 1 }, restart: [at(8), at(9)], lastCodeOnly: true }), [
        quiet('GPUXidError', 9),
        quiet('GPUXidError', 15),
      ]),
      scenario('dcgm: without DCGM_EXP_XID_ERRORS_COUNT, a restart that keeps the last code fires nothing', events([], n, { prior: { code: 79, count: 1 }, restart: [at(8), at(9)], lastCodeOnly: true, keepsPrior: true }), [
        quiet('GPUXidError', 9),
        quiet('GPUXidError', 15),
      ]),
    );
  }
  return groups;
}

function memory(kind: Exclude<GpuKind, 'none'>, raw: RawGpu, docs: ReturnType<typeof gpuAlerts>): TestGroup[] {
  const n = at(20);
  const groups: TestGroup[] = [];
  if (raw.rowRemap) {
    const off = constant(0, n);
    const onAt = (m: number) => `${constant(0, at(m) - 1)} ${constant(1, n - at(m))}`;
    groups.push(
      scenario(`${kind}: GPURowRemapFailed pages`, raw.rowRemap(onAt(5), off), [quiet('GPURowRemapFailed', 5), fires(ruleOf(docs, 'GPURowRemapFailed'), 7, raw.gpuLabels, 1)]),
      scenario(`${kind}: GPURowRemapPending tickets while a remap waits for a reset`, raw.rowRemap(off, onAt(5)), [quiet('GPURowRemapPending', 8), fires(ruleOf(docs, 'GPURowRemapPending'), 11, raw.gpuLabels, 1)]),
      scenario(`${kind}: row remapping healthy, nothing fires`, raw.rowRemap(off, off), [quiet('GPURowRemapFailed', 11), quiet('GPURowRemapPending', 11)]),
    );
  }
  const rule = ruleOf(docs, 'GPUUncorrectableMemoryErrors');
  groups.push(
    scenario(`${kind}: a new uncorrectable memory error tickets`, raw.uncorrectable(`${constant(0, at(5) - 1)} ${constant(1, n - at(5))}`), [quiet('GPUUncorrectableMemoryErrors', 4), fires(rule, 6, raw.gpuLabels, 1)]),
    // Errors from before the test and a reset that clears the volatile count are no new errors.
    scenario(`${kind}: old uncorrectable errors, then a reset clearing them, fire nothing`, raw.uncorrectable(`${constant(3, at(5) - 1)} ${constant(0, n - at(5))}`), [quiet('GPUUncorrectableMemoryErrors', 10)]),
  );
  return groups;
}

function throttling(kind: Exclude<GpuKind, 'none'>, raw: RawGpu, docs: ReturnType<typeof gpuAlerts>): TestGroup[] {
  const t = ALERT_THRESHOLDS;
  const n = at(30);
  const thermal = ruleOf(docs, 'GPUThermalThrottling');
  const power = ruleOf(docs, 'GPUPowerThrottling');
  const over = (x: number) => Math.round((x + 0.02) * 100) / 100;
  const under = (x: number) => Math.round((x - 0.02) * 100) / 100;
  return [
    scenario(`${kind}: GPUThermalThrottling tickets just over ${t.gpuThermalThrottleRatio} of the time`, raw.throttle('thermal', over(t.gpuThermalThrottleRatio), n), [
      quiet('GPUThermalThrottling', 13),
      fires(thermal, 25, { ...raw.gpuLabels, reason: 'thermal' }, over(t.gpuThermalThrottleRatio)),
    ]),
    scenario(`${kind}: GPUThermalThrottling quiet just under`, raw.throttle('thermal', under(t.gpuThermalThrottleRatio), n), [quiet('GPUThermalThrottling', 25)]),
    scenario(`${kind}: GPUPowerThrottling tickets just over ${t.gpuPowerThrottleRatio} of the time`, raw.throttle('power', over(t.gpuPowerThrottleRatio), n), [fires(power, 25, { ...raw.gpuLabels, reason: 'power' }, over(t.gpuPowerThrottleRatio))]),
    scenario(`${kind}: GPUPowerThrottling quiet just under`, raw.throttle('power', under(t.gpuPowerThrottleRatio), n), [quiet('GPUPowerThrottling', 25)]),
    ...(kind === 'nvidia-smi'
      ? [
          // The board's power brake (its power supply's slowdown signal) is a power reason too.
          scenario('nvidia-smi: the power brake alone tickets GPUPowerThrottling, not thermal', raw.throttle('power', over(t.gpuPowerThrottleRatio), n, 'hw_power_brake_slowdown'), [
            fires(power, 25, { ...raw.gpuLabels, reason: 'power' }, over(t.gpuPowerThrottleRatio)),
            quiet('GPUThermalThrottling', 25),
          ]),
        ]
      : []),
  ];
}

/** AMD: RAS records (AFIDs) page when fatal, ticket when uncorrected; a restart or a fresh start re-reading the last record does not. */
function ras(raw: RawGpu, docs: ReturnType<typeof gpuAlerts>): TestGroup[] {
  const n = at(30);
  const crit = ruleOf(docs, 'GPURasError', 'critical');
  const warn = ruleOf(docs, 'GPURasError', 'warning');
  const l = (level: string): Labels => ({ ...raw.gpuLabels, ras_severity: level });
  return [
    scenario('amd: a fatal RAS record pages', raw.ras!([{ atStep: at(8), severity: 'fatal', afids: [30, 25] }], n), [quiet('GPURasError', 7), exactly('GPURasError', 9, [[crit, l('fatal'), 2]])]),
    scenario('amd: an uncorrected non-fatal RAS record tickets', raw.ras!([{ atStep: at(8), severity: 'non_fatal_uncorrected', afids: [12] }], n), [exactly('GPURasError', 9, [[warn, l('non_fatal_uncorrected'), 1]])]),
    scenario('amd: a corrected RAS record alerts nobody', raw.ras!([{ atStep: at(8), severity: 'non_fatal_corrected', afids: [7] }], n), [quiet('GPURasError', 9)]),
    scenario('amd: a new fatal record replacing an old one pages', raw.ras!([{ atStep: 0, severity: 'fatal', afids: [30] }, { atStep: at(12), severity: 'fatal', afids: [25] }], n), [
      quiet('GPURasError', 11),
      exactly('GPURasError', 13, [[crit, l('fatal'), 1]]),
    ]),
    scenario('amd: an exporter restart re-reading the last record fires nothing', raw.ras!([{ atStep: 0, severity: 'fatal', afids: [30] }], n, { restart: [at(10), at(11)] }), [quiet('GPURasError', 12), quiet('GPURasError', 18)]),
    scenario('amd: an exporter started after the last record fires nothing', raw.ras!([{ atStep: 0, severity: 'fatal', afids: [30] }], n, { freshStart: at(10) }), [quiet('GPURasError', 12), quiet('GPURasError', 18)]),
  ];
}

export function gpuAlertTests(kind: Exclude<GpuKind, 'none'>, runbookPage?: string): TestGroup[] {
  const docs = gpuAlerts(kind, runbookPage);
  const raw = rawGpu(kind);
  return [
    ...basics(kind, raw, docs),
    ...missing(kind, raw, docs),
    ...(kind === 'amd' ? ras(raw, docs) : xids(kind, raw, docs)),
    ...memory(kind, raw, docs),
    ...throttling(kind, raw, docs),
  ];
}
