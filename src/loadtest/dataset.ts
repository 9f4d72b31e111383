/**
 * The prompts a load test sends: random ones of chosen lengths, or the first two turns of a
 * ShareGPT-format file, sampled as `vllm bench serve` does. There is no tokenizer here: a random
 * prompt is one short word per token (close for common tokenizers), a ShareGPT length is estimated
 * at four characters per token; the server's usage counts are what the report uses.
 */
import { readFileSync } from 'node:fs';
import { Rng } from '../demo/rng.js';
import { usageError } from '../errors.js';

export interface PromptSpec {
  prompt: string;
  /** Prompt tokens as sent (estimated for ShareGPT); the server's usage replaces it when given. */
  promptTokens: number;
  /** max_tokens of the request. */
  outputTokens: number;
}

const WORDS = ['the', 'cat', 'sat', 'on', 'a', 'mat', 'and', 'then', 'it', 'ran', 'to', 'see', 'dog', 'in', 'red', 'sun'];

/** Uniform integer lengths on [⌊L(1−r)⌋, ⌈L(1+r)⌉], as vLLM's random dataset with --random-range-ratio. */
export function randomPrompts(n: number, inputLen: number, outputLen: number, rangeRatio: number, seed: number): PromptSpec[] {
  const rng = new Rng(seed);
  const range = (l: number) => rng.int(Math.max(1, Math.floor(l * (1 - rangeRatio))), Math.max(1, Math.ceil(l * (1 + rangeRatio))));
  return Array.from({ length: n }, () => {
    const promptTokens = range(inputLen);
    const outputTokens = range(outputLen);
    const words = Array.from({ length: promptTokens }, () => WORDS[Math.floor(rng.next() * WORDS.length)]!);
    return { prompt: words.join(' '), promptTokens, outputTokens };
  });
}

const estimateTokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

/**
 * ShareGPT: a JSON array of `{conversations: [{from, value}, …]}`. The first turn is the prompt, the
 * second the reference reply whose length sets max_tokens (unless outputLen is given). Like vLLM,
 * keeps prompts of 4–1024 tokens with a reply of ≥ 4 and ≤ 2048 in all; shuffled by the seed.
 */
export function sharegptPrompts(path: string, n: number, outputLen: number | undefined, seed: number): PromptSpec[] {
  const bad = (problem: string) => usageError('--dataset', `${path}: ${problem}`, 'give a ShareGPT JSON file: [{"conversations":[{"from":"human","value":"…"},{"from":"gpt","value":"…"}]}, …]');
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw bad((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not JSON (${(err as Error).message.split('\n')[0]})`);
  }
  if (!Array.isArray(data)) throw bad('not a JSON array of conversations');
  const turns = (e: unknown): string[] | undefined => {
    const conv = (e as { conversations?: unknown })?.conversations;
    if (!Array.isArray(conv) || conv.length < 2) return undefined;
    const texts = conv.slice(0, 2).map((t) => (t as { value?: unknown })?.value);
    return texts.every((t) => typeof t === 'string') ? (texts as string[]) : undefined;
  };
  if (data.length > 0 && data.every((e) => turns(e) === undefined)) throw bad('no entry has a "conversations" list with two {"value": "…"} turns');
  const rng = new Rng(seed);
  const order = data.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const out: PromptSpec[] = [];
  for (const i of order) {
    if (out.length >= n) break;
    const t = turns(data[i]);
    if (!t) continue;
    const promptTokens = estimateTokens(t[0]!);
    const outputTokens = outputLen ?? estimateTokens(t[1]!);
    if (promptTokens < 4 || outputTokens < 4 || promptTokens > 1024 || promptTokens + outputTokens > 2048) continue;
    out.push({ prompt: t[0]!, promptTokens, outputTokens });
  }
  if (out.length === 0) throw bad('no conversation with a prompt of 4–1024 tokens and a reply of 4 or more (2048 in all)');
  // Fewer usable conversations than requests: cycle through them, as a longer run needs.
  return Array.from({ length: n }, (_, i) => out[i % out.length]!);
}
