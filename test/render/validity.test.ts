/**
 * The generated configs, checked by the real tools: promtool (Debian 12's 2.42 and Debian 13's 2.53),
 * amtool (0.25 and 0.28), the compose-spec JSON schema, and docker-compose v1 (1.29) and v2 (2.26).
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

const promtools = [requireTool('promtool', 'apt-get install prometheus'), newerTool('promtool')].filter((x): x is string => !!x);
const amtoolOld = requireTool('amtool', 'apt-get install prometheus-alertmanager');
const amtoolNew = newerTool('amtool');
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

  it.each(promtools)('passes promtool check config (%s)', (promtool) => {
    const config = join(dir, 'prometheus/prometheus.yml');
    // Bearer tokens live in a tmpfs inside the container (/run/secrets), which promtool cannot see
    // from here: check the syntax of that one, and its rules separately.
    const usesContainerSecrets = readFileSync(config, 'utf8').includes('/run/secrets/');
    const out = run(promtool, ['check', 'config', ...(usesContainerSecrets ? ['--syntax-only'] : []), config]);
    expect(out).toMatch(/SUCCESS/);
  });

  it('passes amtool check-config (0.25 and 0.28)', () => {
    const config = join(dir, 'alertmanager/alertmanager.yml');
    const checked: string[] = [];
    // Alertmanager 0.25 predates msteams_configs; the stack pins 0.28.
    if (amtoolOld && input.receiver?.kind !== 'msteams') {
      expect(run(amtoolOld, ['check-config', config])).toMatch(/SUCCESS/);
      checked.push('0.25');
    }
    if (amtoolNew) {
      expect(run(amtoolNew, ['check-config', config])).toMatch(/SUCCESS/);
      checked.push('0.28');
    }
    expect(checked.length).toBeGreaterThan(0);
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
