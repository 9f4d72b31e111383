/**
 * The LLM serving dashboards: the fleet overview, whose first screen answers "is the fleet healthy?"
 * (targets, alerts, SLOs against the stack's own objectives) and "why is it slow?" (queue, prefill,
 * decode, KV cache, latency distributions, GPUs), and the per-instance drill-down. They read only
 * the normalised llm:/gpu: series; every graph shows the stack's alerts as annotations.
 */
import type { Slo } from '../config/types.js';
import { DEFAULT_SLO } from '../config/defaults.js';
import { LATENCY_ERROR_BUDGET, errorBudget } from '../rules/slo.js';
import {
  type HistogramName,
  type Quantile,
  type SloHistogram,
  type SloKey,
  QUANTILE_VALUE,
  S,
  SLO_KEYS,
  histogramBucket,
  histogramCount,
  instanceQuantile,
  histogramSum,
  sloBad,
  sloGood,
} from '../rules/series.js';
import {
  type DataLink,
  type Dashboard,
  type Override,
  type PanelSpec,
  type QuerySpec,
  type RowSpec,
  type Threshold,
  type Unit,
  OBJECTIVE_WARNING_SHARE,
  annotation,
  dashboard,
  layout,
  queryVariable,
} from './model.js';
import { OVERVIEW_UID, INSTANCE_UID, GPU_UID, HOST_UID } from './ids.js';

export { OVERVIEW_UID, INSTANCE_UID };


const SEL = 'job=~"$job", engine=~"$engine", model_name=~"$model_name", instance=~"$instance"';
/** Process series carry no model_name. */
const PROC_SEL = 'job=~"$job", engine=~"$engine", instance=~"$instance"';
/** GPUs of the machines that serve the selected models (serving and GPU targets share `host`). */
const ON_SERVING_HOSTS = `and on (host) ${S.requestsRunning}{${SEL}}`;

function servingVariables(instanceMulti: boolean) {
  const base = S.requestsRunning;
  return [
    queryVariable('job', 'Job', base, ''),
    queryVariable('engine', 'Engine', base, 'job=~"$job"'),
    queryVariable('model_name', 'Model', base, 'job=~"$job", engine=~"$engine"'),
    queryVariable('instance', 'Instance', base, 'job=~"$job", engine=~"$engine", model_name=~"$model_name"', instanceMulti ? {} : { multi: false, includeAll: false }),
  ];
}

const QUANTILE_LABEL: Record<number, string> = { 0.5: 'P50', 0.9: 'P90', 0.95: 'P95', 0.99: 'P99', 0.999: 'P99.9' };

const NOT_ENABLED = (what: string) => `No data: ${what}`;

/** The per-model labels the model: series carry. */
const BY_MODEL = 'engine, model_name, job';

/**
 * A percentile of each model over the selected instances, from their recorded bucket rates: with
 * every instance selected it is the recorded model: quantile, and it follows `$instance`.
 */
function selectedQuantile(h: HistogramName, q: Quantile): string {
  return `histogram_quantile(${QUANTILE_VALUE[q]}, sum by (${BY_MODEL}, le) (${histogramBucket(h)}{${SEL}}))`;
}

const perModel = (series: string) => `sum by (${BY_MODEL}) (${series}{${SEL}})`;

/** The SLO window the error budget is kept over (the burn-rate alerts' 30 days). */
const SLO_WINDOW = '30d';
const overWindow = (series: string) => `sum by (${BY_MODEL}) (sum_over_time(${series}{${SEL}}[${SLO_WINDOW}]))`;
/** Share of requests (ITL: token intervals) within objective over the SLO window, per model. */
function attainment(key: SloKey): string {
  if (key === 'availability') return `1 - ${overWindow(S.requestsServerErrors)} / ${overWindow(S.requestsFinished)}`;
  const h = `${key}_seconds` as SloHistogram;
  return `${overWindow(sloGood(h))} / (${overWindow(sloGood(h))} + ${overWindow(sloBad(h))})`;
}

const SLO_TITLE: Record<SloKey, string> = { ttft: 'TTFT', itl: 'ITL', e2e: 'E2E', availability: 'availability' };
const REF = ['A', 'B', 'C', 'D'];
const byRef = (ref: string, properties: Override['properties']): Override => ({ matcher: { id: 'byFrameRefID', options: ref }, properties });
const steps = (...s: Threshold[]) => ({ id: 'thresholds', value: { mode: 'absolute', steps: s } });

/** Drill-downs: a series' own labels pick the instance, its host's GPUs, the host; time range kept. */
const TIME = '${__url_time_range}';
const label = (l: string) => `\${__field.labels.${l}}`;
const toInstance: DataLink = {
  title: 'Instance ${__field.labels.instance}',
  url: `/d/${INSTANCE_UID}?${TIME}&var-job=${label('job')}&var-engine=${label('engine')}&var-model_name=${label('model_name')}&var-instance=${label('instance')}`,
};
const toModel: DataLink = { title: 'Instances of ${__field.labels.model_name}', url: `/d/${INSTANCE_UID}?${TIME}&var-job=${label('job')}&var-engine=${label('engine')}&var-model_name=${label('model_name')}` };
const toGpus: DataLink = { title: 'GPUs of ${__field.labels.host}', url: `/d/${GPU_UID}?${TIME}&var-host=${label('host')}` };
const toHost: DataLink = { title: 'Host ${__field.labels.host}', url: `/d/${HOST_UID}?${TIME}&var-instance=${label('host')}` };

/** Alerts of this stack as regions (firing to resolved) on every graph, and engine restarts. */
const ALERT_ANNOTATION = annotation('Alerts', 'red', 'ALERTS{alertstate="firing", alertname!="Watchdog"}', '{{alertname}} ({{severity}})', '{{instance}} {{model_name}} {{host}}', 'severity');
/** An engine restart marks the 5 minutes it fell in (its start time changed, or its counters went back). */
const RESTART_ANNOTATION = annotation('Engine restarts', 'orange', `${S.engineRestarts}{${SEL}} > 0`, 'restart: {{instance}}', '{{engine}} {{model_name}} on {{host}}', 'instance');

