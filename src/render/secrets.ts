/** Where each secret of the stack lives: a .env variable, materialised as a file in the container. */
import type { Heartbeat, RoutedReceiver, StackSpec } from '../config/types.js';

export interface SecretFile {
  /** Variable in .env. */
  env: string;
  /** File the container's process reads (on a tmpfs). */
  path: string;
}

const SECRETS_DIR = '/run/secrets';

/** Alertmanager's secrets: one file per receiver that has one (e-mail without SMTP auth has none), and the heartbeat URL. */
export function receiverSecretFiles(spec: StackSpec): SecretFile[] {
  return [...spec.receivers.filter((r) => r.secretEnv).map((r) => secretFile(r.secretEnv!)), ...(spec.heartbeat ? [secretFile(spec.heartbeat.secretEnv)] : [])];
}

const secretFile = (env: string): SecretFile => ({ env, path: `${SECRETS_DIR}/${env.toLowerCase()}` });

export function targetSecretFiles(spec: StackSpec): SecretFile[] {
  return spec.targets
    .filter((t) => t.bearerTokenEnv)
    .map((t) => secretFile(t.bearerTokenEnv!));
}

/** The file Alertmanager reads the heartbeat URL from. */
export function heartbeatSecretPath(heartbeat: Heartbeat): string {
  return secretFile(heartbeat.secretEnv).path;
}

/** The file a receiver reads its secret from, inside the Alertmanager container. */
export function receiverSecretPath(r: RoutedReceiver): string | undefined {
  return r.secretEnv ? secretFile(r.secretEnv).path : undefined;
}
