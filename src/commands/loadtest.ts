/**
 * `create-vllm-monitor loadtest <target-url>`: drive an OpenAI-compatible server with streamed
 * requests and report client-side latency, throughput and goodput with `vllm bench serve`'s
 * definitions.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Io } from '../cli/io.js';
import { DEFAULT_SLO } from '../config/defaults.js';
import { envError, EXIT_OK, usageError } from '../errors.js';
import { parseDuration } from '../report/duration.js';
import { ALLOWANCE, crossCheck, difference, formatCrossCheck, formatLoadText, loadResult, randomPrompts, runLoad, servedModel, ServerView, sharegptPrompts, type Endpoint, type GoodputSlo } from '../loadtest/index.js';
import { PrometheusClient } from '../probe/prom-client.js';
import { stackAccess } from '../stack/access.js';
import { COMPOSE_FILE, loadStackDir } from '../stack/stack-dir.js';

const HELP = `Usage:
  create-vllm-monitor loadtest <target-url> [--rate R | --concurrency C] [--requests N | --duration D] [flags]

Sends streamed requests (stream_options.include_usage) to an OpenAI-compatible server (vLLM, SGLang,
the emulators of create-vllm-monitor emulate) and reports what its clients see, with the definitions
of vllm bench serve, whose --json field names it keeps:
  TTFT   time from sending the request to the first chunk with content
  TPOT   per request (E2E − TTFT) / (output tokens − 1), for outputs of more than one token
  ITL    gaps between successive content chunks, pooled over requests (per chunk: a chunk can
         carry several tokens)
  E2EL   time from sending the request to its last content chunk
  Throughput: completed requests, output tokens, and input + output tokens, per second of the run
  (first request sent to last one done). Goodput: completed requests meeting every --goodput SLO,
  per second. Output tokens are the server's usage.completion_tokens.
Progress goes to standard error; Ctrl-C stops sending, cuts the streams in flight and still reports.

Cross-check (--prometheus-url, or --dir of a stack that scrapes the server): after the run it waits
for a scrape of the server later than the last request, and compares the run with what the server
itself counted over it (the scrape before the first request to that one):
  finished requests, generated tokens   must match exactly; more on the server means another client
                                        shares it (then its latencies mix in that traffic too)
  mean TTFT, E2EL (Δsum/Δcount)         client ≥ server, by at most ${ALLOWANCE.fromRequestMs} ms or ${ALLOWANCE.share * 100} %: network,
                                        HTTP and chat templating are outside the server's timers
  mean TPOT, ITL                        within ${ALLOWANCE.perTokenMs} ms or ${ALLOWANCE.share * 100} % either way (ITL: the client times chunks,
                                        vLLM engine steps, SGLang tokens)
  each percentile                       in the server's histogram bucket that holds that quantile,
                                        or above it by the same allowance (an ITL percentile,
                                        of single chunk gaps, by ${ALLOWANCE.fromRequestMs} ms: a chunk delayed on its way)
  inconclusive                          a latency beyond its allowance by no more than this
                                        client's own longest stall in the run (its event loop
                                        held up: a busy machine times chunks late)

  --rate R            Requests per second, arrivals Poisson (default inf: all at once)
  --burstiness B      Gamma arrivals of shape B (1 = Poisson, < 1 burstier, > 1 more even; default 1)
  --concurrency C     At most C requests in flight
  --requests N        Send N requests (default 100)
  --duration D        Send for D instead (e.g. 30s, 5m), then wait for those in flight
  --endpoint E        completions (/v1/completions, default) or chat (/v1/chat/completions)
  --model NAME        Model to ask for (default: the first the server lists at /v1/models)
  --input-len N       Random prompts of N tokens (default 1024)
  --output-len N      max_tokens of each request (default 128; ignore_eos is set)
  --range-ratio R     Random lengths uniform on [N(1−R), N(1+R)] (default 0)
  --dataset FILE      Prompts from a ShareGPT-format JSON file instead (first two turns)
  --seed N            Seed of the prompts and arrivals (default 0)
  --goodput SLOS      e.g. ttft:500,tpot:50,e2el:10000 in ms (default the stack's objectives:
                      ttft:${DEFAULT_SLO.ttftP99Seconds * 1000},tpot:${DEFAULT_SLO.itlP99Seconds * 1000},e2el:${DEFAULT_SLO.e2eP99Seconds * 1000})
  --percentiles LIST  Percentiles to report (default 90,99)
  --api-key KEY       Bearer token (default OPENAI_API_KEY)
  --prometheus-url U  Cross-check with this Prometheus
  --dir DIR           Cross-check with the Prometheus of the stack in DIR
  --json              The result as JSON (vllm bench serve's field names)
  -h, --help          Show this help`;

export async function run(argv: string[], io: Io, signal?: AbortSignal): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        rate: { type: 'string' }, burstiness: { type: 'string' }, concurrency: { type: 'string' }, requests: { type: 'string' }, duration: { type: 'string' },
        endpoint: { type: 'string' }, model: { type: 'string' }, 'input-len': { type: 'string' }, 'output-len': { type: 'string' }, 'range-ratio': { type: 'string' },
        dataset: { type: 'string' }, seed: { type: 'string' }, goodput: { type: 'string' }, percentiles: { type: 'string' }, 'api-key': { type: 'string' }, 'prometheus-url': { type: 'string' }, dir: { type: 'string' },
        json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw usageError('loadtest', (err as Error).message.split('\n')[0]!, 'see create-vllm-monitor loadtest --help');
  }
  const { values: v, positionals } = parsed;
  if (v.help) {
    io.out(HELP);
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw usageError('loadtest', positionals.length ? `one server URL expected, got ${positionals.length} arguments` : 'no server URL given', 'e.g. create-vllm-monitor loadtest http://localhost:8000');
  const baseUrl = positionals[0]!.replace(/\/+$/, '').replace(/\/v1$/, '');
  if (!/^https?:\/\/[^\s/]+/.test(baseUrl)) throw usageError(positionals[0]!, 'is not an http(s) URL', 'e.g. http://localhost:8000');

  const num = (flag: string, raw: string | undefined, fallback: number, ok: (n: number) => boolean, want: string): number => {
    if (raw === undefined) return fallback;
    const n = raw === 'inf' ? Infinity : Number(raw);
    if (raw.trim() === '' || Number.isNaN(n) || !ok(n)) throw usageError(`--${flag}`, `"${raw}" is not ${want}`, '');
    return n;
  };
  const whole = (n: number) => Number.isInteger(n) && n >= 1;
  const rate = num('rate', v.rate, Infinity, (n) => n > 0, 'a positive number of requests per second (or inf)');
  const burstiness = num('burstiness', v.burstiness, 1, (n) => n > 0 && Number.isFinite(n), 'a positive number');
  const concurrency = v.concurrency === undefined ? undefined : num('concurrency', v.concurrency, 0, whole, 'a whole number ≥ 1');
  if (v.requests !== undefined && v.duration !== undefined) throw usageError('--duration', 'conflicts with --requests', 'give one of them');
  const requests = v.duration === undefined ? num('requests', v.requests, 100, whole, 'a whole number ≥ 1') : undefined;
  const durationSeconds = v.duration === undefined ? undefined : parseDuration(v.duration) ?? parseDuration(`${v.duration}s`);
  if (v.duration !== undefined && durationSeconds === undefined) throw usageError('--duration', `"${v.duration}" is not a duration`, 'e.g. 30s or 5m');
  const endpoint: Endpoint | undefined = { completions: '/v1/completions', chat: '/v1/chat/completions' }[v.endpoint ?? 'completions'] as Endpoint | undefined;
  if (!endpoint) throw usageError('--endpoint', `unknown endpoint "${v.endpoint}"`, 'use completions or chat');
  const inputLen = num('input-len', v['input-len'], 1024, whole, 'a whole number ≥ 1');
  const outputLen = num('output-len', v['output-len'], 128, whole, 'a whole number ≥ 1');
  const rangeRatio = num('range-ratio', v['range-ratio'], 0, (n) => n >= 0 && n < 1, 'a ratio from 0 to below 1');
  const seed = num('seed', v.seed, 0, (n) => Number.isInteger(n) && n >= 0, 'a whole number ≥ 0');
  if (v.dataset !== undefined && (v['input-len'] !== undefined || v['range-ratio'] !== undefined)) throw usageError(v['input-len'] !== undefined ? '--input-len' : '--range-ratio', 'applies to random prompts, not --dataset', 'drop it (--output-len still sets max_tokens)');
  const slo = parseGoodput(v.goodput);
  const percentiles = (v.percentiles ?? '90,99').split(',').map((p) => num('percentiles', p.trim(), 0, (n) => n > 0 && n < 100, 'a list of percentiles between 0 and 100, e.g. 90,99,99.9'));
  const apiKey = v['api-key'] ?? io.env.OPENAI_API_KEY;
  const headers: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};

  const view = serverView(v['prometheus-url'], v.dir);
  const model = await servedModel(baseUrl, v.model, headers);
  const serverTarget = view ? await view.find(baseUrl) : undefined;
  // A duration run cycles through a pool of prompts; a count run sends each once.
  const pool = requests ?? 1000;
  const prompts = v.dataset !== undefined ? sharegptPrompts(v.dataset, pool, v['output-len'] === undefined ? undefined : outputLen, seed) : randomPrompts(pool, inputLen, outputLen, rangeRatio, seed);

  const stop = new AbortController();
  const interrupt = () => stop.abort();
  process.once('SIGINT', interrupt);
  signal?.addEventListener('abort', interrupt, { once: true });
  const what = requests !== undefined ? `${requests} requests` : `${v.duration}`;
  io.err(`loadtest: ${what} to ${model} at ${baseUrl}${endpoint}, rate ${rate === Infinity ? 'inf' : rate}/s${concurrency ? `, concurrency ${concurrency}` : ''}; Ctrl-C stops and reports`);
  let loadRun;
  try {
    loadRun = await runLoad({
      target: { baseUrl, endpoint, model, headers },
      prompts, rate, burstiness, seed, signal: stop.signal,
      ...(concurrency !== undefined ? { concurrency } : {}),
      ...(requests !== undefined ? { requests } : {}),
      ...(durationSeconds !== undefined ? { durationSeconds } : {}),
      progress: (done, sent, elapsed) => io.err(`  ${elapsed.toFixed(0)}s: ${done} done, ${sent - done} in flight${requests !== undefined ? ` of ${requests}` : ''}`),
    });
  } finally {
    process.removeListener('SIGINT', interrupt);
    signal?.removeEventListener('abort', interrupt);
  }
  if (loadRun.interrupted) io.err('loadtest: interrupted; reporting what finished');
  const failures = loadRun.results.filter((r) => !r.ok && r.error !== 'interrupted');
  // Every request failing is a broken server or the wrong endpoint, not a result to tabulate.
  if (failures.length > 0 && failures.length === loadRun.results.length) {
    const first = failures[0]!.error ?? 'unknown error';
    throw envError(`${baseUrl}${endpoint}`, `all ${failures.length} requests failed (first: ${first.split('\n')[0]!.slice(0, 160)})`, 'check --endpoint and --model, and the server\'s log');
  }
  const result = loadResult(loadRun, slo, percentiles, {
    backend: 'openai', endpoint_type: v.endpoint ?? 'completions', model_id: model, base_url: baseUrl,
    request_rate: rate === Infinity ? 'inf' : rate, burstiness, max_concurrency: concurrency ?? null, num_prompts: loadRun.results.length, seed,
    started_at: new Date(loadRun.startedAt).toISOString(), ended_at: new Date(loadRun.endedAt).toISOString(),
  });
  let crossText = '';
  if (view && serverTarget) {
    io.err(`loadtest: waiting for ${view.prometheusUrl} to scrape ${serverTarget.instance} once more (every ${serverTarget.scrapeIntervalSeconds} s)`);
    // A last chunk can leave before the engine's counters move; a scrape a moment later holds both.
    await view.scrapedAfter(serverTarget, loadRun.endedAt + 250);
    const server = difference(await view.snapshot(serverTarget, loadRun.startedAt), await view.snapshot(serverTarget, Date.now()));
    const checks = crossCheck(result, server, percentiles, loadRun.clientStallMs);
    result.cross_check = { prometheus_url: view.prometheusUrl, instance: serverTarget.instance, engine: serverTarget.engine, checks } as unknown as Record<string, number>;
    crossText = `\n${formatCrossCheck(checks, `${serverTarget.engine} ${serverTarget.instance} scraped by ${view.prometheusUrl}`)}`;
  }
  io.out(v.json ? JSON.stringify(result, null, 2) : `${formatLoadText(result, percentiles)}${crossText}`);
  return EXIT_OK;
}

/** vLLM's --goodput spelling, "ttft:500 tpot:50" or comma-separated, in milliseconds. */
function parseGoodput(raw: string | undefined): GoodputSlo {
  if (raw === undefined) return { ttft: DEFAULT_SLO.ttftP99Seconds * 1000, tpot: DEFAULT_SLO.itlP99Seconds * 1000, e2el: DEFAULT_SLO.e2eP99Seconds * 1000 };
  const slo: GoodputSlo = {};
  for (const part of raw.split(/[\s,]+/).filter(Boolean)) {
    const m = /^(ttft|tpot|e2el):(\d+(\.\d+)?)$/.exec(part);
    if (!m) throw usageError('--goodput', `"${part}" is not metric:ms`, 'e.g. --goodput ttft:500,tpot:50,e2el:10000 (ttft, tpot, e2el in milliseconds)');
    slo[m[1] as keyof GoodputSlo] = Number(m[2]);
  }
  return slo;
}

/** The Prometheus to cross-check with: --prometheus-url, or the stack's in --dir; none without them. */
function serverView(flagUrl: string | undefined, dir: string | undefined): ServerView | undefined {
  if (dir !== undefined && !existsSync(join(dir, COMPOSE_FILE))) throw usageError('--dir', `${dir} holds no ${COMPOSE_FILE}`, 'give the directory of a generated stack');
  const stack = flagUrl === undefined && dir !== undefined ? stackAccess(loadStackDir(dir)).prometheus : undefined;
  const url = flagUrl ?? stack?.url;
  if (url === undefined) return undefined;
  if (!/^https?:\/\/[^\s/]+/.test(url)) throw usageError('--prometheus-url', `"${url}" is not an http(s) URL`, 'e.g. --prometheus-url http://127.0.0.1:9090');
  return new ServerView(new PrometheusClient(url, 30_000, stack?.headers ?? {}), url.replace(/\/+$/, ''), stack ? '--dir' : '--prometheus-url');
}
