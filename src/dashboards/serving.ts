/**
 * The LLM serving dashboards: the fleet overview (seed 001's four rows, with seed 002's nine panels)
 * and the per-instance drill-down. They read only the normalised llm:/gpu: series.
 */
import { type ModelHistogram, S, histogramQuantile, modelQuantile, sloBad, sloGood } from '../rules/series.js';
import { type Dashboard, type PanelSpec, type QuerySpec, type RowSpec, dashboard, layout, queryVariable } from './model.js';
import { OVERVIEW_UID, INSTANCE_UID } from './ids.js';

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

const MODEL_SEL = 'job=~"$job", engine=~"$engine", model_name=~"$model_name"';
const Q_NAME: Record<number, 'p50' | 'p90' | 'p95' | 'p99' | 'p999'> = { 0.5: 'p50', 0.9: 'p90', 0.95: 'p95', 0.99: 'p99', 0.999: 'p999' };

/**
 * Fleet percentiles of a model over all its instances (recorded: the instance filter does not
 * apply). Reading recorded quantiles instead of re-aggregating buckets keeps the overview cheap.
 */
function modelQuantiles(h: ModelHistogram, qs: number[], prefix = ''): QuerySpec[] {
  return qs.map((q) => ({ expr: `${modelQuantile(h, Q_NAME[q]!)}{${MODEL_SEL}}`, legend: `${prefix}${QUANTILE_LABEL[q]} {{model_name}}` }));
}

const NOT_ENABLED = (what: string) => `No data: ${what}`;

