/**
 * `demo --traffic clients` wired to loadtest, on real Prometheus (each release of
 * test/support/versions.ts): the demo's own fleet (startFleet, as `demo` starts it: vLLM V1 with two
 * DP engines, SGLang with two DP ranks) with its engines serving only what clients send, scraped
 * every second; the load test the demo prints for each engine, cross-checked with that Prometheus,
 * agrees on every figure it compares. The default fleet (its simulated users on) makes the exact
 * counts disagree, naming another client.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { type RunningMember, startFleet, stopFleet } from '../../src/stack/demo-fleet.js';
import { demoLoadtestArgs, demoLoadtestLines } from '../../src/stack/demo-loadtest.js';
import { PROMETHEUS_RELEASES } from '../support/versions.js';
import { type RunningPrometheus, startPrometheus, waitFor } from '../integration/support/prometheus.js';
import { captureIo } from '../support/cli.js';
import type { Check } from '../../src/loadtest/compare.js';

const generated = (m: RunningMember) => m.emulator!.sims.reduce((a, s) => a + s.totals.generationTokens, 0);

describe('the load test demo prints', () => {
  it('is one command per emulated engine, with the stack dir, and says what the traffic mode means for the cross-check', () => {
    const fleet = [
      { name: 'llama-vllm-v1', kind: 'vllm-v1', engine: 'vllm', preferredPort: 18001, port: 18011 },
      { name: 'gpu-dcgm', kind: 'dcgm', preferredPort: 18004, port: 18014 },
    ] as RunningMember[];
    const clients = demoLoadtestLines('my demo', fleet, '127.0.0.1', 'clients');
    const commands = clients.filter((l) => l.includes('create-vllm-monitor loadtest'));
    expect(commands).toEqual([`  create-vllm-monitor loadtest http://127.0.0.1:18011 ${demoLoadtestArgs('x').slice(2).join(' ')} --dir 'my demo'`]);
    expect(clients.join('\n')).toMatch(/agree on every figure/);
    expect(demoLoadtestLines('d', fleet, '127.0.0.1', 'simulated').join('\n')).toMatch(/another client shares the server.*--traffic clients/);
  });
});

for (const release of PROMETHEUS_RELEASES) describe(`demo --traffic clients and loadtest, with real ${release.name}`, () => {
  const PROMETHEUS = release.path('prometheus');
  if (!PROMETHEUS) {
    it.skip(`needs ${release.missing('prometheus')}`, () => {});
    return;
  }
  let dir: string;
  let quiet: RunningMember[] = [];
  let busy: RunningMember[] = [];
  let prom: RunningPrometheus;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cvm-demo-loadtest-'));
    quiet = await startFleet('127.0.0.1', { dir, traffic: 'clients' });
    busy = await startFleet('127.0.0.1', { dir });
    const targets = [...quiet, ...busy].filter((m) => m.engine).map((m) => `'127.0.0.1:${m.port}'`);
    const config = join(dir, 'prometheus.yml');
    writeFileSync(config, `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: engines\n    static_configs:\n      - targets: [${targets.join(', ')}]\n`);
    prom = await startPrometheus({ binary: PROMETHEUS, configFile: config });
    await waitFor('every engine scraped', async () => ((await prom.client.targets()).filter((t) => t.health === 'up').length === targets.length ? true : undefined), 30_000, 300);
  }, 90_000);
  afterAll(async () => {
    await prom?.stop();
    await stopFleet([...quiet, ...busy]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const loadtest = async (m: RunningMember) => {
    const io = captureIo();
    const code = await main([...demoLoadtestArgs(`http://127.0.0.1:${m.port}`), '--prometheus-url', prom.url, '--json'], io);
    expect(code, io.errors.join('\n')).toBe(0);
    return JSON.parse(io.lines.join('\n')) as { completed: number; total_output_tokens: number; cross_check: { checks: Check[]; engine: string } };
  };

  // vLLM V1: counts, means of TTFT, TPOT, ITL, E2EL and their p90 and p99; SGLang has no TPOT histogram.
  for (const [name, engine, compared] of [['llama-vllm-v1', 'vllm', 2 + 4 + 4 * 2], ['llama-sglang', 'sglang', 2 + 3 + 3 * 2]] as const) {
    it(`${name} (two DP ranks, clients only): the cross-check agrees on every figure (a latency at most inconclusive, by this process's own stall)`, async () => {
      const m = quiet.find((x) => x.name === name)!;
      const before = generated(m);
      const r = await loadtest(m);
      expect(r.cross_check.engine).toBe(engine);
      const checks = r.cross_check.checks;
      const byName = Object.fromEntries(checks.map((c) => [c.metric, c]));
      // What the engine generated, read from its simulations, not from Prometheus: the client's total.
      expect(generated(m) - before).toBe(r.total_output_tokens);
      expect(r.completed).toBe(40);
      expect(byName['finished requests']).toMatchObject({ agree: true, server: 40 });
      expect(byName['generated tokens']).toMatchObject({ agree: true, server: r.total_output_tokens });
      expect(new Set(checks.map((c) => c.metric)).size).toBe(compared);
      // None disagrees. One may be inconclusive, never a count: beyond its allowance by no more than
      // this process's own longest stall in the run (the fleet and the client share its event loop; on
      // a quiet machine that is a few ms and every figure agrees).
      expect(checks.filter((c) => !c.agree && !c.inconclusive), JSON.stringify(checks, null, 1)).toEqual([]);
      for (const c of checks.filter((x) => x.inconclusive)) expect(c.why).toMatch(/this client itself stalled up to/);
    }, 90_000);
  }

  it('llama-vllm-v1 of the default demo (simulated users too): the counts disagree and say another client shares the server', async () => {
    const r = await loadtest(busy.find((x) => x.name === 'llama-vllm-v1')!);
    const byName = Object.fromEntries(r.cross_check.checks.map((c) => [c.metric, c]));
    expect(byName['finished requests']!.agree).toBe(false);
    expect(byName['finished requests']!.server as number).toBeGreaterThan(40);
    expect(byName['generated tokens']!.agree).toBe(false);
    expect(byName['generated tokens']!.why).toMatch(/another client shares the server/);
  }, 90_000);
});
