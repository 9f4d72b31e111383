/**
 * The gateway dashboard (SGLang Model Gateway targets): what the clients of the fleet see — the
 * answers they get, latency through the gateway, and the workers it routes around. Only stacks
 * with a `router` target get it.
 */
import { S } from '../rules/series.js';
import { type Dashboard, type RowSpec, dashboard, layout, queryVariable } from './model.js';
import { GATEWAY_UID } from './ids.js';

export function gatewayDashboard(): Dashboard {
  const sel = 'instance=~"$instance"';
  const rows: RowSpec[] = [
    {
      title: 'What clients see',
      panels: [
        {
          title: 'Requests/s by model',
          description: 'Requests the gateway routed per second, per model. A drop with no change in traffic upstream means clients fail before the gateway (DNS, load balancer).',
          unit: 'reqps',
          w: 8,
          queries: [{ expr: `${S.routerRequests}{${sel}}`, legend: '{{model_name}} ({{instance}})' }],
        },
        {
          title: 'Answers by status class',
          description: 'HTTP answers per second by class. 5xx are the gateway failing its clients (see errors by type); 4xx are bad requests or rate limiting.',
          unit: 'reqps',
          w: 8,
          stack: true,
          queries: [{ expr: `${S.routerResponses}{${sel}}`, legend: '{{code_class}} ({{instance}})' }],
        },
        {
          title: 'Errors by type',
          description: 'Requests the gateway failed, by cause: no_workers (no healthy worker for the model), timeout, backend_error (the engine failed), validation_error, internal_error.',
          unit: 'reqps',
          w: 8,
          queries: [{ expr: `${S.routerRequestErrors}{${sel}}`, legend: '{{error_type}} {{model_name}}' }],
        },
        {
          title: 'Client TTFT, p50 and p99',
          description: 'Time to first token measured by the gateway, per model: the engines\' TTFT plus routing and the network. gRPC mode only. Much above the engines\' own TTFT: look at the gateway and the network.',
          unit: 's',
          w: 12,
          queries: [
            { expr: `${S.routerTtftP99}{${sel}}`, legend: 'p99 {{model_name}}' },
            { expr: `${S.routerTtftP50}{${sel}}`, legend: 'p50 {{model_name}}' },
          ],
        },
        {
          title: 'Client TPOT, p50 and p99',
          description: 'Time per output token per request, measured by the gateway (gRPC mode only). Rising with steady TTFT: decode batches are too large or workers are overloaded.',
          unit: 's',
          w: 12,
          queries: [
            { expr: `${S.routerTpotP99}{${sel}}`, legend: 'p99 {{model_name}}' },
            { expr: `${S.routerTpotP50}{${sel}}`, legend: 'p50 {{model_name}}' },
          ],
        },
      ],
    },
    {
      title: 'Workers',
      panels: [
        {
          type: 'stat',
          title: 'Healthy workers',
          description: 'Workers the gateway holds healthy, of those it knows. Below the count you run: a worker fails its health check (see the table of health by worker).',
          unit: 'short',
          w: 6,
          thresholds: [
            { color: 'red', value: null },
            { color: 'green', value: 1 },
          ],
          queries: [{ expr: `${S.routerWorkersHealthy}{${sel}}`, legend: 'healthy {{instance}}' }, { expr: `${S.routerWorkers}{${sel}}`, legend: 'known {{instance}}' }],
        },
        {
          title: 'Health by worker',
          description: 'The gateway\'s health verdict on each worker: 1 healthy, 0 unhealthy (it routes around it).',
          unit: 'short',
          w: 9,
          min: 0,
          max: 1,
          queries: [{ expr: `${S.routerWorkerHealthy}{${sel}}`, legend: '{{worker}}' }],
        },
        {
          title: 'Circuit breakers',
          description: 'Circuit-breaker state per worker: 0 closed (traffic flows), 1 open (the gateway sends the worker nothing after repeated failures), 2 half open (probing it again).',
          unit: 'short',
          w: 9,
          min: 0,
          max: 2,
          queries: [{ expr: `${S.routerWorkerCircuit}{${sel}}`, legend: '{{worker}}' }],
        },
        {
          title: 'Retries',
          description: 'Retries on another worker, and requests that failed after every retry. Retries hide flaky workers until they run out.',
          unit: 'reqps',
          w: 12,
          queries: [
            { expr: `${S.routerRetries}{${sel}}`, legend: 'retried {{instance}}' },
            { expr: `${S.routerRetriesExhausted}{${sel}}`, legend: 'exhausted {{instance}}' },
          ],
        },
        {
          title: 'P/D KV handoff failures',
          description: 'Prefill-to-decode KV handoffs that failed per second (P/D disaggregation): each makes a decode worker recompute the prompt. Usually a worker without --kv-transfer-config.',
          unit: 'short',
          w: 12,
          queries: [{ expr: `${S.routerKvTransferFailures}{${sel}}`, legend: '{{instance}}' }],
        },
      ],
    },
  ];
  return dashboard(GATEWAY_UID, 'LLM gateway', 'The SGLang Model Gateway in front of the engines: answers, client-side latency, worker health, circuit breakers and retries.', ['llm', 'gateway'], [queryVariable('instance', 'Gateway', S.routerWorkers, '')], layout(rows, false));
}
