/**
 * The remote-write alerts on real Prometheus (2.42, 2.53, 3.5): a generated stack with --remote-write
 * pointing at a dead endpoint (a loopback port nobody listens on), its prometheus.yml and rule files
 * as generated, Prometheus scraping itself as the stack's `prometheus` job does. Every metric the
 * alerts read exists but the ones each release leaves out until they mean something (read off the
 * real /metrics: no sent timestamp on 2.x before a first successful send, no dropped samples on
 * 2.53/3.5 before a drop), the lag and failing expressions come out positive for the dead queue,
 * PrometheusRemoteWriteFailing goes pending in the rule manager itself, and nothing is counted lost
 * (a refused connection is retried, not failed).
 *
 * Loopback adaptations: the remote-write URL's host.docker.internal becomes 127.0.0.1, and the
 * self-scrape target localhost:9090 the port this Prometheus listens on.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricNames } from '../../src/probe/promql-names.js';
import { REMOTE_WRITE_FAILING, REMOTE_WRITE_LAG, REMOTE_WRITE_LOST } from '../../src/rules/remote-write-alerts.js';
import { PROMETHEUS_RELEASES } from '../support/versions.js';
import { freePort, type RunningPrometheus, startPrometheus, waitFor } from './support/prometheus.js';
import { type TestStack, renderTestStack } from './support/test-stack.js';

interface Rule {
  alert?: string;
  expr: string;
}

for (const release of PROMETHEUS_RELEASES) describe(`remote-write alerts on ${release.name}, writing to a dead endpoint`, () => {
  const PROMETHEUS = release.path('prometheus');
  if (!PROMETHEUS) {
    it.skip(`needs ${release.missing('prometheus')}`, () => {});
    return;
  }
  let stack: TestStack;
  let prom: RunningPrometheus;
  let rules: Rule[];
  const queue = { remote_name: 'remote-1' };

  beforeAll(async () => {
    const dead = await freePort();
    stack = await renderTestStack({ targets: [{ name: 'vllm-a', engine: 'vllm', url: 'http://127.0.0.1:9' }], gpu: 'none', scrapeInterval: '1s', remoteWrite: { endpoints: [{ url: `http://localhost:${dead}/api/v1/write` }] } }, 'rw-alerts');
    const port = await freePort();
    const text = readFileSync(stack.configFile, 'utf8');
    expect(text).toContain('localhost:9090');
    writeFileSync(stack.configFile, text.replaceAll('host.docker.internal', '127.0.0.1').replaceAll('localhost:9090', `127.0.0.1:${port}`));
    const alerts = parse(readFileSync(join(stack.dir, 'prometheus/rules/alerts.yml'), 'utf8')) as { groups: { name: string; rules: Rule[] }[] };
    rules = alerts.groups.find((g) => g.name === 'remote-write-alerts')!.rules;
    prom = await startPrometheus({ binary: PROMETHEUS, configFile: stack.configFile, port });
  }, 90_000);

  afterAll(async () => {
    await prom?.stop();
    if (stack) rmSync(stack.dir, { recursive: true, force: true });
  });

  const value = async (expr: string): Promise<{ labels: Record<string, string>; value: number }[]> =>
    (await prom.client.query(expr)).series.map((s) => ({ labels: s.metric, value: Number(s.value?.[1]) }));

  it('loads the four remote-write alerts with the expressions of remote-write-alerts.ts', () => {
    expect(rules.map((r) => r.alert)).toEqual(['PrometheusRemoteWriteBehind', 'PrometheusRemoteWriteFailing', 'PrometheusRemoteWriteSamplesLost', 'PrometheusRemoteWriteShardsAtMax']);
    for (const part of [REMOTE_WRITE_LAG, REMOTE_WRITE_FAILING, REMOTE_WRITE_LOST]) expect(rules.some((r) => r.expr.includes(part))).toBe(true);
  });

  it('exposes every metric the alerts read, but those this release leaves out until they mean something', async () => {
    await waitFor('a few self-scrapes with the remote-write queue', async () => ((await value('count_over_time(prometheus_remote_storage_shards[1m])'))[0]?.value ?? 0) >= 5 || undefined, 60_000, 1_000);
    const names = [...new Set(rules.flatMap((r) => metricNames(r.expr)))].sort();
    const present = await prom.client.metricNames();
    const absent = names.filter((n) => !present.includes(n));
    const expected = release.atLeast('3.5')
      ? ['prometheus_remote_storage_samples_dropped_total']
      : release.atLeast('2.53')
        ? ['prometheus_remote_storage_queue_highest_sent_timestamp_seconds', 'prometheus_remote_storage_samples_dropped_total']
        : ['prometheus_remote_storage_queue_highest_sent_timestamp_seconds'];
    expect(absent).toEqual(expected);
  }, 90_000);

  it('the dead queue: lag and failing share positive, PrometheusRemoteWriteFailing pending, nothing lost, shards not at max', async () => {
    const failing = await waitFor('samples retried', async () => {
      const r = await value(REMOTE_WRITE_FAILING);
      return r.length && r[0]!.value > 0 ? r : undefined;
    }, 60_000, 1_000);
    expect(failing.map((r) => r.labels)).toMatchObject([queue]);
    // Every attempt is retried: well over the 5% threshold.
    expect(failing[0]!.value).toBeGreaterThan(0.5);
    const lag = await value(REMOTE_WRITE_LAG);
    expect(lag.map((r) => r.labels)).toMatchObject([queue]);
    expect(lag[0]!.value).toBeGreaterThan(0);
    const lost = await value(REMOTE_WRITE_LOST);
    expect(lost.map((r) => r.value)).toEqual([0]);
    const shards = rules.find((r) => r.alert === 'PrometheusRemoteWriteShardsAtMax')!.expr;
    expect(await value(shards.replace(/ > .*$/, ''))).toMatchObject([{ labels: queue }]);
    expect(await value(shards)).toEqual([]);
    const pending = await waitFor('PrometheusRemoteWriteFailing pending', async () => {
      const r = await value('ALERTS{alertname="PrometheusRemoteWriteFailing"}');
      return r.length ? r : undefined;
    }, 60_000, 1_000);
    expect(pending.map((r) => r.labels)).toMatchObject([{ ...queue, alertstate: 'pending', severity: 'warning' }]);
  }, 150_000);
});
