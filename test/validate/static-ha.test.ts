/**
 * validate's static checks of an --ha stack (real promtool and amtool, the newest present): promtool
 * check config covers the second replica's prometheus-2.yml too, and a broken one fails naming it.
 * The rules' unit tests are not rerun here (a cache that says they passed): --ha changes no rule,
 * and test/validate/static.test.ts runs them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadStackDir } from '../../src/stack/stack-dir.js';
import { staticChecks } from '../../src/validate/static.js';
import { ALERTMANAGER_RELEASES, PROMETHEUS_RELEASES } from '../support/versions.js';

const promtool = [...PROMETHEUS_RELEASES].reverse().map((r) => r.path('promtool')).find(Boolean);
const amtool = [...ALERTMANAGER_RELEASES].reverse().map((r) => r.path('amtool')).find(Boolean);
const PASSED = { passed: () => true, remember: () => {} };

describe.skipIf(!promtool || !amtool)('static checks of an --ha stack', () => {
  const root = mkdtempSync(join(tmpdir(), 'cvm-static-ha-'));
  const dir = join(root, 'stack');
  const env = { ...process.env, CVM_PROMTOOL: promtool!, CVM_AMTOOL: amtool!, CVM_CACHE_DIR: 'off' };
  beforeAll(async () => {
    const err: string[] = [];
    const code = await main([dir, '--yes', '--no-grafana', '--ha', '--gpu', 'none', '--target', 'vllm=http://10.0.0.5:8000'], { out: () => {}, err: (l) => err.push(l), isTTY: false, env: process.env });
    if (code !== 0) throw new Error(err.join('\n'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('both replicas\' configs pass promtool check config, the shared alertmanager.yml amtool', async () => {
    const checks = await staticChecks(loadStackDir(dir), { env, testCache: PASSED });
    expect(checks.find((c) => c.name === 'promtool check config')).toMatchObject({ status: 'pass' });
    expect(checks.find((c) => c.name === 'amtool check-config')).toMatchObject({ status: 'pass' });
  }, 120_000);

  it('a broken prometheus-2.yml fails promtool check config, which names it', async () => {
    const file = join(dir, 'prometheus/prometheus-2.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('scrape_interval: 15s', 'scrape_interval: soon'));
    const check = (await staticChecks(loadStackDir(dir), { env, testCache: PASSED })).find((c) => c.name === 'promtool check config')!;
    expect(check.status).toBe('fail');
    expect(check.detail).toMatch(/prometheus-2\.yml/);
  }, 120_000);
});