function healthRow(slo: Slo): RowSpec {
  const budget = errorBudget('availability', slo);
  const latencyStat = (h: SloHistogram, title: string, objective: number, what: string): PanelSpec => ({
    type: 'stat',
    title: `${title} P99 vs objective`,
    description: `${what} P99 over 5m, per model over the selected instances. Orange from ${OBJECTIVE_WARNING_SHARE * 100}% of the objective (${objective} s), red at it. When red: the row below splits the time into queue, prefill and decode; a growing queue wants capacity, a slow prefill wants shorter prompts or chunked prefill, a slow decode wants a smaller batch.`,
    unit: 's',
    w: 4,
    h: 5,
    decimals: 2,
    objective,
    queries: [{ expr: selectedQuantile(h, 'p99'), legend: '{{model_name}}' }],
    links: [toModel],
  });
  return {
    title: 'Is the fleet healthy?',
    panels: [
      {
        type: 'table',
        title: 'Targets up / expected',
        description:
          'Every target this Prometheus scrapes, per job (engines, GPU exporter, node exporter, the stack itself); the whole stack, whatever the variables. When up < expected: the down column counts them; LLMTargetDown, GPUExporterDown or MonitoringTargetDown name each, and Prometheus\' Targets page or `create-vllm-monitor top` shows the scrape error.',
        unit: 'short',
        w: 5,
        h: 6,
        instant: true,
        format: 'table',
        queries: [
          { expr: 'sum by (job) (up)', legend: 'up' },
          { expr: 'count by (job) (up)', legend: 'expected' },
          { expr: 'count by (job) (up == 0)', legend: 'down' },
        ],
        transformations: [
          { id: 'merge', options: {} },
          { id: 'organize', options: { excludeByName: { Time: true }, indexByName: { job: 0, 'Value #A': 1, 'Value #B': 2, 'Value #C': 3 }, renameByName: { 'Value #A': 'up', 'Value #B': 'expected', 'Value #C': 'down' } } },
        ],
      },
      {
        type: 'stat',
        title: 'Firing alerts',
        description:
          'Alerts of this stack firing now, by severity. Watchdog always fires: 1 means rules evaluate; 0 means they do not, and nothing else here can be trusted. Anything critical pages: open the list beside it, each alert carries its runbook.',
        unit: 'short',
        w: 4,
        h: 6,
        decimals: 0,
        thresholds: [{ color: 'green', value: null }, { color: 'red', value: 1 }],
        queries: [
          ...(['critical', 'warning', 'info'] as const).map((severity) => ({ expr: `count(ALERTS{alertstate="firing", severity="${severity}", alertname!="Watchdog"}) or vector(0)`, legend: severity })),
          { expr: 'count(ALERTS{alertstate="firing", alertname="Watchdog"}) or vector(0)', legend: 'Watchdog' },
        ],
        overrides: [byRef('B', [steps({ color: 'green', value: null }, { color: 'orange', value: 1 })]), byRef('C', [steps({ color: 'blue', value: null })]), byRef('D', [steps({ color: 'red', value: null }, { color: 'green', value: 1 })])],
      },
      {
        type: 'table',
        title: 'Firing alerts, most severe first',
        description: 'Each alert firing now with its labels: critical first, then warning, then info (Watchdog among them, always). Its runbook and dashboard links are in the notification and in Alertmanager.',
        unit: 'short',
        w: 8,
        h: 6,
        instant: true,
        format: 'table',
        queries: [
          {
            // Rank by severity for the sort: critical 3, warning 2, the rest 1.
            expr: 'ALERTS{alertstate="firing", severity="critical"} * 3 or ALERTS{alertstate="firing", severity="warning"} * 2 or ALERTS{alertstate="firing"}',
            legend: '{{alertname}}',
          },
        ],
        transformations: [
          { id: 'sortBy', options: { sort: [{ field: 'Value', desc: true }] } },
          { id: 'organize', options: { excludeByName: { Time: true, Value: true, __name__: true, alertstate: true }, indexByName: { alertname: 0, severity: 1, model_name: 2, instance: 3 } } },
        ],
      },
      {
        type: 'stat',
        title: 'Requests/s',
        description: 'Finished requests per second over 5m, per model over the selected instances. A drop to zero with requests waiting is a stalled engine (LLMAdmissionStalled, LLMThroughputCollapsed); a drop everywhere is upstream of the engines.',
        unit: 'reqps',
        w: 3,
        h: 6,
        queries: [{ expr: perModel(S.requestsFinished), legend: '{{model_name}}' }],
        links: [toModel],
      },
      {
        type: 'stat',
        title: 'Output tokens/s',
        description: 'Generated tokens per second over 5m, per model. Falling while requests/s holds: shorter answers, or a slower decode (see inter-token latency).',
        unit: 'short',
        w: 4,
        h: 6,
        queries: [{ expr: perModel(S.generationTokens), legend: '{{model_name}}' }],
        links: [toModel],
      },
      latencyStat('ttft_seconds', 'TTFT', slo.ttftP99Seconds, 'Time to first token'),
      latencyStat('itl_seconds', 'ITL', slo.itlP99Seconds, 'Inter-token latency'),
      latencyStat('e2e_seconds', 'E2E', slo.e2eP99Seconds, 'End-to-end latency'),
      {
        type: 'stat',
        title: 'Availability and error rate (5m)',
        description: `Share of finished requests without a server error (HTTP 5xx, finished_reason=error; SGLang reports no errors), per model. Objective ${slo.availabilityPercent}%: error rate red from ${budget * 100}%. When red: the server log names the failing requests; LLMAvailabilityErrorBudgetBurn says how fast the budget goes.`,
        unit: 'percentunit',
        w: 4,
        h: 5,
        decimals: 2,
        queries: [
          { expr: `1 - ${perModel(S.requestsServerErrors)} / ${perModel(S.requestsFinished)}`, legend: 'available {{model_name}}' },
          { expr: `${perModel(S.requestsServerErrors)} / ${perModel(S.requestsFinished)}`, legend: 'errors {{model_name}}' },
        ],
        overrides: [
          byRef('A', [steps({ color: 'red', value: null }, { color: 'green', value: slo.availabilityPercent / 100 })]),
          byRef('B', [steps({ color: 'green', value: null }, { color: 'red', value: budget })]),
        ],
        links: [toModel],
      },
      {
        type: 'bargauge',
        title: `SLO attainment (${SLO_WINDOW})`,
        description: `Share of requests (ITL: token intervals) within each objective over ${SLO_WINDOW}, per model: green at or above the objective (99% for latency, ${slo.availabilityPercent}% availability). Below it, the budget beside it is spent.`,
        unit: 'percentunit',
        w: 4,
        h: 5,
        min: 0.9,
        max: 1,
        decimals: 2,
        // One value over the window: as a range query every step would read the whole 30 days again.
        instant: true,
        thresholds: [{ color: 'red', value: null }, { color: 'green', value: 1 - LATENCY_ERROR_BUDGET }],
        queries: SLO_KEYS.map((k) => ({ expr: attainment(k), legend: `${SLO_TITLE[k]} {{model_name}}` })),
        overrides: [byRef(REF[SLO_KEYS.indexOf('availability')]!, [steps({ color: 'red', value: null }, { color: 'green', value: slo.availabilityPercent / 100 })])],
      },
      {
        type: 'bargauge',
        title: `Error budget remaining (${SLO_WINDOW})`,
        description: `What is left of each model's ${SLO_WINDOW} error budget (1% of requests for a P99 latency objective, ${Number((budget * 100).toPrecision(6))}% for availability): 100% untouched, 0 spent, below 0 overspent. Orange under 25%: hold risky rollouts. The burn-rate alerts page when it goes fast.`,
        unit: 'percentunit',
        w: 4,
        h: 5,
        min: 0,
        max: 1,
        decimals: 0,
        instant: true,
        thresholds: [{ color: 'red', value: null }, { color: 'orange', value: 0 }, { color: 'green', value: 0.25 }],
        queries: SLO_KEYS.map((k) => ({ expr: `1 - (1 - (${attainment(k)})) / ${errorBudget(k, slo)}`, legend: `${SLO_TITLE[k]} {{model_name}}` })),
      },
    ],
  };
}

