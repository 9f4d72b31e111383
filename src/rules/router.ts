/**
 * The gateway in front of the engines (SGLang Model Gateway, `--target NAME:router=URL`): its
 * smg_* metrics normalised into router: series, and the alerts on them. What the engines see is in
 * llm:; this is what the clients see: errors by status, latency through the gateway, workers the
 * gateway has given up on.
 */
import { boundIn, by, firstOf } from './promql.js';
import { ROUTER_LABELS, ROUTER_MODEL_LABELS, ROUTER_WORKER_LABELS, S } from './series.js';
import type { AlertBuilder, AlertDoc } from './alert-doc.js';
import type { RecordingRule, RuleGroup } from './types.js';

/** The scrape job of every gateway target. */
export const ROUTER_JOB = 'router';

const J = by(ROUTER_LABELS);
const JM = by(ROUTER_MODEL_LABELS);
const JW = by(ROUTER_WORKER_LABELS);

/** The gateway labels the model `model`; our series call it model_name, as the engines do. */
const asModelName = (m: string): string => `label_replace(${m}, "model_name", "$1", "model", "(.*)")`;

/**
 * Client-side latency quantiles: histograms on gateways that set TTFT/TPOT buckets, else the
 * summary quantiles older ones render (metrics-exporter-prometheus, no buckets set).
 */
const quantile = (raw: string, q: 0.5 | 0.99): string =>
  firstOf([`histogram_quantile(${q}, sum by ${by([...ROUTER_MODEL_LABELS, 'le'])} (${asModelName(`rate(${raw}_bucket[5m])`)}))`, `max by ${JM} (${asModelName(`${raw}{${boundIn('quantile', [q])}}`)})`], ROUTER_MODEL_LABELS);

export function routerRuleGroup(): RuleGroup {
  // -1 marks a worker the gateway removed: not a worker any more.
  const health = 'smg_worker_health >= 0';
  const rules: RecordingRule[] = [
    { record: S.routerRequests, expr: `sum by ${JM} (${asModelName('rate(smg_router_requests_total[5m])')})` },
    { record: S.routerRequestErrors, expr: `sum by ${by([...ROUTER_MODEL_LABELS, 'error_type'])} (${asModelName('rate(smg_router_request_errors_total[5m])')})` },
    { record: S.routerResponses, expr: `sum by ${by([...ROUTER_LABELS, 'code_class'])} (label_replace(rate(smg_http_responses_total[5m]), "code_class", "\${1}xx", "status_code", "([1-5])[0-9][0-9]"))` },
    { record: S.routerServerErrorRatio, expr: `(sum by ${J} (${S.routerResponses}{code_class="5xx"}) or on ${J} sum by ${J} (${S.routerResponses}) * 0) / (sum by ${J} (${S.routerResponses}) > 0)` },
    { record: S.routerTtftP50, expr: quantile('smg_router_ttft_seconds', 0.5) },
    { record: S.routerTtftP99, expr: quantile('smg_router_ttft_seconds', 0.99) },
    { record: S.routerTpotP50, expr: quantile('smg_router_tpot_seconds', 0.5) },
    { record: S.routerTpotP99, expr: quantile('smg_router_tpot_seconds', 0.99) },
    { record: S.routerWorkerHealthy, expr: `max by ${JW} (${health})` },
    { record: S.routerWorkers, expr: `count by ${J} (${S.routerWorkerHealthy})` },
    { record: S.routerWorkersHealthy, expr: `count by ${J} (${S.routerWorkerHealthy} == 1) or on ${J} ${S.routerWorkers} * 0` },
    { record: S.routerWorkerCircuit, expr: `max by ${JW} (smg_worker_cb_state >= 0)` },
    { record: S.routerRetries, expr: `sum by ${J} (rate(smg_worker_retries_total[5m]))` },
    { record: S.routerRetriesExhausted, expr: `sum by ${J} (rate(smg_worker_retries_exhausted_total[5m]))` },
    { record: S.routerKvTransferFailures, expr: `sum by ${J} (rate(smg_pd_kv_transfer_failures_total[5m]))` },
  ];
  return { name: 'router-normalise', rules };
}

