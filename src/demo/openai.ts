/**
 * The emulated engines' OpenAI API: /v1/models, and /v1/completions and /v1/chat/completions
 * (streamed, with stream_options.include_usage, or whole). Each request joins the engine simulation
 * that also feeds /metrics, and its tokens go out at the simulated times they were produced, so a
 * client sees the latencies and token counts the server's metrics report (plus the network). A prompt
 * token is a whitespace-separated word (the emulator has no tokenizer); chat templating adds none.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiHandler, EngineSim, FinishReason } from './simulation.js';

export interface OpenAiContext {
  model: string;
  sims: () => EngineSim[];
  /** Catch the simulation up with the wall clock; the simulated time of now. */
  sync(): number;
  /** Milliseconds from now until the wall-clock moment of simulated time t (0 when not real-time). */
  delayMs(t: number): number;
  /** Requests in flight changed by delta (the emulator keeps the simulation running while any are). */
  inFlight(delta: number): void;
}

const WORDS = ['Lorem', 'ipsum', 'dolor', 'sit', 'amet', 'consectetur', 'adipiscing', 'elit', 'sed', 'do', 'eiusmod', 'tempor'];

const json = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const apiError = (res: ServerResponse, status: number, type: string, message: string) => json(res, status, { object: 'error', message, type, param: null, code: status });

const words = (text: unknown): number => (typeof text === 'string' ? text.split(/\s+/).filter(Boolean).length : 0);

export function openAiRoutes(ctx: OpenAiContext): (path: string, req: IncomingMessage, res: ServerResponse) => boolean {
  let next = 0;
  return (path, req, res) => {
    if (path === '/v1/models' && req.method === 'GET') {
      const created = Math.floor(Date.now() / 1000);
      json(res, 200, { object: 'list', data: [{ id: ctx.model, object: 'model', created, owned_by: 'vllm', root: ctx.model, max_model_len: ctx.sims()[0]?.maxModelLen ?? 2048 }] });
      return true;
    }
    if (path !== '/v1/completions' && path !== '/v1/chat/completions') return false;
    if (req.method !== 'POST') {
      apiError(res, 405, 'MethodNotAllowed', 'Method Not Allowed');
      return true;
    }
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return apiError(res, 400, 'BadRequestError', 'request body is not JSON');
      }
      if (body.model !== undefined && body.model !== ctx.model) return apiError(res, 404, 'NotFoundError', `The model \`${String(body.model)}\` does not exist.`);
      const chat = path === '/v1/chat/completions';
      const prompt = chat ? (Array.isArray(body.messages) ? body.messages.reduce((a: number, m) => a + words((m as { content?: unknown })?.content), 0) : 0) : words(body.prompt);
      if (prompt === 0) return apiError(res, 400, 'BadRequestError', chat ? 'messages must hold text' : 'prompt must be text');
      const sims = ctx.sims();
      const sim = sims[next++ % sims.length]!;
      serve(ctx, sim, { chat, path: path as ApiHandler, prompt, body }, res);
    });
    return true;
  };
}

function serve(ctx: OpenAiContext, sim: EngineSim, r: { chat: boolean; path: ApiHandler; prompt: number; body: Record<string, unknown> }, res: ServerResponse): void {
  const stream = r.body.stream === true;
  const usageToo = stream && (r.body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  const maxTokens = typeof r.body.max_tokens === 'number' ? r.body.max_tokens : typeof r.body.max_completion_tokens === 'number' ? r.body.max_completion_tokens : 256;
  const id = `${r.chat ? 'chatcmpl' : 'cmpl'}-${Math.random().toString(16).slice(2)}`;
  const created = Math.floor(Date.now() / 1000);
  const object = r.chat ? 'chat.completion.chunk' : 'text_completion';
  let tokens = 0;
  let text = '';
  let closed = false;
  // Writes in order, none before its moment: a timer can fire a few ms early (Node starts it from the
  // event loop's cached clock), and a chunk written early would make the client faster than the server.
  const queue: [number, () => void][] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    while (queue.length > 0) {
      const wait = ctx.delayMs(queue[0]![0]);
      if (wait > 0) {
        timer = setTimeout(flush, wait);
        return;
      }
      const write = queue.shift()![1];
      if (!closed) write();
    }
  };
  const at = (t: number, write: () => void) => {
    queue.push([t, write]);
    if (!timer) flush();
  };
  const choice = (piece: string, finish: string | null) => (r.chat ? { index: 0, delta: { content: piece }, logprobs: null, finish_reason: finish } : { index: 0, text: piece, logprobs: null, finish_reason: finish });
  const usage = () => ({ prompt_tokens: r.prompt, completion_tokens: tokens, total_tokens: r.prompt + tokens });
  const sse = (event: unknown) => res.write(`data: ${JSON.stringify(event)}\n\n`);
  const now = ctx.sync();
  ctx.inFlight(1);
  let done = false;
  const end = () => {
    if (done) return;
    done = true;
    ctx.inFlight(-1);
  };
  // A client that hangs up stops receiving; the engine still finishes the request (vLLM aborts it;
  // the simulation has no client-side abort).
  res.on('close', () => {
    closed = true;
    end();
  });
  const accepted = sim.submit({ handler: r.path, prompt: r.prompt, maxTokens, ignoreEos: r.body.ignore_eos === true, offset: now - sim.now }, {
    token(t) {
      const piece = `${tokens === 0 && !r.chat ? '' : ' '}${WORDS[tokens % WORDS.length]}`;
      tokens++;
      text += piece;
      if (stream)
        at(t, () => {
          if (!res.headersSent) {
            res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
            if (r.chat) sse({ id, object, created, model: ctx.model, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] });
          }
          sse({ id, object, created, model: ctx.model, choices: [choice(piece, null)] });
        });
    },
    finished(reason: FinishReason, t) {
      const count = tokens;
      at(t, () => {
        end();
        if (reason === 'error') {
          if (res.headersSent) sse({ error: { object: 'error', message: 'Internal server error', type: 'InternalServerError', code: 500 } });
          else return apiError(res, 500, 'InternalServerError', 'Internal server error');
          return res.end();
        }
        const finish = reason === 'length' ? 'length' : reason === 'abort' ? 'abort' : 'stop';
        if (!stream) {
          const message = r.chat ? { message: { role: 'assistant', content: text } } : { text };
          return json(res, 200, { id, object: r.chat ? 'chat.completion' : 'text_completion', created, model: ctx.model, choices: [{ index: 0, ...message, logprobs: null, finish_reason: finish }], usage: { ...usage(), completion_tokens: count } });
        }
        if (!res.headersSent) res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
        sse({ id, object, created, model: ctx.model, choices: [choice('', finish)] });
        if (usageToo) sse({ id, object, created, model: ctx.model, choices: [], usage: { ...usage(), completion_tokens: count } });
        res.end('data: [DONE]\n\n');
      });
    },
  });
  if (!accepted) {
    end();
    apiError(res, 500, 'InternalServerError', 'Internal Server Error');
  }
}
