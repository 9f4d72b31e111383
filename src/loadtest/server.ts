/**
 * The server's own view of a load test, from the stack's Prometheus: which scrape target is the
 * server, and its counters and histograms as of a moment (the last scrape at or before it). Two such
 * snapshots, one before the first request and one from a scrape after the last, difference to exactly
 * what the server counted during the run: no rate() extrapolation, no bucket-boundary guesswork.
 */
import { WEB_PASSWORD_ENV } from '../config/types.js';
import { envError } from '../errors.js';
import { PrometheusClient, type TargetInfo } from '../probe/prom-client.js';

export type ServerMetric = 'ttft' | 'tpot' | 'itl' | 'e2el';

/** Each engine's raw series for the figures a client measures (TPOT: vLLM V1 only). */
export const ENGINE_SERIES = {
  vllm: {
    tokens: 'vllm:generation_tokens_total',
    requests: 'vllm:request_success_total',
    histograms: { ttft: 'vllm:time_to_first_token_seconds', tpot: 'vllm:request_time_per_output_token_seconds', itl: 'vllm:inter_token_latency_seconds', e2el: 'vllm:e2e_request_latency_seconds' },
  },
  sglang: {
    tokens: 'sglang:generation_tokens_total',
    requests: 'sglang:num_requests_total',
    histograms: { ttft: 'sglang:time_to_first_token_seconds', itl: 'sglang:inter_token_latency_seconds', e2el: 'sglang:e2e_request_latency_seconds' },
  },
} as const satisfies Record<string, { tokens: string; requests: string; histograms: Partial<Record<ServerMetric, string>> }>;
export type Engine = keyof typeof ENGINE_SERIES;

export interface Histogram {
  sum: number;
  count: number;
  /** Cumulative counts by upper bound, ascending (+Inf last). */
  buckets: [number, number][];
}

export interface ServerSnapshot {
  tokens: number;
  requests: number;
  histograms: Partial<Record<ServerMetric, Histogram>>;
}

export interface ServerTarget {
  selector: string;
  engine: Engine;
  scrapeIntervalSeconds: number;
  instance: string;
}

const parseInterval = (s: string | undefined) => {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(s ?? '');
  return m ? Number(m[1]) * { ms: 0.001, s: 1, m: 60 }[m[2] as 'ms' | 's' | 'm'] : 15;
};

export class ServerView {
  constructor(
    private readonly prom: PrometheusClient,
    readonly prometheusUrl: string,
    /** The flag errors name: where the URL (and credentials) came from. */
    private readonly flag: '--prometheus-url' | '--dir' = '--prometheus-url',
  ) {}

  private async targets(): Promise<(TargetInfo & { lastScrape?: string })[]> {
    try {
      return await this.prom.targets();
    } catch (err) {
      const code = (err as { cause?: { code?: string } }).cause?.code;
      const message = code ?? (err as Error).message;
      const fix = !/HTTP 401/.test(message)
        ? 'start the stack, or pass the Prometheus URL that scrapes this server'
        : this.flag === '--dir'
          ? `the stack's password (${WEB_PASSWORD_ENV} in its .env) is not the one its Prometheus was started with: restart the stack (create-vllm-monitor up)`
          : 'it asks for a password: pass --dir of the stack instead, which reads it';
      throw envError(this.flag, `cannot ask ${this.prometheusUrl} for its targets (${message})`, fix);
    }
  }