export const ROUTER_THRESHOLDS = {
  /** Share of 5xx answers that pages, over 5 minutes. */
  serverErrorRatio: 0.05,
  /** Responses in 5 minutes before the ratio counts: one failed request of three is no outage. */
  minResponses5m: 20,
} as const;

const at = '{{ $labels.instance }}';

export function routerAlerts(alert: AlertBuilder): AlertDoc[] {
  const t = ROUTER_THRESHOLDS;
  return [
    alert(
      'LLMGatewayDown',
      'critical',
      '2m',
      `up{job="${ROUTER_JOB}"} == 0`,
      'The gateway cannot be scraped.',
      `Prometheus cannot scrape the gateway ${at}: its clients may reach no model at all.`,
      "Check the gateway process and its metrics port (--prometheus-port, 29000 by default, --prometheus-host 0.0.0.0); Prometheus > Status > Targets shows the last error.",
    ),
    alert(
      'LLMGatewayNoHealthyWorker',
      'critical',
      '1m',
      `${S.routerWorkersHealthy} == 0 and on ${J} ${S.routerWorkers} > 0`,
      'The gateway has no healthy worker.',
      `The gateway ${at} holds every one of its workers unhealthy: it can serve no request.`,
      'Every engine behind the gateway fails its health check: check the engines (LLMTargetDown, their logs), then the network between the gateway and them.',
    ),
    alert(
      'LLMGatewayWorkerUnhealthy',
      'warning',
      '2m',
      // All workers down is the critical alert above: one page, not one per worker as well.
      `${S.routerWorkerHealthy} == 0 unless on ${J} (${S.routerWorkersHealthy} == 0)`,
      'The gateway holds a worker unhealthy.',
      `The gateway ${at} holds worker {{ $labels.worker }} unhealthy and routes around it.`,
      'The worker fails the gateway\'s health check: look at that engine (its target, its log). The other workers take its share meanwhile.',
    ),
    alert(
      'LLMGatewayCircuitOpen',
      'warning',
      '5m',
      `${S.routerWorkerCircuit} == 1`,
      'The gateway stopped sending a worker requests.',
      `The circuit breaker of the gateway ${at} is open for worker {{ $labels.worker }}: it failed too many requests in a row.`,
      'The worker answers with errors or times out: check its engine log and its latency; the breaker half-opens by itself after its timeout to probe it again.',
    ),
    alert(
      'LLMGatewayServerErrors',
      'critical',
      '5m',
      `${S.routerServerErrorRatio} > ${t.serverErrorRatio} and on ${J} sum by ${J} (${S.routerResponses}) * 300 >= ${t.minResponses5m}`,
      'The gateway answers its clients with 5xx.',
      `{{ $value | humanizePercentage }} of the answers of the gateway ${at} were 5xx over 5 minutes.`,
      'Clients see failures. router:request_errors:rate5m says why (no_workers, timeout, backend_error); with no_workers look at worker health, with backend_error at the engines behind it.',
      { value: '{{ $value | humanizePercentage }}', threshold: `${Math.round(t.serverErrorRatio * 100)}%` },
    ),
    alert(
      'LLMGatewayRetriesExhausted',
      'warning',
      '10m',
      `${S.routerRetriesExhausted} > 0`,
      'Requests fail after every retry.',
      `Requests fail on the gateway ${at} after exhausting their retries ({{ printf "%.2f" $value }}/s).`,
      'Retries hide flaky workers until they run out: find the failing workers (circuit-breaker state, worker health) and the engines behind them.',
    ),
    alert(
      'LLMGatewayKVTransferFailing',
      'warning',
      '5m',
      `${S.routerKvTransferFailures} > 0`,
      'P/D KV handoffs fail; decode recomputes the prompts.',
      `KV handoffs between prefill and decode workers fail on the gateway ${at} ({{ printf "%.2f" $value }}/s): decode workers recompute the prompts.`,
      'TTFT and decode load rise while it lasts. Usually a worker started without --kv-transfer-config, or an outdated servicer on the prefill side.',
    ),
  ];
}