/** Mean over the selected instances of a per-instance mean, per model. */
const avgPerModel = (series: string) => `avg by (${BY_MODEL}) (${series}{${SEL}})`;
const histogramMean = (h: HistogramName) => `${perModel(histogramSum(h))} / (${perModel(histogramCount(h))} > 0)`;

/** Bucket rates summed over the selection, drawn as Grafana draws a Prometheus histogram. */
function heatmap(h: HistogramName, title: string, description: string, unit: Unit): PanelSpec {
  return { type: 'heatmap', title, description, unit, w: 8, h: 8, format: 'heatmap', queries: [{ expr: `sum by (le) (${histogramBucket(h)}{${SEL}})`, legend: '{{le}}' }] };
}

function slowRow(slo: Slo): RowSpec {
  return {
    title: 'Why is it slow?',
    panels: [
      {
        title: 'Where request time goes: queue, prefill, decode',
        description:
          'Mean seconds a request spends waiting for a batch slot, in prefill (up to its first token) and in decode, per model, stacked: together about the mean end-to-end latency. Queue grows: add capacity or lower max-num-seqs pressure; prefill grows: longer prompts or no prefix-cache hits (chunked prefill helps); decode grows: a bigger batch or a slower GPU.',
        unit: 's',
        w: 8,
        stack: true,
        queries: [
          { expr: histogramMean('queue_seconds'), legend: 'queue {{model_name}}' },
          { expr: avgPerModel(S.prefillSecondsMean), legend: 'prefill {{model_name}}' },
          { expr: avgPerModel(S.decodeSecondsMean), legend: 'decode {{model_name}}' },
        ],
        noValue: NOT_ENABLED('no request finished in the last 5m'),
        links: [toModel],
      },
      {
        title: 'Running vs waiting requests',
        description: 'Requests in the batch and requests queued, per instance. Waiting above zero for minutes means the instance is full: its KV cache (next panel) or max-num-seqs is the limit; add replicas or shorten contexts.',
        unit: 'short',
        w: 8,
        min: 0,
        queries: [
          { expr: `sum by (instance, engine, job, model_name) (${S.requestsRunning}{${SEL}})`, legend: 'running {{instance}}' },
          { expr: `sum by (instance, engine, job, model_name) (${S.requestsWaiting}{${SEL}})`, legend: 'waiting {{instance}}' },
        ],
        links: [toInstance],
      },
      {
        title: 'KV-cache usage and preemptions',
        description: 'KV-cache usage 0-1 per instance (the fullest rank, left axis) and requests preempted per second (SGLang: retracted; right axis). Near 1 with preemptions: the batch no longer fits, requests recompute; lower max-num-seqs or the context length, or add GPUs.',
        unit: 'percentunit',
        w: 8,
        min: 0,
        queries: [
          { expr: `max by (instance, engine, job, model_name) (${S.kvCacheUsage}{${SEL}})`, legend: 'KV {{instance}}' },
          { expr: `sum by (instance, engine, job, model_name) (${S.preemptions}{${SEL}})`, legend: 'preemptions/s {{instance}}' },
        ],
        overrides: [byRef('B', [{ id: 'unit', value: 'ops' }, { id: 'custom.axisPlacement', value: 'right' }, { id: 'max', value: null }])],
        links: [toInstance],
      },
      heatmap(
        'ttft_seconds',
        'Time to first token, distribution',
        `Requests per second in each TTFT bucket over the selection (the engines' own buckets). A second band above the main one is a class of slow requests (long prompts, cache misses, queueing); the objective is ${slo.ttftP99Seconds} s.`,
        's',
      ),
      heatmap(
        'request_prompt_tokens',
        'Prompt length, distribution',
        'Requests per second by prompt length in tokens (older SGLang only with --collect-tokens-histogram). Longer prompts mean more prefill per request: TTFT rises with them, and a new band of long prompts explains a TTFT band above the rest.',
        'short',
      ),
      heatmap(
        'request_generation_tokens',
        'Generation length, distribution',
        'Requests per second by generated tokens. Longer answers keep requests in the batch longer: E2E latency and KV usage rise with them while TTFT does not; many at the max_tokens bound means clients cap the answers.',
        'short',
      ),
      {
        title: 'Tokens per engine step (batch size)',
        description: 'Mean tokens the engine computed per step, per instance (SGLang: per forward pass). Low while requests wait: the scheduler, not the GPU, limits; high with slow decodes: the batch is too large for the ITL objective.',
        unit: 'short',
        w: 6,
        min: 0,
        queries: [{ expr: `max by (instance, engine, job, model_name) (${S.iterationTokensMean}{${SEL}})`, legend: '{{instance}}' }],
        noValue: NOT_ENABLED('idle, or an engine without step counts (vLLM 0.4/0.5, SGLang before 2025)'),
        links: [toInstance],
      },
      {
        title: 'Prefix-cache hit ratio',
        description: 'Prompt tokens served from the prefix cache / prompt tokens looked up, per instance. A falling ratio raises prefill time for the same traffic: prompts changed (a new system prompt) or the cache is evicted (KV usage near 1).',
        unit: 'percentunit',
        w: 6,
        min: 0,
        max: 1,
        queries: [{ expr: `max by (instance, engine, job, model_name) (${S.prefixCacheHitRatio}{${SEL}})`, legend: '{{instance}}' }],
        noValue: NOT_ENABLED('prefix caching off, or no prompts in the last 5m'),
        links: [toInstance],
      },
      {
        title: 'GPU busy: utilisation, SM and memory bandwidth',
        description:
          'Per host serving the selection: time a kernel ran (utilisation), share of SMs busy and of DRAM bandwidth used (DCGM profiling fields; other exporters lack them). High utilisation with low SM activity: small batches or a CPU-bound engine; memory bandwidth near 1 in decode is the model being bandwidth-bound.',
        unit: 'percentunit',
        w: 6,
        min: 0,
        max: 1,
        queries: [
          { expr: `avg by (host) (${S.gpuUtilization} ${ON_SERVING_HOSTS})`, legend: 'utilisation {{host}}' },
          { expr: `avg by (host) (${S.gpuSmActive} ${ON_SERVING_HOSTS})`, legend: 'SM active {{host}}' },
          { expr: `avg by (host) (${S.gpuDramActive} ${ON_SERVING_HOSTS})`, legend: 'memory bandwidth {{host}}' },
        ],
        noValue: NOT_ENABLED('no GPU exporter in this stack, or its host label differs from the serving targets'),
        links: [toGpus],
      },
      {
        title: 'NVLink and PCIe traffic',
        description: 'Bytes per second over NVLink (AMD: XGMI) and PCIe on the hosts serving the selection, both directions summed. Tensor-parallel all-reduce lives on NVLink; PCIe busy during decode means offloading or host copies.',
        unit: 'Bps',
        w: 6,
        min: 0,
        queries: [
          { expr: `sum by (host) (${S.gpuNvlinkBandwidth} ${ON_SERVING_HOSTS})`, legend: 'NVLink {{host}}' },
          { expr: `sum by (host) (${S.gpuPcieBandwidth} ${ON_SERVING_HOSTS})`, legend: 'PCIe {{host}}' },
        ],
        noValue: NOT_ENABLED('the GPU exporter reports no interconnect counters (see the GPU dashboard, Interconnect row)'),
        links: [toGpus],
      },
    ],
  };
}

