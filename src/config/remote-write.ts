/**
 * Remote storage: the endpoints Prometheus also writes to, their credentials (kept in .env only, so
 * no message here repeats one) and the `cluster`/`replica` external labels.
 */
import { CliError, usageError } from '../errors.js';
import type { BuildContext } from './context.js';
import type { RemoteWriteEndpointInput, RemoteWriteInput } from './input.js';
import type { Platform, RemoteStorage, RemoteWriteAuth, RemoteWriteEndpoint } from './types.js';
import { DOCKER_HOST_ALIAS, LOCAL_HOSTS } from './url.js';

const EXAMPLE = 'such as https://vm.example.org/api/v1/write';
const LABEL_VALUE_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** The .env variables of endpoint i's secrets: REMOTE_WRITE_PASSWORD for the first, REMOTE_WRITE_2_PASSWORD for the second. */
export function remoteWriteEnv(i: number, what: 'PASSWORD' | 'TOKEN'): string {
  return i === 0 ? `REMOTE_WRITE_${what}` : `REMOTE_WRITE_${i + 1}_${what}`;
}

/** Checks a remote-write URL; `field` is the flag or config path the errors name. */
export function checkRemoteWriteUrl(raw: string, field: string): URL {
  if (/[\s"'\\`{}<>]/.test(raw)) throw usageError(field, 'contains spaces, quotes, braces or backslashes', `pass the endpoint's URL, ${EXAMPLE}`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(field, `${JSON.stringify(raw)} is not a valid URL`, `pass the endpoint's full URL, ${EXAMPLE}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw usageError(field, `scheme "${url.protocol.replace(/:$/, '')}" is not supported`, `use an http:// or https:// URL, ${EXAMPLE}`);
  if (!url.hostname) throw usageError(field, 'has no host', `pass the endpoint's full URL, ${EXAMPLE}`);
  // Credentials in the URL would land in prometheus.yml and the manifest.
  if (url.username || url.password) throw usageError(field, 'contains credentials', 'remove them from the URL and pass --remote-write-user with --remote-write-password, or --remote-write-token');
  if (url.hash) throw usageError(field, 'has a #fragment', `remove it, ${EXAMPLE}`);
  return url;
}

/** `cluster` and `replica` values; `field` is the flag or config path the errors name. */
export function checkExternalLabel(value: string, field: string, name: 'cluster' | 'replica'): void {
  if (!LABEL_VALUE_RE.test(value)) throw usageError(field, `${JSON.stringify(value)} is not a valid ${name} name`, 'use 1-63 letters, digits, dots, dashes or underscores, starting with a letter or digit');
}

/** One secret value as .env and a secrets file can hold it. */
function checkSecret(value: string, field: string, what: string): void {
  if (!value || /[\s']/.test(value)) throw usageError(field, `the ${what} is empty or holds spaces, newlines or single quotes`, `pass the ${what} exactly, on one line`);
}

function buildAuth(e: RemoteWriteEndpointInput, i: number, ctx: BuildContext, secrets: Record<string, string>): RemoteWriteAuth {
  const field = `remoteWrite.endpoints[${i}]`;
  const [passwordEnv, tokenEnv] = [remoteWriteEnv(i, 'PASSWORD'), remoteWriteEnv(i, 'TOKEN')];
  const envToken = ctx.secretEnv[tokenEnv];
  const kind = e.auth ?? (e.username !== undefined ? 'basic' : e.token !== undefined || envToken ? 'bearer' : e.password !== undefined ? 'basic' : 'none');
  if (kind === 'basic') {
    if (e.token !== undefined) throw usageError(`${field}.token`, 'is given together with basic auth (username and password)', 'use one of them: --remote-write-user with --remote-write-password, or --remote-write-token');
    if (e.username === undefined) throw usageError(`${field}.password`, 'is given without a user', 'add --remote-write-user USER (username in the config file)');
    if (!/^[^\s:'"\\]{1,200}$/.test(e.username)) throw usageError(`${field}.username`, 'holds spaces, colons or quotes', 'pass the user name exactly');
    const password = e.password ?? ctx.secretEnv[passwordEnv];
    if (password === undefined) throw usageError(`${field}.password`, `the password of user ${e.username} is missing`, `pass --remote-write-password or set ${passwordEnv} in the environment`);
    checkSecret(password, `${field}.password`, 'password');
    secrets[passwordEnv] = password;
    return { kind, username: e.username, secretEnv: passwordEnv };
  }
  if (kind === 'bearer') {
    if (e.username !== undefined || e.password !== undefined) throw usageError(`${field}.token`, 'is given together with basic auth (username and password)', 'use one of them: --remote-write-user with --remote-write-password, or --remote-write-token');
    const token = e.token ?? envToken;
    if (token === undefined) throw usageError(`${field}.token`, 'the bearer token is missing', `pass --remote-write-token or set ${tokenEnv} in the environment`);
    checkSecret(token, `${field}.token`, 'token');
    secrets[tokenEnv] = token;
    return { kind, secretEnv: tokenEnv };
  }
  if (e.username !== undefined || e.password !== undefined || e.token !== undefined) throw usageError(`${field}.auth`, 'is none, and credentials are given', 'remove the credentials, or set auth to basic or bearer');
  return { kind };
}

function buildEndpoint(e: RemoteWriteEndpointInput, i: number, all: RemoteWriteInput, ctx: BuildContext, secrets: Record<string, string>, warnings: string[]): RemoteWriteEndpoint {
  const url = checkRemoteWriteUrl(e.url, `remoteWrite.endpoints[${i}].url`);
  if (LOCAL_HOSTS.has(url.hostname)) {
    // Inside the Prometheus container, localhost is the container itself.
    url.hostname = DOCKER_HOST_ALIAS;
    warnings.push(`remoteWrite.endpoints[${i}]: ${e.url} is rewritten to ${url.host} so Prometheus in Docker reaches this machine — the receiver must listen on more than 127.0.0.1`);
  }
  if (url.protocol === 'http:' && e.auth !== 'none' && (e.password !== undefined || e.token !== undefined || e.username !== undefined)) {
    warnings.push(`remoteWrite.endpoints[${i}]: http:// sends the credentials in clear text; use https:// if the endpoint offers it`);
  }
  return { url: url.href, auth: buildAuth(e, i, ctx, secrets), recordedOnly: e.recordedOnly ?? all.recordedOnly ?? false };
}

/** The remote storage of the stack, its secrets put into `secrets`; undefined without endpoints. */
export function buildRemoteWrite(
  input: RemoteWriteInput | undefined,
  defaults: { project: string; localHost: string; platform: Platform },
  ctx: BuildContext,
  secrets: Record<string, string>,
  warnings: string[],
  errors: CliError[],
): RemoteStorage | undefined {
  if (!input) return undefined;
  if (defaults.platform === 'kubernetes') {
    errors.push(usageError('remoteWrite', 'is for Compose stacks', "set remote write in kube-prometheus-stack's values (prometheus.prometheusSpec.remoteWrite and externalLabels)"));
    return undefined;
  }
  if (!input.endpoints?.length) {
    const given = input.recordedOnly !== undefined ? '--remote-write-recorded-only' : input.cluster !== undefined ? '--cluster' : '--replica';
    errors.push(usageError(given, 'is given without --remote-write', 'add --remote-write URL (remoteWrite.endpoints in a config file), or remove it'));
    return undefined;
  }
  const endpoints: RemoteWriteEndpoint[] = [];
  for (const [i, e] of input.endpoints.entries()) {
    try {
      endpoints.push(buildEndpoint(e, i, input, ctx, secrets, warnings));
    } catch (err) {
      if (err instanceof CliError) errors.push(err);
      else throw err;
    }
  }
  const seen = new Set<string>();
  for (const [i, e] of endpoints.entries()) {
    if (seen.has(e.url)) errors.push(usageError(`remoteWrite.endpoints[${i}].url`, `${e.url} is given twice`, 'remove the duplicate'));
    seen.add(e.url);
  }
  const cluster = input.cluster ?? defaults.project;
  const replica = input.replica ?? defaults.localHost;
  for (const [name, value] of [['cluster', cluster], ['replica', replica]] as const) {
    try {
      checkExternalLabel(value, `remoteWrite.${name}`, name);
    } catch (err) {
      errors.push(err as CliError);
    }
  }
  return { endpoints, cluster, replica };
}
