/**
 * Alert rules (DESIGN.md section 7). They read only normalised series (plus `up` and Prometheus'
 * own metrics), so one rule serves vLLM V0, V1 and SGLang. Latency thresholds come from StackSpec.slo;
 * the others from ALERT_THRESHOLDS. alertmanager.ts inhibits on LLMTargetDown and GPUExporterDown.
 */
import { DEFAULT_RUNBOOK_URL } from '../spec/defaults.js';
import { ENGINES, type GpuKind, type Slo } from '../spec/types.js';
import { GPU_JOB } from '../render/prometheus.js';
import { by } from './promql.js';
import { S, SLO_HISTOGRAMS, type SloHistogram, histogramQuantile, sloViolationRatio } from './series.js';
import type { AlertingRule, RuleGroup, Severity } from './types.js';

/** An alert's section on a runbook page: GitHub-style heading anchor, the alert name in lower case. */
export const runbookLink = (page: string, alert: string): string => `${page}#${alert.toLowerCase()}`;

export const ALERT_THRESHOLDS = {
  /** Requests waiting before we call the queue deep. */
  queueDepth: 20,
  /** KV-cache usage (0-1) that leaves no room for new sequences. */
  kvCacheUsage: 0.95,
  /** Preemptions per second, sustained. */
  preemptionsPerSecond: 0.05,
  /** Fraction of finished requests that were aborted or errored. */
  failedRatio: 0.05,
  gpuTemperatureCelsius: 85,
  /** vLLM pre-allocates ~90% of GPU memory by design, so only the last percents are pressure. */
  gpuMemoryUsedRatio: 0.98,
  /** Error budget of a p99 objective. */
  sloErrorBudget: 0.01,
} as const;

/** Multi-window, multi-burn-rate pairs (Google SRE workbook): page fast burns, ticket slow ones. */
export const BURN_RATES = [
  { long: '1h', short: '5m', factor: 14.4, severity: 'critical', for: '2m' },
  { long: '6h', short: '30m', factor: 6, severity: 'warning', for: '15m' },
] as const;

const LLM = by(['engine', 'model_name', 'instance', 'job', 'host']);
const ENGINE_JOBS = ENGINES.join('|');
const GPU_JOBS = Object.values(GPU_JOB).join('|');

export interface AlertDoc {
  rule: AlertingRule;
  /** What to check and do, for the runbook. */
  runbook: string;
}

type AlertBuilder = (name: string, severity: Severity, forDuration: string, expr: string, summary: string, description: string, runbook: string) => AlertDoc;

/** Builds alerts whose runbook_url points into `runbookPage`. */
const alertsLinkingTo =
  (runbookPage: string): AlertBuilder =>
  (name, severity, forDuration, expr, summary, description, runbook) => ({
    rule: {
      alert: name,
      expr,
      for: forDuration,
      labels: { severity },
      annotations: { summary, description, runbook_url: runbookLink(runbookPage, name) },
    },
    runbook,
  });

const where = '{{ $labels.model_name }} on {{ $labels.instance }} ({{ $labels.engine }})';
const v2 = '{{ printf "%.2f" $value }}';

const SLO_TITLE: Record<SloHistogram, { short: string; key: keyof Slo; what: string }> = {
  ttft_seconds: { short: 'TTFT', key: 'ttftP99Seconds', what: 'time to first token' },
  itl_seconds: { short: 'ITL', key: 'itlP99Seconds', what: 'inter-token latency' },
  e2e_seconds: { short: 'E2E', key: 'e2eP99Seconds', what: 'end-to-end latency' },
};

