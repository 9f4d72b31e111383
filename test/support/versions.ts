/**
 * The one version matrix of the real-binary suites: the Prometheus/promtool and Alertmanager/amtool
 * releases every suite that runs them iterates, so none lists versions of its own.
 *
 *   Debian 12 (bookworm):  Prometheus 2.42, Alertmanager 0.25 — on PATH (/usr/bin), the oldest we support
 *   Debian 13 (trixie):    Prometheus 2.53, Alertmanager 0.28 — extracted to $CVM_NEWER_TOOLS (/opt/cvm-newer)
 *   Debian unstable (sid): Prometheus 3.5,  Alertmanager 0.33 — extracted to $CVM_SID_TOOLS (/opt/cvm-sid):
 *                          the major versions the generated stack ships
 *
 * A binary is looked up when a suite first asks for it, and its `--version` must be the release's, so
 * a test title that names a version names the binary that ran. The env.ts contract holds: under
 * CI=true a missing (or different) binary throws, failing the suite; elsewhere `path()` is undefined
 * and `missing()` says why, for the suite to report a skipped test with that reason.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'vitest';
import { IN_CI, NEWER_TOOLS_DIR, which } from './env.js';

/** Prometheus 3.5 / Alertmanager 0.33 from Debian unstable, extracted by `.ci/newer-tools.sh DIR sid`. */
export const SID_TOOLS_DIR = process.env.CVM_SID_TOOLS ?? '/opt/cvm-sid';

export type PrometheusTool = 'prometheus' | 'promtool';
export type AlertmanagerTool = 'prometheus-alertmanager' | 'amtool';

export interface Release<Tool extends string> {
  product: 'Prometheus' | 'Alertmanager';
  /** Major.minor, e.g. "3.5". */
  version: string;
  major: number;
  minor: number;
  /** Where the binaries come from, e.g. "Debian unstable". */
  from: string;
  /** What test titles say, e.g. "Prometheus 3.5 (Debian unstable)". */
  name: string;
  /** The binary, or undefined where it is absent (then `missing` says why). Throws under CI=true. */
  path: (tool: Tool) => string | undefined;
  /** Why `path(tool)` is undefined: the reason a skipped test gives. */
  missing: (tool: Tool) => string;
  /** This release is `version` (major.minor) or newer. */
  atLeast: (version: string) => boolean;
}

interface Suite {
  from: string;
  /** Folder holding usr/bin/<tool>; undefined: the system's binaries on PATH. */
  dir: string | undefined;
  install: string;
  prometheus: string;
  alertmanager: string;
}

const SUITES: Suite[] = [
  { from: 'Debian 12', dir: undefined, install: 'apt-get install -y prometheus prometheus-alertmanager', prometheus: '2.42', alertmanager: '0.25' },
  { from: 'Debian 13', dir: NEWER_TOOLS_DIR, install: `bash .ci/newer-tools.sh ${NEWER_TOOLS_DIR} trixie`, prometheus: '2.53', alertmanager: '0.28' },
  { from: 'Debian unstable', dir: SID_TOOLS_DIR, install: `bash .ci/newer-tools.sh ${SID_TOOLS_DIR} sid`, prometheus: '3.5', alertmanager: '0.33' },
];

const compare = (a: string, b: string): number => {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am - bm || an - bn;
};

/** `--version` of a binary: "promtool, version 3.5.3+ds1 (branch: …)" -> "3.5". */
function versionOf(bin: string): string | undefined {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  return /version (\d+\.\d+)\./.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`)?.[1];
}

function release<Tool extends string>(product: Release<Tool>['product'], version: string, suite: Suite): Release<Tool> {
  const found = new Map<Tool, { path?: string; why: string }>();
  const lookup = (tool: Tool): { path?: string; why: string } => {
    let r = found.get(tool);
    if (r) return r;
    const candidate = suite.dir ? join(suite.dir, 'usr/bin', tool) : which(tool);
    const where = candidate ?? `${tool} on PATH`;
    const actual = candidate && existsSync(candidate) ? versionOf(candidate) : undefined;
    if (!candidate || !existsSync(candidate)) r = { why: `${where} (${product} ${version}, ${suite.from}) not found: ${suite.install}` };
    else if (actual !== version) r = { why: `${candidate} is ${product} ${actual ?? '(no version)'}, not ${version} (${suite.from})` };
    else r = { path: candidate, why: '' };
    if (!r.path) {
      if (IN_CI) throw new Error(`${r.why}: .ci/run must install every release of test/support/versions.ts`);
      console.warn(`skipped: ${r.why}`);
    }
    found.set(tool, r);
    return r;
  };
  const [major, minor] = version.split('.').map(Number) as [number, number];
  return {
    product,
    version,
    major,
    minor,
    from: suite.from,
    name: `${product} ${version} (${suite.from})`,
    path: (tool) => lookup(tool).path,
    missing: (tool) => lookup(tool).why,
    atLeast: (v) => compare(version, v) >= 0,
  };
}

/** Prometheus and promtool: 2.42, 2.53, 3.5. */
export const PROMETHEUS_RELEASES: readonly Release<PrometheusTool>[] = SUITES.map((s) => release<PrometheusTool>('Prometheus', s.prometheus, s));
/** Alertmanager and amtool: 0.25, 0.28, 0.33. */
export const ALERTMANAGER_RELEASES: readonly Release<AlertmanagerTool>[] = SUITES.map((s) => release<AlertmanagerTool>('Alertmanager', s.alertmanager, s));

/** Both, as one Debian suite ships them (promtool with amtool, for checks that need the two). */
export const TOOLCHAINS: readonly { name: string; prometheus: Release<PrometheusTool>; alertmanager: Release<AlertmanagerTool> }[] = SUITES.map((s, i) => ({
  name: `Prometheus ${s.prometheus} / Alertmanager ${s.alertmanager} (${s.from})`,
  prometheus: PROMETHEUS_RELEASES[i]!,
  alertmanager: ALERTMANAGER_RELEASES[i]!,
}));

/**
 * One test per release, run with the binary's path and its release, and named after it
 * (`<title> (promtool 3.5, Debian unstable)`); where the binary is absent, a skipped test saying why.
 */
export function itEachRelease<Tool extends string>(
  releases: readonly Release<Tool>[],
  tool: Tool,
  title: string,
  fn: (bin: string, release: Release<Tool>) => unknown,
  timeout?: number,
): void {
  for (const r of releases) {
    const bin = r.path(tool);
    const name = `${title} (${tool} ${r.version}, ${r.from})`;
    if (bin) it(name, () => fn(bin, r) as Promise<void> | void, timeout);
    else it.skip(`${name}: needs ${r.missing(tool)}`, () => {});
  }
}
