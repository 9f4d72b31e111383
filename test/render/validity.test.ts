/**
 * The generated configs, checked by the real tools: promtool and amtool of every release in
 * test/support/versions.ts (2.42/0.25, 2.53/0.28, 3.5/0.33), the compose-spec JSON schema, and
 * docker-compose v1 (1.29) and v2 (2.26).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MATRIX, renderToDir } from '../support/stacks.js';
import { newerTool, requireTool } from '../support/env.js';
import { ALERTMANAGER_RELEASES, PROMETHEUS_RELEASES, itEachRelease } from '../support/versions.js';

const composeV1 = requireTool('docker-compose', 'apt-get install docker-compose');
const composeV2 = newerTool('docker-compose');

const require = createRequire(import.meta.url);
const composeSchema = JSON.parse(readFileSync(require.resolve('docker-compose/schema/compose-spec.json'), 'utf8')) as Record<string, unknown>;
delete composeSchema.$schema; // https draft-07 id that ajv does not ship; the schema itself is draft-07
const validateCompose = new Ajv({ allErrors: true, strict: false }).compile(composeSchema);

function run(cmd: string, args: string[], cwd?: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

describe.each(Object.entries(MATRIX))('generated stack "%s"', (name, input) => {
  let dir: string;
  beforeAll(async () => {
    dir = (await renderToDir(input, name)).dir;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  itEachRelease(PROMETHEUS_RELEASES, 'promtool', 'passes promtool check config', (promtool) => {
    // An HA pair (--ha) has the second replica's config too.
    for (const file of input.ha ? ['prometheus.yml', 'prometheus-2.yml'] : ['prometheus.yml']) {
      const config = join(dir, 'prometheus', file);
      // Bearer tokens live in a tmpfs inside the container (/run/secrets), which promtool cannot see
      // from here: check the syntax of that one, and its rules separately.
      const usesContainerSecrets = readFileSync(config, 'utf8').includes('/run/secrets/');
      const out = run(promtool, ['check', 'config', ...(usesContainerSecrets ? ['--syntax-only'] : []), config]);
      expect(out).toMatch(/SUCCESS/);
    }
  });

  // Alertmanager 0.25 predates msteams_configs and webhook url_file (0.26; the heartbeat needs 0.28,
  // see test/alertmanager/heartbeat.test.ts); the stack pins 0.28 or newer.
  const alertmanagers = input.heartbeat ? ALERTMANAGER_RELEASES.filter((r) => r.atLeast('0.28')) : input.receiver?.kind === 'msteams' ? ALERTMANAGER_RELEASES.filter((r) => r.atLeast('0.26')) : ALERTMANAGER_RELEASES;
  itEachRelease(alertmanagers, 'amtool', 'passes amtool check-config', (amtool) => {
    expect(run(amtool, ['check-config', join(dir, 'alertmanager/alertmanager.yml')])).toMatch(/SUCCESS/);
  });

  it('matches the compose-spec JSON schema', () => {
    const compose = parse(readFileSync(join(dir, 'docker-compose.yml'), 'utf8'));
    const ok = validateCompose(compose);
    expect(validateCompose.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it.each([composeV1, composeV2].filter((x): x is string => !!x))('passes %s config -q', (compose) => {
    run(compose, ['config', '-q'], dir);
  });
});