export function overviewDashboard(): Dashboard {
  const rows: RowSpec[] = [
    {
      title: 'Overview',
      panels: [
        {
          type: 'stat',
          title: 'Requests/s (QPS)',
          description: 'Finished requests per second over 5m, all finish reasons.',
          unit: 'reqps',
          w: 4,
          h: 6,
          queries: [{ expr: `sum by (model_name) (${S.requestsFinished}{${SEL}})`, legend: '{{model_name}}' }],
        },
        {
          type: 'stat',
          title: 'TTFT P50 / P90 / P99',
          description: 'Time to first token over 5m, per model across all its instances.',
          unit: 's',
          w: 7,
          h: 6,
          queries: modelQuantiles('ttft_seconds', [0.5, 0.9, 0.99]),
        },
        {
          type: 'stat',
          title: 'TPOT (inter-token latency) P50 / P90 / P99',
          description: 'Time between output tokens over 5m, per model (vLLM V0 named it time per output token).',
          unit: 's',
          w: 7,
          h: 6,
          queries: modelQuantiles('itl_seconds', [0.5, 0.9, 0.99]),
        },
        {
          type: 'stat',
          title: 'GPU utilisation',
          description: 'Mean fraction of time a kernel ran, over the GPUs of the machines serving the selection. Not SM activity: see the GPU dashboard.',
          unit: 'percentunit',
          w: 6,
          h: 6,
          min: 0,
          max: 1,
          queries: [{ expr: `avg(${S.gpuUtilization} ${ON_SERVING_HOSTS})`, legend: 'GPU util' }],
          noValue: NOT_ENABLED('no GPU exporter in this stack, or its host label differs from the serving targets'),
        },
      ],
    },
    {
      title: 'Throughput',
      panels: [
        {
          title: 'Token throughput',
          description: 'Prompt (prefill) and generated tokens per second, per model.',
          unit: 'short',
          w: 8,
          queries: [
            { expr: `sum by (model_name) (${S.promptTokens}{${SEL}})`, legend: 'prompt {{model_name}}' },
            { expr: `sum by (model_name) (${S.generationTokens}{${SEL}})`, legend: 'generated {{model_name}}' },
          ],
        },
        {
          title: 'Requests/s by finish reason',
          description: 'Finished requests per second by reason (vLLM: stop, length, abort, error; SGLang reports all).',
          unit: 'reqps',
          w: 8,
          stack: true,
          queries: [{ expr: `sum by (model_name, finished_reason) (${S.requestsFinished}{${SEL}})`, legend: '{{finished_reason}} {{model_name}}' }],
        },
        {
          title: 'Running and waiting requests',
          description: 'Queue state: requests in the batch and requests waiting, per instance.',
          unit: 'short',
          w: 8,
          queries: [
            { expr: `sum by (instance) (${S.requestsRunning}{${SEL}})`, legend: 'running {{instance}}' },
            { expr: `sum by (instance) (${S.requestsWaiting}{${SEL}})`, legend: 'waiting {{instance}}' },
          ],
        },
      ],
    },
    {
      title: 'Memory',
      panels: [
        {
          title: 'KV-cache usage',
          description: 'KV-cache usage 0-1 per instance (the fullest rank).',
          unit: 'percentunit',
          w: 8,
          min: 0,
          max: 1,
          queries: [{ expr: `max by (instance, model_name) (${S.kvCacheUsage}{${SEL}})`, legend: '{{instance}} {{model_name}}' }],
        },
        {
          title: 'GPU memory used',
          description: 'GPU memory used and capacity on the machines serving the selection.',
          unit: 'bytes',
          w: 8,
          queries: [
            { expr: `sum by (host) (${S.gpuMemoryUsed} ${ON_SERVING_HOSTS})`, legend: 'used {{host}}' },
            { expr: `sum by (host) (${S.gpuMemoryTotal} ${ON_SERVING_HOSTS})`, legend: 'total {{host}}' },
          ],
          noValue: NOT_ENABLED('no GPU exporter in this stack'),
        },
        {
          title: 'Preemptions/s',
          description: 'Requests preempted (SGLang: retracted) per second: the KV cache could not hold the batch.',
          unit: 'ops',
          w: 8,
          queries: [{ expr: `sum by (instance) (${S.preemptions}{${SEL}})`, legend: '{{instance}}' }],
          noValue: NOT_ENABLED('this SGLang version reports no retractions'),
        },
        {
          title: 'Prefix-cache hit ratio',
          description: 'Prompt tokens served from the prefix cache / prompt tokens looked up (vLLM V0 and SGLang without cached-token counters: their hit-rate gauge).',
          unit: 'percentunit',
          w: 8,
          min: 0,
          max: 1,
          queries: [{ expr: `max by (instance, model_name) (${S.prefixCacheHitRatio}{${SEL}})`, legend: '{{instance}} {{model_name}}' }],
          noValue: NOT_ENABLED('prefix caching off, or no prompts in the last 5m'),
        },
        {
          title: 'Process and host memory',
          description:
            'Resident memory of the vLLM API server process (SGLang serves its metrics in multiprocess mode, without process metrics), and memory in use on the machines serving the selection (node exporter): a leak shows in either.',
          unit: 'bytes',
          w: 8,
          queries: [
            { expr: `sum by (instance) (${S.processMemory}{${PROC_SEL}})`, legend: 'process {{instance}}' },
            { expr: `sum by (host) (${S.hostMemoryUsed} ${ON_SERVING_HOSTS})`, legend: 'host used {{host}}' },
          ],
          noValue: NOT_ENABLED('no process metrics (vLLM with DP > 1 or --api-server-count > 1, SGLang) and no node exporter on the serving machines'),
        },
        {
          title: 'Tokens per engine step',
          description: 'Mean tokens the engine computed per step: the batch size in tokens (SGLang: prefill-computed and decode tokens per forward pass).',
          unit: 'short',
          w: 8,
          queries: [{ expr: `max by (instance) (${S.iterationTokensMean}{${SEL}})`, legend: '{{instance}}' }],
          noValue: NOT_ENABLED('idle, or an engine without step counts (vLLM 0.4/0.5, SGLang before 2025)'),
        },
      ],
    },
    {
      title: 'Latency distributions',
      panels: [
        {
          title: 'Time to first token',
          description: 'TTFT percentiles over 5m, per model.',
          unit: 's',
          w: 8,
          queries: modelQuantiles('ttft_seconds', [0.5, 0.9, 0.95, 0.99, 0.999]),
        },
        {
          title: 'Inter-token latency (TPOT)',
          description: 'Time between output tokens, percentiles over 5m; per-request TPOT P99 where vLLM >= 0.11 reports it.',
          unit: 's',
          w: 8,
          queries: [...modelQuantiles('itl_seconds', [0.5, 0.9, 0.99, 0.999]), ...modelQuantiles('tpot_seconds', [0.99], 'per-request TPOT ')],
        },
        {
          title: 'End-to-end latency',
          description: 'Request latency percentiles over 5m, per model.',
          unit: 's',
          w: 8,
          queries: modelQuantiles('e2e_seconds', [0.5, 0.9, 0.99, 0.999]),
        },
      ],
    },
  ];
  return dashboard(
    OVERVIEW_UID,
    'LLM serving overview',
    'vLLM and SGLang fleet: throughput, queueing, KV cache and latency percentiles, from the normalised llm: series.',
    ['overview'],
    servingVariables(true),
    layout(rows, true),
  );
}

const inst = (h: Parameters<typeof histogramQuantile>[0], qs: ('p50' | 'p90' | 'p95' | 'p99' | 'p999')[]): QuerySpec[] =>
  qs.map((q) => ({ expr: `${histogramQuantile(h, q)}{${SEL}}`, legend: `${q.replace('p999', 'P99.9').replace('p', 'P')} {{model_name}}` }));

/**
 * Optional engine features (issue 11): each panel reads only series of its feature, and says which
 * flag brings them where the fleet runs without it; validate calls those panels not applicable.
 */
function featuresRow(panel: (p: PanelSpec) => PanelSpec): RowSpec {
  return {
    title: 'Optional features (empty where the feature is off: each panel names its flag)',
    panels: [
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
    ],
  };
}

