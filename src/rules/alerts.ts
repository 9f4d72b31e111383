/**
 * Alert rules (DESIGN.md section 7). They read only normalised series (plus `up` and Prometheus'
 * own metrics), so one rule serves vLLM V0, V1 and SGLang. SLO burn-rate alerts are in slo-alerts.ts;
 * the other thresholds are ALERT_THRESHOLDS. alertmanager.ts inhibits on LLMTargetDown and GPUExporterDown.
 */
import { DEFAULT_RUNBOOK_URL } from '../config/defaults.js';
import { ENGINES, type GpuKind, type Slo } from '../config/types.js';
import { GPU_JOB } from '../render/prometheus.js';
import { by } from './promql.js';
import { S } from './series.js';
import { sloAlerts } from './slo-alerts.js';
import { routerAlerts } from './router.js';
import { remoteWriteAlerts } from './remote-write-alerts.js';
import { type AlertBuilder, type AlertDoc, alertsLinkingTo } from './alert-doc.js';
import { XID_APPLICATION, XID_CRITICAL, xidRegex } from './xid.js';
import type { RuleGroup, Severity } from './types.js';

export { type AlertDoc, runbookLink } from './alert-doc.js';

export const ALERT_THRESHOLDS = {
  /** Requests waiting before we call the queue deep. */
  queueDepth: 20,
  /** Preemptions per second, sustained: a ticket, and a page. */
  preemptionsPerSecond: 0.05,
  preemptionsPerSecondCritical: 0.5,
  /** Fraction of finished requests aborted by their clients (info only). */
  abortedRatio: 0.25,
  /** Requests per second a target must serve before its ratios alert (6 a minute). */
  minRequestsPerSecond: 0.1,
  /** P/D: failed KV-cache transfers per finished request. */
  kvTransferFailureRatio: 0.05,
  gpuTemperatureCelsius: 85,
  /** vLLM pre-allocates ~90% of GPU memory by design, so only the last percents are pressure. */
  gpuMemoryUsedRatio: 0.98,
  /**
   * Share of the time a GPU's clocks are held down. Thermal: a tenth of the time is a cooling problem.
   * Power: GPU Boost runs a busy GPU into its power limit by design (prefill does), so only a GPU
   * held at it most of the time (a lowered limit, a weak PSU) makes a ticket.
   */
  gpuThermalThrottleRatio: 0.1,
  gpuPowerThrottleRatio: 0.5,
  /** How long an XID or RAS event keeps its alert firing: one page per event, not one per 5 minutes. */
  gpuEventHold: '1h',
  /** How far back the GPUs a machine had are remembered: a GPU gone from it pages until then. */
  gpuCountMemory: '6h',
  /** Free-space fractions of a filesystem: filling up (with a predicted full disk) and almost full. */
  fsFillingFree: 0.4,
  fsFillingFreeCritical: 0.2,
  fsAlmostFullFree: 0.05,
  fsAlmostFullFreeCritical: 0.03,
  hostMemoryUsedRatio: 0.95,
  /** Clock offset (seconds) from the time source. */
  clockOffsetSeconds: 0.05,
} as const;

const LLM = by(['engine', 'model_name', 'instance', 'job', 'host']);
/**
 * Leaves out engines put to sleep on purpose. `unless` drops only series with a matching asleep
 * sample of 1: an engine without the sleep metric (vLLM < 0.11, SGLang) stays in, as awake.
 */
const AWAKE = `unless on ${LLM} (${S.engineAsleep} == 1)`;
const ENGINE_JOBS = ENGINES.join('|');
const GPU_JOBS = Object.values(GPU_JOB).join('|');

