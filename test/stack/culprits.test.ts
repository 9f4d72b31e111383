/**
 * Which service failed first, from compose's own error output (v1 1.29 and v2 2.26, as they print it
 * when Alertmanager crash-loops on a bad config and Prometheus depends on it) and the containers'
 * states at whatever moment we look.
 */
import { describe, expect, it } from 'vitest';
import { blamedByCompose, culprits, hasFailed } from '../../src/stack/culprits.js';
import type { ContainerState } from '../../src/stack/docker.js';
import { containerFailed, relevantLogLines } from '../../src/stack/health.js';

const AM_ID = 'e5ef17b3e768c0ffee5ef17b3e768c0ffee5ef17b3e768c0ffee5ef17b3e76';
const state = (service: string, over: Partial<ContainerState> = {}): ContainerState => ({
  id: `${service.padEnd(12, '0').replace(/[^0-9a-f]/g, '0')}ffff`,
  name: `broken_${service}_1`,
  service,
  state: 'running',
  health: 'healthy',
  exitCode: 0,
  restartCount: 0,
  image: `cvm-local/${service}:test`,
  ...over,
});
const DEPENDS_ON = { prometheus: ['alertmanager'], grafana: ['prometheus'], alertmanager: [], 'node-exporter': [] };

// The moments after compose gave up, each a state the crash-looping Alertmanager can be in.
const ALERTMANAGER_MOMENTS: Partial<ContainerState>[] = [
  { state: 'restarting', health: 'unhealthy', exitCode: 1, restartCount: 0 },
  { state: 'restarting', health: 'starting', exitCode: 1, restartCount: 2 },
  { state: 'running', health: 'starting', exitCode: 0, restartCount: 0 },
  { state: 'running', health: 'unhealthy', exitCode: 0, restartCount: 3 },
  { state: 'exited', health: 'unhealthy', exitCode: 1, restartCount: 1 },
];

const V1_STDERR = [
  'Creating network "broken_default" with the default driver',
  'Creating broken_alertmanager_1 ... ',
  'Creating broken_node-exporter_1 ... ',
  'Creating broken_node-exporter_1 ... done',
  'Creating broken_alertmanager_1  ... done',
  'Creating broken_prometheus_1    ... ',
  '',
  'ERROR: for broken_prometheus_1  Container "e5ef17b3e768" is unhealthy.',
  '',
  'ERROR: for prometheus  Container "e5ef17b3e768" is unhealthy.',
  'Encountered errors while bringing up the project.',
  '',
].join('\n');

const V2_STDERR = [
  ' Container broken-alertmanager-1  Creating',
  ' Container broken-node-exporter-1  Created',
  ' Container broken-prometheus-1  Creating',
  ' Container broken-alertmanager-1  Waiting',
  ' Container broken-alertmanager-1  Error',
  'dependency failed to start: container broken-alertmanager-1 is unhealthy',
  '',
].join('\n');

