/**
 * promtool tests of the SLOs (slo.ts, slo-alerts.ts), from raw engine series through normalisation:
 * requests at the objective's bound and one bucket over it on the layout of every engine version;
 * the page and ticket bands just under and just over their burn rates; the short window ending a
 * page soon after the burn stops; trickle traffic under the minimum; server errors against client
 * aborts. Each test asserts the exact set of alerts firing at its eval times.
 */
import type { EngineFamily } from '../engines/types.js';
import type { Engine, Slo } from '../config/types.js';
import { ENGINES } from '../config/types.js';
import { FAMILIES, type BucketLayout, effectiveBound, familyLayout } from './buckets.js';
import { pythonFloat } from './promql.js';
import { ruleOf } from './alert-tests.js';
import { type AlertDoc, llmAlerts } from './alerts.js';
import { type AlertRuleTest, type InputSeries, type Labels, type PromqlExprTest, type TestGroup, expectAlert, input, minutes, sel } from './promtool-tests.js';
import { TEST_MODEL, targetLabels } from './raw-fixtures.js';
import { SLO_HISTOGRAMS, type SloHistogram, type SloKey } from './series.js';
import { BURN_BANDS, LATENCY_SLO, MIN_REQUESTS_PER_WINDOW, SLI_INTERVAL, errorBudget } from './slo.js';
import { SLO_ALERT } from './slo-alerts.js';

/** Input samples once a minute (windows of hours stay small), as often as the SLI group evaluates. */
const INTERVAL = SLI_INTERVAL;

/** A stretch of traffic: requests per minute and the share of them that is bad per objective. */
interface Phase {
  minutes: number;
  perMinute: number;
  slow?: Partial<Record<SloHistogram, number>>;
  /** vLLM: shares of requests finished with reason error, and aborted by the client. */
  errors?: number;
  aborted?: number;
  /** vLLM: HTTP 5xx per minute that never reach the engine. */
  http5xx?: number;
}

/** A counter growing by `perMinute(phase)` each minute, phase after phase. */
function counterOver(phases: Phase[], perMinute: (p: Phase) => number): string {
  const parts = ['0'];
  let v = 0;
  for (const p of phases) {
    const inc = perMinute(p);
    parts.push(`${v + inc}+${inc}x${p.minutes - 1}`);
    v += inc * p.minutes;
  }
  return parts.join(' ');
}

/** ITL observes every token interval: ten per request. */
const observationsPerRequest = (h: SloHistogram): number => (h === 'itl_seconds' ? 10 : 1);

/**
 * One histogram of one engine version: good observations land in the bucket of the objective's
 * effective bound, slow ones one bucket higher (+Inf when the bound is the last).
 */
function histogram(layout: BucketLayout, labels: Labels, bound: number, phases: Phase[], h: SloHistogram): InputSeries[] {
  const next = layout.bounds.find((b) => b > bound) ?? Infinity;
  const per = observationsPerRequest(h);
  const slow = (p: Phase) => p.perMinute * per * (p.slow?.[h] ?? 0);
  const fast = (p: Phase) => p.perMinute * per - slow(p);
  const out = [...layout.bounds, Infinity].map((le) =>
    input(`${layout.name}_bucket`, { ...labels, le: le === Infinity ? '+Inf' : pythonFloat(le) }, counterOver(phases, (p) => (bound <= le ? fast(p) : 0) + (next <= le ? slow(p) : 0))),
  );
  out.push(input(`${layout.name}_count`, labels, counterOver(phases, (p) => p.perMinute * per)));
  out.push(input(`${layout.name}_sum`, labels, counterOver(phases, (p) => fast(p) * bound + slow(p) * (Number.isFinite(next) ? next : bound * 2))));
  return out;
}

/** One engine version: its three latency histograms and finished requests. */
interface Version {
  engine: Engine;
  family: EngineFamily;
  layouts: Record<SloHistogram, BucketLayout>;
  bounds: Record<SloHistogram, number>;
}

/**
 * One scenario's serving target of a version: its own instance and model, so that scenarios can
 * share a promtool group (test-packing.ts) without one's requests counting in another's SLO.
 */
interface Target extends Version {
  instance: string;
  model: string;
}

/** A new target per call: instance <family>-<n>, model TEST_MODEL (the first), then TEST_MODEL-<n>. */
function targets(): (v: Version) => Target {
  let n = 0;
  return (v) => {
    n += 1;
    return { ...v, instance: `${v.family.id}-${n}`, model: n === 1 ? TEST_MODEL : `${TEST_MODEL}-${n}` };
  };
}

