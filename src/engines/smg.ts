/**
 * The SGLang Model Gateway's own metrics (smg, formerly sgl-router), on its metrics port (29000 by
 * default): what the clients of the fleet see. Rendered by metrics-exporter-prometheus (Rust):
 * counters carry `_total` in the name, histograms only where buckets are set. Facts from
 * lightseekorg/smg model_gateway/src/observability/metrics.rs @06e6273c (v1.x) and a later revision
 * of the same file (P/D and engine-load metrics, TTFT/TPOT buckets).
 */
import type { MetricDef, MetricType, Unit } from './types.js';

const SRC = 'lightseekorg/smg model_gateway/src/observability/metrics.rs @06e6273c';
const LATER = 'lightseekorg/smg model_gateway/src/observability/metrics.rs (later revision: P/D metrics, ttft/tpot buckets)';

/** Buckets of every `*duration_seconds` histogram (PrometheusConfig default). */
export const SMG_DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0, 30.0, 45.0, 60.0, 90.0, 120.0, 180.0, 240.0] as const;
/** The later revision extends them to two hours and gives TTFT and TPOT the same buckets. */
export const SMG_LATER_DURATION_BUCKETS = [...SMG_DURATION_BUCKETS, 300.0, 480.0, 900.0, 1200.0, 1800.0, 2700.0, 3600.0, 5400.0, 7200.0] as const;

/** The gateway's default metrics port (`--prometheus-port`). */
export const SMG_METRICS_PORT = 29000;

const ROUTED = ['router_type', 'backend_type', 'connection_mode', 'model', 'endpoint'];
const INFERENCE = ['router_type', 'backend_type', 'model', 'endpoint'];

const m = (name: string, type: MetricType, unit: Unit, labels: string[], help: string, x: Partial<MetricDef> = {}): MetricDef => ({ name, type, unit, labels, help, source: SRC, ...x });

export const SMG_METRICS: readonly MetricDef[] = [
  m('smg_http_requests_total', 'counter', 'requests', ['method', 'path'], 'Total HTTP requests by method and path'),
  m('smg_http_request_duration_seconds', 'histogram', 'seconds', ['method', 'path'], 'HTTP request duration by method and path', { buckets: SMG_DURATION_BUCKETS }),
  m('smg_http_responses_total', 'counter', 'requests', ['status_code', 'error_code'], 'Total HTTP responses by status_code and error_code', { note: 'status_code is the number ("200", "503")' }),
  m('smg_http_connections_active', 'gauge', 'count', [], 'Currently active HTTP connections'),
  m('smg_router_requests_total', 'counter', 'requests', [...ROUTED, 'streaming'], 'Total routed requests by router_type, backend_type, connection_mode, model, endpoint, streaming'),
  m('smg_router_request_duration_seconds', 'histogram', 'seconds', ROUTED, 'Router request duration by router_type, backend_type, connection_mode, model, endpoint', { buckets: SMG_DURATION_BUCKETS }),
  m('smg_router_request_errors_total', 'counter', 'requests', [...ROUTED, 'error_type'], 'Router errors by router_type, backend_type, connection_mode, model, endpoint, error_type', {
    labelValues: { error_type: ['no_workers', 'timeout', 'backend_error', 'validation_error', 'internal_error'] },
  }),
  m('smg_router_upstream_responses_total', 'counter', 'requests', ['router_type', 'status_code', 'error_code'], 'Upstream backend HTTP responses by router_type, status_code, error_code'),
  m('smg_router_ttft_seconds', 'histogram', 'seconds', INFERENCE, 'Time to first token by router_type, backend_type, model, endpoint (gRPC only)', {
    buckets: SMG_LATER_DURATION_BUCKETS,
    source: `${SRC}; ${LATER}`,
    note: 'gRPC mode only; @06e6273c sets no buckets for it, so metrics-exporter-prometheus renders a summary (quantile 0 … 1); the later revision sets the duration buckets',
  }),
  m('smg_router_tpot_seconds', 'histogram', 'seconds', INFERENCE, 'Time per output token by router_type, backend_type, model, endpoint (gRPC only)', {
    buckets: SMG_LATER_DURATION_BUCKETS,
    source: `${SRC}; ${LATER}`,
    note: 'gRPC mode only; one observation per request ((generation - TTFT) / (tokens - 1)); a summary before the later revision, as TTFT',
  }),
  m('smg_router_tokens_total', 'counter', 'tokens', [...INFERENCE, 'token_type'], 'Total tokens processed by router_type, backend_type, model, endpoint, token_type (gRPC only)', { labelValues: { token_type: ['input', 'output'] } }),
  m('smg_worker_pool_size', 'gauge', 'count', ['worker_type', 'connection_mode', 'model'], 'Current worker pool size by worker_type, connection_mode, model'),
  m('smg_worker_requests_active', 'gauge', 'requests', ['worker'], 'Currently running requests per worker'),
  m('smg_worker_health', 'gauge', 'code', ['worker'], 'Worker health status (1=healthy, 0=unhealthy)', { note: '-1 once the worker is removed (remove_worker_metrics), until metrics-rs can delete series' }),
  m('smg_worker_cb_state', 'gauge', 'code', ['worker'], 'Circuit breaker state per worker (0=closed, 1=open, 2=half_open)', { note: '-1 once the worker is removed' }),
  m('smg_worker_cb_consecutive_failures', 'gauge', 'count', ['worker'], 'Current consecutive failure count per worker'),
  m('smg_worker_retries_total', 'counter', 'requests', ['worker_type', 'endpoint'], 'Total retry attempts by worker_type and endpoint'),
  m('smg_worker_retries_exhausted_total', 'counter', 'requests', ['worker_type', 'endpoint'], 'Requests that exhausted all retries by worker_type and endpoint'),
  m('smg_pd_kv_transfer_failures_total', 'counter', 'count', [], 'PD KV-transfer failures (missing connector params at decode handoff)', {
    source: LATER,
    optional: 'pd_disaggregation',
    note: 'the decode worker recomputes the prompt; usually a worker without --kv-transfer-config',
  }),
  m('smg_pd_bootstrap_failures_total', 'counter', 'count', [], 'PD bootstrap injection failures', { source: LATER, optional: 'pd_disaggregation' }),
];
