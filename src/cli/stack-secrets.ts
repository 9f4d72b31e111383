/**
 * The secrets of an existing stack, as its .env holds them, for commands that re-render it without
 * writing any secret (targets, doctor). A value that is absent stays absent: nothing here writes .env.
 */
import { join } from 'node:path';
import { GRAFANA_PASSWORD_ENV, type Secrets, WEB_PASSWORD_ENV } from '../config/types.js';
import { generatePassword, readEnvFile } from './create.js';
import { webPassword } from './web-password.js';

export function stackSecrets(dir: string): { env: Record<string, string>; secrets: Secrets } {
  const env = readEnvFile(join(dir, '.env'));
  const { [GRAFANA_PASSWORD_ENV]: grafana, [WEB_PASSWORD_ENV]: web, COMPOSE_PROJECT_NAME: _project, ...others } = env;
  const secrets: Secrets = { grafanaAdminPassword: grafana ?? generatePassword(), env: others, ...(web !== undefined ? { web: webPassword(dir, env, generatePassword) } : {}) };
  return { env, secrets };
}
