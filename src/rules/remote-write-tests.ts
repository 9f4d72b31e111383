/**
 * promtool tests of the remote-write alerts (remote-write-alerts.ts), on Prometheus' own series as
 * each release exposes them: a sent timestamp that lags (and one that is absent, as on 2.42/2.53
 * before a first successful send, or 0, as on 3.5), failed and retried samples, dropped samples with
 * and without a reason, and desired shards. Thresholds and `for:` are tested just under and just over.
 */
import { fires, quiet, ruleOf, scenario } from './alert-tests.js';
import { REMOTE_WRITE_THRESHOLDS, remoteWriteAlerts } from './remote-write-alerts.js';
import { type InputSeries, type TestGroup, STEP_SECONDS, constant, counter, input, stepsFor } from './promtool-tests.js';

const at = stepsFor;

export function remoteWriteAlertTests(runbookPage?: string): TestGroup[] {
  const docs = remoteWriteAlerts(runbookPage);
  const t = REMOTE_WRITE_THRESHOLDS;
  const prom = { job: 'prometheus', instance: 'localhost:9090', host: 'monitor' };
  const queue = { ...prom, remote_name: 'remote-1', url: 'https://vm.example.org/api/v1/write' };
  const n = at(30);

  // Newest sample taken in: 1000 s, then one more scrape interval each step.
  const highestIn = input('prometheus_remote_storage_highest_timestamp_in_seconds', prom, `1000+${STEP_SECONDS}x${n}`);
  const shards = input('prometheus_remote_storage_shards', queue, constant(1, n));
  // The sent timestamp 10 s behind for 5 minutes, then `lag` seconds behind.
  const sentLagging = (lag: number): InputSeries => {
    const k = at(5);
    return input('prometheus_remote_storage_queue_highest_sent_timestamp_seconds', queue, `990+${STEP_SECONDS}x${k - 1} ${1000 + STEP_SECONDS * k - lag}+${STEP_SECONDS}x${n - k}`);
  };
  const behind = ruleOf(docs, 'PrometheusRemoteWriteBehind');
  const justOver = t.behindSeconds + 1;
  const justUnder = t.behindSeconds - 1;

  // Started at 1000 s, never sent: behind by the uptime, over the threshold from 3m (15 s x 12 = 180 s).
  const start = input('process_start_time_seconds', prom, constant(1000, n));
  const neverSent = (sent: InputSeries[]): InputSeries[] => [highestIn, start, shards, ...sent];

  // Send attempts: 100 samples a step, `failed` and `retried` of them (failed ones fire SamplesLost too).
  const attempts = (failed: number, retried: number): InputSeries[] => [
    input('prometheus_remote_storage_samples_total', queue, counter(100, n)),
    input('prometheus_remote_storage_samples_failed_total', queue, counter(failed, n)),
    input('prometheus_remote_storage_samples_retried_total', queue, counter(retried, n)),
  ];
  const failing = ruleOf(docs, 'PrometheusRemoteWriteFailing');
  const over = t.failingRatio + 0.001;
  const under = t.failingRatio - 0.001;

  // A counter at 0 that reaches 1 at 5m.
  const oneAt5m = `${constant(0, at(5) - 1)} ${constant(1, n - at(5))}`;
  const lost = ruleOf(docs, 'PrometheusRemoteWriteSamplesLost');
  const dropped = (reason: string | undefined, values: string) => input('prometheus_remote_storage_samples_dropped_total', reason === undefined ? queue : { ...queue, reason }, values);
  const failed = (values: string) => input('prometheus_remote_storage_samples_failed_total', queue, values);

  const shardsAtMax = ruleOf(docs, 'PrometheusRemoteWriteShardsAtMax');
  const desired = (value: number) => [input('prometheus_remote_storage_shards_desired', queue, constant(value, n)), input('prometheus_remote_storage_shards_max', queue, constant(20, n))];

  return [
    scenario(`PrometheusRemoteWriteBehind fires ${justOver}s behind once its for: elapses`, [highestIn, shards, sentLagging(justOver)], [quiet(behind.alert, 19), fires(behind, 20, queue, justOver)]),
    scenario(`PrometheusRemoteWriteBehind quiet ${justUnder}s behind`, [highestIn, shards, sentLagging(justUnder)], [quiet(behind.alert, 25)]),
    scenario('PrometheusRemoteWriteBehind: no sample ever sent (2.42/2.53: no sent timestamp) is behind by the uptime', neverSent([]), [quiet(behind.alert, 17), fires(behind, 18, queue, 18 * 60)]),
    scenario('PrometheusRemoteWriteBehind: no sample ever sent (3.5: sent timestamp 0) is behind by the uptime', neverSent([input('prometheus_remote_storage_queue_highest_sent_timestamp_seconds', queue, constant(0, n))]), [
      quiet(behind.alert, 17),
      fires(behind, 18, queue, 18 * 60),
    ]),
    scenario(`PrometheusRemoteWriteFailing fires at ${(over * 100).toFixed(1)}% retried once its for: elapses`, attempts(0, over * 100), [quiet(failing.alert, 10), fires(failing, 11, queue, over)]),
    scenario(`PrometheusRemoteWriteFailing quiet at ${(under * 100).toFixed(1)}%`, attempts(0, under * 100), [quiet(failing.alert, 20)]),
    scenario('PrometheusRemoteWriteFailing fires on a dead endpoint: every attempt retried', attempts(0, 100), [fires(failing, 11, queue, 1)]),
    scenario('PrometheusRemoteWriteSamplesLost fires on one failed sample once its for: elapses', [failed(oneAt5m)], [quiet(lost.alert, 9), fires(lost, 10, queue, 1)]),
    scenario('PrometheusRemoteWriteSamplesLost fires on a sample dropped as too old (2.53, 3.5)', [failed(constant(0, n)), dropped('too_old', oneAt5m)], [quiet(lost.alert, 9), fires(lost, 10, queue, 1)]),
    // --remote-write-recorded-only drops the raw series on purpose: 2.53/3.5 say so in `reason`, 2.42 does not.
    scenario('PrometheusRemoteWriteSamplesLost quiet on samples our own relabelling drops', [failed(constant(0, n)), dropped('dropped_series', counter(500, n)), dropped(undefined, counter(500, n))], [quiet(lost.alert, 10), quiet(lost.alert, 20)]),
    scenario('PrometheusRemoteWriteShardsAtMax fires wanting one shard more than max_shards once its for: elapses', desired(21), [quiet(shardsAtMax.alert, 14), fires(shardsAtMax, 15, queue, 21)]),
    scenario('PrometheusRemoteWriteShardsAtMax quiet at max_shards', desired(20), [quiet(shardsAtMax.alert, 20)]),
  ];
}
