/** Reading a /metrics body from a URL or a file, for detection, and the version the server reports. */
import { readFile } from 'node:fs/promises';
import type { HttpInfo, ServerVersion } from './detect.js';

export interface FetchedMetrics {
  body: string;
  /** Set when the body came over HTTP. */
  http?: HttpInfo;
  /** The URL or path actually read. */
  source: string;
  /** The version the engine reports next to /metrics, where it answered one. */
  server?: ServerVersion;
}

/*
 * Where each engine tells its version, on the API port that serves /metrics:
 * - vLLM: GET /version → {"version": VLLM_VERSION} (vllm/entrypoints/openai/api_server.py, show_version);
 * - SGLang: GET /server_info → {...server args, "version": __version__}; /get_server_info is its
 *   deprecated alias and the only path before (python/sglang/srt/entrypoints/http_server.py; the
 *   `version` field since sgl-project/sglang PR #2206, 2024-11-26).
 */
const VERSION_PATHS: Record<'vllm' | 'sglang', readonly string[]> = { vllm: ['version'], sglang: ['server_info', 'get_server_info'] };

/** Short: the version is extra; detection must not wait on a server that does not answer it. */
const VERSION_TIMEOUT_MS = 2000;

/** The engine whose own names the body carries: a router or Ray in front would answer /version for itself. */
function nativeEngine(body: string): 'vllm' | 'sglang' | undefined {
  if (/^(?:# (?:HELP|TYPE) )?vllm:/m.test(body)) return 'vllm';
  if (/^(?:# (?:HELP|TYPE) )?sglang:/m.test(body)) return 'sglang';
  return undefined;
}

/**
 * The version an engine reports next to its metrics URL (relative to it: /metrics → /version,
 * /prefix/metrics → /prefix/version). Any failure (refused, timeout, 404, not JSON) means unknown.
 */
export async function fetchServerVersion(metricsUrl: string, engine: 'vllm' | 'sglang', opts: { timeoutMs?: number; bearerToken?: string } = {}): Promise<ServerVersion | undefined> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.bearerToken) headers.authorization = `Bearer ${opts.bearerToken}`;
  for (const path of VERSION_PATHS[engine]) {
    const url = new URL(path, metricsUrl).href;
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(opts.timeoutMs ?? VERSION_TIMEOUT_MS), redirect: 'follow' });
      const text = await res.text();
      if (!res.ok) continue;
      const version = (JSON.parse(text) as { version?: unknown } | null)?.version;
      if (typeof version === 'string' && version.trim() !== '') return { version: version.trim(), url };
    } catch {
      // Silently unknown: older servers, proxies and firewalls need not answer it.
    }
  }
  return undefined;
}

/** What Prometheus asks for: OpenMetrics first, then the text format. */
export const PROMETHEUS_ACCEPT = 'application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3,*/*;q=0.1';

export class UnreachableError extends Error {
  constructor(readonly url: string, reason: string) {
    super(`cannot reach ${url}: ${reason}`);
    this.name = 'UnreachableError';
  }
}

export function isUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

/** A bare host URL (`http://h:8000` or `http://h:8000/`) means its /metrics. */
export function metricsUrl(raw: string): string {
  const u = new URL(raw);
  if (u.pathname === '/' || u.pathname === '') u.pathname = '/metrics';
  return u.href;
}

export async function fetchMetrics(target: string, opts: { timeoutMs?: number; bearerToken?: string } = {}): Promise<FetchedMetrics> {
  if (!isUrl(target)) return { body: await readFile(target, 'utf8'), source: target };
  const url = metricsUrl(target);
  const headers: Record<string, string> = { accept: PROMETHEUS_ACCEPT };
  if (opts.bearerToken) headers.authorization = `Bearer ${opts.bearerToken}`;
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: AbortSignal.timeout(opts.timeoutMs ?? 5000), redirect: 'follow' });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    throw new UnreachableError(url, e.cause?.code ?? e.cause?.message ?? e.message);
  }
  const body = await res.text();
  const http: HttpInfo = { status: res.status };
  const ct = res.headers.get('content-type');
  if (ct) http.contentType = ct;
  const engine = res.ok ? nativeEngine(body) : undefined;
  const server = engine ? await fetchServerVersion(res.url || url, engine, opts.bearerToken ? { bearerToken: opts.bearerToken } : {}) : undefined;
  return { body, http, source: url, ...(server ? { server } : {}) };
}