function versionsOf(engine: Engine, slo: Slo): Version[] {
  const out: Version[] = [];
  for (const family of FAMILIES[engine]) {
    const layouts = Object.fromEntries(SLO_HISTOGRAMS.map((h) => [h, familyLayout(engine, family, h)])) as Record<SloHistogram, BucketLayout | undefined>;
    if (SLO_HISTOGRAMS.some((h) => !layouts[h])) continue;
    const bounds = Object.fromEntries(
      SLO_HISTOGRAMS.map((h) => {
        const b = effectiveBound(layouts[h]!.bounds, slo[LATENCY_SLO[h].field]);
        if (b === undefined) throw new Error(`${family.id} ${h}: no bucket bound at or below ${slo[LATENCY_SLO[h].field]}s`);
        return [h, b];
      }),
    ) as Record<SloHistogram, number>;
    out.push({ engine, family, layouts: layouts as Record<SloHistogram, BucketLayout>, bounds });
  }
  return out;
}

function traffic(v: Target, phases: Phase[]): InputSeries[] {
  const labels = targetLabels(v.engine, v.instance, v.model);
  const ranked = v.engine === 'vllm' ? { ...labels, dp_rank: '0' } : labels;
  const out = SLO_HISTOGRAMS.flatMap((h) => histogram(v.layouts[h], ranked, v.bounds[h], phases, h));
  if (v.engine === 'vllm') {
    const share = (f: (p: Phase) => number | undefined) => (p: Phase) => p.perMinute * (f(p) ?? 0);
    const reason = (r: string, f: (p: Phase) => number) => input('vllm:request_success_total', { ...ranked, finished_reason: r }, counterOver(phases, f));
    out.push(
      reason('stop', (p) => p.perMinute * (1 - (p.errors ?? 0) - (p.aborted ?? 0))),
      reason('length', () => 0),
      reason('abort', share((p) => p.aborted)),
      reason('error', share((p) => p.errors)),
      input('vllm:num_requests_running', ranked, `1x${phases.reduce((n, p) => n + p.minutes, 0)}`),
    );
    if (phases.some((p) => p.http5xx)) {
      const { model_name: _none, ...target } = labels;
      out.push(input('http_requests_total', { ...target, handler: '/v1/chat/completions', method: 'POST', status: '5xx' }, counterOver(phases, (p) => p.http5xx ?? 0)));
    }
  } else {
    out.push(
      input('sglang:num_requests_total', labels, counterOver(phases, (p) => p.perMinute)),
      input('sglang:num_aborted_requests_total', labels, counterOver(phases, (p) => p.perMinute * (p.aborted ?? 0))),
    );
  }
  return out;
}

/** The labels an SLO alert of this target's model carries (with its severity from the rule). */
function sloLabels(v: Target, k: SloKey): Labels {
  const { model_name, job } = targetLabels(v.engine, v.instance, v.model);
  const base = { engine: v.engine, job: job!, model_name: model_name! };
  if (k === 'availability') return base;
  const h = SLO_HISTOGRAMS.find((x) => LATENCY_SLO[x].key === k)!;
  return { ...base, objective: String(v.bounds[h]) };
}

/** Alerts expected at one time, by name, severity and labels; values unchecked unless annotated. */
type Expected = { alert: string; severity: string; labels: Labels }[];

/** ALERTS series of exactly these alerts firing, with Watchdog (always firing once its 1m for: elapsed). */
function firing(at: number, expected: Expected): PromqlExprTest['exp_samples'] {
  const labelSets: Labels[] = expected.map((e) => ({ alertname: e.alert, ...e.labels, severity: e.severity }));
  if (at >= 1) labelSets.push({ alertname: 'Watchdog', severity: 'info' });
  return labelSets.map((l) => ({ labels: sel('ALERTS', { ...l, alertstate: 'firing' }), value: 1 }));
}

/** A test group asserting the exact set of firing alerts at each time, plus any annotated checks. */
function exactly(name: string, inputs: InputSeries[], at: Record<number, Expected>, annotated: AlertRuleTest[] = []): TestGroup {
  return {
    name,
    interval: INTERVAL,
    input_series: inputs,
    alert_rule_test: annotated,
    promql_expr_test: Object.entries(at).map(([t, expected]) => ({ expr: 'ALERTS{alertstate="firing"}', eval_time: minutes(Number(t)), exp_samples: firing(Number(t), expected) })),
  };
}

