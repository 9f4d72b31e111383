/**
 * web.yml for Prometheus and Alertmanager with --expose: basic auth (exporter-toolkit's web
 * config, read by Prometheus 2.42+ and Alertmanager 0.25+ alike) for every endpoint.
 */
import type { Secrets } from '../config/types.js';
import { WEB_USER, webPasswordFile } from './secrets.js';

export const WEB_CONFIG_FILE = 'web.yml';
/** The client side for the healthchecks (promtool, amtool): the password stays in its secret file. */
export const HEALTHCHECK_CLIENT_FILE = 'healthcheck-client.yml';

/** The hash comes from the caller (bcrypt is salted at random), which keeps render pure. */
export function renderWebConfig(web: NonNullable<Secrets['web']>): Record<string, unknown> {
  return { basic_auth_users: { [WEB_USER]: web.bcryptHash } };
}

/** An http_config (Prometheus' common client config) that promtool and amtool read with --http.config.file. */
export function renderHealthcheckClient(): Record<string, unknown> {
  return { basic_auth: { username: WEB_USER, password_file: webPasswordFile().path } };
}
