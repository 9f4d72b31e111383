/**
 * Emulated engines and exporters against the real captures: same metric names, types, HELP, label
 * keys, buckets and number formatting; accepted by the real promtool; recognised by detection; and
 * their bad states look like the real failures.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type EmulatorKind } from '../../src/demo/emulator.js';
import { familyById } from '../../src/engines/catalog.js';
import { detect } from '../../src/engines/detect.js';
import { labelKeysOf, parseExposition, type MetricFamily } from '../../src/engines/exposition.js';
import type { FamilyId } from '../../src/engines/types.js';
import { FIXTURES_PRESENT, FIXTURES_SKIP_REASON, fixture } from '../support/env.js';
import { PROMETHEUS_RELEASES, itEachRelease } from '../support/versions.js';

const START = 1753795326.93;
const running: Emulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

async function emu(kind: EmulatorKind, extra: Partial<Parameters<typeof startEmulator>[0]> = {}): Promise<Emulator> {
  const e = await startEmulator({ kind, realTime: false, seed: 7, startTime: START, ...extra });
  running.push(e);
  return e;
}

async function textOf(kind: EmulatorKind, extra: Partial<Parameters<typeof startEmulator>[0]> = {}, seconds = 90): Promise<string> {
  const e = await emu(kind, extra);
  e.advance(seconds);
  return e.metricsText();
}

function families(text: string): Map<string, MetricFamily> {
  return new Map(parseExposition(text).families.map((f) => [f.name, f]));
}
const les = (f: MetricFamily) => {
  const first = f.samples.find((s) => s.labels.le !== undefined);
  if (!first) return [];
  const key = (s: { labels: Record<string, string> }) => JSON.stringify(Object.entries(s.labels).filter(([k]) => k !== 'le'));
  return f.samples.filter((s) => s.labels.le !== undefined && key(s) === key(first)).map((s) => s.labels.le);
};
const readFixture = (name: string) => readFileSync(fixture(name), 'utf8');

/** Every emulated family is in the catalog family with the same type. */
function expectInCatalog(text: string, id: FamilyId, prefix: RegExp) {
  const cat = familyById(id).metrics;
  for (const f of families(text).values()) {
    if (!prefix.test(f.name) || f.name.endsWith('_created')) continue;
    const m = cat.find((c) => c.name === f.name);
    expect(m, `${f.name} in catalog ${id}`).toBeDefined();
    expect(f.type, f.name).toBe(m!.type);
    for (const k of labelKeysOf(f)) expect([...m!.labels, ...(m!.optionalLabels ?? [])], `${f.name} label ${k}`).toContain(k);
  }
}

