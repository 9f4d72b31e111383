/**
 * Receiver inputs -> the receivers of the stack, each with the severities routed to it and the
 * .env variable of its secret. Two receivers of one kind get names and variables of their own.
 */
import { CliError, usageError } from '../errors.js';
import type { BuildContext } from './context.js';
import type { ReceiverInput } from './input.js';
import { DOCKER_HOST_ALIAS, LOCAL_HOSTS, parseTargetUrl } from './url.js';
import { RECEIVER_SECRET_ENV, ROUTED_SEVERITIES, type Receiver, type ReceiverKind, type RoutedReceiver, type RoutedSeverity } from './types.js';

type SecretKind = keyof typeof RECEIVER_SECRET_ENV;

/** What one receiver's checks need: where it is in the input, and its own .env variable. */
interface Slot {
  field: string;
  secretEnv?: string;
  /** The secret goes into a Secret the user creates (platform kubernetes): it may be absent here, and is checked when given. */
  later: boolean;
}

export function buildReceivers(inputs: ReceiverInput[], ctx: BuildContext, secrets: Record<string, string>, warnings: string[], errors: CliError[], later = false): RoutedReceiver[] {
  const single = inputs.length === 1;
  const fieldOf = (i: number) => (single ? 'receiver' : `receivers[${i}]`);
  if (inputs.some((r) => r.kind === 'none')) {
    const i = inputs.findIndex((r) => r.kind === 'none');
    if (!single) {
      errors.push(usageError(`${fieldOf(i)}.kind`, '"none" cannot be combined with other receivers', 'remove it (no receiver for a severity means it is sent nowhere)'));
      return [];
    }
    if (inputs[0]!.severities) errors.push(usageError('receiver.severities', 'the none receiver takes no severities', 'remove them, or choose a receiver kind'));
    return [];
  }
  const perKind = new Map<ReceiverKind, number>();
  for (const r of inputs) perKind.set(r.kind, (perKind.get(r.kind) ?? 0) + 1);

  const out: RoutedReceiver[] = [];
  const byName = new Map<string, number>();
  for (const [i, r] of inputs.entries()) {
    const severities = ROUTED_SEVERITIES.filter((s) => (r.severities ?? ROUTED_SEVERITIES).includes(s));
    const shared = perKind.get(r.kind)! > 1;
    // One receiver of a kind keeps the plain names (and an existing .env); more are told apart by severity.
    const name = shared ? `${r.kind}-${severities.join('-')}` : r.kind;
    const prev = byName.get(name);
    if (prev !== undefined) {
      errors.push(usageError(`${fieldOf(i)}.severities`, `${fieldOf(prev)} is already a ${r.kind} receiver for ${severities.join(' and ')}`, 'give the two different severities (critical, warning), or remove one'));
      continue;
    }
    byName.set(name, i);
    const meta = RECEIVER_SECRET_ENV[r.kind];
    const slot: Slot = { field: fieldOf(i), later, ...(meta ? { secretEnv: shared ? `${meta.env}_${severities.join('_').toUpperCase()}` : meta.env } : {}) };
    try {
      const receiver = buildReceiver(r, slot, ctx, secrets, warnings);
      const needsSecret = r.kind !== 'webhook' && (r.kind !== 'email' || Boolean(r.email?.username));
      const secretEnv = slot.secretEnv && (secrets[slot.secretEnv] !== undefined || (later && needsSecret)) ? slot.secretEnv : undefined;
      out.push({ ...receiver, name, severities, ...(secretEnv ? { secretEnv } : {}) } as RoutedReceiver);
    } catch (err) {
      if (err instanceof CliError) errors.push(err);
      else throw err;
    }
  }
  if (out.length > 0 && errors.length === 0) {
    for (const s of ROUTED_SEVERITIES) {
      if (!out.some((r) => r.severities.includes(s))) warnings.push(`receivers: no receiver takes ${s} alerts; they are shown in Alertmanager and Grafana but sent nowhere (add --receiver KIND:${s})`);
    }
  }
  return out;
}

/** The severities of `--receiver KIND:SEVERITY[,SEVERITY]`. */
export function parseSeverities(text: string, flag: string): RoutedSeverity[] {
  const out: RoutedSeverity[] = [];
  for (const s of text.split(',')) {
    if (s === 'info') throw usageError(flag, 'info alerts are not sent to receivers', 'use critical or warning; info alerts are shown in Alertmanager and Grafana');
    if (!(ROUTED_SEVERITIES as readonly string[]).includes(s)) throw usageError(flag, `unknown severity ${JSON.stringify(s)}`, `use ${ROUTED_SEVERITIES.join(' or ')}, e.g. --receiver pagerduty:critical`);
    if (!out.includes(s as RoutedSeverity)) out.push(s as RoutedSeverity);
  }
  return out;
}

function secretFor(slot: Slot, given: string | undefined, ctx: BuildContext): string | undefined {
  return given ?? (slot.secretEnv ? ctx.secretEnv[slot.secretEnv] : undefined) ?? undefined;
}

