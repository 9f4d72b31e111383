/**
 * Remote-write health: only in stacks with --remote-write. Prometheus scrapes itself (job
 * prometheus), so its own prometheus_remote_storage_* series are there, one per queue
 * (remote_name="remote-<i>", url). What the releases expose was read off the real binaries' /metrics
 * with a remote_write to a dead endpoint:
 *
 *  - prometheus_remote_storage_highest_timestamp_in_seconds (no queue labels): 2.42, 2.53, 3.5.
 *  - prometheus_remote_storage_queue_highest_sent_timestamp_seconds: 3.5 shows 0 until a send
 *    succeeds; 2.42 and 2.53 show no series at all until then. A queue without a sent timestamp
 *    (> 0) is behind by the time since Prometheus started (highest_timestamp_in minus
 *    process_start_time_seconds), its labels taken from prometheus_remote_storage_shards (all three).
 *  - samples_failed_total (non-recoverable: a 4xx), samples_retried_total (recoverable: a refused
 *    connection, a 5xx, a 429), samples_total (every send attempt): all three.
 *  - samples_dropped_total: 2.53 and 3.5 label it with `reason`, and count the samples our own
 *    write_relabel_configs drop (--remote-write-recorded-only) as reason="dropped_series"; 2.42 has no
 *    reason and counts those too, so its series are left out (reason="" does not match): on 2.42
 *    only failed samples count as lost.
 *  - shards_desired, shards_max: all three.
 */
import { DEFAULT_RUNBOOK_URL } from '../config/defaults.js';
import { type AlertDoc, alertsLinkingTo } from './alert-doc.js';

export const REMOTE_WRITE_THRESHOLDS = {
  /** Seconds the newest sample sent may trail the newest sample taken in (batches wait up to 5 s). */
  behindSeconds: 120,
  /** Share of send attempts that fail or are retried. */
  failingRatio: 0.05,
} as const;

/** Seconds each remote-write queue trails the newest sample Prometheus took in. */
export const REMOTE_WRITE_LAG = `(
  prometheus_remote_storage_highest_timestamp_in_seconds
  - ignoring (remote_name, url) group_right ()
  (prometheus_remote_storage_queue_highest_sent_timestamp_seconds > 0)
)
or
(
  (prometheus_remote_storage_highest_timestamp_in_seconds - process_start_time_seconds)
  + ignoring (remote_name, url) group_right ()
  (0 * prometheus_remote_storage_shards)
)`;

/** Share of a queue's send attempts over 5 minutes that failed or were retried. */
export const REMOTE_WRITE_FAILING = `(
  rate(prometheus_remote_storage_samples_failed_total[5m])
  + rate(prometheus_remote_storage_samples_retried_total[5m])
)
/ rate(prometheus_remote_storage_samples_total[5m])`;

/** Samples a queue gave up on over 10 minutes: failed for good, or dropped (not by our own relabelling). */
export const REMOTE_WRITE_LOST = `sum without (reason) (
  increase(prometheus_remote_storage_samples_failed_total[10m])
  or
  increase(prometheus_remote_storage_samples_dropped_total{reason!~"dropped_series|"}[10m])
)`;

const queue = '{{ $labels.remote_name }} ({{ $labels.url }})';

/** The alert names, in order (the generated README lists them). */
export const REMOTE_WRITE_ALERTS = ['PrometheusRemoteWriteBehind', 'PrometheusRemoteWriteFailing', 'PrometheusRemoteWriteSamplesLost', 'PrometheusRemoteWriteShardsAtMax'] as const;

export function remoteWriteAlerts(runbookPage = DEFAULT_RUNBOOK_URL): AlertDoc[] {
  const alert = alertsLinkingTo(runbookPage);
  const t = REMOTE_WRITE_THRESHOLDS;
  return [
    alert(
      'PrometheusRemoteWriteBehind',
      'warning',
      '15m',
      `(${REMOTE_WRITE_LAG}) > ${t.behindSeconds}`,
      'Remote write is falling behind.',
      `Prometheus {{ $labels.instance }} sends to ${queue} samples {{ printf "%.2f" $value }}s older than the newest it took in (more than ${t.behindSeconds}s).`,
      'The remote storage misses the recent data (its dashboards and alerts lag); the local Prometheus is unaffected. Usual causes: the receiver is down or slow (see PrometheusRemoteWriteFailing), the network, or more samples than the queue can send (PrometheusRemoteWriteShardsAtMax). Check the Prometheus log for remote write errors and the receiver. Prometheus keeps about 2 hours of WAL to resend from: past that, the gap stays in remote storage.',
      { value: '{{ printf "%.2f" $value }}s', threshold: `${t.behindSeconds}s` },
    ),
    alert(
      'PrometheusRemoteWriteFailing',
      'warning',
      '10m',
      `(${REMOTE_WRITE_FAILING}) > ${t.failingRatio}`,
      'Remote write requests fail.',
      `{{ $value | humanizePercentage }} of the samples Prometheus {{ $labels.instance }} sends to ${queue} fail or are retried (more than ${t.failingRatio * 100}%).`,
      'Retried samples (a refused connection, a 5xx, a 429 from a rate-limited tenant) are sent again and pile up in the queue; failed ones (other 4xx: bad auth, a rejected sample) are lost. The Prometheus log names the status and error. Check the receiver runs and is reachable from the Prometheus container, the URL, and the credentials in secrets/ (.env).',
      { value: '{{ $value | humanizePercentage }}', threshold: `${t.failingRatio * 100}%` },
    ),
    alert(
      'PrometheusRemoteWriteSamplesLost',
      'warning',
      '5m',
      `(${REMOTE_WRITE_LOST}) > 0`,
      'Remote write lost samples.',
      `Prometheus {{ $labels.instance }} gave up on {{ printf "%.2f" $value }} samples for ${queue} in the last 10 minutes.`,
      'These samples are missing in remote storage for good (the local Prometheus has them). Failed: the receiver refused them (4xx other than 429: auth, out-of-order or too-old samples, limits of a Mimir tenant); dropped: too old to send after a long outage, or series the queue did not know. The Prometheus log and the receiver log say which.',
      { value: '{{ printf "%.2f" $value }}' },
    ),
    alert(
      'PrometheusRemoteWriteShardsAtMax',
      'warning',
      '15m',
      'max_over_time(prometheus_remote_storage_shards_desired[5m]) > max_over_time(prometheus_remote_storage_shards_max[5m])',
      'Remote write needs more shards than it may use.',
      `Prometheus {{ $labels.instance }} wants {{ printf "%.2f" $value }} shards for ${queue}, more than its max_shards.`,
      'The queue cannot keep up: each shard sends one request at a time, so a slow receiver or too many samples need more. Make the receiver faster, send fewer series (--remote-write-recorded-only), or raise queue_config.max_shards in prometheus.yml (and watch the receiver). PrometheusRemoteWriteBehind follows if it lasts.',
    ),
  ];
}
