/**
 * A RECORDED CONTRACT of the part of Grafana's HTTP API that `import` uses — not a Grafana (none can
 * be obtained here; REAL-COMPONENTS.md). Each endpoint carries what Grafana's documentation (and,
 * for error bodies, its source) says about method, path, authentication, request body and
 * answers; the server below keeps state the way Grafana does (folders, dashboards by uid with
 * versions, datasources), answers with the recorded shapes, and files every request that breaks
 * the contract, so a test can demand that the importer made none.
 *
 * Sources (legacy /api endpoints, unchanged from Grafana 9 to 12):
 *  - https://grafana.com/docs/grafana/v11.0/developers/http_api/dashboard/ (POST /api/dashboards/db)
 *  - https://grafana.com/docs/grafana/v11.0/developers/http_api/folder/ (GET/POST /api/folders)
 *  - https://grafana.com/docs/grafana/v11.0/developers/http_api/data_source/ (GET /api/datasources)
 *  - https://grafana.com/docs/grafana/v11.0/developers/http_api/other/ (GET /api/health)
 *  - error bodies: pkg/util/errutil public errors ({message, messageId, statusCode, traceID});
 *    "Invalid API key" (api-key.invalid) for a bad token, "Invalid username or password"
 *    (password-auth.failed) for bad basic auth.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

type FieldType = 'string' | 'object' | 'boolean';

export interface Endpoint {
  id: string;
  method: 'GET' | 'POST';
  path: RegExp;
  auth: boolean;
  /** Required fields of the JSON body, with their types. */
  body?: Record<string, FieldType>;
  /** Required fields of body.dashboard. */
  dashboard?: Record<string, FieldType>;
}

export const ENDPOINTS: Endpoint[] = [
  { id: 'health', method: 'GET', path: /^\/api\/health$/, auth: false },
  { id: 'datasources', method: 'GET', path: /^\/api\/datasources$/, auth: true },
  { id: 'folders', method: 'GET', path: /^\/api\/folders(\?.*)?$/, auth: true },
  { id: 'create-folder', method: 'POST', path: /^\/api\/folders$/, auth: true, body: { title: 'string', uid: 'string' } },
  { id: 'save-dashboard', method: 'POST', path: /^\/api\/dashboards\/db$/, auth: true, body: { dashboard: 'object', folderUid: 'string', overwrite: 'boolean', message: 'string' }, dashboard: { uid: 'string', title: 'string', panels: 'object' } },
];

export const RECORDED = {
  health: { commit: '087143285', database: 'ok', version: '12.0.2' },
  invalidKey: { extra: null, message: 'Invalid API key', messageId: 'api-key.invalid', statusCode: 401, traceID: '' },
  invalidPassword: { message: 'Invalid username or password', messageId: 'password-auth.failed', statusCode: 401, traceID: '' },
  forbidden: { accessErrorId: 'ACE0000000001', message: "You'll need additional permissions to perform this action. Permissions needed: dashboards:create", title: 'Access denied' },
  folderNotFound: { message: 'folder not found', status: 'not-found' },
  versionMismatch: { message: 'The dashboard has been changed by someone else', status: 'version-mismatch' },
  uidTooLong: { message: 'uid too long, max 40 characters', status: 'error' },
};

export interface DatasourceRecord {
  id: number;
  uid: string;
  orgId: number;
  name: string;
  type: string;
  typeName: string;
  access: 'proxy';
  url: string;
  isDefault: boolean;
  readOnly: boolean;
}

export function datasource(id: number, name: string, type: string, isDefault = false): DatasourceRecord {
  return { id, uid: `${type.slice(0, 4)}-${name.toLowerCase().replace(/\W+/g, '-')}`, orgId: 1, name, type, typeName: type, access: 'proxy', url: 'http://example:9090', isDefault, readOnly: false };
}

export interface ContractGrafana {
  url: string;
  /** Every request, in order: method, path, the authorization header, the parsed body. */
  requests: { method: string; path: string; authorization: string | undefined; body: unknown }[];
  /** Requests that broke the contract, each with the reason. */
  violations: string[];
  folders: Map<string, { uid: string; title: string }>;
  dashboards: Map<string, { dashboard: Record<string, unknown>; folderUid: string; version: number }>;
  close: () => Promise<void>;
}

