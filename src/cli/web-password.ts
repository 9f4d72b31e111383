/**
 * The --expose web password: kept from .env when there is one, else generated; its bcrypt hash is
 * kept from the existing web.yml while it still matches, so regenerating rewrites nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { parse as parseYaml } from 'yaml';
import { WEB_PASSWORD_ENV } from '../config/types.js';
import { WEB_USER } from '../render/secrets.js';
import { WEB_CONFIG_FILE } from '../render/web-config.js';

/** Cost 10: about 50 ms per check, which Prometheus and Alertmanager cache after the first. */
const BCRYPT_COST = 10;

export function webPassword(dir: string, existingSecrets: Record<string, string>, generate: () => string): { password: string; bcryptHash: string } {
  const password = existingSecrets[WEB_PASSWORD_ENV] ?? generate();
  const previous = previousHash(join(dir, 'prometheus', WEB_CONFIG_FILE));
  const bcryptHash = previous && bcrypt.compareSync(password, previous) ? previous : bcrypt.hashSync(password, BCRYPT_COST);
  return { password, bcryptHash };
}

function previousHash(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const hash = (parseYaml(readFileSync(path, 'utf8')) as { basic_auth_users?: Record<string, unknown> } | null)?.basic_auth_users?.[WEB_USER];
    return typeof hash === 'string' ? hash : undefined;
  } catch {
    return undefined; // unreadable: a fresh hash
  }
}
