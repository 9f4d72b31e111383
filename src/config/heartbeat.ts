/**
 * --heartbeat-url: the dead man's switch. The URL is a secret (a healthchecks.io ping URL is the
 * check's key), so no message here ever repeats it, and it is kept in .env only.
 */
import { CliError, usageError } from '../errors.js';
import type { BuildContext } from './context.js';
import type { ConfigInput } from './input.js';
import { HEARTBEAT_SECRET_ENV, type Heartbeat } from './types.js';
import { LOCAL_HOSTS } from './url.js';

/**
 * Alertmanager reads a webhook URL from a file (`url_file`) since 0.26; 0.26 and 0.27 crash when
 * such a webhook answers with an error (alertmanager#3798, fixed in 0.28 by #3800).
 */
export const HEARTBEAT_MIN_ALERTMANAGER = { major: 0, minor: 28 };

const FLAG = '--heartbeat-url';
const EXAMPLE = 'such as https://hc-ping.com/<uuid>';

/** Checks a heartbeat URL; `field` is the flag or config path the errors name. */
export function checkHeartbeatUrl(raw: string, field: string): { warnings: string[] } {
  // .env and the shell that writes the secret file need none of these, and {{ }} could be taken
  // for a template (Alertmanager 0.30 templates webhook URLs, alertmanager#4798).
  if (/[\s"'\\`{}<>]/.test(raw)) throw usageError(field, 'contains spaces, quotes, braces or backslashes', `paste the ping URL exactly as the service shows it (${EXAMPLE})`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(field, 'is not a valid URL', `pass the full ping URL with ${FLAG}, ${EXAMPLE}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw usageError(field, `scheme "${url.protocol.replace(/:$/, '')}" is not supported`, `use the https:// ping URL, ${EXAMPLE}`);
  if (!url.hostname) throw usageError(field, 'has no host', `pass the full ping URL, ${EXAMPLE}`);
  if (LOCAL_HOSTS.has(url.hostname)) {
    throw usageError(field, `points at ${url.hostname}, which dies with this machine (and is the container itself to Alertmanager)`, `use a service outside this machine, ${EXAMPLE}`);
  }
  return { warnings: url.protocol === 'http:' ? [`${field}: http:// sends the check's key in clear text; use https:// if the service offers it`] : [] };
}

/** `prom/alertmanager:v0.28.1` -> { 0, 28 }; undefined when the reference names no version (a digest, `latest`). */
export function imageVersion(ref: string): { major: number; minor: number } | undefined {
  const name = ref.split('@')[0]!;
  const tag = name.slice(name.lastIndexOf('/') + 1).split(':')[1];
  const m = tag ? /^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(tag) : null;
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

/** The heartbeat of the stack, its URL put into `secrets`; undefined without one. */
export function buildHeartbeat(
  input: ConfigInput,
  alertmanagerImage: string,
  ctx: BuildContext,
  secrets: Record<string, string>,
  warnings: string[],
  errors: CliError[],
  /** The URL goes into a Secret the user creates (platform kubernetes): it may be absent here. */
  later = false,
): Heartbeat | undefined {
  if (!input.heartbeat) return undefined;
  const url = input.heartbeat.url ?? ctx.secretEnv[HEARTBEAT_SECRET_ENV];
  if (!url && later) return { secretEnv: HEARTBEAT_SECRET_ENV };
  if (!url) {
    errors.push(usageError('heartbeat.url', 'the heartbeat URL is required for the heartbeat', `pass ${FLAG} URL or set ${HEARTBEAT_SECRET_ENV} in the environment`));
    return undefined;
  }
  try {
    warnings.push(...checkHeartbeatUrl(url, 'heartbeat.url').warnings);
  } catch (err) {
    if (err instanceof CliError) errors.push(err);
    else throw err;
    return undefined;
  }
  const version = imageVersion(alertmanagerImage);
  const min = HEARTBEAT_MIN_ALERTMANAGER;
  if (!version) {
    warnings.push(`heartbeat: cannot tell which Alertmanager ${alertmanagerImage} is; the heartbeat needs ${min.major}.${min.minor} or newer`);
  } else if (version.major < min.major || (version.major === min.major && version.minor < min.minor)) {
    errors.push(
      usageError(
        'images.alertmanager',
        `${FLAG} needs Alertmanager ${min.major}.${min.minor} or newer (a webhook URL read from a file), and ${alertmanagerImage} is ${version.major}.${version.minor}`,
        'use a newer image, e.g. --image alertmanager=prom/alertmanager:v0.28.1',
      ),
    );
    return undefined;
  }
  secrets[HEARTBEAT_SECRET_ENV] = url;
  return { secretEnv: HEARTBEAT_SECRET_ENV };
}
