/** Safe writing through the real CLI: atomic creation, kept edits, --force, --dry-run, secrets kept. */
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

let work: string;
let dir: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'cvm-regen-'));
  dir = join(work, 'stack');
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const gen = (...extra: string[]) => runCli([dir, '--yes', '--gpu', 'none', '--target', 'a:vllm=http://10.0.0.5:8000', ...extra]);

describe('writing a stack', () => {
  it('creates the directory with a manifest, a 0600 .env and executable scripts, leaving no staging files', async () => {
    const r = await gen();
    expect(r.code).toBe(0);
    expect(statSync(join(dir, '.env')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'start-monitoring.sh')).mode & 0o111).not.toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, '.create-vllm-monitor.json'), 'utf8'));
    expect(Object.keys(manifest.files)).toContain('docker-compose.yml');
    expect(readdirSync(work)).toEqual(['stack']);
    expect(readdirSync(dir).filter((f) => f.startsWith('.cvm-staging'))).toEqual([]);
    const password = /GRAFANA_ADMIN_PASSWORD=(\S+)/.exec(readFileSync(join(dir, '.env'), 'utf8'))![1]!;
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect(readFileSync(join(dir, 'docker-compose.yml'), 'utf8')).not.toContain(password);
    expect(r.stdout + r.stderr).not.toContain(password);
  });

  it('uses a different random password for each new stack', async () => {
    await gen();
    const other = join(work, 'other');
    await runCli([other, '--yes', '--gpu', 'none']);
    const pw = (d: string) => /GRAFANA_ADMIN_PASSWORD=(\S+)/.exec(readFileSync(join(d, '.env'), 'utf8'))![1];
    expect(pw(dir)).not.toBe(pw(other));
  });

  it('keeps files the user edited, says so, and keeps secrets on regeneration', async () => {
    await gen();
    const env = readFileSync(join(dir, '.env'), 'utf8');
    const promPath = join(dir, 'prometheus/prometheus.yml');
    const edited = `${readFileSync(promPath, 'utf8')}# my edit\n`;
    writeFileSync(promPath, edited);
    const r = await gen('--target', 'b:sglang=http://10.0.0.6:30000');
    expect(r.code).toBe(0);
    expect(readFileSync(promPath, 'utf8')).toBe(edited);
    expect(r.stdout).toMatch(/keep\s+prometheus\/prometheus\.yml \(you edited it; --force replaces it\)/);
    expect(r.stdout).toMatch(/Kept 1 file\(s\) you changed: prometheus\/prometheus\.yml/);
    expect(r.stdout).toMatch(/update\s+prometheus\/targets\/sglang\.json/);
    expect(readFileSync(join(dir, 'prometheus/targets/sglang.json'), 'utf8')).toContain('10.0.0.6:30000');
    expect(readFileSync(join(dir, '.env'), 'utf8')).toBe(env);
    // Still recognised as edited on the next run (the manifest keeps our last hash, not theirs).
    const again = await gen();
    expect(again.stdout).toMatch(/keep\s+prometheus\/prometheus\.yml/);
  });

  it('--force replaces edited files', async () => {
    await gen();
    const promPath = join(dir, 'prometheus/prometheus.yml');
    const original = readFileSync(promPath, 'utf8');
    writeFileSync(promPath, 'edited: true\n');
    const r = await gen('--force');
    expect(r.stdout).toMatch(/overwrite prometheus\/prometheus\.yml/);
    expect(readFileSync(promPath, 'utf8')).toBe(original);
  });

  it('--dry-run lists what would happen and writes nothing', async () => {
    const first = await gen('--dry-run');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Dry run: nothing written/);
    expect(first.stdout).toMatch(/create\s+docker-compose\.yml/);
    expect(existsSync(dir)).toBe(false);

    await gen();
    writeFileSync(join(dir, 'alertmanager/alertmanager.yml'), 'route: {receiver: x}\n');
    const before = readFileSync(join(dir, '.create-vllm-monitor.json'), 'utf8');
    const r = await gen('--receiver', 'webhook', '--webhook-url', 'http://10.0.0.9:5001/', '--dry-run');
    expect(r.stdout).toMatch(/keep\s+alertmanager\/alertmanager\.yml \(you edited it/);
    expect(r.stdout).toMatch(/unchanged docker-compose\.yml/);
    expect(readFileSync(join(dir, '.create-vllm-monitor.json'), 'utf8')).toBe(before);
    expect(readFileSync(join(dir, 'alertmanager/alertmanager.yml'), 'utf8')).toBe('route: {receiver: x}\n');
  });

  it('regenerates from the recorded input when no targets are given', async () => {
    await gen('--target', 'b:sglang=http://10.0.0.6:30000');
    const r = await runCli([dir, '--yes', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/update/);
    expect(r.stdout).toMatch(/unchanged prometheus\/targets\/sglang\.json/);
  });

  it('--json prints a machine-readable summary', async () => {
    const r = await gen('--json');
    const summary = JSON.parse(r.stdout);
    expect(summary.dir).toBe(dir);
    expect(summary.targets).toEqual([{ name: 'a', engine: 'vllm', url: 'http://10.0.0.5:8000', scrapes: 'http://10.0.0.5:8000/metrics' }]);
    expect(summary.files.find((f: { path: string }) => f.path === '.env').action).toBe('create');
  });

  it('never stores receiver secrets in the manifest or compose file', async () => {
    const key = 'R0123456789ABCDEF0123456789ABCDE';
    const r = await gen('--receiver', 'pagerduty', '--pagerduty-routing-key', key);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, '.env'), 'utf8')).toContain(`PAGERDUTY_ROUTING_KEY=${key}`);
    for (const f of ['.create-vllm-monitor.json', 'docker-compose.yml', 'alertmanager/alertmanager.yml', 'README.md']) {
      expect(readFileSync(join(dir, f), 'utf8')).not.toContain(key);
    }
    // Regeneration without the flag keeps the key from .env.
    const again = await gen('--receiver', 'pagerduty');
    expect(again.code).toBe(0);
    expect(readFileSync(join(dir, '.env'), 'utf8')).toContain(`PAGERDUTY_ROUTING_KEY=${key}`);
  });
});