const selectedQuantiles = (h: HistogramName, qs: Quantile[], prefix = ''): QuerySpec[] =>
  qs.map((q) => ({ expr: selectedQuantile(h, q), legend: `${prefix}${QUANTILE_LABEL[QUANTILE_VALUE[q]]} {{model_name}}` }));

export function overviewDashboard(slo: Slo = DEFAULT_SLO): Dashboard {
  const rows: RowSpec[] = [
    healthRow(slo),
    slowRow(slo),
    {
      title: 'Latency percentiles',
      panels: [
        {
          title: 'Time to first token',
          description: `TTFT percentiles over 5m, per model over the selected instances; the dashed line is the P99 objective (${slo.ttftP99Seconds} s). P50 rising with P99: everything is slower (load); P99 alone: a class of requests (long prompts, queueing behind them).`,
          unit: 's',
          w: 8,
          objective: slo.ttftP99Seconds,
          queries: selectedQuantiles('ttft_seconds', ['p50', 'p90', 'p95', 'p99', 'p999']),
          links: [toModel],
        },
        {
          title: 'Inter-token latency',
          description: `Time between output tokens, percentiles over 5m, and per-request TPOT P99 where vLLM >= 0.11 reports it; the dashed line is the P99 objective (${slo.itlP99Seconds} s). Spikes line up with prefills of new requests: enable or shrink chunked prefill.`,
          unit: 's',
          w: 8,
          objective: slo.itlP99Seconds,
          queries: [...selectedQuantiles('itl_seconds', ['p50', 'p90', 'p99', 'p999']), ...selectedQuantiles('tpot_seconds', ['p99'], 'per-request TPOT ')],
          links: [toModel],
        },
        {
          title: 'End-to-end latency',
          description: `Request latency percentiles over 5m; the dashed line is the P99 objective (${slo.e2eP99Seconds} s). Follows answer length as much as speed: compare with output tokens/s.`,
          unit: 's',
          w: 8,
          objective: slo.e2eP99Seconds,
          queries: selectedQuantiles('e2e_seconds', ['p50', 'p90', 'p99', 'p999']),
          links: [toModel],
        },
        heatmap(
          'e2e_seconds',
          'End-to-end latency, distribution',
          `Requests per second in each end-to-end latency bucket. Long tails here with a tight TTFT band: long answers or a slow decode; the objective is ${slo.e2eP99Seconds} s.`,
          's',
        ),
        heatmap(
          'itl_seconds',
          'Inter-token latency, distribution',
          `Token intervals per second in each bucket (SGLang weights by tokens). Spread upwards when prefills of new requests stall decodes (chunked prefill evens it); the objective is ${slo.itlP99Seconds} s.`,
          's',
        ),
      ],
    },
    {
      title: 'Throughput and memory',
      panels: [
        {
          title: 'Token throughput',
          description: 'Prompt (prefill) and generated tokens per second, per model. Prompt tokens rising faster than requests: longer prompts, and prefill time with them.',
          unit: 'short',
          w: 6,
          queries: [
            { expr: perModel(S.promptTokens), legend: 'prompt {{model_name}}' },
            { expr: perModel(S.generationTokens), legend: 'generated {{model_name}}' },
          ],
          links: [toModel],
        },
        {
          title: 'Requests/s by finish reason',
          description: 'Finished requests per second by reason (vLLM: stop, length, abort, error; SGLang reports all). Many "length": clients hit max_tokens; many "abort": clients give up waiting, look at TTFT.',
          unit: 'reqps',
          w: 6,
          stack: true,
          queries: [{ expr: `sum by (${BY_MODEL}, finished_reason) (${S.requestsFinished}{${SEL}})`, legend: '{{finished_reason}} {{model_name}}' }],
          links: [toModel],
        },
        {
          title: 'GPU memory used',
          description: 'GPU memory used and capacity on the hosts serving the selection. Engines reserve most of it for the KV cache at start (gpu-memory-utilization): flat near the top is normal; growth after start is another process on the GPU.',
          unit: 'bytes',
          w: 6,
          queries: [
            { expr: `sum by (host) (${S.gpuMemoryUsed} ${ON_SERVING_HOSTS})`, legend: 'used {{host}}' },
            { expr: `sum by (host) (${S.gpuMemoryTotal} ${ON_SERVING_HOSTS})`, legend: 'total {{host}}' },
          ],
          noValue: NOT_ENABLED('no GPU exporter in this stack'),
          links: [toGpus],
        },
        {
          title: 'Process and host memory',
          description:
            'Resident memory of the vLLM API server process (SGLang serves its metrics in multiprocess mode, without process metrics), and memory in use on the hosts serving the selection (node exporter). Steady growth in either is a leak: restart before the host runs out (HostMemoryPressure).',
          unit: 'bytes',
          w: 6,
          queries: [
            { expr: `sum by (instance) (${S.processMemory}{${PROC_SEL}})`, legend: 'process {{instance}}' },
            { expr: `sum by (host) (${S.hostMemoryUsed} ${ON_SERVING_HOSTS})`, legend: 'host used {{host}}' },
          ],
          noValue: NOT_ENABLED('no process metrics (vLLM with DP > 1 or --api-server-count > 1, SGLang) and no node exporter on the serving machines'),
          links: [toHost],
        },
      ],
    },
    ...featureRows((p) => ({ w: 8, ...p })),
  ];
  return dashboard(
    OVERVIEW_UID,
    'LLM serving overview',
    'vLLM and SGLang fleet: is it healthy (targets, alerts, SLOs) and why is it slow (queue, prefill, decode, KV cache, GPUs), from the normalised llm: series.',
    ['overview'],
    servingVariables(true),
    layout(rows, true),
    [ALERT_ANNOTATION, RESTART_ANNOTATION],
  );
}

