/**
 * The few Grafana HTTP API calls validate needs: health, a datasource's health by uid, and the
 * dashboards Grafana has loaded. Basic auth with the admin password from the stack's .env.
 */
export interface GrafanaHealth {
  database: string;
  version?: string;
  commit?: string;
}

export interface DatasourceHealth {
  status: string;
  message: string;
}

export interface DashboardHit {
  uid: string;
  title: string;
  type: string;
  url?: string;
}

export class GrafanaError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'GrafanaError';
  }
}

export class GrafanaClient {
  private readonly base: string;
  private readonly auth: string | undefined;

  constructor(baseUrl: string, credentials?: { user: string; password: string }, private readonly timeoutMs = 10_000) {
    this.base = baseUrl.replace(/\/+$/, '');
    this.auth = credentials ? `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}` : undefined;
  }

  private async get<T>(path: string, acceptError?: (status: number, body: unknown) => boolean): Promise<T> {
    const res = await fetch(`${this.base}${path}`, {
      headers: { accept: 'application/json', ...(this.auth ? { authorization: this.auth } : {}) },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new GrafanaError(`${path}: HTTP ${res.status}, not JSON (${text.slice(0, 80)})`, res.status);
    }
    if (!res.ok && !acceptError?.(res.status, body)) {
      const msg = (body as { message?: string }).message ?? `HTTP ${res.status}`;
      throw new GrafanaError(`${path}: ${msg}`, res.status);
    }
    return body as T;
  }

  /** GET /api/health: no auth needed; database "ok" when Grafana is up. */
  health(): Promise<GrafanaHealth> {
    return this.get<GrafanaHealth>('/api/health');
  }

  /**
   * GET /api/datasources/uid/:uid/health: status "OK" when Grafana can query the datasource; a
   * failing check comes back as HTTP 400 with status "ERROR" and the reason in message.
   */
  datasourceHealth(uid: string): Promise<DatasourceHealth> {
    return this.get<DatasourceHealth>(`/api/datasources/uid/${encodeURIComponent(uid)}/health`, (status, body) => status === 400 && typeof (body as { status?: unknown }).status === 'string');
  }

  /** GET /api/search?type=dash-db: the dashboards Grafana has (provisioned ones included). */
  async dashboards(): Promise<DashboardHit[]> {
    return this.get<DashboardHit[]>('/api/search?type=dash-db&limit=5000');
  }
}
