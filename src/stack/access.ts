/**
 * How to reach this stack's Prometheus, Alertmanager and Grafana from this machine, and with which
 * credentials (read from .env, never printed): validate, up, status, top and report use it, and so
 * can any later command that talks to the stack.
 */
import { WEB_PASSWORD_ENV, GRAFANA_PASSWORD_ENV } from '../config/types.js';
import { WEB_USER } from '../render/secrets.js';
import { serviceUrl, type StackDir, stackUrls } from './stack-dir.js';

export interface Endpoint {
  url: string;
  /** Request headers that authenticate (an Authorization header, or none). */
  headers: Record<string, string>;
}

export interface Credentials {
  user: string;
  password: string;
}

export interface StackAccess {
  prometheus?: Endpoint;
  alertmanager?: Endpoint;
  grafana?: Endpoint & { credentials?: Credentials };
}

export function basicAuthHeaders(c: Credentials | undefined): Record<string, string> {
  return c ? { authorization: `Basic ${Buffer.from(`${c.user}:${c.password}`).toString('base64')}` } : {};
}

/** Prometheus and Alertmanager ask for the web password when started with a web config (--expose). */
function webCredentials(stack: StackDir, service: string): Credentials | undefined {
  if (!stack.services[service]?.webConfig) return undefined;
  const password = stack.env[WEB_PASSWORD_ENV];
  return password === undefined ? undefined : { user: WEB_USER, password };
}

/** One service's published port and the headers it asks for, e.g. prometheus-2 of an HA pair. */
export function serviceEndpoint(stack: StackDir, service: string, containerPort: number): Endpoint | undefined {
  const url = serviceUrl(stack, service, containerPort);
  return url ? { url, headers: basicAuthHeaders(webCredentials(stack, service)) } : undefined;
}

export function stackAccess(stack: StackDir): StackAccess {
  const urls = stackUrls(stack);
  const grafanaPassword = stack.env[GRAFANA_PASSWORD_ENV];
  const grafanaCredentials = grafanaPassword === undefined ? undefined : { user: 'admin', password: grafanaPassword };
  return {
    ...(urls.prometheus ? { prometheus: { url: urls.prometheus, headers: basicAuthHeaders(webCredentials(stack, 'prometheus')) } } : {}),
    ...(urls.alertmanager ? { alertmanager: { url: urls.alertmanager, headers: basicAuthHeaders(webCredentials(stack, 'alertmanager')) } } : {}),
    ...(urls.grafana ? { grafana: { url: urls.grafana, headers: basicAuthHeaders(grafanaCredentials), ...(grafanaCredentials ? { credentials: grafanaCredentials } : {}) } } : {}),
  };
}