const inst = (h: Parameters<typeof instanceQuantile>[0], qs: ('p50' | 'p90' | 'p95' | 'p99' | 'p999')[]): QuerySpec[] =>
  qs.map((q) => ({ expr: instanceQuantile(h, q, SEL), legend: `${q.replace('p999', 'P99.9').replace('p', 'P')} {{model_name}}` }));

/**
 * Optional engine features (issue 11): each panel reads only series of its feature, and says which
 * flag brings them where the fleet runs without it; validate calls those panels not applicable.
 */
function featurePanels(panel: (p: PanelSpec) => PanelSpec): PanelSpec[] {
  return [
      panel({
        title: 'Prompt tokens from cache',
        description:
          'Share of prompt tokens whose KV was not computed here: vLLM local prefix-cache hits plus KV received from elsewhere (a P/D prefill node, LMCache: source external_kv_transfer); SGLang cached tokens of every tier. A falling share means more prefill compute for the same traffic.',
        unit: 'percentunit',
        min: 0,
        max: 1,
        queries: [
          { expr: `${S.promptTokensCachedRatio}{${SEL}}`, legend: 'cached share {{model_name}}' },
          { expr: `${S.promptTokensBySource}{${SEL}} / on (engine, job, instance, host, model_name) group_left () (${S.promptTokens}{${SEL}} > 0)`, legend: '{{source}} {{model_name}}' },
        ],
        noValue: NOT_ENABLED('no prompts in the last 5m, or vLLM V0 (no cached-token counter)'),
      }),
      panel({
        title: 'Speculative decoding acceptance',
        description:
          'Mean acceptance length (tokens emitted per verify step; 1 means no draft token is accepted) and, for vLLM, the acceptance rate 0-1 at each draft position. A low rate at the later positions says fewer speculative tokens would do.',
        unit: 'short',
        min: 0,
        queries: [
          { expr: `${S.specDecodeAcceptanceLength}{${SEL}}`, legend: 'acceptance length {{model_name}}' },
          { expr: `${S.specDecodePositionAcceptance}{${SEL}}`, legend: 'position {{position}} rate {{model_name}}' },
        ],
        noValue: NOT_ENABLED('speculative decoding is off (vLLM --speculative-config, SGLang --speculative-algorithm)'),
      }),
      panel({
        title: 'P/D KV transfer failures',
        description:
          'Prefill/decode disaggregation: failed KV transfers (vLLM NIXL, decode side; SGLang requests), failed bootstraps (SGLang handshake) and requests whose KV expired on the vLLM prefill node before the decode node read it. Any sustained rate means requests recompute or fail.',
        unit: 'ops',
        min: 0,
        queries: [
          { expr: `${S.kvTransferFailures}{${SEL}}`, legend: 'transfer failures {{model_name}}' },
          { expr: `${S.kvBootstrapFailures}{${SEL}}`, legend: 'bootstrap failures {{model_name}}' },
          { expr: `${S.kvTransferExpired}{${SEL}}`, legend: 'KV expired (prefill node) {{model_name}}' },
        ],
        noValue: NOT_ENABLED('no P/D disaggregation (vLLM NixlConnector via --kv-transfer-config, SGLang --disaggregation-mode)'),
      }),
      panel({
        title: 'P/D KV transfer time and queues',
        description: 'Mean time of one KV transfer (left, seconds) and the SGLang P/D queues: prefill requests waiting for their bootstrap, decode requests waiting for their KV.',
        unit: 's',
        min: 0,
        queries: [
          { expr: `${S.kvTransferSecondsMean}{${SEL}}`, legend: 'transfer mean {{model_name}}' },
          { expr: `${S.pdBootstrapQueue}{${SEL}}`, legend: 'bootstrap queue (requests) {{model_name}}' },
          { expr: `${S.pdTransferQueue}{${SEL}}`, legend: 'transfer queue (requests) {{model_name}}' },
        ],
        noValue: NOT_ENABLED('no P/D disaggregation (vLLM NixlConnector via --kv-transfer-config, SGLang --disaggregation-mode)'),
      }),
      panel({
        title: 'KV offload traffic',
        description: 'Bytes per second the vLLM offloading connector moves, by direction (GPU to CPU: stores; CPU to GPU: loads), and NIXL bytes per second on P/D nodes.',
        unit: 'Bps',
        min: 0,
        queries: [
          { expr: `${S.kvOffloadBytes}{${SEL}}`, legend: '{{transfer_type}} {{model_name}}' },
          { expr: `${S.kvTransferBytes}{${SEL}}`, legend: 'NIXL {{model_name}}' },
        ],
        noValue: NOT_ENABLED('no KV offloading or NIXL connector (vLLM --kv-transfer-config)'),
      }),
      panel({
        title: 'Estimated compute per GPU',
        description: 'Floating-point operations per second per GPU, estimated by the engine from the model shapes (MFU = this over the GPU\'s peak). Memory traffic per GPU is in the next panel.',
        unit: 'short',
        min: 0,
        queries: [{ expr: `${S.estimatedFlops}{${SEL}}`, legend: 'FLOP/s {{model_name}}' }],
        noValue: NOT_ENABLED('MFU metrics are off (--enable-mfu-metrics)'),
      }),
      panel({
        title: 'Estimated memory traffic per GPU',
        description: 'Bytes read and written per second per GPU, estimated from the model shapes (bandwidth utilisation = this over the GPU\'s peak).',
        unit: 'Bps',
        min: 0,
        queries: [{ expr: `${S.estimatedMemoryBytes}{${SEL}}`, legend: '{{model_name}}' }],
        noValue: NOT_ENABLED('MFU metrics are off (--enable-mfu-metrics)'),
      }),
      panel({
        title: 'Corrupted and scheduler-aborted requests',
        description: 'vLLM requests whose logits held NaNs (only with VLLM_COMPUTE_NANS_IN_LOGITS), and requests the SGLang scheduler aborted, by reason (queue full, timeouts).',
        unit: 'reqps',
        min: 0,
        queries: [
          { expr: `${S.requestsCorrupted}{${SEL}}`, legend: 'corrupted {{model_name}}' },
          { expr: `${S.schedulerAborts}{${SEL}}`, legend: 'aborted: {{reason}} {{model_name}}' },
        ],
        noValue: NOT_ENABLED('vLLM without VLLM_COMPUTE_NANS_IN_LOGITS, or SGLang before scheduler_aborts_total'),
      }),
      panel({
        title: 'LoRA adapters',
        description: 'vLLM: the adapters of running requests (legend) out of max_lora; SGLang: share of its LoRA slots in use.',
        unit: 'percentunit',
        min: 0,
        queries: [
          { expr: `${S.loraAdapters}{${PROC_SEL}}`, legend: 'running: {{running_lora_adapters}} waiting: {{waiting_lora_adapters}} (max {{max_lora}})' },
          { expr: `${S.loraSlotsUsedRatio}{${SEL}}`, legend: 'slots used {{model_name}}' },
        ],
        noValue: NOT_ENABLED('LoRA is off (vLLM --enable-lora, SGLang --lora-paths)'),
      }),
      panel({
        title: 'Forward-pass busy share',
        description: 'SGLang: share of wall time its schedulers spend in forward passes (forward_execution_seconds_total), mean over data-parallel ranks. Low with a full queue: the scheduler, not the GPU, is the bottleneck.',
        unit: 'percentunit',
        min: 0,
        max: 1,
        queries: [{ expr: `${S.forwardBusy}{${SEL}}`, legend: '{{model_name}}' }],
        noValue: NOT_ENABLED('SGLang only (forward_execution_seconds_total, late 2025 on)'),
      }),
  ];
}

