/**
 * --templates DIR: a file named like a built-in template replaces it, and only the file it lays out
 * changes; a file that matches no template, or does not compile, is one error line (exit 2) and
 * nothing is written.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { BUILT_IN_TEMPLATES, TEMPLATE_NAMES } from '../../src/render/templates.js';
import { REPO_ROOT } from '../support/env.js';

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'cvm-templates-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const ARGS = ['--yes', '--target', 'gpu-a:vllm=http://10.0.0.5:8000', '--gpu', 'none', '--platform', 'linux'];
// The generated .env holds fresh random secrets: compare every other file.
const SKIP = /^(\.env|secrets\/|\.create-vllm-monitor\.json$)/;

function tree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!SKIP.test(relative(dir, p))) files.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

/** Generates into <work>/<parent>/stack: the same folder name, so the same project name. */
async function generate(parent: string, extra: string[] = []) {
  const out = join(work, parent, 'stack');
  const r = await runCli([out, ...ARGS, ...extra]);
  return { out, ...r };
}

function templatesDir(files: Record<string, string>): string {
  const dir = join(work, 'tpl');
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('--templates DIR', () => {
  it('a custom README.md.hbs changes README.md and nothing else', async () => {
    const plain = await generate('plain');
    expect(plain.code).toBe(0);
    const dir = templatesDir({ 'README.md.hbs': `# {{md project}} at ACME\n\nOn call: #llm-ops.\n{{#each targets}}\n- {{code name}} ({{md engine}})\n{{/each}}\n` });
    const custom = await generate('custom', ['--templates', dir]);
    expect(custom.stderr).toBe('');
    expect(custom.code).toBe(0);
    expect(readFileSync(join(custom.out, 'README.md'), 'utf8')).toBe('# stack at ACME\n\nOn call: #llm-ops.\n- `gpu-a` (vllm)\n');
    const a = tree(plain.out);
    const b = tree(custom.out);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    const changed = [...a.keys()].filter((p) => a.get(p) !== b.get(p));
    expect(changed).toEqual(['README.md']);
  });

  it('the built-in templates given as DIR render the same stack as none', async () => {
    const plain = await generate('plain');
    const same = await generate('same', ['--templates', join(REPO_ROOT, 'templates')]);
    expect([plain.code, same.stderr, same.code]).toEqual([0, '', 0]);
    expect(tree(same.out)).toEqual(tree(plain.out));
  });

  it('is kept in the manifest: regenerating and `targets add` lay README.md out with it again', async () => {
    const dir = templatesDir({ 'README.md.hbs': `# ACME {{md project}}\n{{#each targets}}\n- {{code name}}\n{{/each}}\n` });
    const custom = await generate('custom', ['--templates', dir]);
    expect(custom.code).toBe(0);
    expect((await runCli([custom.out, '--yes'])).code).toBe(0);
    expect(readFileSync(join(custom.out, 'README.md'), 'utf8')).toBe('# ACME stack\n- `gpu-a`\n');
    const added = await runCli(['targets', 'add', 'gpu-b:vllm=http://10.0.0.6:8000', custom.out]);
    expect([added.stderr, added.code]).toEqual(['', 0]);
    expect(readFileSync(join(custom.out, 'README.md'), 'utf8')).toBe('# ACME stack\n- `gpu-a`\n- `gpu-b`\n');
  });

  it('comes from a config file too, relative to the file', async () => {
    mkdirSync(join(work, 'conf', 'tpl'), { recursive: true });
    writeFileSync(join(work, 'conf', 'tpl', 'README.md.hbs'), '# from the config file\n');
    writeFileSync(join(work, 'conf', 'monitor.yaml'), 'templates: tpl\n');
    const r = await generate('c', ['--config', join(work, 'conf', 'monitor.yaml')]);
    expect([r.stderr, r.code]).toEqual(['', 0]);
    expect(readFileSync(join(r.out, 'README.md'), 'utf8')).toBe('# from the config file\n');
  });

  it('the templates/ folder holds exactly the built-in templates, byte for byte', () => {
    expect(readdirSync(join(REPO_ROOT, 'templates')).sort()).toEqual([...TEMPLATE_NAMES].sort());
    for (const name of TEMPLATE_NAMES) expect(readFileSync(join(REPO_ROOT, 'templates', name), 'utf8')).toBe(BUILT_IN_TEMPLATES[name]);
  });

  const bad: { name: string; files?: Record<string, string>; line: RegExp }[] = [
    { name: 'a file that matches no template', files: { 'README.hbs': '# x\n' }, line: /^error: --templates: .*README\.hbs matches no template — name it one of: README\.md\.hbs, RUNBOOKS\.md\.hbs, .*stop-monitoring\.bat\.hbs$/ },
    { name: 'a template that does not compile', files: { 'start-monitoring.sh.hbs': '#!/bin/sh\n{{#each urls}}\necho {{sh this}}\n' }, line: /^error: --templates: .*start-monitoring\.sh\.hbs does not compile \(Parse error on line 4: Expecting .*got 'EOF'\) — / },
    { name: 'a template naming a field its view lacks', files: { 'RUNBOOKS.md.hbs': '# {{title}}\n' }, line: /^error: --templates: .*tpl\/RUNBOOKS\.md\.hbs: cannot be rendered \("title" not defined - 1:4\) — / },
    { name: 'a folder that does not exist', line: /^error: --templates: cannot read the folder .*missing \(ENOENT\) — check the path$/ },
  ];
  it.each(bad)('$name: one error line, exit 2, nothing written', async ({ files, line }) => {
    const dir = files ? templatesDir(files) : join(work, 'missing');
    const out = join(work, 'stack');
    const r = await runCli([out, ...ARGS, '--templates', dir]);
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
    expect(existsSync(out)).toBe(false);
  });
});
