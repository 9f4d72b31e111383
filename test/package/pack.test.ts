/**
 * The package as users get it: `npm pack`, installed into an empty folder, its bin run from there.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/env.js';

let work: string;
let bin: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'cvm-pack-'));
  const packed = execFileSync('npm', ['pack', '--pack-destination', work, '--json'], { cwd: REPO_ROOT, encoding: 'utf8' });
  const tarball = join(work, (JSON.parse(packed) as { filename: string }[])[0]!.filename);
  const app = join(work, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), '{"name":"consumer","version":"1.0.0","private":true}\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: app, encoding: 'utf8', stdio: 'pipe' });
  bin = join(app, 'node_modules/.bin/create-vllm-monitor');
}, 180_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed package', () => {
  it('installs with no runtime dependencies and ships the config schema', () => {
    const pkgDir = join(work, 'app/node_modules/create-vllm-monitor');
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(existsSync(join(pkgDir, 'schema/config.schema.json'))).toBe(true);
    // Only our package landed in node_modules.
    expect(readdirSync(join(work, 'app/node_modules')).filter((d) => !d.startsWith('.'))).toEqual(['create-vllm-monitor']);
  });

  it('runs --help, --version and generates a stack from the installed bin', () => {
    expect(execFileSync(bin, ['--help'], { encoding: 'utf8' })).toContain('Usage:');
    expect(execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()).toMatch(/^\d+\.\d+\.\d+/);
    const dir = join(work, 'stack');
    execFileSync(bin, [dir, '--yes', '--gpu', 'none', '--target', 'vllm=http://10.0.0.5:8000'], { encoding: 'utf8', stdio: 'pipe' });
    expect(readFileSync(join(dir, 'prometheus/targets/vllm.json'), 'utf8')).toContain('10.0.0.5:8000');
    expect(existsSync(join(dir, 'docker-compose.yml'))).toBe(true);
    // The prose and scripts come from the templates bundled into dist/, not from files at run time.
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toMatch(/^# stack: monitoring for vLLM \/ SGLang\n/);
    expect(readFileSync(join(dir, 'start-monitoring.ps1'), 'utf8')).toContain("$ErrorActionPreference = 'Continue'\r\ndocker info *> $null\r\n");
  });

  it('ships templates/ as the starting point for --templates DIR', () => {
    const templates = join(work, 'app/node_modules/create-vllm-monitor/templates');
    expect(readdirSync(templates)).toContain('README.md.hbs');
    const own = join(work, 'own-templates');
    execFileSync('mkdir', ['-p', own]);
    writeFileSync(join(own, 'README.md.hbs'), readFileSync(join(templates, 'README.md.hbs'), 'utf8').replace('## Start and stop', '## Start and stop (ACME)'));
    const dir = join(work, 'custom');
    execFileSync(bin, [dir, '--yes', '--gpu', 'none', '--target', 'vllm=http://10.0.0.5:8000', '--templates', own], { encoding: 'utf8', stdio: 'pipe' });
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('\n## Start and stop (ACME)\n');
  });
});