export interface ContractOptions {
  token?: string;
  user?: string;
  password?: string;
  datasources: DatasourceRecord[];
  /** Role of the account: a Viewer may read but not save. */
  role?: 'Editor' | 'Viewer';
}

function typeOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'object' : typeof v;
}

export async function startContractGrafana(opts: ContractOptions): Promise<ContractGrafana> {
  const state: ContractGrafana = { url: '', requests: [], violations: [], folders: new Map(), dashboards: new Map(), close: async () => {} };
  const authorized = (req: IncomingMessage): 'ok' | 'key' | 'password' => {
    const h = req.headers.authorization ?? '';
    if (h.startsWith('Bearer ')) return h.slice(7) === opts.token ? 'ok' : 'key';
    if (h.startsWith('Basic ')) return Buffer.from(h.slice(6), 'base64').toString() === `${opts.user}:${opts.password}` ? 'ok' : 'password';
    return 'password';
  };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString();
    const path = req.url ?? '';
    const method = req.method ?? '';
    let body: unknown;
    const send = (status: number, out: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(out));
    };
    const endpoint = ENDPOINTS.find((e) => e.method === method && e.path.test(path));
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        state.violations.push(`${method} ${path}: body is not JSON`);
      }
      if (req.headers['content-type'] !== 'application/json') state.violations.push(`${method} ${path}: content-type ${req.headers['content-type']} is not application/json`);
    }
    state.requests.push({ method, path, authorization: req.headers.authorization, body });
    if (!endpoint) {
      state.violations.push(`${method} ${path}: not an endpoint of the contract`);
      return send(404, { message: 'Not found' });
    }
    if (req.headers.accept !== 'application/json') state.violations.push(`${method} ${path}: accept ${req.headers.accept} is not application/json`);
    for (const [field, type] of Object.entries(endpoint.body ?? {}))
      if (typeOf((body as Record<string, unknown> | undefined)?.[field]) !== type) state.violations.push(`${method} ${path}: body.${field} is not a ${type}`);
    const dash = (body as { dashboard?: Record<string, unknown> } | undefined)?.dashboard;
    for (const [field, type] of Object.entries(endpoint.dashboard ?? {})) if (typeOf(dash?.[field]) !== type) state.violations.push(`${method} ${path}: body.dashboard.${field} is not a ${type}`);
    if (endpoint.auth) {
      const who = authorized(req);
      if (who !== 'ok') return send(401, who === 'key' ? RECORDED.invalidKey : RECORDED.invalidPassword);
    }
    switch (endpoint.id) {
      case 'health':
        return send(200, RECORDED.health);
      case 'datasources':
        return send(200, opts.datasources);
      case 'folders':
        return send(200, [...state.folders.values()].map((f, i) => ({ id: i + 1, ...f })));
      case 'create-folder': {
        if (opts.role === 'Viewer') return send(403, RECORDED.forbidden);
        const { uid, title } = body as { uid: string; title: string };
        if (uid.length > 40) return send(400, RECORDED.uidTooLong);
        if (state.folders.has(uid)) return send(409, { message: 'a folder with the same uid already exists' });
        state.folders.set(uid, { uid, title });
        return send(200, { id: state.folders.size, uid, title, url: `/dashboards/f/${uid}/`, hasAcl: false, canSave: true, canEdit: true, canAdmin: true, version: 1 });
      }
      case 'save-dashboard': {
        if (opts.role === 'Viewer') return send(403, RECORDED.forbidden);
        const { dashboard, folderUid, overwrite } = body as { dashboard: Record<string, unknown>; folderUid: string; overwrite: boolean };
        const uid = dashboard.uid as string;
        if (uid.length > 40) return send(400, RECORDED.uidTooLong);
        if (!state.folders.has(folderUid)) return send(400, RECORDED.folderNotFound);
        const before = state.dashboards.get(uid);
        if (before && !overwrite) return send(412, RECORDED.versionMismatch);
        const version = (before?.version ?? 0) + 1;
        state.dashboards.set(uid, { dashboard, folderUid, version });
        const slug = String(dashboard.title).toLowerCase().replace(/[^a-z0-9]+/g, '-');
        return send(200, { id: state.dashboards.size, uid, url: `/d/${uid}/${slug}`, status: 'success', version, slug });
      }
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise<void>((r) => server.close(() => r()));
  return state;
}