const where = '{{ $labels.model_name }} on {{ $labels.instance }} ({{ $labels.engine }})';
const v2 = '{{ printf "%.2f" $value }}';

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
      `((${S.requestsWaitingCapacity} > 0) and on ${LLM} (${S.requestsRunning} == 0)) ${AWAKE}`,
      'Requests are waiting but none is running.',
      `${v2} requests wait for capacity on ${where} and none has been admitted for 5 minutes.`,
      'The scheduler admits nothing: KV cache exhausted by a stuck request, a hung engine core, or a request larger than the context. Check the server log; restart it if the engine core is hung. Requests deferred on purpose (P/D KV transfer) and sleeping engines do not count here.',
    ),
    alert(
      'LLMQueueDepthHigh',
      'warning',
      '10m',
      // A sleeping engine with a deep queue still tickets: its clients wait, asleep or not.
      `${S.requestsWaitingCapacity} > ${t.queueDepth}`,
      'Many requests are queued.',
      `${v2} requests wait on ${where}.`,
      'Demand exceeds capacity: add replicas, raise max-num-seqs if KV cache allows, or shed load upstream.',
    ),
  ];
  docs.push(...sloAlerts(slo, alert));
  // KV-cache usage alone is no alert: vLLM fills its cache by design. Preemption is the symptom.
  const preemption = (severity: Severity, perSecond: number): AlertDoc =>
    alert(
      'LLMPreemptionsSustained',
      severity,
      '15m',
      `${S.preemptions} > ${perSecond}`,
      'Requests are being preempted continuously.',
      `${v2} preemptions/s on ${where} (${severity} above ${perSecond}/s).`,
      'KV cache is too small for the running batch: preempted requests recompute and latency rises. Reduce concurrency (max-num-seqs) or context, raise gpu-memory-utilization, or add replicas.',
    );
  // Enough traffic for a ratio to mean something: one abort in three requests is no signal.
  const traffic = `sum by ${LLM} (${S.requestsFinished})`;
  docs.push(
    preemption('critical', t.preemptionsPerSecondCritical),
    preemption('warning', t.preemptionsPerSecond),
    alert(
      'LLMClientAbortsHigh',
      'info',
      '15m',
      `(${S.requestsAbortedRatio} > ${t.abortedRatio}) and on ${LLM} (${traffic} >= ${t.minRequestsPerSecond})`,
      'Many clients abort their requests.',
      `${v2} of finished requests on ${where} were aborted by their clients.`,
      'Aborts are clients that disconnect, press Stop or time out: not a server fault, so this never pages. Many aborts usually mean latency above what clients wait for: look at the TTFT and queue panels.',
    ),
    // P/D disaggregation: a decode node that cannot read its KV recomputes the prompt or fails the
    // request; a steady share of failed transfers is a broken link between the nodes, worth a page.
    alert(
      'LLMKVTransferFailing',
      'critical',
      '5m',
      `(${S.kvTransferFailures} / on ${LLM} (${traffic} > 0) > ${t.kvTransferFailureRatio}) and on ${LLM} (${traffic} >= ${t.minRequestsPerSecond})`,
      'KV-cache transfers between prefill and decode nodes fail.',
      `${v2} failed KV transfers per finished request on ${where}.`,
      'Prefill/decode disaggregation: the decode node cannot read the KV cache of its prefill node (vLLM NixlConnector, SGLang --disaggregation-mode), so requests recompute or fail. Check the network between the nodes (RDMA/UCX devices, the side-channel port), that both nodes run the same model and KV layout, and the P/D panels of the instance dashboard (transfer time, expired KV on the prefill node).',
    ),
    // Disjoint from LLMAdmissionStalled (nothing running): a stalled scheduler pages once, not twice.
    alert(
      'LLMThroughputCollapsed',
      'critical',
      '5m',
      `((${S.requestsRunning} > 0) and on ${LLM} (${S.generationTokens} == 0)) ${AWAKE}`,
      'Requests are running but no token is generated.',
      `${where} generated no tokens for 5 minutes while ${v2} requests run.`,
      'The engine is hung or crashed behind a live HTTP server: its batch stays and no step completes. Check GPU health (XID errors), the server log, and restart. A sleeping engine (vLLM sleep mode) does not count here; requests waiting with none running are LLMAdmissionStalled.',
    ),
  );
  return docs;
}