describe('the service that failed first', () => {
  it.each(ALERTMANAGER_MOMENTS)('compose v1 names it by short id; Alertmanager is %o, Prometheus only waited', (am) => {
    const containers = [state('alertmanager', { id: AM_ID, ...am }), state('node-exporter'), state('prometheus', { state: 'created', health: 'none' })];
    const found = culprits(V1_STDERR, containers, DEPENDS_ON);
    expect(found.map((f) => f.container.service)).toEqual(['alertmanager']);
    expect(found[0]!.reason).toMatch(/^unhealthy/);
  });

  it.each(ALERTMANAGER_MOMENTS)('compose v2 names it by container name; Alertmanager is %o', (am) => {
    const containers = [state('alertmanager', { name: 'broken-alertmanager-1', ...am }), state('node-exporter', { name: 'broken-node-exporter-1' }), state('prometheus', { name: 'broken-prometheus-1', state: 'created', health: 'none' })];
    expect(culprits(V2_STDERR, containers, DEPENDS_ON).map((f) => f.container.service)).toEqual(['alertmanager']);
  });

  it("says what the container does now when that adds to compose's word", () => {
    const containers = [state('alertmanager', { id: AM_ID, state: 'restarting', health: 'starting', exitCode: 1, restartCount: 2 })];
    expect(culprits(V1_STDERR, containers, DEPENDS_ON)[0]!.reason).toBe('unhealthy, now restarting (crash loop, 2 restarts, last exit code 1)');
  });

  it('v2 --wait: an exited container, with its exit code', () => {
    const containers = [state('alertmanager', { name: 'x-alertmanager-1', state: 'exited', health: 'none', exitCode: 1 }), state('prometheus', { name: 'x-prometheus-1' })];
    const found = blamedByCompose('container x-alertmanager-1 exited (1)\n', containers);
    expect(found.map((f) => [f.container.service, f.reason])).toEqual([['alertmanager', 'exited (1)']]);
  });

  it('v1 "Cannot start service": the service itself, though it never ran', () => {
    const containers = [state('prometheus', { state: 'created', health: 'none' }), state('alertmanager')];
    const stderr = 'ERROR: for prometheus  Cannot start service prometheus: driver failed programming external connectivity on endpoint broken_prometheus_1: Bind for 127.0.0.1:9090 failed: port is already allocated\n';
    expect(culprits(stderr, containers, DEPENDS_ON).map((f) => [f.container.service, f.reason])).toEqual([['prometheus', 'not started']]);
  });

  it('without a name from compose: the failed service at the root of depends_on, not the ones waiting on it', () => {
    const containers = [
      state('alertmanager', { state: 'restarting', health: 'none', exitCode: 1, restartCount: 0 }),
      state('prometheus', { health: 'unhealthy' }),
      state('grafana', { state: 'created', health: 'none' }),
      state('node-exporter'),
    ];
    expect(culprits('Encountered errors while bringing up the project.\n', containers, DEPENDS_ON).map((f) => f.container.service)).toEqual(['alertmanager']);
  });

  it('two unrelated failures are both named', () => {
    const containers = [state('alertmanager', { state: 'exited', health: 'none', exitCode: 2 }), state('node-exporter', { health: 'unhealthy' }), state('prometheus', { state: 'created', health: 'none' })];
    expect(culprits('', containers, DEPENDS_ON).map((f) => [f.container.service, f.reason])).toEqual([['alertmanager', 'exited (2)'], ['node-exporter', 'unhealthy']]);
  });
});

describe('failed or not yet', () => {
  it('a crash loop counts from its first exit, whatever the restart count says', () => {
    expect(containerFailed(state('a', { state: 'restarting', health: 'none', restartCount: 0 }))).toBe(true);
    expect(containerFailed(state('a', { state: 'running', health: 'starting', restartCount: 1 }))).toBe(true);
    expect(containerFailed(state('a', { state: 'running', health: 'starting' }))).toBe(false);
    // Restarted once but healthy now: ready, not failed.
    expect(containerFailed(state('a', { restartCount: 1 }))).toBe(false);
    expect(hasFailed(state('a', { state: 'created', health: 'none' }))).toBe(false);
  });
});

describe('the log lines shown for a failed service', () => {
  const run = (i: number) => [
    `ts=2026-12-01T09:42:2${i}.664Z caller=main.go:241 level=info msg="Starting Alertmanager"`,
    `ts=2026-12-01T09:42:2${i}.667Z caller=cluster.go:681 level=info component=cluster msg="Waiting for gossip to settle..." interval=2s`,
    `ts=2026-12-01T09:42:2${i}.699Z caller=coordinator.go:118 level=error component=configuration msg="Loading configuration file failed" err="yaml: unmarshal errors:\\n  line 3: field no_such_field not found in type config.plain"`,
    `ts=2026-12-01T09:42:2${i}.699Z caller=cluster.go:690 level=info component=cluster msg="gossip not settled but continuing anyway"`,
  ];
  it('the last lines, when they hold the error', () => {
    const lines = [...run(1), ...run(2)];
    expect(relevantLogLines(lines, 4)).toEqual(run(2));
  });
  it('in a crash loop whose next run has begun: the lines that end with the last error', () => {
    const lines = [...run(1), ...run(2), ...run(3).slice(0, 2)];
    const shown = relevantLogLines(lines, 3);
    expect(shown).toEqual(run(2).slice(0, 3));
  });
  it('no error line at all: the last lines', () => {
    expect(relevantLogLines(['a', 'b', 'c'], 2)).toEqual(['b', 'c']);
  });
});
