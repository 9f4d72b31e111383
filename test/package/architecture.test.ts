/**
 * The architecture of src/ (.dependency-cruiser.cjs): no import cycles, no module importing from a
 * layer above its own, every module in a layer. Type-only and dynamic imports count.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/env.js';

const CRUISER = join(REPO_ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const CONFIG = join(REPO_ROOT, '.dependency-cruiser.cjs');

interface Violation {
  type: string;
  from: string;
  to: string;
  rule: { name: string; severity: string };
  cycle?: { name: string }[];
}

/** Runs dependency-cruiser with the repository's rules on `src` of `cwd`. */
function cruise(cwd: string): { violations: Violation[]; modules: number } {
  const r = spawnSync(process.execPath, [CRUISER, 'src', '--config', CONFIG, '--output-type', 'json'], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0 && !r.stdout) throw new Error(`dependency-cruiser failed (${r.status}): ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { summary: { violations: Violation[]; totalCruised: number } };
  return { violations: out.summary.violations, modules: out.summary.totalCruised };
}

/** One line per offending edge, as a reader would want to see it in a failed test. */
function describeViolation(v: Violation): string {
  const path = v.cycle ? [v.from, ...v.cycle.map((c) => c.name)].join(' → ') : `${v.from} → ${v.to}`;
  return `${v.rule.name}: ${path}`;
}

describe('src/ architecture', () => {
  it('has no import cycles and no import from a layer above', () => {
    const { violations, modules } = cruise(REPO_ROOT);
    expect(modules).toBeGreaterThan(100);
    expect(violations.map(describeViolation)).toEqual([]);
  });
});

describe('the architecture check', () => {
  const work = mkdtempSync(join(tmpdir(), 'cvm-architecture-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), text);
  };

  it('reports a cycle (through a type-only import), an upward import and a module in no layer', () => {
    write('tsconfig.json', JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true }, include: ['src'] }));
    // A cycle whose one edge is type-only.
    write('src/config/a.ts', "import { b } from './b.js';\nexport interface A { n: number }\nexport const a = b + 1;\n");
    write('src/config/b.ts', "import type { A } from './a.js';\nexport const b = 1;\nexport const shape: A | undefined = undefined;\n");
    // rules/ (generation) reaching up into demo/ (workflows).
    write('src/demo/emulator.ts', 'export const port = 8000;\n');
    write('src/rules/promql.ts', "import { port } from '../demo/emulator.js';\nexport const q = `up{port=\"${port}\"}`;\n");
    // A folder no layer names.
    write('src/misc/helper.ts', 'export const h = 1;\n');
    write('src/engines/x.ts', "import { h } from '../misc/helper.js';\nexport const x = h;\n");

    const found = cruise(work).violations.map(describeViolation);
    expect(found).toContain('generation-imports-no-layer-above: src/rules/promql.ts → src/demo/emulator.ts');
    expect(found.filter((v) => v.startsWith('no-circular: '))).toEqual([expect.stringMatching(/^no-circular: src\/config\/(a|b)\.ts → src\/config\/(a|b)\.ts → src\/config\/(a|b)\.ts$/)]);
    expect(found).toContain('imported-in-a-layer: src/engines/x.ts → src/misc/helper.ts');
  });
});
