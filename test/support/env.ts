/**
 * Where the real components and the shared captures are. Under CI=true a missing component that
 * .ci/run installs is a failure, never a skip; elsewhere the test is skipped and says why.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES_DIR = resolve(REPO_ROOT, '../shared/fixtures');
export const IN_CI = process.env.CI === 'true';

/**
 * Newer tools extracted from Debian 13 by .ci/newer-tools.sh (Prometheus 2.53, Alertmanager 0.28, Compose v2).
 * The Prometheus/Alertmanager releases suites run are listed once, in versions.ts.
 */
export const NEWER_TOOLS_DIR = process.env.CVM_NEWER_TOOLS ?? '/opt/cvm-newer';

export function which(cmd: string): string | undefined {
  if (cmd.includes('/')) return existsSync(cmd) ? cmd : undefined;
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** A tool path, or undefined with the reason for skipping; throws in CI, where it must be present. */
export function requireTool(cmd: string, installHint: string): string | undefined {
  const path = which(cmd);
  if (path) return path;
  if (IN_CI) throw new Error(`${cmd} is missing in CI: .ci/run must install it (${installHint})`);
  console.warn(`skipped: ${cmd} not found (${installHint})`);
  return undefined;
}

export function newerTool(name: string): string | undefined {
  const p = join(NEWER_TOOLS_DIR, 'usr/bin', name);
  if (existsSync(p)) return p;
  if (IN_CI) throw new Error(`${p} is missing in CI: .ci/run must run .ci/newer-tools.sh`);
  console.warn(`skipped: ${p} not found (run bash .ci/newer-tools.sh ${NEWER_TOOLS_DIR})`);
  return undefined;
}

/** The real captures in ../shared/fixtures; tests skip (with this reason) where the folder is absent. */
export const FIXTURES_PRESENT = existsSync(FIXTURES_DIR);
export const FIXTURES_SKIP_REASON = `../shared/fixtures not found at ${FIXTURES_DIR}`;
export function fixture(name: string): string {
  return join(FIXTURES_DIR, name);
}
