/**
 * A generated stack set up to run on loopback: rendered by src/render as a user would get it, then
 * only the file_sd target lists are pointed at local emulators and exporters. prometheus.yml and
 * the rules stay as generated, except (on request) the `for:` of alert rules, shortened so a test
 * can watch alerts fire in seconds rather than minutes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { render } from '../../../src/render/index.js';
import type { ConfigInput } from '../../../src/config/input.js';
import type { StackSpec } from '../../../src/config/types.js';
import { specFor, writeStack } from '../../support/stacks.js';
import { freePort } from './prometheus.js';

export interface LocalTarget {
  /** The target's name in the spec: its `instance` label. */
  name: string;
  address: string;
}

export interface TestStack {
  dir: string;
  spec: StackSpec;
  files: Map<string, { content: string; mode?: number }>;
  configFile: string;
  dashboards: Record<string, unknown>[];
}

export async function renderTestStack(input: ConfigInput, project = 'itest'): Promise<TestStack> {
  const { spec, secrets } = await specFor(input, project);
  const files = render(spec, secrets);
  const dir = writeStack(files);
  const dashboards = [...files.entries()]
    .filter(([p]) => /^grafana\/dashboards\/.*\.json$/.test(p))
    .map(([, f]) => JSON.parse(f.content) as Record<string, unknown>);
  return { dir, spec, files, configFile: join(dir, 'prometheus/prometheus.yml'), dashboards };
}

interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

/**
 * Points each group of prometheus/targets/<file>.json at a local address, matched by its
 * `instance` label; every generated group must find its address (nothing silently unscraped).
 */
export function pointTargets(stack: TestStack, file: string, addresses: Record<string, string>): void {
  const path = join(stack.dir, 'prometheus/targets', `${file}.json`);
  const groups = JSON.parse(readFileSync(path, 'utf8')) as TargetGroup[];
  for (const g of groups) {
    const instance = g.labels.instance;
    const address = instance === undefined ? undefined : addresses[instance];
    if (!address) throw new Error(`no local address for ${file} target instance=${instance}`);
    g.targets = [address];
  }
  writeFileSync(path, JSON.stringify(groups, null, 2));
}

/** Sets `for:` of every alert rule in prometheus/rules/*.yml; returns the alert names seen. */
export function shortenAlertFor(stack: TestStack, duration: string): string[] {
  const names: string[] = [];
  const rulesDir = join(stack.dir, 'prometheus/rules');
  for (const f of readdirSync(rulesDir).filter((x) => /\.ya?ml$/.test(x))) {
    const path = join(rulesDir, f);
    const doc = parse(readFileSync(path, 'utf8')) as { groups: { rules: Record<string, unknown>[] }[] };
    for (const g of doc.groups ?? []) {
      for (const r of g.rules) {
        if (typeof r.alert === 'string') {
          r.for = duration;
          names.push(r.alert);
        }
      }
    }
    writeFileSync(path, stringify(doc));
  }
  return names;
}

/** The real node exporter (Debian prometheus-node-exporter) on a free loopback port. */
export async function startNodeExporter(binary: string, extraArgs: string[] = []): Promise<{ address: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(binary, [`--web.listen-address=127.0.0.1:${port}`, ...extraArgs], { stdio: 'ignore' });
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(1000) })).ok) break;
    } catch {
      // not listening yet
    }
    if (exited || Date.now() > deadline) throw new Error(`${binary} did not start`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    address: `127.0.0.1:${port}`,
    stop: async () => {
      if (!exited && child.pid) {
        process.kill(child.pid, 'SIGTERM');
        await new Promise<void>((r) => child.once('exit', () => r()));
      }
    },
  };
}
