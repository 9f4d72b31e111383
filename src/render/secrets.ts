/**
 * Where each secret of the stack lives. Its value is kept in .env (the one source of truth); the
 * generator and `up` copy it to secrets/<name>, which Compose mounts into the containers that
 * need it at /run/secrets/<name> (a top-level `secrets:` entry with `file:`). Nothing secret is
 * ever an environment variable of a container, so `docker inspect` shows none.
 */
import type { Heartbeat, RoutedReceiver, StackSpec } from '../config/types.js';
import { GRAFANA_PASSWORD_ENV, WEB_PASSWORD_ENV } from '../config/types.js';

export interface SecretFile {
  /** Variable in .env. */
  env: string;
  /** Compose secret name, and the file name under secrets/ and /run/secrets/. */
  name: string;
  /** The file the container's process reads. */
  path: string;
}

/** The stack directory's folder of secret files (derived from .env; listed in .gitignore). */
export const SECRETS_DIR = 'secrets';
const CONTAINER_SECRETS_DIR = '/run/secrets';

const secretFile = (env: string): SecretFile => ({ env, name: env.toLowerCase(), path: `${CONTAINER_SECRETS_DIR}/${env.toLowerCase()}` });

/** The Prometheus/Alertmanager web password (basic auth, --expose only). */
export const WEB_USER = 'monitor';
export const webPasswordFile = (): SecretFile => secretFile(WEB_PASSWORD_ENV);
export const grafanaPasswordFile = (): SecretFile => secretFile(GRAFANA_PASSWORD_ENV);

/** Alertmanager's secrets: one file per receiver that has one (e-mail without SMTP auth has none), and the heartbeat URL. */
export function receiverSecretFiles(spec: StackSpec): SecretFile[] {
  return [...spec.receivers.filter((r) => r.secretEnv).map((r) => secretFile(r.secretEnv!)), ...(spec.heartbeat ? [secretFile(spec.heartbeat.secretEnv)] : [])];
}

export function targetSecretFiles(spec: StackSpec): SecretFile[] {
  return spec.targets
    .filter((t) => t.bearerTokenEnv)
    .map((t) => secretFile(t.bearerTokenEnv!));
}

/** Prometheus' remote-write passwords and tokens. */
export function remoteWriteSecretFiles(spec: StackSpec): SecretFile[] {
  return (spec.remoteWrite?.endpoints ?? []).flatMap((e) => (e.auth.kind === 'none' ? [] : [secretFile(e.auth.secretEnv)]));
}

/** The secrets each service mounts: exactly those its own configuration reads. */
export function serviceSecretFiles(spec: StackSpec): Record<'prometheus' | 'alertmanager' | 'grafana', SecretFile[]> {
  const web = spec.expose ? [webPasswordFile()] : [];
  return {
    // The web password: Prometheus authenticates its self-scrape, Alertmanager's scrape and alerting.
    prometheus: [...targetSecretFiles(spec), ...remoteWriteSecretFiles(spec), ...web],
    // Alertmanager's own healthcheck authenticates with it.
    alertmanager: [...receiverSecretFiles(spec), ...web],
    grafana: spec.grafana ? [grafanaPasswordFile(), ...web] : [],
  };
}

/** Every secret file of the stack, once each, in a stable order. */
export function allSecretFiles(spec: StackSpec): SecretFile[] {
  const byName = new Map<string, SecretFile>();
  for (const files of Object.values(serviceSecretFiles(spec))) for (const f of files) byName.set(f.name, f);
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The file Alertmanager reads the heartbeat URL from. */
export function heartbeatSecretPath(heartbeat: Heartbeat): string {
  return secretFile(heartbeat.secretEnv).path;
}

/** The file a receiver reads its secret from, inside the Alertmanager container. */
export function receiverSecretPath(r: RoutedReceiver): string | undefined {
  return r.secretEnv ? secretFile(r.secretEnv).path : undefined;
}