const both = (v: Target, k: SloKey): Expected => [
  { alert: SLO_ALERT[k], severity: 'critical', labels: sloLabels(v, k) },
  { alert: SLO_ALERT[k], severity: 'warning', labels: sloLabels(v, k) },
];
const ticket = (v: Target, k: SloKey): Expected => [{ alert: SLO_ALERT[k], severity: 'warning', labels: sloLabels(v, k) }];

/**
 * Healthy traffic before a fast-band burn of 75 minutes: 30 minutes at 5 times the rate weigh as much
 * in the 6h and 3d windows as 150 minutes at the burn's rate (the burn is a third of them), in 105
 * minutes of test instead of 225.
 */
const WARMUP_MINUTES = 30;
const WARMUP_RATE = 5;

/** Just under and just over a threshold: 10% either side keeps clear of window-edge effects. */
const UNDER = 0.9;
const OVER = 1.1;

export function sloTests(slo: Slo, runbookPage?: string): TestGroup[] {
  const docs: AlertDoc[] = llmAlerts(slo, runbookPage);
  const groups: TestGroup[] = [];
  const steady = 6; // requests a minute: 100 (the guard's minimum) after 17 minutes
  const at = 60;
  const target = targets();
  for (const engine of ENGINES) {
    const versions = versionsOf(engine, slo);
    // Every version's layouts: at the bound is met, one bucket over is missed (the three objectives at once).
    for (const version of versions) {
      const keys = SLO_HISTOGRAMS.map((h) => LATENCY_SLO[h].key);
      const [met, missed] = [target(version), target(version)];
      const annotated = keys.map((k) => ({
        eval_time: minutes(at),
        alertname: SLO_ALERT[k],
        exp_alerts: (['critical', 'warning'] as const).map((sev) => expectAlert(ruleOf(docs, SLO_ALERT[k], sev), sloLabels(missed, k), 1)),
      }));
      const bounds = SLO_HISTOGRAMS.map((h) => `${LATENCY_SLO[h].title} ${version.bounds[h]}s`).join(', ');
      const allSlow = Object.fromEntries(SLO_HISTOGRAMS.map((h) => [h, 1]));
      groups.push(
        exactly(`${version.family.id}: latencies at the bounds (${bounds}) meet the objectives`, traffic(met, [{ minutes: at, perMinute: steady }]), { [at]: [] }, keys.map((k) => ({ eval_time: minutes(at), alertname: SLO_ALERT[k], exp_alerts: [] }))),
        exactly(`${version.family.id}: latencies one bucket over the bounds miss them: page and ticket each`, traffic(missed, [{ minutes: at, perMinute: steady, slow: allSlow }]), { [at]: keys.flatMap((k) => both(missed, k)) }, annotated),
      );
    }
    // The current version of each engine: vLLM's catalog lists V0 first, SGLang's the current names.
    const version = (engine === 'vllm' ? versions.at(-1) : versions[0])!;
    const id = `${engine} (${version.family.id})`;
    /** A scenario on a target of its own. */
    const on = (name: string, phases: Phase[], expected: (v: Target) => Record<number, Expected>): TestGroup => {
      const v = target(version);
      return exactly(`${id}: ${name}`, traffic(v, phases), expected(v));
    };
    // SGLang has no server-error signal: its aborts are only ever aborts.
    if (engine === 'sglang') {
      groups.push(on('half the requests aborted pages nobody', [{ minutes: at, perMinute: 12, aborted: 0.5 }], (v) => ({ [at]: [abortAlert(v)] })));
      continue;
    }
    // The bands, on vLLM's newest version: the windows above normalisation are engine-independent.
    const budget = errorBudget('ttft', slo);
    const [fast, slowPage, tick] = BURN_BANDS;
    const ttft = (share: number, mins: number): Phase => ({ minutes: mins, perMinute: steady, slow: { ttft_seconds: share } });
    // The fast band's long window full (75m), after healthy traffic that keeps the 6h window under
    // its band: the burn's requests are a third of the 6h window's, its ratio 0.72 (under) to 0.88
    // (over the fast band) of the 6x band's.
    const warmup: Phase = { minutes: WARMUP_MINUTES, perMinute: steady * WARMUP_RATE };
    const end = WARMUP_MINUTES + 75;
    groups.push(
      on(`TTFT just over the ${fast.factor}x burn for 1h pages`, [warmup, ttft(fast.factor * budget * OVER, 75)], (v) => ({ [end]: both(v, 'ttft') })),
      on(`TTFT just under the ${fast.factor}x burn for 1h only tickets`, [warmup, ttft(fast.factor * budget * UNDER, 75)], (v) => ({ [end]: ticket(v, 'ttft') })),
      // A steady share: every window holds the same ratio.
      on(`TTFT just over the ${slowPage.factor}x burn pages`, [ttft(slowPage.factor * budget * OVER, at)], (v) => ({ [at]: both(v, 'ttft') })),
      on(`TTFT just under the ${slowPage.factor}x burn only tickets`, [ttft(slowPage.factor * budget * UNDER, at)], (v) => ({ [at]: ticket(v, 'ttft') })),
      on(`TTFT just over the ${tick.factor}x burn tickets`, [ttft(tick.factor * budget * OVER, at)], (v) => ({ [at]: ticket(v, 'ttft') })),
      on(`TTFT just under the ${tick.factor}x burn is quiet`, [ttft(tick.factor * budget * UNDER, at)], () => ({ [at]: [] })),
      // The burn stops: once the 30m window is clean no page is left, though the 1h ratio is still ~1/3.
      on('a page ends with its short windows, the ticket stays', [ttft(1, 60), ttft(0, 40)], (v) => ({ 60: both(v, 'ttft'), 100: ticket(v, 'ttft') })),
      // Trickle traffic: one request a minute, one in three slow, is under the guard's minimum.
      on('trickle traffic (1 request a minute, a third slow) pages nobody', [{ minutes: 75, perMinute: 1, slow: { ttft_seconds: 1 / 3 } }], () => ({ 75: [] })),
      on(`just over ${MIN_REQUESTS_PER_WINDOW} requests an hour, all slow, pages`, [{ minutes: 75, perMinute: 2, slow: { ttft_seconds: 1 } }], (v) => ({ 75: both(v, 'ttft') })),
    );
    groups.push(...availabilityTests(() => target(version), slo, at, docs));
  }
  return groups;
}

