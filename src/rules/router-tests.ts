/**
 * promtool tests of the gateway's rules and alerts, on series as the SGLang Model Gateway writes
 * them (smg_*, label sets of engines/smg.ts): both TTFT forms (histogram, older summary), workers
 * coming, going unhealthy and being removed (-1), and each alert just under and just over its line.
 */
import { scenario, fires, quiet, ruleOf } from './alert-tests.js';
import { type AlertDoc, alertsLinkingTo } from './alert-doc.js';
import { type InputSeries, type Labels, type TestGroup, STEP, STEP_SECONDS, constant, counter, input, sel, stepsFor } from './promtool-tests.js';
import { ROUTER_JOB, ROUTER_THRESHOLDS, routerAlerts } from './router.js';
import { S } from './series.js';
import { DEFAULT_RUNBOOK_URL } from '../config/defaults.js';

const GW = { job: ROUTER_JOB, instance: 'gw', host: 'gw-host' };
const MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
const routed = { router_type: 'grpc', backend_type: 'regular', model: MODEL, endpoint: 'chat' };

/** HTTP responses: `ok` and `failed` (503) per second, as counters sampled every `step` seconds. */
function responses(okPerSecond: number, failedPerSecond: number, steps: number, step = STEP_SECONDS): InputSeries[] {
  return [
    input('smg_http_responses_total', { ...GW, status_code: '200', error_code: '' }, counter(okPerSecond * step, steps)),
    input('smg_http_responses_total', { ...GW, status_code: '503', error_code: 'no_workers' }, counter(failedPerSecond * step, steps)),
  ];
}

/** Exact rates on Prometheus 2 and 3 alike: 32 s samples read at 10m (normalise-tests.ts says why). */
const EXACT_STEP = 32;

const health = (worker: string, values: string): InputSeries => input('smg_worker_health', { ...GW, worker }, values);

export function routerNormaliseTests(): TestGroup[] {
  const n = Math.ceil((11 * 60) / EXACT_STEP);
  const perSecond = (r: number) => counter(r * EXACT_STEP, n);
  const sample = (name: string, labels: Labels, value: number) => ({ labels: sel(name, { ...GW, ...labels }), value });
  const expect = (name: string, samples: [Labels, number][]) => ({ expr: name, eval_time: '10m', exp_samples: samples.map(([l, v]) => sample(name, l, v)) });
  const bucket = (le: string, cumulativePerSecond: number) => input('smg_router_ttft_seconds_bucket', { ...GW, ...routed, le }, perSecond(cumulativePerSecond));
  const model = { model_name: MODEL };
  return [
    {
      name: 'gateway: requests, answers by status class, TTFT from histograms, workers (removed ones left out)',
      interval: `${EXACT_STEP}s`,
      input_series: [
        input('smg_router_requests_total', { ...GW, ...routed, connection_mode: 'grpc', streaming: 'true' }, perSecond(3)),
        input('smg_router_requests_total', { ...GW, ...routed, connection_mode: 'grpc', streaming: 'false' }, perSecond(1)),
        ...responses(3, 1, n, EXACT_STEP),
        // 1 request/s in each of three buckets: up to 0.25 s, 0.5 s and 1 s.
        bucket('0.25', 1),
        bucket('0.5', 2),
        bucket('1.0', 3),
        bucket('+Inf', 3),
        health('http://w1:30000', constant(1, n)),
        health('http://w2:30000', constant(0, n)),
        health('http://w3:30000', constant(-1, n)),
        input('smg_worker_cb_state', { ...GW, worker: 'http://w2:30000' }, constant(1, n)),
        input('smg_worker_cb_state', { ...GW, worker: 'http://w3:30000' }, constant(-1, n)),
      ],
      promql_expr_test: [
        expect(S.routerRequests, [[model, 4]]),
        expect(S.routerResponses, [[{ code_class: '2xx' }, 3], [{ code_class: '5xx' }, 1]]),
        expect(S.routerServerErrorRatio, [[{}, 0.25]]),
        // Rank 1.5 of 3 requests/s falls halfway into the (0.25, 0.5] bucket.
        expect(S.routerTtftP50, [[model, 0.375]]),
        expect(S.routerWorkers, [[{}, 2]]),
        expect(S.routerWorkersHealthy, [[{}, 1]]),
        expect(S.routerWorkerCircuit, [[{ worker: 'http://w2:30000' }, 1]]),
      ],
    },
    {
      name: 'gateway: an older gateway renders TTFT as a summary; its quantiles are read as they are',
      interval: `${EXACT_STEP}s`,
      input_series: [
        input('smg_router_ttft_seconds', { ...GW, ...routed, quantile: '0.5' }, constant(0.2, n)),
        input('smg_router_ttft_seconds', { ...GW, ...routed, quantile: '0.99' }, constant(1.5, n)),
        input('smg_router_ttft_seconds_count', { ...GW, ...routed }, perSecond(1)),
        input('smg_router_ttft_seconds_sum', { ...GW, ...routed }, perSecond(0.25)),
      ],
      promql_expr_test: [expect(S.routerTtftP50, [[model, 0.2]]), expect(S.routerTtftP99, [[model, 1.5]])],
    },
  ];
}