  /** The scrape target at the load test's URL (same host and port, else the one with that port). */
  async find(serverUrl: string): Promise<ServerTarget> {
    const want = new URL(serverUrl);
    const match = async () => {
      const targets = await this.targets();
      const same = targets.filter((t) => new URL(t.scrapeUrl).host === want.host);
      const port = targets.filter((t) => new URL(t.scrapeUrl).port === want.port);
      return same.length === 1 ? same[0] : port.length === 1 ? port[0] : undefined;
    };
    let t = await match();
    // A target Prometheus has just been given is not scraped yet: give it a few seconds.
    for (let i = 0; i < 20 && t?.health === 'unknown'; i++) {
      await new Promise((r) => setTimeout(r, 500));
      t = await match();
    }
    if (!t) throw envError(this.flag, `no single scrape target of ${this.prometheusUrl} is ${want.host}`, `add the server to the stack (create-vllm-monitor targets add), or drop ${this.flag}`);
    if (t.health !== 'up') throw envError(this.flag, `${this.prometheusUrl} finds ${t.labels.instance} ${t.health}${t.lastError ? ` (${t.lastError})` : ''}`, 'fix the scrape first: create-vllm-monitor validate');
    const selector = `{job="${t.labels.job}",instance="${t.labels.instance}"}`;
    for (const engine of Object.keys(ENGINE_SERIES) as Engine[]) {
      const r = await this.prom.query(`count(${ENGINE_SERIES[engine].tokens}${selector})`);
      if (r.series.length) return { selector, engine, scrapeIntervalSeconds: parseInterval(t.scrapeInterval), instance: t.labels.instance ?? want.host };
    }
    throw envError(this.flag, `target ${t.labels.instance} has no vLLM or SGLang generation-token series`, 'is it an engine with its metrics on?');
  }

  /** Waits for a scrape of the target that started after `afterMs` (wall-clock ms). */
  async scrapedAfter(target: ServerTarget, afterMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + (3 * target.scrapeIntervalSeconds + 10) * 1000;
    while (Date.now() < deadline && !signal?.aborted) {
      const t = (await this.targets()).find((x) => x.labels.instance === target.instance);
      if (t?.lastScrape && Date.parse(t.lastScrape) > afterMs) {
        // The target's lastScrape is set as the scrape is appended; leave a moment for it to be queryable.
        await new Promise((r) => setTimeout(r, 200));
        return;
      }
      await new Promise((r) => setTimeout(r, Math.min(500, target.scrapeIntervalSeconds * 250)));
    }
    throw envError(this.flag, `no scrape of ${target.instance} after the run within ${3 * target.scrapeIntervalSeconds + 10} s`, 'is the target still up?');
  }

  /** The server's totals as of `atMs` (the last scrape at or before it). */
  async snapshot(target: ServerTarget, atMs: number): Promise<ServerSnapshot> {
    const s = ENGINE_SERIES[target.engine];
    const at = atMs / 1000;
    const one = async (expr: string) => Number((await this.prom.query(`sum(${expr}${target.selector})`, at)).series[0]?.value?.[1] ?? NaN);
    const histograms: Partial<Record<ServerMetric, Histogram>> = {};
    for (const [metric, name] of Object.entries(s.histograms) as [ServerMetric, string][]) {
      const count = await one(`${name}_count`);
      if (Number.isNaN(count)) continue;
      const buckets = (await this.prom.query(`sum by (le) (${name}_bucket${target.selector})`, at)).series
        .map((x) => [x.metric.le === '+Inf' ? Infinity : Number(x.metric.le), Number(x.value![1])] as [number, number])
        .sort((a, b) => a[0] - b[0]);
      histograms[metric] = { sum: await one(`${name}_sum`), count, buckets };
    }
    return { tokens: await one(s.tokens), requests: await one(s.requests), histograms };
  }
}

/** What the server counted between two snapshots. */
export function difference(a: ServerSnapshot, b: ServerSnapshot): ServerSnapshot {
  const histograms: Partial<Record<ServerMetric, Histogram>> = {};
  for (const [m, hb] of Object.entries(b.histograms) as [ServerMetric, Histogram][]) {
    const ha = a.histograms[m];
    const before = new Map(ha?.buckets ?? []);
    histograms[m] = { sum: hb.sum - (ha?.sum ?? 0), count: hb.count - (ha?.count ?? 0), buckets: hb.buckets.map(([le, n]) => [le, n - (before.get(le) ?? 0)]) };
  }
  return { tokens: b.tokens - a.tokens, requests: b.requests - a.requests, histograms };
}