export function llmAlerts(slo: Slo, runbookPage = DEFAULT_RUNBOOK_URL): AlertDoc[] {
  const alert = alertsLinkingTo(runbookPage);
  const t = ALERT_THRESHOLDS;
  const docs: AlertDoc[] = [
    alert(
      'LLMTargetDown',
      'critical',
      '2m',
      `up{job=~"${ENGINE_JOBS}"} == 0`,
      'An inference server cannot be scraped.',
      'Prometheus cannot scrape {{ $labels.job }} target {{ $labels.instance }}.',
      'Open Prometheus > Status > Targets for the last error. Check the server runs and listens on 0.0.0.0 (not 127.0.0.1), the port and firewall, and host.docker.internal for servers on the Docker host.',
    ),
    alert(
      'LLMMetricsAbsent',
      'warning',
      '5m',
      `(up{job=~"${ENGINE_JOBS}"} == 1) unless on (job, instance) ${S.requestsRunning}`,
      'A target answers but exposes no engine metrics.',
      '{{ $labels.instance }} ({{ $labels.job }}) is up but exposes none of the engine metrics the rules read.',
      'SGLang needs --enable-metrics; vLLM must not run with --disable-log-stats. Run `create-vllm-monitor detect <url>` to see what the endpoint serves (a proxy page, a router, another engine).',
    ),
    alert(
      'LLMAdmissionStalled',
      'critical',
      '5m',
      `(${S.requestsWaiting} > 0) and on ${LLM} (${S.requestsRunning} == 0)`,
      'Requests are waiting but none is running.',
      `${v2} requests wait on ${where} and none has been admitted for 5 minutes.`,
      'The scheduler admits nothing: KV cache exhausted by a stuck request, a hung engine core, or a request larger than the context. Check the server log; restart it if the engine core is hung.',
    ),
    alert(
      'LLMQueueDepthHigh',
      'warning',
      '10m',
      `${S.requestsWaiting} > ${t.queueDepth}`,
      'Many requests are queued.',
      `${v2} requests wait on ${where}.`,
      'Demand exceeds capacity: add replicas, raise max-num-seqs if KV cache allows, or shed load upstream.',
    ),
    alert(
      'LLMQueueTimeHigh',
      'warning',
      '10m',
      `${histogramQuantile('queue_seconds', 'p99')} > ${slo.ttftP99Seconds}`,
      'Requests wait in the queue longer than the TTFT objective.',
      `P99 queue time on ${where} is ${v2}s (TTFT objective ${slo.ttftP99Seconds}s).`,
      'Queueing alone exceeds the TTFT budget: add capacity or limit concurrency upstream.',
    ),
  ];
  for (const h of SLO_HISTOGRAMS) {
    const s = SLO_TITLE[h];
    const objective = slo[s.key];
    docs.push(
      alert(
        `LLM${s.short}P99High`,
        'warning',
        '10m',
        `${histogramQuantile(h, 'p99')} > ${objective}`,
        `P99 ${s.what} is over its objective.`,
        `P99 ${s.what} on ${where} is ${v2}s (objective ${objective}s).`,
        `Compare with queue time and KV-cache usage: queueing and preemptions raise ${s.short}; so do long prompts and GPU contention.`,
      ),
    );
    for (const b of BURN_RATES) {
      const limit = b.factor * t.sloErrorBudget;
      docs.push(
        alert(
          `LLM${s.short}ErrorBudgetBurn`,
          b.severity,
          b.for,
          `(${sloViolationRatio(h, b.long)} > ${limit}) and on ${LLM} (${sloViolationRatio(h, b.short)} > ${limit})`,
          `The ${s.short} objective's error budget burns fast.`,
          `${v2} of requests on ${where} missed the ${s.what} objective (${objective}s) over ${b.long}; budget ${t.sloErrorBudget} at ${b.factor}x burn.`,
          `At this rate the monthly error budget of the ${s.short} objective is gone in ${Math.round((30 * 24) / b.factor)}h. Look at queueing, preemptions and recent deploys.`,
        ),
      );
    }
  }
  docs.push(
    alert(
      'LLMKVCacheNearFull',
      'warning',
      '10m',
      `${S.kvCacheUsage} > ${t.kvCacheUsage}`,
      'KV cache is nearly full.',
      `KV-cache usage on ${where} is ${v2} (0-1).`,
      'New sequences will queue or preempt running ones. Lower max-num-seqs / max-model-len, raise gpu-memory-utilization, or add replicas.',
    ),
    alert(
      'LLMPreemptionsSustained',
      'warning',
      '15m',
      `${S.preemptions} > ${t.preemptionsPerSecond}`,
      'Requests are being preempted continuously.',
      `${v2} preemptions/s on ${where}.`,
      'KV cache is too small for the running batch: preempted requests recompute and latency rises. Reduce concurrency or context, or add memory.',
    ),
    alert(
      'LLMRequestErrorRateHigh',
      'warning',
      '10m',
      `${S.requestsFailedRatio} > ${t.failedRatio}`,
      'Many requests end aborted or in error.',
      `${v2} of finished requests on ${where} were aborted or failed.`,
      'Aborts are often client timeouts caused by latency; errors are engine failures. Check the server log and the latency panels.',
    ),
    alert(
      'LLMThroughputCollapsed',
      'critical',
      '5m',
      `(${S.generationTokens} == 0) and on ${LLM} (${S.requestsWaiting} > 0)`,
      'No tokens are generated while requests wait.',
      `${where} generated no tokens for 5 minutes while requests wait.`,
      'The engine is hung or crashed behind a live HTTP server. Check GPU health (XID errors), the server log, and restart.',
    ),
  );
  return docs;
}

