/**
 * Engines behind something else, on real Prometheus of every toolchain: the generated scrape config
 * undoes what a gateway, Ray Serve or an older NIM did to the names, so each feeds the same llm:
 * series as the engine scraped directly. Bodies are real captures, replayed under traffic:
 * - SGLang Model Gateway /engine_metrics: the older SGLang docs sample and the vLLM V0 capture,
 *   renamed as the gateway renames them (every ":" of a name written "_", a worker_addr label
 *   added; lightseekorg/smg metrics_aggregator.rs, smg PR #813 shows the result);
 * - Ray Serve: DataDog's real Ray scrape (`ray_vllm:`, Ray's labels), as it is;
 * - NIM: the vLLM V0 capture with the `vllm:` prefix dropped, as older NIMs serve it, at /v1/metrics.
 * Each transported target is compared with the same capture served natively.
 */
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES_PRESENT, FIXTURES_SKIP_REASON, fixture } from '../support/env.js';
import { TOOLCHAINS } from '../support/versions.js';
import { type RunningPrometheus, startPrometheus, waitFor } from './support/prometheus.js';
import { replayed } from './support/replay.js';
import { type StaticTarget, serveMetrics } from './support/static-targets.js';
import { pointTargets, renderTestStack, type TestStack } from './support/test-stack.js';

const SGLANG = 'sglang-docs__production_metrics_example.prom';
const VLLM_V0 = 'datadog__vllm_metrics_e99474c0.txt';
const RAY = 'datadog__ray_vllm_metrics_f6aa876f.txt';

/** As the gateway aggregates a worker's scrape: `:` in names becomes `_`, the worker's address a label. */
function throughGateway(text: string, worker: string): string {
  return text
    .split('\n')
    .map((line) => {
      const meta = /^# (HELP|TYPE) (\S+)(.*)$/.exec(line);
      if (meta) return `# ${meta[1]} ${meta[2]!.replaceAll(':', '_')}${meta[3]}`;
      const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?(\s.*)$/.exec(line);
      if (!sample) return line;
      const labels = sample[2] ? `{worker_addr="${worker}",${sample[2].slice(1)}` : `{worker_addr="${worker}"}`;
      return `${sample[1]!.replaceAll(':', '_')}${labels.replace(',}', '}')}${sample[3]}`;
    })
    .join('\n');
}

