/** A thin client for the parts of Prometheus's HTTP API the probe and its tests use. Plain fetch. */

export type Sample = [number, string];

export interface SeriesResult {
  metric: Record<string, string>;
  value?: Sample;
  values?: Sample[];
}

export interface QueryStats {
  timings?: Record<string, number>;
  samples?: { totalQueryableSamples?: number; peakSamples?: number };
}

export interface QueryResult {
  resultType: 'matrix' | 'vector' | 'scalar' | 'string';
  /** Normalised: a scalar becomes one series without labels. */
  series: SeriesResult[];
  stats?: QueryStats;
  warnings?: string[];
}

export class PrometheusError extends Error {
  constructor(
    message: string,
    readonly errorType?: string,
  ) {
    super(message);
    this.name = 'PrometheusError';
  }
}

export interface RuleInfo {
  type: 'recording' | 'alerting';
  name: string;
  query: string;
  health?: string;
  lastError?: string;
  evaluationTime?: number;
  labels?: Record<string, string>;
  state?: string;
}

export interface RuleGroupInfo {
  name: string;
  file: string;
  interval: number;
  evaluationTime?: number;
  lastEvaluation?: string;
  rules: RuleInfo[];
}

export interface AlertInfo {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
  activeAt?: string;
  value?: string;
}

export interface TargetInfo {
  labels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  /** As configured, e.g. "15s" / "10s" (Prometheus 2.31+). */
  scrapeInterval?: string;
  scrapeTimeout?: string;
}

export class PrometheusClient {
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly timeoutMs = 30_000,
    /** Authentication (basic auth of a stack started with --expose). */
    private readonly headers: Record<string, string> = {},
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  private async call<T>(path: string, params?: Record<string, string | string[]>, method: 'GET' | 'POST' = 'GET'): Promise<T> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(params ?? {})) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    const url = method === 'GET' && params ? `${this.base}${path}?${body}` : `${this.base}${path}`;
    const init: RequestInit = { method, headers: this.headers, signal: AbortSignal.timeout(this.timeoutMs) };
    if (method === 'POST') {
      init.body = body;
      init.headers = { ...this.headers, 'content-type': 'application/x-www-form-urlencoded' };
    }
    const res = await fetch(url, init);
    const text = await res.text();
    let json: { status?: string; data?: T; error?: string; errorType?: string; warnings?: string[] };
    try {
      json = JSON.parse(text);
    } catch {
      throw new PrometheusError(`${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 120).replace(/\s+/g, ' ').trim()}`);
    }
    if (json.status !== 'success') throw new PrometheusError(`${path}: ${json.error ?? `HTTP ${res.status}`}`, json.errorType);
    return json.data as T;
  }

  private static normalise(data: { resultType: QueryResult['resultType']; result: unknown; stats?: QueryStats }): QueryResult {
    let series: SeriesResult[];
    if (data.resultType === 'scalar' || data.resultType === 'string') series = [{ metric: {}, value: data.result as Sample }];
    else series = data.result as SeriesResult[];
    const out: QueryResult = { resultType: data.resultType, series };
    if (data.stats) out.stats = data.stats;
    return out;
  }

  async query(expr: string, time?: number, opts: { stats?: boolean } = {}): Promise<QueryResult> {
    const params: Record<string, string> = { query: expr };
    if (time !== undefined) params.time = String(time);
    if (opts.stats) params.stats = 'all';
    return PrometheusClient.normalise(await this.call('/api/v1/query', params, 'POST'));
  }

  async queryRange(expr: string, start: number, end: number, step: number, opts: { stats?: boolean } = {}): Promise<QueryResult> {
    const params: Record<string, string> = { query: expr, start: String(start), end: String(end), step: String(step) };
    if (opts.stats) params.stats = 'all';
    return PrometheusClient.normalise(await this.call('/api/v1/query_range', params, 'POST'));
  }

  /** Values of `label` on series matching any of `match` (all series when empty). */
  async labelValues(label: string, match: string[] = [], start?: number, end?: number): Promise<string[]> {
    const params: Record<string, string | string[]> = {};
    if (match.length) params['match[]'] = match;
    if (start !== undefined) params.start = String(start);
    if (end !== undefined) params.end = String(end);
    return this.call<string[]>(`/api/v1/label/${encodeURIComponent(label)}/values`, params);
  }

  /** Metric names present in the TSDB head and blocks. */
  async metricNames(): Promise<string[]> {
    return this.labelValues('__name__');
  }

  async ruleGroups(): Promise<RuleGroupInfo[]> {
    return (await this.call<{ groups: RuleGroupInfo[] }>('/api/v1/rules')).groups;
  }

  async alerts(): Promise<AlertInfo[]> {
    return (await this.call<{ alerts: AlertInfo[] }>('/api/v1/alerts')).alerts;
  }

  async targets(): Promise<TargetInfo[]> {
    return (await this.call<{ activeTargets: TargetInfo[] }>('/api/v1/targets', { state: 'active' })).activeTargets;
  }

  async ready(): Promise<boolean> {
    try {
      const res = await fetch(`${this.base}/-/ready`, { headers: this.headers, signal: AbortSignal.timeout(2000) });
      return res.ok;
    } catch {
      return false;
    }
  }
}
