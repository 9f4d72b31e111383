/**
 * --receiver KIND[:SEVERITY[,SEVERITY]] (repeatable) and the receiver settings flags -> receiver
 * inputs. A settings flag given once applies to every receiver of its kind; given once per
 * receiver of its kind, the n-th value goes to the n-th receiver.
 */
import { usageError } from '../errors.js';
import type { ReceiverInput } from '../config/input.js';
import { parseSeverities } from '../config/receivers.js';
import { RECEIVER_KINDS, type ReceiverKind } from '../config/types.js';
import type { FlagValues } from './create-flags.js';

type Settable = Exclude<ReceiverKind, 'none'>;

/** Flag -> the receiver kind it configures and the setting it fills. */
const SETTINGS: { flag: string; kind: Settable; key: string }[] = [
  { flag: 'webhook-url', kind: 'webhook', key: 'url' },
  { flag: 'slack-webhook-url', kind: 'slack', key: 'webhookUrl' },
  { flag: 'slack-channel', kind: 'slack', key: 'channel' },
  { flag: 'email-to', kind: 'email', key: 'to' },
  { flag: 'email-from', kind: 'email', key: 'from' },
  { flag: 'smtp-smarthost', kind: 'email', key: 'smarthost' },
  { flag: 'smtp-username', kind: 'email', key: 'username' },
  { flag: 'smtp-password', kind: 'email', key: 'password' },
  { flag: 'pagerduty-routing-key', kind: 'pagerduty', key: 'routingKey' },
  { flag: 'msteams-webhook-url', kind: 'msteams', key: 'webhookUrl' },
];

/** `slack`, `pagerduty:critical`, `slack:critical,warning`. */
export function parseReceiverFlag(value: string): ReceiverInput {
  const colon = value.indexOf(':');
  const kind = colon < 0 ? value : value.slice(0, colon);
  if (!(RECEIVER_KINDS as readonly string[]).includes(kind)) {
    throw usageError('--receiver', `unknown value ${JSON.stringify(kind)}`, `use one of ${RECEIVER_KINDS.join(' | ')}, optionally with :critical or :warning`);
  }
  if (colon < 0) return { kind: kind as ReceiverKind };
  if (kind === 'none') throw usageError('--receiver', 'none takes no severity', 'write --receiver none, or name a receiver kind');
  return { kind: kind as ReceiverKind, severities: parseSeverities(value.slice(colon + 1), '--receiver') };
}

const list = (v: FlagValues[string]): string[] => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []);

/**
 * `fileReceivers`: settings flags without --receiver complete the receivers of the config file
 * (or of the previous generation).
 */
export function receiversFromFlags(f: FlagValues, fileReceivers: ReceiverInput[] | undefined): ReceiverInput[] | undefined {
  const given = list(f.receiver).map(parseReceiverFlag);
  const settings = SETTINGS.filter((s) => list(f[s.flag]).length > 0);
  if (given.some((r) => r.kind === 'none') && given.length > 1) {
    throw usageError('--receiver', 'none cannot be combined with other receivers', 'remove --receiver none');
  }
  let receivers: ReceiverInput[];
  if (given.length > 0) receivers = given;
  else if (settings.length === 0) return undefined;
  else if (fileReceivers?.length) receivers = fileReceivers.map((r) => ({ kind: r.kind, ...(r.severities ? { severities: r.severities } : {}) }));
  else throw usageError('--receiver', 'receiver settings were given without a receiver', `add --receiver ${settings[0]!.kind}`);

  for (const s of settings) {
    const values = list(f[s.flag]);
    const targets = receivers.filter((r) => r.kind === s.kind);
    if (targets.length === 0) throw usageError(`--${s.flag}`, `is a setting of the ${s.kind} receiver, and none is given`, `add --receiver ${s.kind}`);
    if (values.length !== 1 && values.length !== targets.length) {
      throw usageError(`--${s.flag}`, `is given ${values.length} times for ${targets.length} ${s.kind} receiver(s)`, `give it once for all of them, or once per --receiver ${s.kind}, in the same order`);
    }
    for (const [i, r] of targets.entries()) {
      const section = ((r as unknown as Record<string, Record<string, string>>)[s.kind] ??= {});
      section[s.key] = values.length === 1 ? values[0]! : values[i]!;
    }
  }
  return receivers;
}

/** The receivers of an input, whichever way it names them. */
export function receiversOf(input: { receiver?: ReceiverInput; receivers?: ReceiverInput[] }): ReceiverInput[] | undefined {
  return input.receivers ?? (input.receiver ? [input.receiver] : undefined);
}

/**
 * Flags' receivers replace the file's; each takes the settings of the file's receiver of its kind
 * at the same position among that kind (the webhook URL the file names, say), flags winning.
 */
export function mergeReceivers(file: ReceiverInput[] | undefined, flags: ReceiverInput[] | undefined): ReceiverInput[] | undefined {
  if (!flags) return file;
  const seen = new Map<ReceiverKind, number>();
  return flags.map((r) => {
    const n = seen.get(r.kind) ?? 0;
    seen.set(r.kind, n + 1);
    const from = file?.filter((x) => x.kind === r.kind)[n];
    if (!from || r.kind === 'none') return r;
    const merged: ReceiverInput = { ...from, ...r };
    if (!r.severities) delete merged.severities;
    const key = r.kind as Settable;
    const a = (from as unknown as Record<string, object | undefined>)[key];
    const b = (r as unknown as Record<string, object | undefined>)[key];
    if (a || b) (merged as unknown as Record<string, object>)[key] = { ...a, ...b };
    return merged;
  });
}