export function gpuAlerts(kind: Exclude<GpuKind, 'none'>, runbookPage = DEFAULT_RUNBOOK_URL): AlertDoc[] {
  const alert = alertsLinkingTo(runbookPage);
  const t = ALERT_THRESHOLDS;
  const gpuWhere = 'GPU {{ $labels.gpu }} on {{ $labels.instance }}';
  const held = (expr: string): string => `max_over_time(${expr}[${t.gpuEventHold}]) > 0`;
  const critical = xidRegex(XID_CRITICAL);
  const application = xidRegex(XID_APPLICATION);
  const xid = (severity: Severity, selector: string, what: string, runbook: string): AlertDoc =>
    alert(
      'GPUXidError',
      severity,
      '0m',
      held(`${S.gpuXidErrors}{${selector}}`),
      'A GPU reported an XID error.',
      `${gpuWhere} reported XID {{ $labels.xid }} (${what}): ${v2} time(s) within 5 minutes, in the last ${t.gpuEventHold}.`,
      runbook,
    );
  const xidRunbook =
    "Severity follows the XID's immediate action in NVIDIA's XID catalogue (docs.nvidia.com/deploy/xid-errors). Critical (46, 48, 62, 64, 74, 79, 95, 109, 110, 119, 120, 136, 140, 143-150, 158): the GPU needs a reset or the machine a restart; drain it (stop or move the engine), then nvidia-smi -r -i <gpu> or reboot; 79 (fallen off the bus) needs a reboot and, if it recurs, a reseat or power check; 48/95 are uncorrectable memory errors; 74 is NVLink, check nvidia-smi nvlink -s. Warning: anything else, e.g. 94 (a contained memory error: restart the one engine that hit it, reset the GPU when convenient), 63 (a row remap was recorded: see GPURowRemapPending), 92 (a high single-bit ECC rate: watch it, contact the vendor if it persists). Info (13, 31, 43, 45, 68) is the application's own fault (out-of-bounds access, page fault, a killed process): it pages nobody, the engine's alerts say whether serving broke; it sits next to them in Alertmanager to say why. dmesg | grep -i xid shows the driver's line. The alert holds for an hour after the last event; resolved does not mean repaired. A repeat counts: DCGM counts every event in its 5-minute window (DCGM_EXP_XID_ERRORS_COUNT, in this stack's counters CSV); the nvidia-smi exporter reports XIDs only with its NVML backend (the -nvml image).";
  const ras = (severity: Severity, level: string): AlertDoc =>
    alert(
      'GPURasError',
      severity,
      '0m',
      held(`${S.gpuRasErrors}{ras_severity="${level}"}`),
      'A GPU reported a RAS error event.',
      `${gpuWhere} reported ${v2} ${level} RAS error(s) (AFIDs) within 5 minutes, in the last ${t.gpuEventHold}.`,
      'The AMD driver logged a RAS (CPER) record; gpu_afid_errors holds its AMD Field IDs (AFID list: docs.amd.com, AMD Field ID event list). Critical: a fatal error, the GPU needs a reset (amd-smi reset -G -g <gpu>) or the machine a reboot; drain it first. Warning: an uncorrected non-fatal error: restart the affected engine, check amd-smi ras and the kernel log (dmesg | grep -i amdgpu), reset at the next window. Corrected errors do not alert. The exporter keeps only the latest record, so the same record repeated is invisible.',
    );
  const throttling = (name: string, reason: string, limit: number, why: string, runbook: string): AlertDoc =>
    alert(
      name,
      'warning',
      '15m',
      `${S.gpuThrottled}{reason="${reason}"} > ${limit}`,
      `A GPU is throttled by its ${reason === 'power' ? 'power limit' : 'temperature'}.`,
      `${gpuWhere} had its clocks held down by ${why} ${v2} of the time (ticket above ${limit}).`,
      runbook,
    );
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
      'GPUMissing',
      'critical',
      '5m',
      `${S.gpuDevices} < on (instance, job, host) max_over_time(${S.gpuDevices}[${t.gpuCountMemory}])`,
      'A GPU disappeared from its machine.',
      `{{ $labels.instance }} reports ${v2} GPU(s), fewer than it did in the last ${t.gpuCountMemory}, while its exporter is up.`,
      `A GPU that fell off the PCIe bus (XID 79) or that the driver lost stops being reported; engines on it are dead or hang. Check nvidia-smi (amd-smi) on the machine and dmesg for XID 79 / NVRM / amdgpu errors; drain the machine and reboot it; if the GPU stays gone, reseat it or check its power. An exporter that is down does not fire this (GPUExporterDown does); one that is up but can no longer read the driver (nvidia_smi_last_collect_success 0, e.g. "Failed to initialize NVML: Unknown Error" after a systemctl daemon-reload) reports no GPU and does: if nvidia-smi works on the machine itself, restart the exporter container. A GPU removed on purpose keeps this firing for ${t.gpuCountMemory}: silence it for that long.`,
    ),
    ...(kind === 'amd'
      ? []
      : [
          xid('critical', `xid=~"${critical}"`, 'the GPU needs a reset', xidRunbook),
          xid('warning', `xid!~"${critical}|${application}"`, 'a hardware or driver fault', xidRunbook),
          xid('info', `xid=~"${application}"`, "the application's own fault", xidRunbook),
          alert(
            'GPURowRemapFailed',
            'critical',
            '1m',
            `${S.gpuRowRemapFailed} == 1`,
            'A GPU failed to remap a memory row.',
            `${gpuWhere} could not remap a row of its memory with errors: its memory can no longer be repaired.`,
            "NVIDIA's row-remapping failure is an RMA criterion (NVIDIA GPU memory error management guide). Drain the GPU, check nvidia-smi -q -d ROW_REMAPPER, run the field diagnostic (dcgmi diag -r 3) and start an RMA with the vendor.",
          ),
          alert(
            'GPURowRemapPending',
            'warning',
            '5m',
            `${S.gpuRowRemapPending} == 1`,
            'A GPU needs a reset to apply a memory row remap.',
            `${gpuWhere} recorded a memory row remap that takes effect only after a GPU reset.`,
            'The faulty row stays in use until the GPU is reset. At the next convenient window drain the GPU and reset it (nvidia-smi -r -i <gpu>) or reboot the machine; check nvidia-smi -q -d ROW_REMAPPER afterwards.',
          ),
        ]),
    ...(kind === 'amd' ? [ras('critical', 'fatal'), ras('warning', 'non_fatal_uncorrected')] : []),
    alert(
      'GPUUncorrectableMemoryErrors',
      'warning',
      '0m',
      `${S.gpuUncorrectableMemoryErrors} > 0`,
      'A GPU had uncorrectable memory errors.',
      `${gpuWhere} reported new uncorrectable memory errors in the last hour (${v2}).`,
      'An uncorrectable ECC error corrupted data the GPU was using: the engine on it may have crashed or returned bad results (NVIDIA GPUs also raise XID 48 or 95, which page, or 94, which tickets). Reset the GPU at the next window (that applies the row remap NVIDIA GPUs record); if errors come back after a reset, run the field diagnostic and contact the vendor. nvidia-smi -q -d ECC / amd-smi metric --ecc show the counts.',
    ),
    throttling(
      'GPUThermalThrottling',
      'thermal',
      t.gpuThermalThrottleRatio,
      'temperature',
      'The GPU slows its clocks to stay under its temperature limits, so every engine on it is slower. Check fans, airflow, inlet temperature and dust; GPUTemperatureHigh and the clock panel show how hot and how slow. nvidia-smi -q -d PERFORMANCE (amd-smi metric --throttle) names the active reason.',
    ),
    throttling(
      'GPUPowerThrottling',
      'power',
      t.gpuPowerThrottleRatio,
      'its power limit',
      'A busy GPU reaching its power limit now and then is normal; held there most of the time, it runs below its rated clocks. Compare the enforced power limit with the default (nvidia-smi -q -d POWER; amd-smi metric --power): a lowered limit (nvidia-smi -pl) or a PSU or rack power cap is the usual cause.',
    ),
  ];
  return docs;
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
    // The pipeline watches itself (after prometheus-mixin and alertmanager-mixin). Every metric here
    // exists in Prometheus 2.42, 2.53 and 3.5 and Alertmanager 0.25, 0.28 and 0.33.
    alert(
      'PrometheusNotConnectedToAlertmanager',
      'critical',
      '10m',
      'max_over_time(prometheus_notifications_alertmanagers_discovered[5m]) < 1',
      'Prometheus has no Alertmanager to send alerts to.',
      'Prometheus {{ $labels.instance }} has discovered no Alertmanager: every alert stays in Prometheus.',
      'Nobody is notified of anything while this lasts (this alert included: watch the Watchdog heartbeat). Check the alerting section of prometheus.yml and that the alertmanager container runs and resolves by name.',
    ),
    ...(
      [
        ['critical', 0.03],
        ['warning', 0.01],
      ] as const
    ).map(([severity, ratio]) =>
      alert(
        'PrometheusErrorSendingAlerts',
        severity,
        '15m',
        `(rate(prometheus_notifications_errors_total[5m]) / on (job, instance, host, alertmanager) rate(prometheus_notifications_sent_total[5m])) > ${ratio}`,
        'Prometheus fails to send alerts to Alertmanager.',
        `Prometheus {{ $labels.instance }} fails to send ${v2} of its alerts to {{ $labels.alertmanager }} (${severity} above ${ratio}).`,
        'Look at the Prometheus log for the notifier errors: Alertmanager down or overloaded, TLS or auth, a proxy in between.',
      ),
    ),
    alert(
      'PrometheusNotificationsDropped',
      'warning',
      '5m',
      'increase(prometheus_notifications_dropped_total[5m]) > 0',
      'Prometheus dropped alert notifications.',
      'Prometheus {{ $labels.instance }} dropped notifications (queue full or no Alertmanager): some alerts were never sent.',
      'See PrometheusErrorSendingAlerts and PrometheusNotConnectedToAlertmanager; a full queue (prometheus_notifications_queue_length against _capacity) means Alertmanager is too slow to accept alerts.',
    ),
    alert(
      'PrometheusRuleEvaluationFailures',
      'critical',
      '15m',
      'increase(prometheus_rule_evaluation_failures_total[5m]) > 0',
      'Prometheus fails to evaluate rules.',
      'Prometheus {{ $labels.instance }} failed to evaluate rules of {{ $labels.rule_group }}: their series and alerts are missing.',
      'Prometheus > Status > Rule health shows the failing rule and its error (typically many-to-many matching after a label change). Fix the rule file and reload.',
    ),
    alert(
      'PrometheusTSDBCompactionsFailing',
      'warning',
      '15m',
      'increase(prometheus_tsdb_compactions_failed_total[3h]) > 0 or increase(prometheus_tsdb_reloads_failures_total[3h]) > 0',
      'Prometheus fails to compact or reload its storage blocks.',
      'Prometheus {{ $labels.instance }} reported TSDB compaction or block reload failures in the last 3 hours.',
      'Usually a full or read-only volume, or a corrupt block: check the disk (HostFilesystemAlmostFull) and the Prometheus log; a corrupt block directory can be moved away and Prometheus restarted.',
    ),
    alert(
      'PrometheusTSDBWALFailing',
      'warning',
      '5m',
      'increase(prometheus_tsdb_wal_corruptions_total[3h]) > 0 or increase(prometheus_tsdb_wal_writes_failed_total[3h]) > 0',
      'Prometheus fails to write its write-ahead log, or found it corrupt.',
      'Prometheus {{ $labels.instance }} reported WAL corruptions or failed WAL writes in the last 3 hours: recent samples may be lost.',
      'A full or failing disk is the usual cause: check free space and the kernel log of the volume Prometheus stores its data on.',
    ),
    alert(
      'AlertmanagerConfigReloadFailed',
      'critical',
      '10m',
      'max_over_time(alertmanager_config_last_reload_successful[5m]) == 0',
      'Alertmanager failed to reload its configuration.',
      'Alertmanager {{ $labels.instance }} runs an old configuration: the last reload failed.',
      'Run amtool check-config on alertmanager/alertmanager.yml, fix it, and POST /-/reload to Alertmanager.',
    ),
    alert(
      'AlertmanagerNotificationsFailing',
      'warning',
      '5m',
      'sum by (job, instance, host, integration) (rate(alertmanager_notifications_failed_total[5m])) / sum by (job, instance, host, integration) (rate(alertmanager_notifications_total[5m])) > 0.01',
      'Alertmanager fails to deliver notifications.',
      'Alertmanager {{ $labels.instance }} fails to deliver {{ $labels.integration }} notifications ({{ printf "%.2f" $value }} of them).',
      'The receiver refuses or cannot be reached: check the Alertmanager log for the error (webhook URL, API key, SMTP login, proxy). `create-vllm-monitor validate --fire-test-alert` sends one and reports the outcome.',
    ),
    ...hostAlerts(alert),
    alert(
      'MonitoringTargetDown',
      'warning',
      '5m',
      'up{job=~"node|alertmanager|grafana"} == 0',
      'A part of the monitoring stack cannot be scraped.',
      'Prometheus cannot scrape {{ $labels.job }} on {{ $labels.instance }}.',
      'node: the machine is down or node-exporter stopped (no host alerts for it meanwhile); alertmanager: no notifications are delivered; grafana: dashboards are down. `docker compose ps` and the service log show why.',
    ),
  ];
}