export function instanceDashboard(): Dashboard {
  const panel = (p: PanelSpec): PanelSpec => ({ w: 8, ...p });
  const rows: RowSpec[] = [
    {
      title: 'State',
      panels: [
        panel({
          title: 'Running and waiting',
          description: 'Requests in the batch and in the queue.',
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
          description: 'Fullest rank, 0-1. Hybrid models on SGLang also show each pool (full attention, sliding-window, Mamba state): the overall figure is the fullest pool.',
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
          description: 'Prompt and generated tokens per second.',
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
        panel({ title: 'TTFT', description: 'Time to first token, 5m percentiles.', unit: 's', queries: inst('ttft_seconds', ['p50', 'p90', 'p99', 'p999']) }),
        panel({ title: 'Inter-token latency', description: 'Time between output tokens, 5m percentiles.', unit: 's', queries: inst('itl_seconds', ['p50', 'p90', 'p99', 'p999']) }),
        panel({ title: 'End-to-end latency', description: 'Request latency, 5m percentiles.', unit: 's', queries: inst('e2e_seconds', ['p50', 'p90', 'p99', 'p999']) }),
        panel({
          title: 'Queue time',
          description: 'Time waiting before scheduling, 5m percentiles.',
          unit: 's',
          queries: inst('queue_seconds', ['p50', 'p90', 'p99']),
          noValue: NOT_ENABLED('early vLLM V0 and older SGLang report no queue-time histogram'),
        }),
        panel({
          title: 'Prefill and decode time',
          description:
            'Per-request prefill and decode phases: the mean for every engine (SGLang has no phase histograms: prefill = TTFT - queue time, decode = E2E - TTFT), P50/P99 where vLLM reports the histograms.',
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
            'Time per output token after the first. Mean for every engine: (E2E - TTFT) over output tokens less one per request. Per-request P50/P90/P99 where vLLM >= 0.11 reports them.',
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
          description: 'Fraction of requests the server failed (HTTP 5xx, finished_reason=error; vLLM only) and fraction of finished requests the client aborted.',
          unit: 'percentunit',
          min: 0,
          queries: [
            { expr: `${S.requestsServerErrorRatio}{${SEL}}`, legend: 'errors {{model_name}}' },
            { expr: `${S.requestsAbortedRatio}{${SEL}}`, legend: 'aborts {{model_name}}' },
          ],
          noValue: NOT_ENABLED('no finished requests in the last 5m'),
        }),
        panel({ title: 'Preemptions/s', description: 'Preempted (SGLang: retracted) requests per second.', unit: 'ops', queries: [{ expr: `${S.preemptions}{${SEL}}`, legend: '{{model_name}}' }] }),
        panel({
          title: 'SLO misses (5m)',
          description: 'Share of requests (ITL: token intervals) of this instance slower than the objective, over 5 minutes; the objective is the bucket bound shown in the legend. The burn-rate alerts add up every instance of the model.',
          unit: 'percentunit',
          min: 0,
          queries: (['ttft_seconds', 'itl_seconds', 'e2e_seconds'] as const).map((h) => ({
            expr: `${sloBad(h)}{${SEL}} / (${sloBad(h)}{${SEL}} + ${sloGood(h)}{${SEL}} > 0)`,
            legend: `${h.split('_')[0]!.toUpperCase()} {{model_name}} (≤ {{objective}}s)`,
          })),
        }),
        panel({
          title: 'Prefix-cache hit ratio',
          description: 'Prompt tokens served from the prefix cache / prompt tokens looked up (vLLM V0: its hit-rate gauge). Hit tokens per second are on the Tokens/s panel.',
          unit: 'percentunit',
          min: 0,
          max: 1,
          queries: [{ expr: `${S.prefixCacheHitRatio}{${SEL}}`, legend: '{{model_name}}' }],
          noValue: NOT_ENABLED('prefix caching off, or no prompts in the last 5m'),
        }),
        panel({
          title: 'GPU utilisation on this machine',
          description: 'Fraction of time a kernel ran, per GPU of the instance\'s host.',
          unit: 'percentunit',
          min: 0,
          max: 1,
          queries: [{ expr: `${S.gpuUtilization} ${ON_SERVING_HOSTS}`, legend: 'GPU {{gpu}}' }],
          noValue: NOT_ENABLED('no GPU exporter on this host'),
        }),
        panel({
          title: 'GPU memory on this machine',
          description: 'GPU memory used per GPU of the instance\'s host.',
          unit: 'bytes',
          queries: [{ expr: `${S.gpuMemoryUsed} ${ON_SERVING_HOSTS}`, legend: 'GPU {{gpu}}' }],
          noValue: NOT_ENABLED('no GPU exporter on this host'),
        }),
      ],
    },
    featuresRow(panel),
  ];
  return dashboard(
    INSTANCE_UID,
    'LLM serving instance',
    'One vLLM or SGLang instance in detail: state, latency percentiles, health and its GPUs.',
    ['instance'],
    servingVariables(false),
    layout(rows, true),
  );
}
