/**
 * One streamed request to an OpenAI-compatible server, timed as `vllm bench serve` times it: the
 * clock starts just before the POST; TTFT at the first event with a non-empty `choices` list carrying
 * content; ITL the gaps between later such events (per chunk, not per token); E2E at the last one (the
 * usage-only chunk and [DONE] do not count). Output tokens from `usage.completion_tokens`, else one
 * per content chunk.
 */
import type { PromptSpec } from './dataset.js';

export type Endpoint = '/v1/completions' | '/v1/chat/completions';

export interface RequestResult {
  ok: boolean;
  error?: string;
  /** Seconds since the run started that the request was sent. */
  start: number;
  promptTokens: number;
  outputTokens: number;
  /** Seconds. */
  ttft: number;
  e2e: number;
  itl: number[];
}

export interface Target {
  baseUrl: string;
  endpoint: Endpoint;
  model: string;
  /** Extra headers (an API key). */
  headers?: Record<string, string>;
}

/** Splits an SSE byte stream into the `data:` payloads of its events (reads split and merge events). */
export async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const bytes of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(bytes, { stream: true });
    let cut: number;
    while ((cut = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const event = buffer.slice(0, cut);
      buffer = buffer.slice(cut).replace(/^\r?\n\r?\n/, '');
      const data = event
        .split(/\r?\n/)
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).replace(/^ /, ''))
        .join('\n');
      if (data) yield data;
    }
  }
}

function body(t: Target, p: PromptSpec): object {
  const common = { model: t.model, max_tokens: p.outputTokens, stream: true, stream_options: { include_usage: true }, ignore_eos: true, temperature: 0 };
  return t.endpoint === '/v1/chat/completions' ? { ...common, messages: [{ role: 'user', content: p.prompt }] } : { ...common, prompt: p.prompt };
}

/** Text a chunk carries: completion `text`, chat `delta.content`, or reasoning (either spelling). */
function chunkText(choice: Record<string, unknown>): string {
  if (typeof choice.text === 'string') return choice.text;
  const d = (choice.delta ?? {}) as Record<string, unknown>;
  return [d.content, d.reasoning, d.reasoning_content].filter((x) => typeof x === 'string').join('');
}

export async function sendRequest(t: Target, p: PromptSpec, runStart: number, signal: AbortSignal): Promise<RequestResult> {
  const start = performance.now();
  const result: RequestResult = { ok: false, start: (start - runStart) / 1000, promptTokens: p.promptTokens, outputTokens: 0, ttft: 0, e2e: 0, itl: [] };
  let chunks = 0;
  let last = start;
  let usage: { prompt_tokens?: number; completion_tokens?: number } | undefined;
  try {
    const res = await fetch(`${t.baseUrl}${t.endpoint}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...t.headers },
      body: JSON.stringify(body(t, p)),
      signal,
    });
    if (!res.ok || !res.body) {
      result.error = `HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`;
      return result;
    }
    for await (const data of sseData(res.body)) {
      if (data === '[DONE]') break;
      const msg = JSON.parse(data) as { choices?: Record<string, unknown>[]; usage?: typeof usage; error?: { message?: string } };
      if (msg.error) throw new Error(msg.error.message ?? 'error event');
      if (msg.usage) usage = msg.usage;
      const choice = msg.choices?.[0];
      if (!choice || chunkText(choice) === '') continue;
      const now = performance.now();
      if (chunks === 0) result.ttft = (now - start) / 1000;
      else result.itl.push((now - last) / 1000);
      last = now;
      chunks++;
    }
    if (chunks === 0) {
      result.error = 'no content in the stream';
      return result;
    }
    result.e2e = (last - start) / 1000;
    result.outputTokens = usage?.completion_tokens ?? chunks;
    if (usage?.prompt_tokens !== undefined) result.promptTokens = usage.prompt_tokens;
    result.ok = true;
  } catch (err) {
    result.error = signal.aborted ? 'interrupted' : (err as Error).message;
  }
  return result;
}
