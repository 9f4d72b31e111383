/**
 * `targets add` and `targets remove` (the built CLI) against a real Prometheus of every supported
 * release running on the stack's own prometheus.yml (1s scrape interval): the added emulated vLLM
 * (engine `auto`, detected from its /metrics) is up within one scrape interval plus the file_sd
 * refresh, the removed one leaves /api/v1/targets, and prometheus.yml is the same bytes throughout,
 * so no reload or restart is involved. The emulator listens on 127.0.0.2 — a loopback address that
 * is not "this machine" to the generator, so its address is scraped as given, not rewritten to
 * host.docker.internal (which Prometheus outside Docker could not resolve).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect } from 'vitest';
import { type Emulator, startEmulator } from '../../src/demo/index.js';
import type { TargetInfo } from '../../src/probe/prom-client.js';
import { runBuiltAsync as cli } from '../support/cli.js';
import { itEachRelease, PROMETHEUS_RELEASES } from '../support/versions.js';
import { startPrometheus, waitFor } from './support/prometheus.js';


const SCRAPE_INTERVAL_S = 1;
/** One scrape interval, plus Prometheus noticing the renamed file (fsnotify) and its scrape loop starting. */
const LIVE_WITHIN_MS = (SCRAPE_INTERVAL_S + 5) * 1000;

describe('targets add/remove on a running real Prometheus, without a restart', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  itEachRelease(PROMETHEUS_RELEASES, 'prometheus', 'the added emulator is up within one scrape interval, the removed one gone', async (bin) => {
    const work = mkdtempSync(join(tmpdir(), 'cvm-targets-real-'));
    cleanups.push(() => rmSync(work, { recursive: true, force: true }));
    const emulator: Emulator = await startEmulator({ kind: 'vllm-v1', host: '127.0.0.2', port: 0, seed: 7 });
    cleanups.push(() => emulator.stop());
    const dir = join(work, 'stack');
    // A first target on a closed port, so the stack is generated with a vLLM list to add to.
    const gen = await cli([dir, '--yes', '--gpu', 'none', '--no-grafana', '--scrape-interval', `${SCRAPE_INTERVAL_S}s`, '--target', 'seed:vllm=http://127.0.0.3:9']);
    expect(gen.code, gen.stderr).toBe(0);
    const configFile = join(dir, 'prometheus/prometheus.yml');
    const config = readFileSync(configFile, 'utf8');
    const prom = await startPrometheus({ binary: bin, configFile });
    cleanups.push(() => prom.stop());
    const emuTarget = async (): Promise<TargetInfo | undefined> => (await prom.client.targets()).find((t) => t.labels.instance === 'emu');
    await waitFor('the seed target to be listed', async () => ((await prom.client.targets()).some((t) => t.labels.instance === 'seed') ? true : undefined), 30_000, 200);

    const add = await cli(['targets', 'add', `emu:auto=${emulator.url}`, dir]);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toContain('Added emu (vllm');
    // `auto` was asked once: the manifest keeps the engine found, so later edits need not reach the server.
    const manifest = JSON.parse(readFileSync(join(dir, '.create-vllm-monitor.json'), 'utf8')) as { input: { targets: { name: string; engine: string }[] } };
    expect(manifest.input.targets.find((t) => t.name === 'emu')?.engine).toBe('vllm');
    const added = Date.now();
    const up = await waitFor('the added target to be up', async () => ((await emuTarget())?.health === 'up' ? Date.now() - added : undefined), 30_000, 100);
    expect(up, `up after ${up} ms`).toBeLessThanOrEqual(LIVE_WITHIN_MS);
    expect((await emuTarget())?.labels.job).toBe('vllm');
    const scraped = await prom.client.query('count({instance="emu", __name__=~"vllm:.+"})');
    expect(Number(scraped.series[0]?.value?.[1] ?? 0)).toBeGreaterThan(0);

    const remove = await cli(['targets', 'remove', 'emu', dir]);
    expect(remove.code, remove.stderr).toBe(0);
    const removed = Date.now();
    const gone = await waitFor('the removed target to leave /api/v1/targets', async () => ((await emuTarget()) === undefined ? Date.now() - removed : undefined), 30_000, 100);
    expect(gone, `gone after ${gone} ms`).toBeLessThanOrEqual(LIVE_WITHIN_MS);
    expect((await prom.client.targets()).some((t) => t.labels.instance === 'seed')).toBe(true);

    expect(readFileSync(configFile, 'utf8')).toBe(config);
    expect(prom.log()).not.toMatch(/Loading configuration file.*\n[\s\S]*Loading configuration file/);
  }, 120_000);
});
