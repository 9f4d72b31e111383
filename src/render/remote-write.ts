/** prometheus.yml's remote_write section and the external labels that go with it. */
import type { StackSpec } from '../config/types.js';
import { SERIES_LEVELS } from '../rules/series.js';
import { remoteWriteSecretFiles } from './secrets.js';

/**
 * Sized for a fleet of LLM servers, a few thousand to ~100k samples/s (200 servers x ~2,000 series
 * every 15 s is ~27k/s). Each shard sends up to 5,000 samples per request (bigger batches than the
 * default 2,000: fewer requests for VictoriaMetrics, Mimir or Thanos to take); at ~100 ms a request,
 * 20 shards carry ~1M samples/s, enough to catch up after an outage without flooding the receiver
 * with the default 50. capacity is 5x a batch (the tuning guide says 3-10x) so one slow shard does
 * not block reading the WAL; memory stays near shards x (capacity + batch) samples, ~600k at most.
 * A batch waits at most 5 s to fill; retries back off from 100 ms to 10 s, and 429s are retried
 * (a rate-limited Mimir tenant) instead of dropped. Nothing newer than Prometheus 2.42 knows.
 */
export const QUEUE_CONFIG = {
  capacity: 25000,
  max_shards: 20,
  min_shards: 1,
  max_samples_per_send: 5000,
  batch_send_deadline: '5s',
  min_backoff: '100ms',
  max_backoff: '10s',
  retry_on_http_429: true,
};

/** Keeps only our recorded series, `llm:*`, `model:*`, `gpu:*`, `host:*`, `router:*` (the series contract's levels). */
export const RECORDED_ONLY_RELABEL = [{ source_labels: ['__name__'], regex: `(${SERIES_LEVELS.join('|')}):.+`, action: 'keep' }];

/** `haReplica`: with --ha, the replica's own name, which is its `replica` label (the remote write's is refused with --ha). */
export function externalLabels(spec: StackSpec, haReplica?: string): Record<string, string> {
  const base = { monitor: spec.project };
  if (!spec.remoteWrite) return haReplica ? { ...base, replica: haReplica } : base;
  return { ...base, cluster: spec.remoteWrite.cluster, replica: haReplica ?? spec.remoteWrite.replica };
}

/**
 * Alerts carry the external labels too: without `replica` the alerts of two HA replicas are the
 * same alert to Alertmanager, which then sends it once.
 */
export function alertRelabelConfigs(): Record<string, unknown>[] {
  return [{ action: 'labeldrop', regex: 'replica' }];
}

export function renderRemoteWrite(spec: StackSpec): Record<string, unknown>[] {
  const files = remoteWriteSecretFiles(spec);
  return (spec.remoteWrite?.endpoints ?? []).map((e, i) => {
    const path = e.auth.kind === 'none' ? undefined : files.find((f) => f.env === (e.auth as { secretEnv: string }).secretEnv)!.path;
    return {
      url: e.url,
      // Names the queue in Prometheus' own prometheus_remote_storage_* metrics.
      name: `remote-${i + 1}`,
      ...(e.auth.kind === 'basic' ? { basic_auth: { username: e.auth.username, password_file: path } } : {}),
      ...(e.auth.kind === 'bearer' ? { authorization: { type: 'Bearer', credentials_file: path } } : {}),
      queue_config: QUEUE_CONFIG,
      ...(e.recordedOnly ? { write_relabel_configs: RECORDED_ONLY_RELABEL } : {}),
    };
  });
}
