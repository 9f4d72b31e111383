/**
 * Live checks of an HA pair (--ha): each Prometheus replica ready, every one of its targets up, its
 * rules loaded and healthy, both Alertmanagers its targets; each Alertmanager in a ready cluster
 * that lists every peer. Each check is named after the instance (its Compose service), so the one
 * that is down is the one the report names.
 */
import { NEVER, type PromTarget } from './live.js';
import { getJson, poll, ready } from './poll.js';
import type { Check } from './types.js';

export interface Instance {
  /** The Compose service: prometheus, prometheus-2, alertmanager, alertmanager-2. */
  name: string;
  /** Where it answers from here; undefined: the compose file publishes no port for it. */
  url?: string;
  headers: Record<string, string>;
}

export interface HaOptions {
  prometheus: Instance[];
  alertmanagers: Instance[];
  waitMs: number;
  onProgress?: (line: string) => void;
}

/** Alertmanager's GET /api/v2/status, the parts read here. */
export interface AmStatus {
  cluster?: { status?: string; name?: string; peers?: { name: string; address: string }[] };
}

interface RuleGroup {
  name: string;
  rules: { name: string; health?: string; lastError?: string }[];
}

const live = (name: string, status: Check['status'], detail: string, fix?: string): Check => ({ group: 'live', name, status, detail, ...(fix ? { fix } : {}) });

/** A target seen down must be scraped again after validate began: one still starting then is no failure. */
function settled(ts: PromTarget[], since: number): boolean {
  return ts.length > 0 && ts.every((t) => t.health !== 'unknown' && !t.lastScrape.startsWith(NEVER) && (t.health === 'up' || Date.parse(t.lastScrape) > since));
}

async function replicaChecks(p: Instance, expectedAlertmanagers: number, deadline: number, since: number, progress?: (l: string) => void): Promise<Check[]> {
  const fix = `start it: docker compose up -d ${p.name} (docker compose logs ${p.name} says why it stopped)`;
  if (!p.url) return [live(`${p.name} ready`, 'fail', `the compose file publishes no port for ${p.name}`, 'regenerate the stack with --ha')];
  const url = p.url;
  const isReady = await poll(deadline, () => ready(url, p.headers), (v) => v, () => `waiting for ${p.name} at ${url} to be ready`, progress);
  if (!isReady) return [live(`${p.name} ready`, 'fail', `${p.name} (replica "${p.name}") at ${url}/-/ready does not answer 200`, fix)];
  const checks = [live(`${p.name} ready`, 'pass', url)];

  const targets = await poll(
    deadline,
    () => getJson<{ activeTargets: PromTarget[] }>(`${url}/api/v1/targets?state=active`, p.headers).then((d) => d.activeTargets).catch(() => [] as PromTarget[]),
    (ts) => settled(ts, since),
    (ts) => `waiting for ${p.name}'s first scrape of ${ts.filter((t) => t.health !== 'up').length}/${ts.length} targets`,
    progress,
  );
  const down = targets.filter((t) => t.health !== 'up');
  checks.push(
    targets.length === 0
      ? live(`${p.name} targets`, 'fail', `${p.name} has no targets`, 'check prometheus/targets/*.json and the config file of this replica')
      : down.length
        ? live(`${p.name} targets`, 'fail', `${down.length}/${targets.length} down: ${down.map((t) => `${t.scrapePool}/${t.labels.instance ?? t.scrapeUrl} (${t.lastError || 'not scraped yet'})`).join(', ')}`, `the target rows of the first replica above say why; if only ${p.name} fails, it cannot reach them: docker compose logs ${p.name}`)
        : live(`${p.name} targets`, 'pass', `${targets.length}/${targets.length} up`),
  );

  const groups = await poll(
    deadline,
    () => getJson<{ groups: RuleGroup[] }>(`${url}/api/v1/rules`, p.headers).then((d) => d.groups).catch(() => [] as RuleGroup[]),
    (gs) => gs.length > 0,
    () => `waiting for ${p.name} to load the rule files`,
    progress,
  );
  const rules = groups.flatMap((g) => g.rules);
  const broken = rules.filter((r) => r.health === 'err');
  checks.push(
    groups.length === 0
      ? live(`${p.name} rules loaded`, 'fail', `${p.name} has loaded no rule groups`, `check rule_files in its config, then POST ${url}/-/reload`)
      : broken.length
        ? live(`${p.name} rules loaded`, 'fail', `${broken.length} rule(s) fail to evaluate, e.g. ${broken[0]!.name}: ${broken[0]!.lastError ?? ''}`, 'fix the expression in prometheus/rules/ (promtool check rules), then POST /-/reload to both replicas')
        : live(`${p.name} rules loaded`, 'pass', `${groups.length} groups, ${rules.length} rules, all healthy`),
  );

  type AmList = { activeAlertmanagers: { url: string }[] };
  const ams = await poll(
    deadline,
    () => getJson<AmList>(`${url}/api/v1/alertmanagers`, p.headers).catch(() => ({ activeAlertmanagers: [] }) as AmList),
    (a) => a.activeAlertmanagers.length >= expectedAlertmanagers,
    () => `waiting for ${p.name} to discover ${expectedAlertmanagers} Alertmanagers`,
    progress,
  );
  const n = ams.activeAlertmanagers.length;
  checks.push(
    n >= expectedAlertmanagers
      ? live(`${p.name} alertmanagers`, 'pass', `sends alerts to ${ams.activeAlertmanagers.map((a) => a.url).join(', ')}`)
      : live(`${p.name} alertmanagers`, 'fail', `sends alerts to ${n} of ${expectedAlertmanagers} Alertmanagers`, 'list every Alertmanager under alerting.alertmanagers in its config'),
  );
  return checks;
}