/** The optional features in collapsed rows, one per feature: a fleet without it sees one closed header, not empty boxes. */
const FEATURE_ROWS: { title: string; panels: string[] }[] = [
  { title: 'Speculative decoding', panels: ['Speculative decoding acceptance'] },
  { title: 'Prefill/decode disaggregation and KV offload', panels: ['P/D KV transfer failures', 'P/D KV transfer time and queues', 'KV offload traffic', 'Prompt tokens from cache'] },
  { title: 'LoRA adapters', panels: ['LoRA adapters'] },
  { title: 'Engine internals: MFU, forward passes, corrupted requests', panels: ['Estimated compute per GPU', 'Estimated memory traffic per GPU', 'Corrupted and scheduler-aborted requests', 'Forward-pass busy share'] },
];

function featureRows(panel: (p: PanelSpec) => PanelSpec): RowSpec[] {
  const all = new Map(featurePanels(panel).map((p) => [p.title, p]));
  const rows = FEATURE_ROWS.map((r) => ({ title: `${r.title} (optional: each panel names its flag)`, collapsed: true, panels: r.panels.map((t) => all.get(t)!) }));
  if (rows.flatMap((r) => r.panels).length !== all.size || rows.some((r) => r.panels.some((p) => !p))) throw new Error('every optional-feature panel belongs to exactly one row');
  return rows;
}

