/**
 * What stands between Prometheus and an engine can rename the engine's metrics without changing
 * them: the SGLang Model Gateway, Ray Serve, older NVIDIA NIMs. Each is a renaming, not a version,
 * so the stack undoes it once, when it scrapes (metric_relabel_configs), and the rules read the
 * engine's own names only. Detection names the transport from the same table.
 */

export interface NameTransport {
  id: 'gateway' | 'ray' | 'nim';
  title: string;
  /** RE2, anchored at both ends as Prometheus' relabelling anchors it, over the raw `__name__`. */
  regex: string;
  /** The engine's own name, from the groups of `regex`. */
  replacement: string;
  source: string;
}

/** The unprefixed vLLM names of older NIMs: their docs list these (NIM-only names stay as they are). */
const NIM_NAMES = ['num_requests_running', 'num_requests_waiting', 'gpu_cache_usage_perc', 'prompt_tokens_total', 'generation_tokens_total', 'request_success_total'];
const NIM_HISTOGRAMS = ['time_to_first_token_seconds', 'time_per_output_token_seconds', 'e2e_request_latency_seconds', 'request_prompt_tokens', 'request_generation_tokens'];

export const NAME_TRANSPORTS: readonly NameTransport[] = [
  {
    id: 'gateway',
    title: 'SGLang Model Gateway / sgl-router /engine_metrics (every ":" written "_", vLLM names too)',
    regex: '(vllm|sglang)_(.+)',
    replacement: '$1:$2',
    source: 'lightseekorg/smg model_gateway/src/worker/metrics_aggregator.rs (v1.9.0); smg PR #813; sglang PR #12970',
  },
  {
    id: 'ray',
    title: "vLLM under Ray Serve (Ray's `ray_` prefix, Ray labels WorkerId, Component, NodeAddress, …)",
    regex: 'ray_(vllm:.+)',
    replacement: '$1',
    source: 'DataDog/integrations-core ray/tests/fixtures ray_vllm_metrics.txt @f6aa876f (real Ray 2.32 scrape)',
  },
  {
    id: 'nim',
    title: 'NVIDIA NIM for LLMs, older releases (vLLM names without the "vllm:" prefix, at /v1/metrics)',
    regex: `(${NIM_NAMES.join('|')}|(${NIM_HISTOGRAMS.join('|')})_(bucket|sum|count))`,
    replacement: 'vllm:$1',
    source: 'docs.nvidia.com/nim/large-language-models/latest/observability.html (metric table)',
  },
];

/** The engine's own name of a raw name, and the transport that renamed it (none: already native). */
export function nativeName(raw: string): { name: string; transport?: NameTransport } {
  for (const t of NAME_TRANSPORTS) {
    const m = new RegExp(`^(?:${t.regex})$`).exec(raw);
    if (m) return { name: t.replacement.replace(/\$(\d)/g, (_, i: string) => m[Number(i)] ?? ''), transport: t };
  }
  return { name: raw };
}

/** Prometheus metric_relabel_configs that undo every transport's renaming. */
export function nativeNameRelabelling(): Record<string, unknown>[] {
  return NAME_TRANSPORTS.map((t) => ({ source_labels: ['__name__'], regex: t.regex, target_label: '__name__', replacement: t.replacement }));
}
