/**
 * Detection on every real capture in ../shared/fixtures (PROVENANCE.md says what each one is).
 * Each expectation is what that capture truly shows, including what is wrong with it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detect, type DetectionReport } from '../../src/engines/detect.js';
import { FIXTURES_DIR, FIXTURES_PRESENT, FIXTURES_SKIP_REASON, fixture } from '../support/env.js';

const read = (name: string): DetectionReport => detect(readFileSync(fixture(name), 'utf8'));
const codes = (r: DetectionReport) => r.problems.map((p) => p.code).sort();

const NVSMI = 'utkuozdemir-nvgpuexp__linux-x86_64__nvidia-';

describe.skipIf(!FIXTURES_PRESENT)(`detect on real captures${FIXTURES_PRESENT ? '' : ` (skipped: ${FIXTURES_SKIP_REASON})`}`, () => {
  const expected: Record<string, (r: DetectionReport) => void> = {
    'datadog__vllm_metrics_e99474c0.txt': (r) => {
      // Real V0 scrape (≈0.4/0.5): no engine label, no _created, prefix caching off in cache_config.
      expect(r).toMatchObject({ kind: 'engine', producer: 'vllm', family: 'vllm-v0', alsoMatches: [], naming: 'native', models: ['facebook/opt-125m'] });
      expect(r.ranks.dp).toEqual([]);
      expect(r.optional).toMatchObject({ specDecode: false, lora: false, prefixCache: false, kvConnector: false });
      expect(r.problems).toEqual([]);
    },
    'datadog__vllm_metrics_5b8d70d4.txt': (r) => {
      // COMPOSITE: the V0 scrape with a hand-appended V1 (≥0.11 names) block.
      expect(r).toMatchObject({ producer: 'vllm', family: 'vllm-v1', alsoMatches: ['vllm-v0'], models: ['facebook/opt-125m'] });
      expect(codes(r)).toEqual(['mixed-generations']);
      expect(r.evidence.join(' ')).toContain('vllm:inter_token_latency_seconds');
    },
    'datadog__ray_vllm_metrics_f6aa876f.txt': (r) => {
      expect(r).toMatchObject({ producer: 'vllm', family: 'vllm-v0', naming: 'ray-prefix' });
      expect(r.models).toEqual(['facebook/opt-125m', 'neuralmagic/Meta-Llama-3.1-70B-Instruct-FP8']);
      expect(codes(r)).toContain('ray-prefix');
    },
    'vllm__issue_excerpts.prom': (r) => {
      // 0.10.0 (engine="0", _created, gpu_prefix_cache_*), two DP engines, early V1, and a 2023 block.
      expect(r).toMatchObject({ producer: 'vllm', family: 'vllm-v1-legacy', alsoMatches: ['vllm-v0'] });
      expect(r.ranks.dp).toEqual(['0', '1']);
      expect(r.models).toEqual(['deepseek-v4-flash-w8a8-mtp', 'Qwen/Qwen2.5-Coder-32B-Instruct', 'zai-org/GLM-4.5']);
      expect(codes(r)).toEqual(['mixed-generations', 'parse-errors']);
    },
    'datadog__sglang_metrics_71a3042b.txt': (r) => {
      expect(r).toMatchObject({ producer: 'sglang', family: 'sglang', alsoMatches: [], naming: 'native', models: ['facebook/opt-125m'] });
      expect(r.ranks.tp).toEqual(['0']);
      expect(r.optional.prefixCache).toBe(true);
      expect(r.optional.specDecode).toBe(false); // spec gauges present but 0
      expect(r.problems).toEqual([]);
    },
    'sglang-docs__production_metrics_example.prom': (r) => {
      // Older format: time_per_output_token_seconds, no rank labels.
      expect(r).toMatchObject({ producer: 'sglang', family: 'sglang-legacy', models: ['meta-llama/Llama-3.1-8B-Instruct'] });
      expect(r.ranks).toEqual({ dp: [], tp: [], pp: [], ep: [] });
      expect(r.problems).toEqual([]);
    },
    'sglang__issue_excerpts.prom': (r) => {
      // PP=2 blocks, 2025 engine_type era, first-generation `name` label, SMG-rewritten sglang_ names.
      expect(r).toMatchObject({ producer: 'sglang', family: 'sglang', alsoMatches: ['sglang-gen1'] });
      expect(r.ranks.pp).toEqual(['0', '1']);
      expect(r.ranks.ep).toEqual(['0']);
      expect(r.models).toContain('meta-llama/Llama-3.1-8B-Instruct');
      expect(codes(r)).toEqual(['mixed-generations', 'names-rewritten', 'parse-errors']);
    },
    'datadog__dcgm_metrics_2931c104.txt': (r) => {
      expect(r).toMatchObject({ kind: 'gpu-exporter', producer: 'dcgm', family: 'dcgm', alsoMatches: [] });
      expect(r.hostnames).toContain('424773df46e0');
      expect(r.evidence.join(' ')).toContain('`Hostname` label');
      expect(r.gpus.length).toBeGreaterThanOrEqual(2);
    },
    'dcgm-exporter__issue_excerpts.prom': (r) => {
      expect(r).toMatchObject({ producer: 'dcgm', family: 'dcgm' });
      // PR #736's build already writes lower-case hostname; the older issues Hostname.
      expect(r.evidence.join(' ')).toContain('`hostname` label');
      expect(r.evidence.join(' ')).toContain('`Hostname` label');
      expect(r.optional.groups).toEqual(['profiling', 'mig']);
      expect(codes(r)).toEqual(['mig']);
    },
    'rocm-dme__docs_metricslist_examples.prom': (r) => {
      expect(r).toMatchObject({ producer: 'amd', family: 'amd', hostnames: ['xxxx'] });
      expect(r.gpus).toEqual(['0', '3', '5']);
      expect(r.problems).toEqual([]);
    },
    'rocm-dme__metrics_mini.txt': (r) => {
      expect(r).toMatchObject({ producer: 'amd', family: 'amd' });
      expect(codes(r)).toEqual(['outdated-format']);
    },
    [`${NVSMI}geforce-rtx-2080-super__595.71.05__idle.metrics`]: (r) => {
      expect(r).toMatchObject({ producer: 'nvidia-smi', family: 'nvidia-smi', gpus: ['00000000-0000-0000-0000-000000000000'] });
      expect(r.optional.groups).toEqual([]);
      expect(r.problems).toEqual([]);
    },
    [`${NVSMI}geforce-rtx-2080-super__595.71.05__load.metrics`]: (r) => {
      expect(r).toMatchObject({ producer: 'nvidia-smi', family: 'nvidia-smi' });
      expect(r.problems).toEqual([]);
    },
    [`${NVSMI}h100-80gb-hbm3__590.48.01__idle.metrics`]: (r) => {
      expect(r).toMatchObject({ producer: 'nvidia-smi', family: 'nvidia-smi' });
      expect(r.optional.groups).toEqual([]);
      expect(r.problems).toEqual([]);
    },
    [`${NVSMI}h100-80gb-hbm3__590.48.01__load.metrics`]: (r) => {
      expect(r).toMatchObject({ producer: 'nvidia-smi', family: 'nvidia-smi' });
      expect(r.problems).toEqual([]);
    },
    [`${NVSMI}h100-mig__590.48.01__idle.metrics`]: (r) => {
      expect(r).toMatchObject({ producer: 'nvidia-smi', family: 'nvidia-smi' });
      expect(r.optional.groups).toEqual(['mig']);
      expect(r.problems.map((p) => p.message)).toEqual(['MIG mode is on: nvidia-smi reports no utilization fields for this GPU']);
    },
    [`${NVSMI}h100-mig__590.48.01__load.metrics`]: (r) => {
      expect(r).toMatchObject({ producer: 'nvidia-smi', family: 'nvidia-smi' });
      expect(codes(r)).toEqual(['mig']);
    },
  };

  it('has an expectation for every /metrics capture in the folder', () => {
    // Sub-folders hold other kinds of capture (profiler traces in traces/).
    const files = readdirSync(FIXTURES_DIR, { withFileTypes: true }).filter((f) => f.isFile() && f.name !== 'PROVENANCE.md').map((f) => f.name);
    expect(files.sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [name, check] of Object.entries(expected)) {
    it(name, () => check(read(name)));
  }
});

describe('detect on answers that are not metrics', () => {
  it('404 (SGLang without --enable-metrics)', () => {
    const r = detect('{"detail":"Not Found"}', { status: 404, contentType: 'application/json' });
    expect(r.kind).toBe('unknown');
    expect(r.problems.map((p) => p.code)).toEqual(['not-found']);
    expect(r.problems[0]!.fix).toContain('--enable-metrics');
  });
  it('401 from an API-key proxy', () => {
    expect(detect('Unauthorized', { status: 401 }).problems.map((p) => p.code)).toEqual(['auth-required']);
  });
  it('an HTML page', () => {
    expect(detect('<!DOCTYPE html><html><body>Open WebUI</body></html>', { status: 200, contentType: 'text/html; charset=utf-8' }).problems.map((p) => p.code)).toEqual(['html-instead-of-metrics']);
  });
  it('vLLM with --disable-log-stats: only process and HTTP metrics', () => {
    const body = ['# TYPE process_resident_memory_bytes gauge', 'process_resident_memory_bytes 5.1e+09', '# TYPE http_requests_total counter', 'http_requests_total{handler="/v1/completions",method="POST",status="2xx"} 3.0'].join('\n');
    const r = detect(body, { status: 200 });
    expect(r.kind).toBe('unknown');
    expect(r.problems.map((p) => p.code)).toEqual(['engine-metrics-missing']);
    expect(r.problems[0]!.fix).toContain('--disable-log-stats');
  });
  it('router-rewritten vLLM names', () => {
    const r = detect('vllm_num_requests_running{engine="0",model_name="m"} 1.0\nvllm_kv_cache_usage_perc{engine="0",model_name="m"} 0.5\n');
    expect(r).toMatchObject({ producer: 'vllm', family: 'vllm-v1', naming: 'underscore', models: ['m'] });
    expect(r.problems.map((p) => p.code)).toEqual(['names-rewritten']);
  });
});

describe.skipIf(!FIXTURES_PRESENT)(`detect on a data-parallel vLLM serving multiprocess metrics${FIXTURES_PRESENT ? '' : ` (skipped: ${FIXTURES_SKIP_REASON})`}`, () => {
  // The real DP=2 capture (engine="0"/"1", 0.10.0) as a multiprocess registry serves it: prometheus_client's
  // MultiProcessCollector has no process collector and writes no _created gauges.
  const real = readFileSync(fixture('vllm__issue_excerpts.prom'), 'utf8');
  const multiprocess = real
    .split('\n')
    .filter((l) => !/(^|\s)(process_\w+|[\w:]+_created)(\{|\s|$)/.test(l))
    .join('\n');
  const note = (r: DetectionReport) => r.evidence.find((e) => e.includes('multiprocess metrics'));

  it('says no process_* / _created is what DP > 1 serves, not a fault', () => {
    expect(multiprocess).not.toMatch(/^process_|_created\{/m);
    const r = detect(multiprocess);
    expect(r).toMatchObject({ producer: 'vllm', family: 'vllm-v1-legacy' });
    expect(note(r)).toMatch(/DP = 2 serves by default since vllm PR #32525/);
    expect(r.problems.map((p) => p.code).sort()).toEqual(['mixed-generations', 'parse-errors']);
  });

  it('says nothing of the kind where the capture has them', () => {
    expect(note(detect(real))).toBeUndefined();
  });
});

describe.skipIf(!FIXTURES_PRESENT)(`detect names what stands in front of the engine${FIXTURES_PRESENT ? '' : ` (skipped: ${FIXTURES_SKIP_REASON})`}`, () => {
  const v0 = () => readFileSync(fixture('datadog__vllm_metrics_e99474c0.txt'), 'utf8');
  it('an older NIM (the real V0 scrape without the vllm: prefix): vLLM V0, the NIM named, and that the stack renames it back', () => {
    const r = detect(v0().replace(/^(# (?:HELP|TYPE) )?vllm:/gm, '$1'));
    expect(r).toMatchObject({ kind: 'engine', producer: 'vllm', family: 'vllm-v0', naming: 'nim-unprefixed', models: ['facebook/opt-125m'] });
    expect(r.problems.map((p) => [p.code, p.severity])).toEqual([['nim-unprefixed', 'info']]);
    expect(r.problems[0]!.message).toMatch(/NVIDIA NIM .*renames them back/);
  });
  it('the SGLang Model Gateway (the real docs sample with ":" written "_"): SGLang, the gateway named', () => {
    const body = readFileSync(fixture('sglang-docs__production_metrics_example.prom'), 'utf8').replace(/sglang:/g, 'sglang_');
    const r = detect(body);
    expect(r).toMatchObject({ producer: 'sglang', family: 'sglang-legacy', naming: 'underscore' });
    expect(r.problems.map((p) => [p.code, p.severity])).toEqual([['names-rewritten', 'info']]);
    expect(r.problems[0]!.message).toMatch(/SGLang Model Gateway/);
  });
  it('a generic unprefixed name next to native vLLM names is not a NIM', () => {
    const r = detect(`${v0()}\n# TYPE num_requests_running gauge\nnum_requests_running 1.0\n`);
    expect(r.naming).toBe('native');
    expect(r.problems).toEqual([]);
  });
});

describe('detect on the gateway\'s own metrics', () => {
  // As metrics-exporter-prometheus renders the SGLang Model Gateway's registry (engines/smg.ts).
  const body = [
    '# TYPE smg_http_responses_total counter',
    'smg_http_responses_total{status_code="200",error_code=""} 120',
    '# TYPE smg_router_requests_total counter',
    'smg_router_requests_total{router_type="grpc",backend_type="regular",connection_mode="grpc",model="meta-llama/Llama-3.1-8B-Instruct",endpoint="chat",streaming="true"} 120',
    '# TYPE smg_worker_health gauge',
    'smg_worker_health{worker="grpc://10.0.0.5:30001"} 1',
  ].join('\n');
  it('is a router target, named, with the flag that adds it', () => {
    const r = detect(body);
    expect(r).toMatchObject({ kind: 'router', producer: 'smg', models: ['meta-llama/Llama-3.1-8B-Instruct'], problems: [] });
    expect(r.evidence.join(' ')).toContain('--target NAME:router=URL');
  });
});
