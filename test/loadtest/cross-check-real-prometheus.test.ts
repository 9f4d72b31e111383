/**
 * The cross-check against a real Prometheus (each release of test/support/versions.ts) scraping an
 * emulated vLLM every second: alone on the server the client's run agrees with the server's own
 * counters and histograms; with a second client sharing the server the counts disagree and say why.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { startEmulator, type Emulator } from '../../src/demo/emulator.js';
import { PROMETHEUS_RELEASES } from '../support/versions.js';
import { type RunningPrometheus, startPrometheus, waitFor } from '../integration/support/prometheus.js';

function capture(): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), isTTY: false, env: {} };
}

interface Check {
  metric: string;
  agree: boolean;
  why: string;
  client: number;
  server: number | [number, number];
}

for (const release of PROMETHEUS_RELEASES) describe(`loadtest cross-check with real ${release.name}`, () => {
  const PROMETHEUS = release.path('prometheus');
  if (!PROMETHEUS) {
    it.skip(`needs ${release.missing('prometheus')}`, () => {});
    return;
  }
  let dir: string;
  let emu: Emulator;
  let prom: RunningPrometheus;
  beforeAll(async () => {
    emu = await startEmulator({ kind: 'vllm-v1', arrivalRate: 0, seed: 11 });
    dir = mkdtempSync(join(tmpdir(), 'cvm-loadtest-prom-'));
    const config = join(dir, 'prometheus.yml');
    writeFileSync(config, `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: vllm\n    static_configs:\n      - targets: ['127.0.0.1:${emu.port}']\n`);
    prom = await startPrometheus({ binary: PROMETHEUS, configFile: config });
    await waitFor('the emulator scraped', async () => ((await prom.client.targets()).some((t) => t.health === 'up') ? true : undefined), 30_000, 300);
  }, 90_000);
  afterAll(async () => {
    await prom?.stop();
    await emu?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const loadtest = async (extra: string[]) => {
    const io = capture();
    const code = await main(['loadtest', emu.url, '--input-len', '80', '--output-len', '24', '--range-ratio', '0.5', '--prometheus-url', prom.url, '--json', ...extra], io);
    expect(code, io.errors.join('\n')).toBe(0);
    return JSON.parse(io.lines.join('\n')) as { completed: number; total_output_tokens: number; cross_check: { checks: Check[]; engine: string } };
  };

  it('agrees with the server it has to itself', async () => {
    const before = emu.sims[0]!.totals.generationTokens;
    const r = await loadtest(['--rate', '10', '--requests', '30', '--seed', '3']);
    const checks = r.cross_check.checks;
    expect(r.cross_check.engine).toBe('vllm');
    const byName = Object.fromEntries(checks.map((c) => [c.metric, c]));
    // The server's counts, read independently from the simulation itself.
    expect(r.total_output_tokens).toBe(emu.sims[0]!.totals.generationTokens - before);
    expect(byName['generated tokens']).toMatchObject({ agree: true, server: r.total_output_tokens });
    expect(byName['finished requests']).toMatchObject({ agree: true, server: 30 });
    for (const m of ['mean TTFT', 'mean E2EL', 'mean TPOT', 'mean ITL', 'p99 TTFT', 'p90 E2EL']) expect(byName[m], m).toBeDefined();
    // Percentiles of the per-token figures are left out: a pooled p99 of chunk gaps is hostage to the
    // scheduler of a shared test machine (a 100 ms stall of this process is a real client-side gap).
    const stable = checks.filter((c) => !/^p\S+ (ITL|TPOT)$/.test(c.metric));
    expect(stable.length).toBe(2 + 4 + 2 * 2);
    expect(stable.filter((c) => !c.agree), JSON.stringify(checks, null, 1)).toEqual([]);
  }, 60_000);

  it('disagrees, and says another client shares the server, when one does', async () => {
    const other = main(['loadtest', emu.url, '--rate', '10', '--requests', '15', '--input-len', '40', '--output-len', '10', '--seed', '8'], capture());
    const r = await loadtest(['--rate', '10', '--requests', '20', '--seed', '4']);
    await other;
    const byName = Object.fromEntries(r.cross_check.checks.map((c) => [c.metric, c]));
    expect(byName['finished requests']!.agree).toBe(false);
    expect(byName['finished requests']!.server as number).toBeGreaterThan(20);
    expect(byName['generated tokens']!.agree).toBe(false);
    expect(byName['generated tokens']!.why).toMatch(/another client shares the server/);
  }, 60_000);
});
