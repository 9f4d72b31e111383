/**
 * web.yml for Prometheus and Alertmanager with --expose: basic auth (exporter-toolkit's web
 * config, read by Prometheus 2.42+ and Alertmanager 0.25+ alike) for every endpoint.
 */
import type { Secrets } from '../config/types.js';
import { WEB_USER } from './secrets.js';

export const WEB_CONFIG_FILE = 'web.yml';

/** The hash comes from the caller (bcrypt is salted at random), which keeps render pure. */
export function renderWebConfig(web: NonNullable<Secrets['web']>): Record<string, unknown> {
  return { basic_auth_users: { [WEB_USER]: web.bcryptHash } };
}
