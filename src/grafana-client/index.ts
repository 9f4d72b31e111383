/**
 * The Grafana HTTP API calls we make: health, datasources and their health, folders, dashboards
 * (search and save). Basic auth (the stack's admin password, or --grafana-user/--grafana-password)
 * or a service account token. The legacy /api/ endpoints: the same on Grafana 9 to 12.
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

export interface DatasourceInfo {
  uid: string;
  name: string;
  type: string;
  isDefault: boolean;
}

export interface FolderInfo {
  uid: string;
  title: string;
}

export interface SavedDashboard {
  uid: string;
  url: string;
  status: string;
  version: number;
}

export type GrafanaCredentials = { user: string; password: string } | { token: string };

/** Why a call failed: `unreachable` (no HTTP answer), `not-grafana`, `auth` (401), `forbidden` (403), `http` (any other). */
export type GrafanaFailure = 'unreachable' | 'not-grafana' | 'auth' | 'forbidden' | 'http';

export class GrafanaError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly kind: GrafanaFailure = 'http',
  ) {
    super(message);
    this.name = 'GrafanaError';
  }
}

export class GrafanaClient {
  private readonly base: string;
  private readonly auth: string | undefined;

  constructor(baseUrl: string, credentials?: GrafanaCredentials, private readonly timeoutMs = 10_000) {
    this.base = baseUrl.replace(/\/+$/, '');
    if (!credentials) this.auth = undefined;
    else if ('token' in credentials) this.auth = `Bearer ${credentials.token}`;
    else this.auth = `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown, acceptError?: (status: number, body: unknown) => boolean): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(this.auth ? { authorization: this.auth } : {}) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      throw new GrafanaError(`no answer from ${this.base} (${cause})`, undefined, 'unreachable');
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new GrafanaError(`${path}: HTTP ${res.status}, not JSON (${text.slice(0, 80).replace(/\s+/g, ' ')})`, res.status, 'not-grafana');
    }
    if (!res.ok && !acceptError?.(res.status, parsed)) {
      const msg = (parsed as { message?: string } | null)?.message ?? `HTTP ${res.status}`;
      const kind = res.status === 401 ? 'auth' : res.status === 403 ? 'forbidden' : 'http';
      throw new GrafanaError(`${method} ${path}: ${msg} (HTTP ${res.status})`, res.status, kind);
    }
    return parsed as T;
  }

  /** GET /api/health: no auth needed; database "ok" when Grafana is up. Anything else is not Grafana. */
  async health(): Promise<GrafanaHealth> {
    const h = await this.call<GrafanaHealth>('GET', '/api/health');
    if (typeof h?.database !== 'string') throw new GrafanaError('/api/health answers, but not with Grafana\'s {"database": …}', 200, 'not-grafana');
    return h;
  }

  /**
   * GET /api/datasources/uid/:uid/health: status "OK" when Grafana can query the datasource; a
   * failing check comes back as HTTP 400 with status "ERROR" and the reason in message.
   */
  datasourceHealth(uid: string): Promise<DatasourceHealth> {
    return this.call<DatasourceHealth>('GET', `/api/datasources/uid/${encodeURIComponent(uid)}/health`, undefined, (status, body) => status === 400 && typeof (body as { status?: unknown }).status === 'string');
  }

  /** GET /api/search?type=dash-db: the dashboards Grafana has (provisioned ones included). */
  dashboards(): Promise<DashboardHit[]> {
    return this.call<DashboardHit[]>('GET', '/api/search?type=dash-db&limit=5000');
  }

  /** GET /api/datasources: every datasource of the organisation (needs datasources:read). */
  datasources(): Promise<DatasourceInfo[]> {
    return this.call<DatasourceInfo[]>('GET', '/api/datasources');
  }

  /** GET /api/folders: the top-level folders. */
  folders(): Promise<FolderInfo[]> {
    return this.call<FolderInfo[]>('GET', '/api/folders?limit=1000');
  }

  /** POST /api/folders. */
  createFolder(title: string, uid: string): Promise<FolderInfo> {
    return this.call<FolderInfo>('POST', '/api/folders', { uid, title });
  }

  /** POST /api/dashboards/db with overwrite: creates or replaces the dashboard of that uid. */
  saveDashboard(dashboard: Record<string, unknown>, folderUid: string, message: string): Promise<SavedDashboard> {
    return this.call<SavedDashboard>('POST', '/api/dashboards/db', { dashboard: { ...dashboard, id: null }, folderUid, overwrite: true, message });
  }
}
