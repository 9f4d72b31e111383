/**
 * Every generated stack's rules pass the real promtool of every release in test/support/versions.ts
 * (2.42, 2.53, 3.5):
 * `check rules` on each rule file and `test rules` on each generated unit-test file, which feed raw
 * engine/exporter series through the normalisation and fire (and silence) every alert. A test file
 * loads only the rule files its inputs feed (src/rules/test-scope.ts); each passes with every rule
 * file loaded too, so what it leaves out changes no result.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackAlerts } from '../../src/rules/alerts.js';
import { DEFAULT_RUNBOOK_URL, DEFAULT_SLO } from '../../src/config/defaults.js';
import type { GpuKind } from '../../src/config/types.js';
import { MATRIX, renderToDir } from '../support/stacks.js';
import { PROMETHEUS_RELEASES, itEachRelease } from '../support/versions.js';

const run = promisify(execFile);

/** vLLM only, SGLang only, mixed; each GPU kind and none; remote write (its alerts). */
const SPECS = ['single-vllm', 'gpu-nvidia-smi', 'gpu-amd', 'mixed-fleet', 'macos', 'remote-write'] as const;

async function promtool(bin: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout, stderr } = await run(bin, args, { cwd, maxBuffer: 32 * 1024 * 1024 });
    return stdout + stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`${bin} ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

describe.each(SPECS)('rules of generated stack "%s"', (name) => {
  let dir: string;
  let gpu: GpuKind;
  beforeAll(async () => {
    const r = await renderToDir(MATRIX[name]!, name);
    dir = r.dir;
    gpu = r.spec.gpu;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has a promtool test that fires, and one that silences, every alert it loads', () => {
    const prom = join(dir, 'prometheus');
    const loaded = new Set<string>();
    for (const f of readdirSync(join(prom, 'rules'))) {
      for (const g of parse(readFileSync(join(prom, 'rules', f), 'utf8')).groups) for (const r of g.rules) if (r.alert) loaded.add(r.alert);
    }
    const fired = new Set<string>();
    const silenced = new Set<string>();
    for (const f of readdirSync(join(prom, 'tests'))) {
      for (const t of parse(readFileSync(join(prom, 'tests', f), 'utf8')).tests) {
        for (const a of t.alert_rule_test ?? []) (a.exp_alerts.length > 0 ? fired : silenced).add(a.alertname);
      }
    }
    expect([...loaded].sort()).toEqual([...fired].sort());
    expect([...loaded].sort()).toEqual([...silenced].sort());
    const expected = new Set(stackAlerts(DEFAULT_SLO, gpu, undefined, MATRIX[name]!.remoteWrite !== undefined).flatMap((g) => g.docs).map((d) => d.rule.alert));
    expect([...loaded].sort()).toEqual([...expected].sort());
  });

  it("links every alert to its section of the stack's runbook page, which RUNBOOKS.md has", () => {
    const page = MATRIX[name]!.runbookUrl ?? DEFAULT_RUNBOOK_URL;
    const runbooks = readFileSync(join(dir, 'RUNBOOKS.md'), 'utf8');
    const prom = join(dir, 'prometheus');
    for (const f of readdirSync(join(prom, 'rules'))) {
      for (const g of parse(readFileSync(join(prom, 'rules', f), 'utf8')).groups) {
        for (const r of g.rules) {
          if (!r.alert) continue;
          expect(r.annotations.runbook_url).toBe(`${page}#${r.alert.toLowerCase()}`);
          expect(runbooks).toContain(`\n## ${r.alert}\n`);
        }
      }
    }
  });

  itEachRelease(PROMETHEUS_RELEASES, 'promtool', 'passes promtool check rules', async (bin) => {
    const prom = join(dir, 'prometheus');
    const rules = readdirSync(join(prom, 'rules')).map((f) => `rules/${f}`);
    expect(await promtool(bin, ['check', 'rules', ...rules], prom)).toMatch(/SUCCESS/);
  });

  itEachRelease(PROMETHEUS_RELEASES, 'promtool', 'passes promtool test rules', async (bin) => {
    const prom = join(dir, 'prometheus');
    const tests = readdirSync(join(prom, 'tests')).map((f) => `tests/${f}`);
    // One process per file: promtool runs them one after another, the files are independent.
    const outputs = await Promise.all(tests.map((t) => promtool(bin, ['test', 'rules', t], prom)));
    for (const out of outputs) expect(out).toMatch(/SUCCESS/);
    // The SLO tests replay hours of traffic a minute at a time: allow minutes on a 2-core machine.
  }, 600_000);

  // Once, on the fleet with every engine and a GPU exporter, with the oldest promtool.
  if (name === 'mixed-fleet')
    itEachRelease(PROMETHEUS_RELEASES.slice(0, 1), 'promtool', 'passes promtool test rules with every rule file loaded in every test file', async (bin) => {
      const prom = join(dir, 'prometheus');
      const all = readdirSync(join(prom, 'rules')).map((f) => `../rules/${f}`);
      const tests = readdirSync(join(prom, 'tests')).filter((f) => f.endsWith('.test.yml'));
      let leftOut = 0;
      for (const t of tests) {
        const file = parse(readFileSync(join(prom, 'tests', t), 'utf8')) as { rule_files: string[] };
        leftOut += all.length - file.rule_files.length;
        writeFileSync(join(prom, 'tests', `all-rules-${t}`), stringify({ ...file, rule_files: all }));
      }
      expect(leftOut, 'some test file leaves some rule file out').toBeGreaterThan(0);
      const outputs = await Promise.all(tests.map((t) => promtool(bin, ['test', 'rules', `tests/all-rules-${t}`], prom)));
      for (const out of outputs) expect(out).toMatch(/SUCCESS/);
    }, 600_000);
});
