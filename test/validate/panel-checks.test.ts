/** How validate turns the probe's panel verdicts into checks: pass with a note, warn, or fail. */
import { describe, expect, it } from 'vitest';
import type { PanelReport, ProbeReport } from '../../src/probe/index.js';
import { panelChecks } from '../../src/validate/live.js';

const panel = (title: string, p: Partial<PanelReport>): PanelReport => ({ dashboard: 'Overview', dashboardUid: 'o', panelId: title, title, status: 'data', queries: [], ...p });

const report = (panels: PanelReport[]): ProbeReport => ({
  prometheusUrl: 'http://p',
  window: { rangeSeconds: 300, stepSeconds: 15, scrapeIntervalSeconds: 15, time: 0, instant: false },
  variables: {},
  panels,
  summary: { data: 0, 'waiting-for-traffic': 0, 'missing-series': 0, 'query-error': 0 },
});

const na = panel('Queue time', { status: 'missing-series', verdict: 'not-applicable', note: 'vllm:request_queue_time_seconds_bucket came in vLLM 0.6.4; … vLLM >= 0.6.4 brings it' });
const waiting = panel('TTFT', { status: 'waiting-for-traffic', verdict: 'waiting-for-traffic', explanation: 'series exist but are all zero or NaN' });
const fault = panel('Running', { status: 'missing-series', verdict: 'fault', explanation: 'vllm:num_requests_running missing: target down', missing: [{ metric: 'vllm:num_requests_running', kind: 'target-down', detail: 'vllm target a is down: connection refused', verdict: 'fault' }] });

describe('panel checks', () => {
  it('passes a panel not applicable to the stack, with its note, and the dashboard too', () => {
    const checks = panelChecks(report([panel('QPS', {}), na]), false);
    expect(checks).toEqual([
      { group: 'live', name: 'panels Overview', status: 'pass', detail: '1/2 panels with data, 1 not applicable' },
      { group: 'live', name: 'panel Overview / Queue time', status: 'pass', detail: `not applicable: ${na.note}` },
    ]);
  });

  it('warns while a panel waits for traffic, and fails it with --strict-panels', () => {
    expect(panelChecks(report([waiting]), false).map((c) => c.status)).toEqual(['warn', 'warn']);
    expect(panelChecks(report([waiting]), true).map((c) => c.status)).toEqual(['warn', 'fail']);
    expect(panelChecks(report([na]), true).map((c) => c.status)).toEqual(['pass', 'pass']);
  });

  it('fails a fault, with its fix', () => {
    const [summary, row] = panelChecks(report([fault, na]), false);
    expect(summary!.detail).toBe('0/2 panels with data, 1 not applicable, 1 failing');
    expect(row).toMatchObject({ status: 'fail', detail: 'missing-series: vllm:num_requests_running missing: target down', fix: 'vllm target a is down: connection refused' });
  });
});