describe.skipIf(!FIXTURES_PRESENT)(`emulators match the real captures${FIXTURES_PRESENT ? '' : ` (skipped: ${FIXTURES_SKIP_REASON})`}`, () => {
  it('vLLM V0 reproduces every vllm:* family of the real V0 scrape: type, HELP, labels, buckets', async () => {
    const ours = families(await textOf('vllm-v0'));
    const real = families(readFixture('datadog__vllm_metrics_e99474c0.txt'));
    for (const f of real.values()) {
      if (!f.name.startsWith('vllm:') && !f.name.startsWith('process_')) continue;
      const o = ours.get(f.name);
      expect(o, f.name).toBeDefined();
      expect([o!.type, o!.help], f.name).toEqual([f.type, f.help]);
      expect(labelKeysOf(o!), f.name).toEqual(labelKeysOf(f));
      if (f.type === 'histogram') expect(les(o!), f.name).toEqual(les(f));
    }
    expect([...ours.keys()].some((n) => n.endsWith('_created'))).toBe(false);
    expectInCatalog([...ours.values()].map(() => '').join('') || (await textOf('vllm-v0')), 'vllm-v0', /^vllm:/);
  });

  it('vLLM V1 ≥ 0.11 matches the real V1 HELP strings, adds `engine` per DP rank and a _created gauge per counter and histogram', async () => {
    const text = await textOf('vllm-v1', { dpRanks: 2 });
    const ours = families(text);
    const composite = families(readFixture('datadog__vllm_metrics_5b8d70d4.txt'));
    const v1Block = ['vllm:kv_cache_usage_perc', 'vllm:engine_sleep_state', 'vllm:prefix_cache_queries_total', 'vllm:prefix_cache_hits_total', 'vllm:prompt_tokens_by_source_total', 'vllm:prompt_tokens_cached_total', 'vllm:iteration_tokens_total', 'vllm:request_max_num_generation_tokens', 'vllm:request_params_max_tokens', 'vllm:inter_token_latency_seconds', 'vllm:request_time_per_output_token_seconds', 'vllm:request_queue_time_seconds', 'vllm:request_inference_time_seconds', 'vllm:request_prefill_time_seconds', 'vllm:request_decode_time_seconds'];
    for (const name of v1Block) {
      const real = composite.get(name)!;
      const o = ours.get(name);
      expect(o, name).toBeDefined();
      expect([o!.type, o!.help], name).toEqual([real.type, real.help]);
      // The composite lacks `engine` (hand-appended); real V1 always carries it.
      expect(labelKeysOf(o!), name).toEqual([...new Set([...labelKeysOf(real), 'engine'])].sort());
    }
    for (const f of ours.values()) {
      if (!f.name.startsWith('vllm:') || f.name === 'vllm:cache_config_info') continue;
      expect(new Set(f.samples.map((s) => s.labels.engine)), f.name).toEqual(new Set(['0', '1']));
      if (f.type === 'counter' || f.type === 'histogram') {
        const created = ours.get(`${f.type === 'counter' ? f.name.replace(/_total$/, '') : f.name}_created`);
        expect(created?.type, `${f.name} _created`).toBe('gauge');
        expect(created?.help).toBe(f.help);
        expect(created!.samples[0]!.rawValue).toMatch(/^1\.75379532\d*e\+09$/);
      }
    }
    // Every finish reason exists from the start, as V1 pre-creates them.
    expect(ours.get('vllm:request_success_total')!.samples.filter((s) => s.labels.engine === '0').map((s) => s.labels.finished_reason)).toEqual(['stop', 'length', 'abort', 'error', 'repetition']);
    expectInCatalog(text, 'vllm-v1', /^vllm:/);
    // The real DP excerpt: engine="0"/"1", labels in sorted order around le.
    expect(text).toMatch(/^vllm:num_requests_running\{engine="1",model_name="[^"]+"\} \d+\.0$/m);
    expect(text).toMatch(/^vllm:request_params_max_tokens_bucket\{engine="0",le="20\.0",model_name="[^"]+"\} /m);
  });

  it('vLLM V1 ≤ 0.10 matches the 0.10.0 scrape (production-stack #617): deprecated gpu_prefix_cache_* with their real HELP', async () => {
    const text = await textOf('vllm-v1-legacy');
    const ours = families(text);
    const real = families(readFixture('vllm__issue_excerpts.prom'));
    for (const name of ['vllm:gpu_prefix_cache_queries_created', 'vllm:gpu_prefix_cache_hits_total', 'vllm:gpu_prefix_cache_hits_created', 'vllm:kv_cache_usage_perc', 'vllm:prefix_cache_queries_total', 'vllm:request_generation_tokens']) {
      const r = real.get(name)!;
      const o = ours.get(name);
      expect(o, name).toBeDefined();
      expect([o!.type, o!.help, labelKeysOf(o!)], name).toEqual([r.type, r.help, labelKeysOf(r)]);
    }
    // The capture's buckets (cut by the excerpt) are a prefix of ours at max_model_len 2048.
    const realLe = les(real.get('vllm:request_generation_tokens')!);
    expect(les(ours.get('vllm:request_generation_tokens')!).slice(0, realLe.length)).toEqual(realLe);
    expect(ours.has('vllm:time_per_output_token_seconds')).toBe(true);
    expect(ours.has('vllm:inter_token_latency_seconds')).toBe(false);
    expectInCatalog(text, 'vllm-v1-legacy', /^vllm:/);
  });

  it('SGLang: real names and types, rank labels as on multi-rank servers, pid on the volatile gauges, _sum first', async () => {
    const text = await textOf('sglang', { ppSize: 2 });
    const ours = families(text);
    const docs = families(readFixture('sglang-docs__production_metrics_example.prom'));
    const datadog = families(readFixture('datadog__sglang_metrics_71a3042b.txt'));
    let shared = 0;
    for (const real of [...docs.values(), ...datadog.values()]) {
      const o = ours.get(real.name);
      if (!o) continue;
      shared++;
      expect(o.type, real.name).toBe(real.type);
    }
    expect(shared).toBeGreaterThanOrEqual(12);
    // Scheduler series: the labels of PR #7720 (pp_rank 0 and 1) plus moe_ep_rank as in smg #813.
    const sched = ours.get('sglang:gen_throughput')!;
    expect(labelKeysOf(sched)).toEqual(['engine_type', 'model_name', 'moe_ep_rank', 'pp_rank', 'tp_rank']);
    expect(sched.samples.map((s) => s.labels.pp_rank)).toEqual(['0', '1']);
    expect(labelKeysOf(ours.get('sglang:num_retracted_reqs')!)).toContain('pid');
    // Request-level series carry model_name only, like the docs sample.
    expect(labelKeysOf(ours.get('sglang:prompt_tokens_total')!)).toEqual(labelKeysOf(docs.get('sglang:prompt_tokens_total')!));
    expect(ours.get('sglang:time_to_first_token_seconds')!.samples[0]!.name).toBe('sglang:time_to_first_token_seconds_sum');
    expect([...ours.keys()].some((n) => n.endsWith('_created'))).toBe(false);
    expectInCatalog(text, 'sglang', /^sglang:/);
  });

  it('DCGM exporter: real names, types, HELP, label order with Hostname, integer and %f values', async () => {
    const text = await textOf('dcgm', { gpus: 2 });
    const ours = families(text);
    // HELP as the ≤ 4.8 exporter writes it (PR #736's newer build rewords some, e.g. ENC_UTIL).
    const real = new Map([...families(readFixture('dcgm-exporter__issue_excerpts.prom')), ...families(readFixture('datadog__dcgm_metrics_2931c104.txt'))]);
    let shared = 0;
    for (const o of ours.values()) {
      const r = real.get(o.name);
      if (!r) continue;
      shared++;
      // The 4.8 CSV declares the PCIe byte rates gauges; the older T4 capture's CSV said counter.
      if (!o.name.startsWith('DCGM_FI_PROF_PCIE_')) expect(o.type, o.name).toBe(r.type);
      // HELP comes from the counters CSV the exporter is given, and its wording changed between
      // releases (the captures span 2.x to 4.6+): check it against the 4.8 CSV in the catalog instead.
      const cat = familyById('dcgm').metrics.find((m) => m.name === o.name);
      if (cat?.help) expect(o.help, o.name).toBe(cat.help);
    }
    expect(shared).toBeGreaterThanOrEqual(15);
    const line = text.split('\n').find((l) => l.startsWith('DCGM_FI_DEV_POWER_USAGE{'))!;
    expect(line).toMatch(/^DCGM_FI_DEV_POWER_USAGE\{gpu="0",UUID="GPU-[0-9a-f-]+",pci_bus_id="[0-9A-F:.]+",device="nvidia0",modelName="[^"]+",Hostname="gpu-node-1",DCGM_FI_DRIVER_VERSION="[\d.]+"\} \d+\.\d{6}$/);
    expect(text).toMatch(/^DCGM_FI_DEV_SM_CLOCK\{[^}]+\} \d+$/m);
    expectInCatalog(text, 'dcgm', /^DCGM_/);
  });

  it('nvidia_gpu_exporter: every family as in the real H100 capture (type, HELP, labels), families sorted, Go floats', async () => {
    const text = await textOf('nvidia-smi');
    const ours = families(text);
    const real = families(readFixture('utkuozdemir-nvgpuexp__linux-x86_64__nvidia-h100-80gb-hbm3__590.48.01__load.metrics'));
    for (const o of ours.values()) {
      const r = real.get(o.name);
      expect(r, o.name).toBeDefined();
      expect([o.type, o.help, labelKeysOf(o)], o.name).toEqual([r!.type, r!.help, labelKeysOf(r!)]);
    }
    expect([...ours.keys()]).toEqual([...ours.keys()].sort());
    expect(text).toMatch(/^nvidia_smi_memory_total_bytes\{uuid="[0-9a-f-]+"\} 8\.5520809984e\+10$/m);
    expectInCatalog(text, 'nvidia-smi', /^nvidia_smi_/);
  });

  it('nvidia_gpu_exporter NVML backend: PCIe throughput families as the catalog has them (not in the CLI-backend captures), families still sorted', async () => {
    const text = await textOf('nvidia-smi', { nvml: true });
    const ours = families(text);
    for (const d of ['tx', 'rx']) {
      const name = `nvidia_smi_pcie_throughput_${d}_bytes_per_second`;
      const cat = familyById('nvidia-smi').metrics.find((m) => m.name === name)!;
      expect([ours.get(name)?.type, ours.get(name)?.help, labelKeysOf(ours.get(name)!)], name).toEqual(['gauge', cat.help, ['uuid']]);
      expect(ours.get(name)!.samples[0]!.value, name).toBeGreaterThan(0);
    }
    expect([...ours.keys()]).toEqual([...ours.keys()].sort());
    expectInCatalog(text, 'nvidia-smi', /^nvidia_smi_/);
  });
});

describe('emulators and the real promtool', () => {
  // Lint findings real engines and exporters also produce (colons in names, DCGM's naming).
  const ALLOWED = [
    "metric names should not contain ':'",
    'metric names should not contain abbreviated units',
    'non-counter metrics should not have "_total" suffix',
    "metric name should not include type 'histogram'",
    "metric name should not include type 'counter'",
    'counter metrics should have "_total" suffix',
    "label names should be written in 'snake_case' not 'camelCase'",
  ];
  for (const kind of ['vllm-v0', 'vllm-v1-legacy', 'vllm-v1', 'sglang', 'dcgm', 'nvidia-smi'] as const) {
    itEachRelease(PROMETHEUS_RELEASES, 'promtool', `promtool check metrics accepts ${kind}`, async (tool) => {
      const text = await textOf(kind, { dpRanks: 2 });
      const r = spawnSync(tool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(r.status === 0 || r.status === 3, `${tool}: ${r.stderr}${r.stdout}`).toBe(true);
      const findings = `${r.stdout}${r.stderr}`.split('\n').filter(Boolean).map((l) => l.replace(/^\S+ /, ''));
      for (const f of findings) expect(ALLOWED, `${tool} ${kind}`).toContain(f);
    });
  }
  itEachRelease(PROMETHEUS_RELEASES, 'promtool', 'promtool version in use', (tool, release) => {
    expect(execFileSync(tool, ['--version'], { encoding: 'utf8' })).toMatch(new RegExp(`promtool, version ${release.version.replace('.', '\\.')}\\.`));
  });
});

describe('emulators: optional features behind their flags', () => {
  it('vLLM V1 with every optional feature: each family in the catalog with its type and labels, none without the flag', async () => {
    const features = ['spec_decode', 'kv_connector', 'kv_offload', 'mfu', 'lora', 'fault_tolerance'] as const;
    const text = await textOf('vllm-v1', { dpRanks: 2, features });
    expectInCatalog(text, 'vllm-v1', /^vllm:/);
    const ours = families(text);
    for (const name of ['vllm:spec_decode_num_drafts_total', 'vllm:spec_decode_num_accepted_tokens_per_pos_total', 'vllm:nixl_num_kv_expired_reqs_total', 'vllm:kv_offload_total_bytes_total', 'vllm:kv_offload_size', 'vllm:estimated_flops_per_gpu_total', 'vllm:corrupted_requests_total', 'vllm:lora_requests_info'])
      expect(ours.has(name), name).toBe(true);
    // Each step emits its accepted tokens plus one: 1 + accepted / drafts is about 2.5.
    const total = (n: string) => ours.get(n)!.samples.reduce((a, x) => a + x.value, 0);
    const length = 1 + total('vllm:spec_decode_num_accepted_tokens_total') / total('vllm:spec_decode_num_drafts_total');
    expect(length).toBeGreaterThan(2.3);
    expect(length).toBeLessThanOrEqual(2.5);
    expect(new Set(ours.get('vllm:spec_decode_num_accepted_tokens_per_pos_total')!.samples.map((x) => x.labels.position))).toEqual(new Set(['0', '1', '2']));
    // Cached = local hits + external KV, as the sources break it down.
    const bySource = ours.get('vllm:prompt_tokens_by_source_total')!.samples.filter((x) => x.labels.source !== 'local_compute').reduce((a, x) => a + x.value, 0);
    expect(total('vllm:prompt_tokens_cached_total')).toBe(bySource);
    const plain = families(await textOf('vllm-v1', { dpRanks: 2 }));
    for (const n of plain.keys()) expect(/spec_decode|nixl|kv_offload|estimated_|corrupted|lora/.test(n), n).toBe(false);
  });

  it('SGLang with spec decoding, P/D, a hybrid model, MFU and LoRA: families in the catalog; forward time always', async () => {
    const text = await textOf('sglang', { features: ['spec_decode', 'pd_disaggregation', 'hybrid_model', 'mfu', 'lora'] });
    expectInCatalog(text, 'sglang', /^sglang:/);
    const ours = families(text);
    for (const name of ['sglang:spec_verify_calls_total', 'sglang:kv_transfer_latency_ms', 'sglang:num_transfer_failed_reqs_total', 'sglang:num_prefill_bootstrap_queue_reqs', 'sglang:swa_token_usage', 'sglang:mamba_usage', 'sglang:estimated_flops_per_gpu_total', 'sglang:lora_pool_utilization'])
      expect(ours.has(name), name).toBe(true);
    expect(ours.get('sglang:kv_transfer_latency_ms')!.type).toBe('histogram');
    const gen = ours.get('sglang:generation_tokens_total')!.samples[0]!.value;
    expect(gen / ours.get('sglang:spec_verify_calls_total')!.samples[0]!.value).toBeCloseTo(2.5, 1);
    const plain = families(await textOf('sglang'));
    expect(plain.has('sglang:forward_execution_seconds_total')).toBe(true);
    for (const n of plain.keys()) expect(/spec_|kv_transfer|bootstrap|swa_|mamba|estimated_|lora|tokens_histogram/.test(n), n).toBe(false);
  });

  it('SGLang with --collect-tokens-histogram: prompt and generation token histograms, model_name only, the catalog buckets, one observation per request', async () => {
    const ours = families(await textOf('sglang', { features: ['tokens_histogram'], dpRanks: 2 }, 300));
    const datadog = families(readFixture('datadog__sglang_metrics_71a3042b.txt'));
    for (const name of ['sglang:prompt_tokens_histogram', 'sglang:generation_tokens_histogram']) {
      const o = ours.get(name)!;
      expect(o?.type, name).toBe('histogram');
      expect(labelKeysOf(o), name).toEqual(labelKeysOf(datadog.get(name)!));
      const bounds = familyById('sglang').metrics.find((m) => m.name === name)!.buckets!;
      expect(les(o).map((le) => (le === '+Inf' ? Infinity : Number(le))), name).toEqual([...bounds, Infinity]);
      expect(o.samples[0]!.name, name).toBe(`${name}_sum`);
      const count = o.samples.find((s) => s.name === `${name}_count`)!.value;
      expect(count, name).toBe(ours.get('sglang:num_requests_total')!.samples[0]!.value);
      expect(count, name).toBeGreaterThan(0);
    }
    // Finished requests only; the emulated counter also counts prompts still running.
    const promptSum = ours.get('sglang:prompt_tokens_histogram')!.samples.find((s) => s.name.endsWith('_sum'))!.value;
    expect(promptSum).toBeGreaterThan(0);
    expect(promptSum).toBeLessThanOrEqual(ours.get('sglang:prompt_tokens_total')!.samples[0]!.value);
  });
});

describe('emulators: detection, determinism, bad states, HTTP states', () => {
  it('detection recognises each emulator as the family it emulates', async () => {
    const expected: Record<EmulatorKind, FamilyId> = { 'vllm-v0': 'vllm-v0', 'vllm-v1-legacy': 'vllm-v1-legacy', 'vllm-v1': 'vllm-v1', sglang: 'sglang', dcgm: 'dcgm', 'nvidia-smi': 'nvidia-smi' };
    for (const [kind, family] of Object.entries(expected) as [EmulatorKind, FamilyId][]) {
      const r = detect(await textOf(kind, { dpRanks: 2 }));
      expect([r.family, r.alsoMatches, r.problems.map((p) => p.code)], kind).toEqual([family, [], kind === 'dcgm' ? [] : []]);
    }
    const r = detect(await textOf('vllm-v1', { dpRanks: 3 }));
    expect(r.ranks.dp).toEqual(['0', '1', '2']);
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    const a = await textOf('vllm-v1', { seed: 11 });
    const b = await textOf('vllm-v1', { seed: 11 });
    const c = await textOf('vllm-v1', { seed: 12 });
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  const gauge = (text: string, name: string) => parseExposition(text).samples.filter((s) => s.name === name).reduce((x, s) => x + s.value, 0);
  const bucket = (text: string, name: string, le: string) => parseExposition(text).samples.filter((s) => s.name === name && s.labels.le === le).reduce((x, s) => x + s.value, 0);

  it('kv-full drives KV usage near 1 with preemptions; stalled leaves requests waiting with nothing running', async () => {
    const full = await emu('vllm-v1');
    full.advance(30);
    await full.setState('kv-full');
    full.advance(60);
    const usage: number[] = [];
    for (let i = 0; i < 30; i++) {
      full.advance(2);
      usage.push(gauge(full.metricsText(), 'vllm:kv_cache_usage_perc'));
    }
    expect(Math.min(...usage)).toBeGreaterThan(0.8);
    expect(usage.reduce((a, b) => a + b) / usage.length).toBeGreaterThan(0.9);
    expect(gauge(full.metricsText(), 'vllm:num_preemptions_total')).toBeGreaterThan(0);

    const stalled = await emu('sglang');
    stalled.advance(30);
    await stalled.setState('stalled');
    stalled.advance(60);
    const s = stalled.metricsText();
    expect(gauge(s, 'sglang:num_running_reqs')).toBe(0);
    expect(gauge(s, 'sglang:num_queue_reqs')).toBeGreaterThan(10);
  });

  it('hung keeps the batch and the queue growing, and stops every token', async () => {
    const e = await emu('vllm-v1', { arrivalRate: 6 });
    e.advance(30);
    await e.setState('hung');
    e.advance(1);
    const before = e.metricsText();
    e.advance(60);
    const after = e.metricsText();
    expect(gauge(after, 'vllm:num_requests_running')).toBeGreaterThan(0);
    expect(gauge(after, 'vllm:num_requests_running')).toBe(gauge(before, 'vllm:num_requests_running'));
    expect(gauge(after, 'vllm:num_requests_waiting')).toBeGreaterThan(gauge(before, 'vllm:num_requests_waiting') + 100);
    expect(gauge(after, 'vllm:generation_tokens_total')).toBe(gauge(before, 'vllm:generation_tokens_total'));
  });

  it('slow-ttft moves time-to-first-token past the 5 s bucket', async () => {
    const e = await emu('vllm-v0');
    e.advance(30);
    const before = e.metricsText();
    await e.setState('slow-ttft');
    e.advance(60);
    const after = e.metricsText();
    const slowBefore = gauge(before, 'vllm:time_to_first_token_seconds_count') - bucket(before, 'vllm:time_to_first_token_seconds_bucket', '5.0');
    const slowAfter = gauge(after, 'vllm:time_to_first_token_seconds_count') - bucket(after, 'vllm:time_to_first_token_seconds_bucket', '5.0');
    expect(slowBefore).toBe(0);
    expect(slowAfter).toBeGreaterThan(20);
  });

  it('GPU load follows the engine it is linked to', async () => {
    const engine = await emu('vllm-v1', { arrivalRate: 8 });
    const gpu = await emu('dcgm', { follow: [engine] });
    engine.advance(30);
    gpu.advance(30);
    const busy = gauge(gpu.metricsText(), 'DCGM_FI_DEV_GPU_UTIL');
    await engine.setState('idle');
    engine.advance(60);
    gpu.advance(60);
    expect(busy).toBeGreaterThan(20);
    expect(gauge(gpu.metricsText(), 'DCGM_FI_DEV_GPU_UTIL')).toBe(0);
    await gpu.setState('gpu-hot');
    gpu.advance(120);
    expect(gauge(gpu.metricsText(), 'DCGM_FI_DEV_GPU_TEMP')).toBeGreaterThan(85);
  });

  it('serves /metrics over HTTP and goes down, engine stats off, 404, HTML and 401 on demand', async () => {
    const e = await emu('vllm-v1', { bearerToken: 's3cret' });
    const get = (headers: Record<string, string> = {}) => fetch(e.metricsUrl, { headers });
    let res = await get();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(detect(await res.text(), { status: 200 }).family).toBe('vllm-v1');

    await e.setState('no-metrics');
    res = await get();
    expect(detect(await res.text(), { status: res.status }).problems.map((p) => p.code)).toEqual(['not-found']);

    await e.setState('stats-off');
    res = await get();
    const processOnly = await res.text();
    expect(res.status).toBe(200);
    expect(processOnly).toMatch(/^process_resident_memory_bytes \d/m);
    expect(processOnly).not.toMatch(/vllm:/);
    expect(detect(processOnly, { status: 200 }).problems.map((p) => p.code)).toEqual(['engine-metrics-missing']);

    await e.setState('html');
    res = await get();
    expect(detect(await res.text(), { status: res.status, contentType: res.headers.get('content-type')! }).problems.map((p) => p.code)).toEqual(['html-instead-of-metrics']);

    await e.setState('unauthorized');
    expect((await get()).status).toBe(401);
    expect((await get({ authorization: 'Bearer s3cret' })).status).toBe(200);

    await e.setState('down');
    await expect(get()).rejects.toThrow();
    await e.setState('normal');
    expect((await get()).status).toBe(200);
  });
});

describe('emulator in real time', () => {
  it('goes on with the wall clock after a fast-forward: a scenario warmed up by advance() does not stand still', async () => {
    const e = await startEmulator({ kind: 'vllm-v1', seed: 7 });
    try {
      e.advance(30);
      const warmedUp = e.sims[0]!.now;
      await new Promise((r) => setTimeout(r, 600));
      await fetch(e.metricsUrl);
      // A scrape brings the simulation up to the wall clock: about 0.6 s later, not still at the warm-up's end.
      expect(e.sims[0]!.now - warmedUp).toBeGreaterThanOrEqual(0.5);
      expect(e.sims[0]!.now - warmedUp).toBeLessThan(5);
    } finally {
      await e.stop();
    }
  });
});