function requireSecret(kind: SecretKind, slot: Slot, field: string, given: string | undefined, ctx: BuildContext): string | undefined {
  const meta = RECEIVER_SECRET_ENV[kind]!;
  const value = secretFor(slot, given, ctx);
  if (!value && slot.later) return undefined;
  if (!value) throw usageError(field, `the ${meta.what} is required for the ${kind} receiver`, `pass ${meta.flag} or set ${slot.secretEnv} in the environment`);
  if (/[\s'"\\]/.test(value)) throw usageError(field, `the ${meta.what} contains whitespace, quotes or backslashes`, 'check the value you pasted');
  return value;
}

function requireHttpsUrl(field: string, value: string, flag: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usageError(field, 'is not a valid URL', `pass the full https:// URL with ${flag}`);
  }
  if (url.protocol !== 'https:') throw usageError(field, 'must be an https:// URL', `pass the https:// URL with ${flag}`);
}

function buildReceiver(r: ReceiverInput, slot: Slot, ctx: BuildContext, secrets: Record<string, string>, warnings: string[]): Exclude<Receiver, { kind: 'none' }> {
  const f = slot.field;
  const keep = (value: string) => {
    secrets[slot.secretEnv!] = value;
  };
  switch (r.kind) {
    case 'none':
      throw new Error('unreachable: none is handled by buildReceivers');
    case 'webhook': {
      const raw = r.webhook?.url;
      if (!raw) throw usageError(`${f}.webhook.url`, 'is required for the webhook receiver', 'pass --webhook-url URL');
      const u = parseTargetUrl(raw, `${f}.webhook.url`);
      let url = raw;
      if (LOCAL_HOSTS.has(u.hostname) && u.hostname !== DOCKER_HOST_ALIAS) {
        const parsed = new URL(raw);
        parsed.hostname = DOCKER_HOST_ALIAS;
        url = parsed.toString();
        warnings.push(`${f}.webhook.url: ${u.hostname} is rewritten to ${DOCKER_HOST_ALIAS} so Alertmanager in Docker can reach it; the receiver must listen on 0.0.0.0`);
      }
      return { kind: 'webhook', webhook: { url } };
    }
    case 'slack': {
      const value = requireSecret('slack', slot, `${f}.slack.webhookUrl`, r.slack?.webhookUrl, ctx);
      if (value) {
        requireHttpsUrl(`${f}.slack.webhookUrl`, value, '--slack-webhook-url');
        keep(value);
      }
      const channel = r.slack?.channel ?? '';
      if (channel && !/^[#@]?[A-Za-z0-9._-]{1,80}$/.test(channel)) {
        throw usageError(`${f}.slack.channel`, `${JSON.stringify(channel)} is not a Slack channel name`, 'write it like #alerts');
      }
      return { kind: 'slack', slack: { channel } };
    }
    case 'email': {
      const e = r.email ?? {};
      const email = /^[^\s@"'\\<>,]+@[^\s@"'\\<>,]+$/;
      if (!e.to || !email.test(e.to)) throw usageError(`${f}.email.to`, e.to ? `${JSON.stringify(e.to)} is not an e-mail address` : 'is required for the email receiver', 'pass --email-to oncall@example.org');
      if (!e.from || !email.test(e.from)) throw usageError(`${f}.email.from`, e.from ? `${JSON.stringify(e.from)} is not an e-mail address` : 'is required for the email receiver', 'pass --email-from alerts@example.org');
      if (!e.smarthost || !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(e.smarthost)) {
        throw usageError(`${f}.email.smarthost`, e.smarthost ? `${JSON.stringify(e.smarthost)} is not host:port` : 'is required for the email receiver', 'pass --smtp-smarthost smtp.example.org:587');
      }
      if (e.username !== undefined && !/^[^\s"'\\]+$/.test(e.username)) {
        throw usageError(`${f}.email.username`, 'contains whitespace or quotes', 'check the SMTP user name');
      }
      const password = secretFor(slot, e.password, ctx);
      if (e.password && !e.username) throw usageError(`${f}.email.username`, 'is required when an SMTP password is given', 'pass --smtp-username');
      if (e.username && !password && !slot.later) throw usageError(`${f}.email.password`, 'is required when an SMTP username is set', `pass --smtp-password or set ${slot.secretEnv} in the environment`);
      if (password && e.username) keep(requireSecret('email', slot, `${f}.email.password`, password, ctx)!);
      return { kind: 'email', email: { to: e.to, from: e.from, smarthost: e.smarthost, username: e.username, requireTls: e.requireTls ?? true } };
    }
    case 'pagerduty': {
      const value = requireSecret('pagerduty', slot, `${f}.pagerduty.routingKey`, r.pagerduty?.routingKey, ctx);
      if (value) keep(value);
      return { kind: 'pagerduty' };
    }
    case 'msteams': {
      const value = requireSecret('msteams', slot, `${f}.msteams.webhookUrl`, r.msteams?.webhookUrl, ctx);
      if (value) {
        requireHttpsUrl(`${f}.msteams.webhookUrl`, value, '--msteams-webhook-url');
        keep(value);
      }
      return { kind: 'msteams' };
    }
  }
}