/** As an older NIM serves vLLM's metrics: without the `vllm:` prefix. */
const asOldNim = (text: string): string => text.replace(/^(# (?:HELP|TYPE) )?vllm:/gm, '$1');

interface Pair {
  engine: 'vllm' | 'sglang';
  /** The transported target and the same capture served natively; undefined: no native twin. */
  transported: { name: string; body: string; path?: string };
  native?: { name: string; body: string };
  /** The transported target feeds every series the native one does (a gateway renames all names; a NIM documents a subset). */
  everySeries?: boolean;
}

const PAIRS = (): Record<string, Pair> => {
  const sglang = readFileSync(fixture(SGLANG), 'utf8');
  const v0 = readFileSync(fixture(VLLM_V0), 'utf8');
  return {
    'SGLang through the gateway': { engine: 'sglang', transported: { name: 'gw-sglang', body: throughGateway(sglang, 'http://10.0.0.5:30001') }, native: { name: 'sglang-direct', body: sglang }, everySeries: true },
    'vLLM through the gateway': { engine: 'vllm', transported: { name: 'gw-vllm', body: throughGateway(v0, 'http://10.0.0.6:8000') }, native: { name: 'vllm-direct', body: v0 }, everySeries: true },
    'an older NIM': { engine: 'vllm', transported: { name: 'nim', body: asOldNim(v0), path: '/v1/metrics' }, native: { name: 'vllm-direct', body: v0 } },
    'vLLM under Ray Serve': { engine: 'vllm', transported: { name: 'ray', body: readFileSync(fixture(RAY), 'utf8') } },
  };
};

/** The core series every vLLM V0 or SGLang target feeds, whatever stands in front of it. */
const CORE = ['llm:requests_running:sum', 'llm:kv_cache_usage_ratio:max', 'llm:prompt_tokens:rate5m', 'llm:generation_tokens:rate5m', 'llm:requests_finished:rate5m', 'llm:ttft_seconds_bucket:rate5m', 'llm:itl_seconds_bucket:rate5m', 'llm:e2e_seconds_bucket:rate5m'];

for (const tc of TOOLCHAINS) describe(`engines behind a gateway, Ray Serve or NIM feed the same series, ${tc.name}`, () => {
  const binary = tc.prometheus.path('prometheus');
  if (!FIXTURES_PRESENT || !binary) {
    it.skip(`needs ${!FIXTURES_PRESENT ? FIXTURES_SKIP_REASON : tc.prometheus.missing('prometheus')}`, () => {});
    return;
  }
  const cleanup: (() => Promise<void>)[] = [];
  let prom: RunningPrometheus;
  const pairs = FIXTURES_PRESENT ? PAIRS() : {};

  /** Names and label sets (less job/instance/host) of the llm: series of one instance. */
  const seriesOf = async (instance: string): Promise<Map<string, Record<string, string>[]>> => {
    const out = new Map<string, Record<string, string>[]>();
    for (const s of (await prom.client.query(`{__name__=~"llm:.+", instance="${instance}"}`)).series) {
      const { __name__: name, job: _j, instance: _i, host: _h, ...labels } = s.metric;
      out.set(name!, [...(out.get(name!) ?? []), labels]);
    }
    return out;
  };

  beforeAll(async () => {
    const start = Date.now();
    const targets = new Map<string, { engine: 'vllm' | 'sglang'; body: string; path?: string }>();
    for (const p of Object.values(pairs)) {
      targets.set(p.transported.name, { engine: p.engine, ...p.transported });
      if (p.native) targets.set(p.native.name, { engine: p.engine, body: p.native.body });
    }
    const served = new Map<string, StaticTarget>();
    for (const [name, t] of targets) {
      const server = await serveMetrics(replayed(t.body, 60, start), 200, {}, t.path ?? '/metrics');
      cleanup.push(server.close);
      served.set(name, server);
    }
    const stack: TestStack = await renderTestStack({
      targets: [...targets].map(([name, t], i) => ({ name, engine: t.engine, url: `http://127.0.0.1:${8000 + i}${t.path ?? '/metrics'}` })),
      gpu: 'none',
      grafana: false,
      scrapeInterval: '1s',
    });
    cleanup.push(async () => rmSync(stack.dir, { recursive: true, force: true }));
    for (const engine of ['vllm', 'sglang'] as const) {
      pointTargets(stack, engine, Object.fromEntries([...targets].filter(([, t]) => t.engine === engine).map(([name]) => [name, served.get(name)!.address])));
    }
    prom = await startPrometheus({ binary, configFile: stack.configFile });
    cleanup.push(prom.stop);
    // Rates need two scrapes and a rule evaluation after them; the SLO group evaluates once a
    // minute, so a target whose rates came after its last run has no SLO series yet: wait for both.
    for (const series of ['llm:e2e_seconds_count:rate5m', 'llm:e2e_seconds_slo_bad:rate5m']) {
      await waitFor(`${series} of every target`, async () => {
        const r = await prom.client.query(`count by (instance) (${series})`);
        return r.series.length === targets.size ? true : undefined;
      }, 150_000, 1_000);
    }
  }, 330_000);

  afterAll(async () => {
    for (const f of cleanup.reverse()) await f();
  });

  for (const [what, p] of Object.entries(pairs)) {
    it(`${what}: the core series, with the engine's own labels only`, async () => {
      const got = await seriesOf(p.transported.name);
      expect(CORE.filter((n) => !got.has(n))).toEqual([]);
      const labelKeys = new Set([...got.values()].flat().flatMap((l) => Object.keys(l)));
      for (const foreign of ['worker_addr', 'WorkerId', 'Component', 'NodeAddress', 'SessionName', 'Version']) expect(labelKeys.has(foreign), foreign).toBe(false);
    });

    if (p.native) {
      it(`${what}: ${p.everySeries ? 'exactly the' : 'only'} series the same engine feeds scraped directly, with the same gauges`, async () => {
        const [transported, native] = await Promise.all([seriesOf(p.transported.name), seriesOf(p.native!.name)]);
        if (p.everySeries) expect([...transported.keys()].sort()).toEqual([...native.keys()].sort());
        else expect([...transported.keys()].filter((n) => !native.has(n))).toEqual([]);
        for (const gauge of ['llm:requests_running:sum', 'llm:kv_cache_usage_ratio:max']) {
          const value = async (instance: string) => (await prom.client.query(`${gauge}{instance="${instance}"}`)).series.map((s) => s.value?.[1]);
          expect(await value(p.transported.name), gauge).toEqual(await value(p.native!.name));
        }
      });
    }
  }

  it('no renamed raw name is stored: the scrape put every one back', async () => {
    const left = await prom.client.query('count by (__name__) ({__name__=~"ray_vllm:.+|sglang_.+|vllm_.+|num_requests_running|time_to_first_token_seconds_bucket"})');
    expect(left.series.map((s) => s.metric.__name__)).toEqual([]);
  });
});