export function gpuAlerts(kind: Exclude<GpuKind, 'none'>, runbookPage = DEFAULT_RUNBOOK_URL): AlertDoc[] {
  const alert = alertsLinkingTo(runbookPage);
  const t = ALERT_THRESHOLDS;
  const gpuWhere = 'GPU {{ $labels.gpu }} on {{ $labels.instance }}';
  const docs = [
    alert(
      'GPUExporterDown',
      'warning',
      '5m',
      `up{job=~"${GPU_JOBS}"} == 0`,
      'A GPU exporter cannot be scraped.',
      'Prometheus cannot scrape {{ $labels.job }} on {{ $labels.instance }}.',
      'Check the exporter container (NVIDIA Container Toolkit, SYS_ADMIN for DCGM, /dev/kfd for AMD) and the port from Prometheus.',
    ),
    alert(
      'GPUTemperatureHigh',
      'warning',
      '10m',
      `${S.gpuTemperature} > ${t.gpuTemperatureCelsius}`,
      'A GPU runs hot.',
      `${gpuWhere} is at ${v2} °C.`,
      'Hot GPUs throttle clocks. Check fans, airflow and the clock panels.',
    ),
    alert(
      'GPUMemoryPressure',
      'warning',
      '10m',
      `${S.gpuMemoryUsedRatio} > ${t.gpuMemoryUsedRatio}`,
      'GPU memory is almost exhausted.',
      `${gpuWhere} uses ${v2} of its memory.`,
      'Another process shares the GPU, or gpu-memory-utilization is set too high: expect out-of-memory errors.',
    ),
    alert(
      'GPUXidErrors',
      'warning',
      '1m',
      `${S.gpuXidErrors} > 0`,
      'A GPU reported XID errors.',
      `${gpuWhere} reported ${v2} XID error(s) in 5 minutes.`,
      'Look up the XID code (dmesg, DCGM err_code label): 48/63/64/74/79/94/95 mean hardware or driver trouble and usually need a reset or drain; 13/31/43 are usually application faults.',
    ),
  ];
  // The AMD exporter has no XID counterpart: no series would ever feed the alert.
  return kind === 'amd' ? docs.filter((d) => d.rule.alert !== 'GPUXidErrors') : docs;
}

export function platformAlerts(runbookPage = DEFAULT_RUNBOOK_URL): AlertDoc[] {
  const alert = alertsLinkingTo(runbookPage);
  return [
    alert(
      'Watchdog',
      'info',
      '1m',
      'vector(1)',
      'Always firing: proves the alerting pipeline works.',
      'Prometheus evaluates rules and delivers alerts to Alertmanager.',
      'If this alert is missing in Alertmanager, rule evaluation or delivery is broken.',
    ),
    alert(
      'PrometheusConfigReloadFailed',
      'warning',
      '5m',
      'prometheus_config_last_reload_successful == 0',
      'Prometheus failed to reload its configuration.',
      'Prometheus {{ $labels.instance }} runs an old configuration: the last reload failed.',
      'Run promtool check config / check rules on the stack, fix the file, and POST /-/reload again.',
    ),
  ];
}

/** Every alert a stack with this GPU kind carries, with its runbook text. */
export function stackAlerts(slo: Slo, gpu: GpuKind, runbookPage = DEFAULT_RUNBOOK_URL): { group: string; docs: AlertDoc[] }[] {
  return [
    { group: 'llm-alerts', docs: llmAlerts(slo, runbookPage) },
    ...(gpu === 'none' ? [] : [{ group: 'gpu-alerts', docs: gpuAlerts(gpu, runbookPage) }]),
    { group: 'platform-alerts', docs: platformAlerts(runbookPage) },
  ];
}

export function alertGroups(slo: Slo, gpu: GpuKind, runbookPage = DEFAULT_RUNBOOK_URL): RuleGroup[] {
  return stackAlerts(slo, gpu, runbookPage).map(({ group, docs }) => ({ name: group, rules: docs.map((d) => d.rule) }));
}