/** node-exporter essentials (after node-mixin): disks, memory, OOM kills, the clock. Node down: MonitoringTargetDown. */
function hostAlerts(alert: AlertBuilder): AlertDoc[] {
  const t = ALERT_THRESHOLDS;
  const fs = by(['instance', 'job', 'host', 'device', 'mountpoint', 'fstype']);
  const fsWhere = '{{ $labels.mountpoint }} ({{ $labels.device }}) on {{ $labels.host }}{{ with $labels.holds }}, which holds the {{ . }} ({{ $labels.path }}),{{ end }}';
  const free = S.hostFilesystemAvailNamedRatio;
  const pct = '{{ printf "%.2f" $value }}';
  const fillingUp = (severity: Severity, freeRatio: number, predicted: string, hours: number): AlertDoc =>
    alert(
      'HostFilesystemFillingUp',
      severity,
      '1h',
      `(${free} < ${freeRatio}) and on ${fs} (${predicted} < 0)`,
      'A filesystem will be full soon at its current rate.',
      `${fsWhere} has ${pct} of its space free and fills up within ${hours}h at the rate of the last 6h.`,
      'Find what grows (du -xh --max-depth=2 on the mount): the model cache (HF_HOME), logs, Docker images, the Prometheus volume (lower --storage.tsdb.retention.time / .size). Free space or grow the disk before it is full.',
    );
  const almostFull = (severity: Severity, freeRatio: number): AlertDoc =>
    alert(
      'HostFilesystemAlmostFull',
      severity,
      '30m',
      `${free} < ${freeRatio}`,
      'A filesystem is almost full.',
      `${fsWhere} has only ${pct} of its space free.`,
      'A full disk stops Prometheus from writing its WAL, vLLM from downloading models and Docker from starting containers. Free space now: old model snapshots, docker system prune, logs.',
    );
  return [
    fillingUp('critical', t.fsFillingFreeCritical, S.hostFilesystemAvailIn4h, 4),
    fillingUp('warning', t.fsFillingFree, S.hostFilesystemAvailIn24h, 24),
    almostFull('critical', t.fsAlmostFullFreeCritical),
    almostFull('warning', t.fsAlmostFullFree),
    alert(
      'HostOOMKills',
      'warning',
      '0m',
      `${S.hostOomKills} > 0`,
      'The kernel killed a process for lack of memory.',
      'The OOM killer killed processes on {{ $labels.host }} in the last 5 minutes.',
      'dmesg / journalctl -k names the process. Engine workers, tokenizers and CPU KV offload (swap-space, cpu-offload-gb) use host memory: lower them or add memory.',
    ),
    alert(
      'HostMemoryPressure',
      'warning',
      '15m',
      `${S.hostMemoryUsedRatio} > ${t.hostMemoryUsedRatio}`,
      'A machine is running out of memory.',
      `{{ $labels.host }} uses ${pct} of its memory.`,
      'The OOM killer is next. Look at the processes using the most (ps aux --sort=-rss); CPU KV offload and many API server processes are the usual ones.',
    ),
    alert(
      'HostClockSkew',
      'warning',
      '10m',
      `abs(${S.hostClockOffset}) > ${t.clockOffsetSeconds}`,
      "A machine's clock is off.",
      'The clock of {{ $labels.host }} is {{ printf "%.2f" $value }}s off its time source.',
      'Skewed clocks put samples in the future or past and break rate() and alert timings. Check chrony / systemd-timesyncd (timedatectl, chronyc tracking).',
    ),
  ];
}

/** Every alert a stack with this GPU kind (and remote write, if `remoteWrite`) carries, with its runbook text. */
export function stackAlerts(slo: Slo, gpu: GpuKind, runbookPage = DEFAULT_RUNBOOK_URL, remoteWrite = false): { group: string; docs: AlertDoc[] }[] {
  return [
    { group: 'llm-alerts', docs: llmAlerts(slo, runbookPage) },
    { group: 'router-alerts', docs: routerAlerts(alertsLinkingTo(runbookPage)) },
    ...(gpu === 'none' ? [] : [{ group: 'gpu-alerts', docs: gpuAlerts(gpu, runbookPage) }]),
    { group: 'platform-alerts', docs: platformAlerts(runbookPage) },
    ...(remoteWrite ? [{ group: 'remote-write-alerts', docs: remoteWriteAlerts(runbookPage) }] : []),
  ];
}

export function alertGroups(slo: Slo, gpu: GpuKind, runbookPage = DEFAULT_RUNBOOK_URL, remoteWrite = false): RuleGroup[] {
  return stackAlerts(slo, gpu, runbookPage, remoteWrite).map(({ group, docs }) => ({ name: group, rules: docs.map((d) => d.rule) }));
}
