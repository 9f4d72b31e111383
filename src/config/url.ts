/** URLs given by the user: server URLs to scrape, and the public URLs notifications link to. */
import { usageError } from '../errors.js';
import { DEFAULT_METRICS_PATH } from './defaults.js';
import type { Ports, PublicUrls } from './types.js';

export const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '0.0.0.0', 'host.docker.internal']);
export const DOCKER_HOST_ALIAS = 'host.docker.internal';

export interface ParsedUrl {
  scheme: 'http' | 'https';
  hostname: string;
  port: number;
  path: string;
}

export function parseTargetUrl(raw: string, field: string): ParsedUrl {
  if (/[\s"'\\`{}<>]/.test(raw)) {
    throw usageError(field, `${JSON.stringify(raw)} contains spaces, quotes, braces or control characters`, 'write a plain URL such as http://10.0.0.5:8000');
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(field, `${JSON.stringify(raw)} is not a valid URL`, 'write it like http://10.0.0.5:8000 (scheme, host and port)');
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== 'http' && scheme !== 'https') {
    throw usageError(field, `scheme "${scheme}" is not supported`, 'use http:// or https://');
  }
  if (!url.hostname) throw usageError(field, `${JSON.stringify(raw)} has no host`, 'write it like http://10.0.0.5:8000');
  if (url.username || url.password) {
    throw usageError(field, 'contains credentials', 'remove them from the URL and use a bearer-token file (bearerTokenFile in the config file)');
  }
  if (url.search || url.hash) throw usageError(field, `${JSON.stringify(raw)} has a query or fragment`, 'remove the part after ? or #');
  const port = url.port ? Number(url.port) : scheme === 'https' ? 443 : 80;
  const path = url.pathname === '/' || url.pathname === '' ? DEFAULT_METRICS_PATH : url.pathname;
  return { scheme, hostname: url.hostname, port, path };
}

export interface PublicUrlInput {
  publicUrl?: string;
  publicUrls?: Partial<Record<keyof Ports, string>>;
}

/**
 * The URL a component is opened at. Its text lands in compose commands and Go templates, so
 * whatever could break those (spaces, quotes, braces) is refused rather than escaped.
 */
function checkPublicUrl(raw: string, field: string, flag: string): URL {
  if (/[\s"'\\`{}<>]/.test(raw)) throw usageError(field, `${JSON.stringify(raw)} contains spaces, quotes, braces or backslashes`, `write a plain URL with ${flag}, such as https://monitor.example.org`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(field, `${JSON.stringify(raw)} is not a valid URL`, `write it with scheme and host, such as ${flag} https://monitor.example.org`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(field, `scheme "${url.protocol.replace(/:$/, '')}" is not supported`, 'use http:// or https://');
  if (url.username || url.password) throw usageError(field, 'contains credentials', 'remove user and password from the URL (people log in to each component)');
  if (url.search || url.hash) throw usageError(field, `${JSON.stringify(raw)} has a query or fragment`, 'remove the part after ? or #');
  return url;
}

/** Trailing slashes go: links are built as <url>/path. */
const bare = (url: URL): string => `${url.origin}${url.pathname}`.replace(/\/+$/, '');

/**
 * publicUrl (scheme and host of this machine) puts each component at its published port there;
 * publicUrls.<component> names a component's own URL (reverse proxy, other port, sub-path).
 * Without either: http://localhost:<published port>, as today.
 */
export function buildPublicUrls(input: PublicUrlInput, ports: Ports, grafanaInStack: boolean): PublicUrls {
  let base = 'http://localhost';
  if (input.publicUrl !== undefined) {
    const url = checkPublicUrl(input.publicUrl, 'publicUrl', '--public-url');
    if (url.port || (url.pathname !== '/' && url.pathname !== '')) {
      throw usageError('publicUrl', `${JSON.stringify(input.publicUrl)} has a port or path; each component is linked at its own published port`, 'give only scheme and host (--public-url http://gpu-box.example.org), or each URL with --grafana-public-url, --prometheus-public-url, --alertmanager-public-url');
    }
    base = bare(url);
  }
  const own = (name: keyof Ports): string | undefined => {
    const raw = input.publicUrls?.[name];
    return raw === undefined ? undefined : bare(checkPublicUrl(raw, `publicUrls.${name}`, `--${name}-public-url`));
  };
  const at = (name: keyof Ports) => own(name) ?? `${base}:${ports[name]}`;
  const grafana = own('grafana') ?? (grafanaInStack ? `${base}:${ports.grafana}` : undefined);
  return { prometheus: at('prometheus'), alertmanager: at('alertmanager'), ...(grafana ? { grafana } : {}) };
}

/** The path part of a public URL ('' for none): the components then need --web.route-prefix=/. */
export function urlPath(url: string): string {
  return new URL(url).pathname.replace(/\/+$/, '');
}