async function amStatus(url: string, headers: Record<string, string>): Promise<AmStatus | Error> {
  try {
    const res = await fetch(`${url}/api/v2/status`, { headers, signal: AbortSignal.timeout(5000) });
    if (!res.ok) return new Error(`HTTP ${res.status}`);
    return (await res.json()) as AmStatus;
  } catch (err) {
    return err as Error;
  }
}

/** One Alertmanager's view of the cluster: ready (gossip settled) and every peer a member. */
export function clusterCheck(name: string, status: AmStatus | Error, peers: number): Check {
  const check = `${name} cluster`;
  const fix = `every Alertmanager needs --cluster.peer of the others; start the one missing (docker compose up -d), docker compose logs ${name} names the peer it cannot reach`;
  if (status instanceof Error) return live(check, 'fail', `${name} does not answer /api/v2/status (${status.message})`, `start it: docker compose up -d ${name}`);
  const c = status.cluster;
  const members = c?.peers ?? [];
  const list = members.map((m) => m.address).join(', ') || 'none';
  if (c?.status === 'disabled') return live(check, 'fail', `${name} runs without clustering (cluster status disabled)`, fix);
  if (c?.status !== 'ready') return live(check, 'fail', `${name}'s cluster is ${c?.status ?? 'unknown'} (peers: ${list})`, 'wait for the gossip to settle (a few seconds) and validate again');
  if (members.length < peers) return live(check, 'fail', `${name} sees ${members.length} of ${peers} peers (${list})`, fix);
  return live(check, 'pass', `ready, ${members.length} peers: ${list}`);
}

export async function haChecks(opts: HaOptions): Promise<Check[]> {
  const since = Date.now();
  const deadline = since + opts.waitMs;
  const checks: Check[] = [];
  // One replica after the other: the report reads per replica, and each waits only for what is left.
  for (const p of opts.prometheus) checks.push(...(await replicaChecks(p, opts.alertmanagers.length, deadline, since, opts.onProgress)));
  for (const am of opts.alertmanagers) {
    if (!am.url) {
      checks.push(live(`${am.name} cluster`, 'fail', `the compose file publishes no port for ${am.name}`, 'regenerate the stack with --ha'));
      continue;
    }
    const url = am.url;
    const status = await poll(
      deadline,
      () => amStatus(url, am.headers),
      (s) => clusterCheck(am.name, s, opts.alertmanagers.length).status === 'pass',
      () => `waiting for ${am.name}'s cluster to be ready with ${opts.alertmanagers.length} peers`,
      opts.onProgress,
    );
    checks.push(clusterCheck(am.name, status, opts.alertmanagers.length));
  }
  return checks;
}
