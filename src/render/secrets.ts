/** Where each secret of the stack lives: a .env variable, materialised as a file in the container. */
import { RECEIVER_SECRET_ENV, type StackSpec } from '../spec/types.js';

export interface SecretFile {
  /** Variable in .env. */
  env: string;
  /** File the container's process reads (on a tmpfs). */
  path: string;
}

const SECRETS_DIR = '/run/secrets';

export function receiverSecretFiles(spec: StackSpec): SecretFile[] {
  const kind = spec.receiver.kind;
  const meta = RECEIVER_SECRET_ENV[kind];
  if (!meta) return [];
  // E-mail without SMTP auth has no secret.
  if (kind === 'email' && !spec.receiver.email.username) return [];
  return [{ env: meta.env, path: `${SECRETS_DIR}/${meta.env.toLowerCase()}` }];
}

export function targetSecretFiles(spec: StackSpec): SecretFile[] {
  return spec.targets
    .filter((t) => t.bearerTokenEnv)
    .map((t) => ({ env: t.bearerTokenEnv!, path: `${SECRETS_DIR}/${t.bearerTokenEnv!.toLowerCase()}` }));
}

export function receiverSecretPath(spec: StackSpec): string | undefined {
  return receiverSecretFiles(spec)[0]?.path;
}
