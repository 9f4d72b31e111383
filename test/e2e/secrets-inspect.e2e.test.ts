/**
 * Secrets on real Docker (local images: Prometheus and Alertmanager run as nobody), with
 * docker-compose v1 and Compose v2: a stack generated with --expose, a receiver secret and a target
 * token is started with `up`; the healthchecks pass with the password read inside the container,
 * Prometheus scrapes itself and Alertmanager with it (so nobody can read the 0644 files in the 0700
 * secrets/), the host sees 401 without it, and `docker inspect` of every container shows no secret
 * value in Env, Cmd, Entrypoint or healthcheck.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStackDir } from '../../src/stack/stack-dir.js';
import { stackAccess } from '../../src/stack/access.js';
import { PrometheusClient } from '../../src/probe/prom-client.js';
import { acquireStackLock, buildLocalImages, cli, dockerSkipReason, portFlags, SID_IMAGE_FLAGS, waitUntil } from './support.js';
import { IN_CI, NEWER_TOOLS_DIR } from '../support/env.js';
import { SID_TOOLS_DIR } from '../support/versions.js';

const SID_BIN = join(SID_TOOLS_DIR, 'usr/bin');
const sidMissing = ['prometheus', 'prometheus-alertmanager'].map((b) => join(SID_BIN, b)).filter((p) => !existsSync(p));
if (sidMissing.length && IN_CI) throw new Error(`CI=true but ${sidMissing.join(', ')} missing: run bash .ci/newer-tools.sh ${SID_TOOLS_DIR} sid`);
const skip = (await dockerSkipReason()) ?? (sidMissing.length ? `needs ${sidMissing.join(', ')} (bash .ci/newer-tools.sh ${SID_TOOLS_DIR} sid)` : undefined);
const TOKEN = 'e2e-bearer-token-0123456789abcdef';
const SLACK = 'https://hooks.slack.com/services/TE2E/BE2E/e2esecret0123';
const COMPOSE: Record<string, Record<string, string>> = {
  'docker-compose v1': { CVM_COMPOSE: 'v1' },
  // Debian 13's standalone Compose v2 binary (CVM_COMPOSE takes a path).
  'Compose v2': { CVM_COMPOSE: join(NEWER_TOOLS_DIR, 'usr/bin/docker-compose') },
};

for (const [composeName, composeEnv] of Object.entries(COMPOSE)) describe.skipIf(skip !== undefined)(`e2e: secrets as Compose secrets, --expose (${composeName}, local images)`, () => {
  const root = mkdtempSync(join(tmpdir(), 'cvm-e2e-secrets-'));
  const dir = join(root, 'secrets-stack');
  let release = () => {};
  let secrets: string[] = [];

  beforeAll(async () => {
    release = await acquireStackLock();
    // Debian unstable's Prometheus 3.5: the --expose healthcheck runs promtool check ready (2.44+).
    buildLocalImages({ binDir: SID_BIN, tag: 'sid' });
    const tokenFile = join(root, 'token.txt');
    writeFileSync(tokenFile, TOKEN);
    writeFileSync(join(root, 'config.yml'), JSON.stringify({ targets: [{ name: 'secured', engine: 'vllm', url: 'http://10.255.255.1:8000', bearerTokenFile: tokenFile }] }));
    const gen = await cli([dir, '--yes', '--config', join(root, 'config.yml'), '--gpu', 'none', '--no-grafana', '--expose', '--receiver', 'slack', '--slack-webhook-url', SLACK, '--scrape-interval', '2s',
      ...SID_IMAGE_FLAGS, ...(await portFlags())], composeEnv);
    expect(gen.code, gen.text).toBe(0);
    const env = readFileSync(join(dir, '.env'), 'utf8');
    secrets = [TOKEN, SLACK, /MONITOR_WEB_PASSWORD=(.+)/.exec(env)![1]!, /GRAFANA_ADMIN_PASSWORD=(.+)/.exec(env)![1]!];
    const up = await cli(['up', dir, '--timeout', '150'], composeEnv);
    expect(up.code, up.text).toBe(0);
    for (const s of secrets) expect(up.text).not.toContain(s);
  }, 600_000);

  afterAll(async () => {
    await cli(['down', dir, '--volumes'], composeEnv).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
    release();
  }, 180_000);

  it('docker inspect shows no secret value in any container (Env, Cmd, Entrypoint, healthcheck)', async () => {
    const docker = new Docker();
    const containers = await docker.listContainers({ all: true, filters: { label: ['com.docker.compose.project=secrets-stack'] } });
    expect(containers.map((c) => c.Labels['com.docker.compose.service']).sort()).toEqual(['alertmanager', 'node-exporter', 'prometheus']);
    for (const c of containers) {
      const info = await docker.getContainer(c.Id).inspect();
      const visible = JSON.stringify({ env: info.Config.Env, cmd: info.Config.Cmd, entrypoint: info.Config.Entrypoint, health: info.Config.Healthcheck, labels: info.Config.Labels });
      for (const s of secrets) expect(visible, c.Labels['com.docker.compose.service']).not.toContain(s);
      // No shell in the healthcheck: a password read into a command line would show in the host's ps.
      expect(info.Config.Healthcheck?.Test?.[0], c.Labels['com.docker.compose.service']).toBe('CMD');
      expect(info.State.Health?.Status ?? 'none', c.Labels['com.docker.compose.service']).not.toBe('unhealthy');
    }
  });

  it('from the host: 401 without the password; with the stack access module, both targets up', async () => {
    const access = stackAccess(loadStackDir(dir));
    expect((await fetch(`${access.prometheus!.url}/api/v1/targets`)).status).toBe(401);
    expect((await fetch(`${access.alertmanager!.url}/api/v2/status`)).status).toBe(401);
    expect((await fetch(`${access.prometheus!.url}/-/quit`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${access.alertmanager!.url}/api/v2/status`, { headers: access.alertmanager!.headers })).status).toBe(200);
    const client = new PrometheusClient(access.prometheus!.url, 10_000, access.prometheus!.headers);
    // Up means Prometheus (as nobody) read the password file and Alertmanager accepted it.
    const health = await waitUntil('prometheus and alertmanager targets up', async () => {
      const byJob = Object.fromEntries((await client.targets()).map((t) => [t.labels.job, t.health]));
      return byJob.prometheus === 'up' && byJob.alertmanager === 'up' ? byJob : undefined;
    }, 60_000);
    expect(health).toMatchObject({ prometheus: 'up', alertmanager: 'up' });
    // The target's token reached Prometheus as a file: its scrape fails for the address, not for a missing file.
    const secured = (await client.targets()).find((t) => t.labels.instance === 'secured');
    expect(secured?.lastError ?? '').not.toMatch(/credentials|no such file|permission denied/i);
  }, 90_000);
});