export function instanceDashboard(slo: Slo = DEFAULT_SLO): Dashboard {
  const panel = (p: PanelSpec): PanelSpec => ({ w: 8, ...p });
  const rows: RowSpec[] = [
    {
      title: 'State',
      panels: [
        panel({
          title: 'Running and waiting',
          description: 'Requests in the batch and in the queue; deferred ones wait on purpose (P/D KV transfer, LoRA budget), asleep means vLLM sleep mode. Waiting with none running is a stalled engine: check its log and LLMAdmissionStalled.',
          unit: 'short',
          queries: [
            { expr: `${S.requestsRunning}{${SEL}}`, legend: 'running {{model_name}}' },
            { expr: `${S.requestsWaiting}{${SEL}}`, legend: 'waiting {{model_name}}' },
            // Newer vLLM: requests held back on purpose (P/D KV transfer, LoRA budget), not for want of capacity.
            { expr: `${S.requestsWaitingDeferred}{${SEL}}`, legend: 'of which deferred {{model_name}}' },
            // vLLM sleep mode: an idle queue is expected while asleep.
            { expr: `${S.engineAsleep}{${SEL}} == 1`, legend: 'asleep {{model_name}}' },
          ],
        }),
        panel({
          title: 'KV-cache usage',
          description: 'Fullest rank, 0-1. Hybrid models on SGLang also show each pool (full attention, sliding-window, Mamba state): the overall figure is the fullest pool. Pinned near 1 with preemptions: fewer concurrent sequences or shorter contexts, or more GPUs.',
          unit: 'percentunit',
          min: 0,
          max: 1,
          queries: [
            { expr: `${S.kvCacheUsage}{${SEL}}`, legend: '{{model_name}}' },
            { expr: `${S.kvPoolUsage}{${SEL}}`, legend: '{{pool}} pool {{model_name}}' },
          ],
        }),
        panel({
          title: 'Tokens/s',
          description: 'Prompt and generated tokens per second, and prompt tokens served from the prefix cache. Generated tokens falling at steady traffic: decode slowed, see inter-token latency.',
          unit: 'short',
          queries: [
            { expr: `${S.promptTokens}{${SEL}}`, legend: 'prompt {{model_name}}' },
            { expr: `${S.generationTokens}{${SEL}}`, legend: 'generated {{model_name}}' },
            { expr: `${S.prefixCacheHit}{${SEL}}`, legend: 'prompt from prefix cache {{model_name}}' },
          ],
        }),
      ],
    },
    {
      title: 'Latency',
      panels: [
        panel({
          title: 'TTFT',
          description: `Time to first token, 5m percentiles; the dashed line is the P99 objective (${slo.ttftP99Seconds} s). Above it: see queue time and prefill beside it, and this host's GPUs.`,
          unit: 's',
          objective: slo.ttftP99Seconds,
          queries: inst('ttft_seconds', ['p50', 'p90', 'p99', 'p999']),
        }),
        panel({
          title: 'Inter-token latency',
          description: `Time between output tokens, 5m percentiles; the dashed line is the P99 objective (${slo.itlP99Seconds} s). Above it: the batch is too large (tokens per step) or prefills interrupt decodes (chunked prefill).`,
          unit: 's',
          objective: slo.itlP99Seconds,
          queries: inst('itl_seconds', ['p50', 'p90', 'p99', 'p999']),
        }),
        panel({
          title: 'End-to-end latency',
          description: `Request latency, 5m percentiles; the dashed line is the P99 objective (${slo.e2eP99Seconds} s). It follows answer length: compare with generated tokens/s before blaming the engine.`,
          unit: 's',
          objective: slo.e2eP99Seconds,
          queries: inst('e2e_seconds', ['p50', 'p90', 'p99', 'p999']),
        }),
        panel({
          title: 'Queue time',
          description: 'Time waiting before scheduling, 5m percentiles. Rising: the instance is full (KV cache or max-num-seqs); add replicas or route traffic away.',
          unit: 's',
          queries: inst('queue_seconds', ['p50', 'p90', 'p99']),
          noValue: NOT_ENABLED('early vLLM V0 and older SGLang report no queue-time histogram'),
        }),
        panel({
          title: 'Prefill and decode time',
          description:
            'Per-request prefill and decode phases: the mean for every engine (SGLang has no phase histograms: prefill = TTFT - queue time, decode = E2E - TTFT), P50/P99 where vLLM reports the histograms. Prefill grows: longer prompts or fewer prefix-cache hits; decode grows: longer answers or a bigger batch.',
          unit: 's',
          queries: [
            { expr: `${S.prefillSecondsMean}{${SEL}}`, legend: 'prefill mean {{model_name}}' },
            { expr: `${S.decodeSecondsMean}{${SEL}}`, legend: 'decode mean {{model_name}}' },
            ...inst('prefill_seconds', ['p50', 'p99']).map((q) => ({ ...q, legend: `prefill ${q.legend}` })),
            ...inst('decode_seconds', ['p50', 'p99']).map((q) => ({ ...q, legend: `decode ${q.legend}` })),
          ],
          noValue: NOT_ENABLED('no request finished in the last 5m'),
        }),
        panel({
          title: 'Time per output token',
          description:
            'Time per output token after the first. Mean for every engine: (E2E - TTFT) over output tokens less one per request. Per-request P50/P90/P99 where vLLM >= 0.11 reports them. Rising at constant load: a slower GPU (throttling on the GPU dashboard) or a larger batch.',
          unit: 's',
          queries: [{ expr: `${S.tpotMean}{${SEL}}`, legend: 'mean {{model_name}}' }, ...inst('tpot_seconds', ['p50', 'p90', 'p99']).map((q) => ({ ...q, legend: `per-request ${q.legend}` }))],
          noValue: NOT_ENABLED('no request finished in the last 5m'),
        }),
      ],
    },
    {
      title: 'Health',
      panels: [
        panel({
          title: 'Server errors and client aborts',
          description: 'Fraction of requests the server failed (HTTP 5xx, finished_reason=error; vLLM only) and fraction of finished requests the client aborted. Errors: read the server log around the first one. Aborts rising with TTFT: clients time out waiting, the latency is the cause.',
          unit: 'percentunit',
          min: 0,
          queries: [
            { expr: `${S.requestsServerErrorRatio}{${SEL}}`, legend: 'errors {{model_name}}' },
            { expr: `${S.requestsAbortedRatio}{${SEL}}`, legend: 'aborts {{model_name}}' },
          ],
          noValue: NOT_ENABLED('no finished requests in the last 5m'),
        }),
        panel({ title: 'Preemptions/s', description: 'Preempted (SGLang: retracted) requests per second: the KV cache could not hold the batch and requests recompute. Sustained: lower max-num-seqs or the context length, or add GPUs (LLMPreemptionsSustained).', unit: 'ops', queries: [{ expr: `${S.preemptions}{${SEL}}`, legend: '{{model_name}}' }] }),
        panel({
          title: 'SLO misses (5m)',
          description: 'Share of requests (ITL: token intervals) of this instance slower than the objective, over 5 minutes; the objective is the bucket bound shown in the legend. The burn-rate alerts add up every instance of the model; one instance far above the others is a problem of that instance (its GPUs, its host).',
          unit: 'percentunit',
          min: 0,
          queries: (['ttft_seconds', 'itl_seconds', 'e2e_seconds'] as const).map((h) => ({
            expr: `${sloBad(h)}{${SEL}} / (${sloBad(h)}{${SEL}} + ${sloGood(h)}{${SEL}} > 0)`,
            legend: `${h.split('_')[0]!.toUpperCase()} {{model_name}} (≤ {{objective}}s)`,
          })),
        }),
        panel({
          title: 'Prefix-cache hit ratio',
          description: 'Prompt tokens served from the prefix cache / prompt tokens looked up (vLLM V0: its hit-rate gauge). Hit tokens per second are on the Tokens/s panel. Falling: prompts changed or the cache is evicted (KV usage near 1).',
          unit: 'percentunit',
          min: 0,
          max: 1,
          queries: [{ expr: `${S.prefixCacheHitRatio}{${SEL}}`, legend: '{{model_name}}' }],
          noValue: NOT_ENABLED('prefix caching off, or no prompts in the last 5m'),
        }),
        panel({
          title: 'GPU utilisation on this machine',
          description: 'Fraction of time a kernel ran, per GPU of the instance\'s host (click a series for its GPUs and host). Low with requests waiting: the engine is CPU-bound or the batch small; one GPU low among busy ones: a stuck rank.',
          unit: 'percentunit',
          min: 0,
          max: 1,
          queries: [{ expr: `${S.gpuUtilization} ${ON_SERVING_HOSTS}`, legend: 'GPU {{gpu}}' }],
          noValue: NOT_ENABLED('no GPU exporter on this host'),
          links: [toGpus, toHost],
        }),
        panel({
          title: 'GPU memory on this machine',
          description: 'GPU memory used per GPU of the instance\'s host. Flat near full is the KV-cache reservation; growth after start is another process on the GPU (nvidia-smi shows which).',
          unit: 'bytes',
          queries: [{ expr: `${S.gpuMemoryUsed} ${ON_SERVING_HOSTS}`, legend: 'GPU {{gpu}}' }],
          noValue: NOT_ENABLED('no GPU exporter on this host'),
          links: [toGpus, toHost],
        }),
      ],
    },
    ...featureRows(panel),
  ];
  return dashboard(
    INSTANCE_UID,
    'LLM serving instance',
    'One vLLM or SGLang instance in detail: state, latency percentiles, health and its GPUs.',
    ['instance'],
    // The instance's host, hidden: the header links carry it to the GPU and host dashboards.
    [...servingVariables(false), queryVariable('host', 'Host', S.requestsRunning, 'instance=~"$instance"', { hidden: true })],
    layout(rows, true),
    [ALERT_ANNOTATION, RESTART_ANNOTATION],
  );
}