/** LLMClientAbortsHigh (info) of the target: the only alert an abort storm raises. */
function abortAlert(v: Target): Expected[number] {
  return { alert: 'LLMClientAbortsHigh', severity: 'info', labels: { ...targetLabels(v.engine, v.instance, v.model), engine: v.engine } };
}

function availabilityTests(target: () => Target, slo: Slo, at: number, docs: AlertDoc[]): TestGroup[] {
  const budget = errorBudget('availability', slo);
  const fast = BURN_BANDS[0];
  const errors = (share: number, mins: number): Phase => ({ minutes: mins, perMinute: 12, errors: share });
  const warmup = { ...errors(0, WARMUP_MINUTES), perMinute: 12 * WARMUP_RATE };
  const end = WARMUP_MINUTES + 75;
  const [over, under, storm, aborts] = [target(), target(), target(), target()];
  const id = `${over.engine} (${over.family.id})`;
  // Every request failed: the ratio is exactly 1, so the annotations can be checked whole.
  const stormAlerts: AlertRuleTest = {
    eval_time: minutes(at),
    alertname: SLO_ALERT.availability,
    exp_alerts: (['critical', 'warning'] as const).map((sev) => expectAlert(ruleOf(docs, SLO_ALERT.availability, sev), sloLabels(storm, 'availability'), 1)),
  };
  return [
    exactly(`${id}: server errors just over the ${fast.factor}x burn for 1h page`, traffic(over, [warmup, errors(fast.factor * budget * OVER, 75)]), { [end]: both(over, 'availability') }),
    exactly(`${id}: server errors just under the ${fast.factor}x burn for 1h only ticket`, traffic(under, [warmup, errors(fast.factor * budget * UNDER, 75)]), { [end]: ticket(under, 'availability') }),
    // HTTP 5xx that never reach the engine: more errors than finished requests count as all failed.
    exactly(`${id}: an HTTP 5xx storm pages`, traffic(storm, [{ minutes: at, perMinute: 6, http5xx: 20 }]), { [at]: both(storm, 'availability') }, [stormAlerts]),
    exactly(`${id}: half the requests aborted is no server error`, traffic(aborts, [{ minutes: at, perMinute: 12, aborted: 0.5 }]), { [at]: [abortAlert(aborts)] }),
  ];
}
