/**
 * .env is the one source of truth: `up` rewrites secrets/ from it (atomically, 0644 files in a 0700
 * folder), a missing variable is a one-line error, and regenerating keeps the web password and its
 * bcrypt hash (bcrypt is salted at random, so a new hash would rewrite web.yml every time).
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { generatePassword } from '../../src/cli/create.js';
import { webPassword } from '../../src/cli/web-password.js';
import { CliError } from '../../src/errors.js';
import { syncSecretFiles } from '../../src/stack/secret-files.js';
import { loadStackDir } from '../../src/stack/stack-dir.js';
import { stackAccess } from '../../src/stack/access.js';
import { renderToDir } from '../support/stacks.js';

const exposed = () => renderToDir({ targets: [{ engine: 'vllm', url: 'http://10.0.0.5:8000' }], gpu: 'none', expose: true, receiver: { kind: 'slack', slack: { webhookUrl: 'https://hooks.slack.com/services/T/B/old' } } });

describe('secrets/ from .env', () => {
  it('up rewrites only the files whose .env value changed', async () => {
    const { dir } = await exposed();
    expect(syncSecretFiles(loadStackDir(dir))).toEqual([]);
    const env = readFileSync(join(dir, '.env'), 'utf8').replace('services/T/B/old', 'services/T/B/new');
    writeFileSync(join(dir, '.env'), env);
    expect(syncSecretFiles(loadStackDir(dir))).toEqual(['slack_webhook_url']);
    expect(readFileSync(join(dir, 'secrets/slack_webhook_url'), 'utf8')).toBe('https://hooks.slack.com/services/T/B/new');
    expect(statSync(join(dir, 'secrets/slack_webhook_url')).mode & 0o777).toBe(0o644);
    expect(statSync(join(dir, 'secrets')).mode & 0o777).toBe(0o700);
  });

  it('a variable missing from .env is a one-line error naming it', async () => {
    const { dir } = await exposed();
    writeFileSync(join(dir, '.env'), readFileSync(join(dir, '.env'), 'utf8').replace(/^SLACK_WEBHOOK_URL=.*$/m, ''));
    expect(() => syncSecretFiles(loadStackDir(dir))).toThrow(CliError);
    expect(() => syncSecretFiles(loadStackDir(dir))).toThrow(/SLACK_WEBHOOK_URL/);
  });

  it('the stack access module authenticates exposed Prometheus and Alertmanager, and only those', async () => {
    const { dir } = await exposed();
    const access = stackAccess(loadStackDir(dir));
    const password = /MONITOR_WEB_PASSWORD=(.+)/.exec(readFileSync(join(dir, '.env'), 'utf8'))![1]!;
    expect(access.prometheus!.headers.authorization).toBe(`Basic ${Buffer.from(`monitor:${password}`).toString('base64')}`);
    expect(access.alertmanager!.headers).toEqual(access.prometheus!.headers);
    const local = await renderToDir({ targets: [{ engine: 'vllm', url: 'http://10.0.0.5:8000' }], gpu: 'none' });
    expect(stackAccess(loadStackDir(local.dir)).prometheus!.headers).toEqual({});
  });
});

describe('the web password across regenerations', () => {
  it('keeps the password from .env and the hash from web.yml while they match; a new password gets a new hash', async () => {
    const { dir } = await exposed();
    const first = webPassword(dir, {}, generatePassword);
    expect(bcrypt.compareSync(first.password, first.bcryptHash)).toBe(true);
    writeFileSync(join(dir, 'prometheus/web.yml'), `basic_auth_users:\n  monitor: ${first.bcryptHash}\n`);
    expect(webPassword(dir, { MONITOR_WEB_PASSWORD: first.password }, generatePassword)).toEqual(first);
    const changed = webPassword(dir, { MONITOR_WEB_PASSWORD: 'another-password-0123' }, generatePassword);
    expect(changed.bcryptHash).not.toBe(first.bcryptHash);
    expect(bcrypt.compareSync('another-password-0123', changed.bcryptHash)).toBe(true);
  });
});