export function routerAlertTests(runbookPage?: string): TestGroup[] {
  const docs: AlertDoc[] = routerAlerts(alertsLinkingTo(runbookPage ?? DEFAULT_RUNBOOK_URL));
  const t = ROUTER_THRESHOLDS;
  const n = stepsFor(30);
  const at = 15;
  const w1 = { ...GW, worker: 'http://w1:30000' };
  const w2 = { ...GW, worker: 'http://w2:30000' };
  // Rates over 5 minutes: with r responses/s the guard counts 300 * r.
  const minRate = t.minResponses5m / 300;
  return [
    scenario('gateway: healthy, all quiet', [...responses(5, 0, n), health(w1.worker, constant(1, n)), health(w2.worker, constant(1, n)), input('up', GW, constant(1, n))], [
      quiet('LLMGatewayDown', at),
      quiet('LLMGatewayServerErrors', at),
      quiet('LLMGatewayKVTransferFailing', at),
    ]),
    scenario('gateway: down pages after 2 minutes', [input('up', GW, constant(0, n))], [quiet('LLMGatewayDown', 1), fires(ruleOf(docs, 'LLMGatewayDown'), 3, GW, 0)]),
    scenario('gateway: one worker unhealthy warns, its circuit open warns after 5 minutes', [input('up', GW, constant(1, n)), health(w1.worker, constant(1, n)), health(w2.worker, constant(0, n)), input('smg_worker_cb_state', w2, constant(1, n))], [
      fires(ruleOf(docs, 'LLMGatewayWorkerUnhealthy'), 3, w2, 0),
      quiet('LLMGatewayCircuitOpen', 3),
      fires(ruleOf(docs, 'LLMGatewayWorkerUnhealthy'), at, w2, 0),
      fires(ruleOf(docs, 'LLMGatewayCircuitOpen'), at, w2, 1),
    ]),
    scenario('gateway: every worker unhealthy pages once (no per-worker warning)', [input('up', GW, constant(1, n)), health(w1.worker, constant(0, n)), health(w2.worker, constant(0, n))], [
      fires(ruleOf(docs, 'LLMGatewayNoHealthyWorker'), at, GW, 0),
    ]),
    scenario('gateway: a removed worker (-1) is no unhealthy worker', [input('up', GW, constant(1, n)), health(w1.worker, constant(1, n)), health(w2.worker, constant(-1, n))], [quiet('LLMGatewayWorkerUnhealthy', at), quiet('LLMGatewayNoHealthyWorker', at)]),
    scenario('gateway: 5xx just over 5% pages', [input('up', GW, constant(1, n)), ...responses(0.94, 0.06, n)], [fires(ruleOf(docs, 'LLMGatewayServerErrors'), at, GW, 0.06)]),
    scenario('gateway: 5xx just under 5% is quiet', [input('up', GW, constant(1, n)), ...responses(0.96, 0.04, n)], [quiet('LLMGatewayServerErrors', at)]),
    scenario('gateway: trickle traffic (under 20 answers in 5 minutes) never pages on its ratio, half of them failing', [input('up', GW, constant(1, n)), ...responses((minRate * 0.9) / 2, (minRate * 0.9) / 2, n)], [quiet('LLMGatewayServerErrors', at)]),
    scenario('gateway: retries exhausted warn after 10 minutes; failing KV handoffs after 5', [
      input('up', GW, constant(1, n)),
      input('smg_worker_retries_exhausted_total', { ...GW, worker_type: 'regular', endpoint: 'chat' }, counter(1, n)),
      input('smg_pd_kv_transfer_failures_total', GW, counter(3, n)),
    ], [
      quiet('LLMGatewayRetriesExhausted', 8),
      fires(ruleOf(docs, 'LLMGatewayKVTransferFailing'), 8, GW, 0.2),
      fires(ruleOf(docs, 'LLMGatewayRetriesExhausted'), at, GW, 1 / STEP_SECONDS),
      fires(ruleOf(docs, 'LLMGatewayKVTransferFailing'), at, GW, 0.2),
    ]),
  ];
}
