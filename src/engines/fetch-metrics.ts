/** Reading a /metrics body from a URL or a file, for detection. */
import { readFile } from 'node:fs/promises';
import type { HttpInfo } from './detect.js';

export interface FetchedMetrics {
  body: string;
  /** Set when the body came over HTTP. */
  http?: HttpInfo;
  /** The URL or path actually read. */
  source: string;
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
  return { body, http, source: url };
}
