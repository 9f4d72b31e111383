/**
 * A gateway target (`--target NAME:router=URL`): its own file_sd list and job, no engine rules
 * reading it, the gateway dashboard only where the stack has one, and one-line errors for what a
 * router cannot have.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseTargetFlag } from '../../src/cli/from-flags.js';
import { render } from '../../src/render/index.js';
import { CliErrors } from '../../src/errors.js';
import { TEST_SECRETS, specFor } from '../support/stacks.js';

const content = (files: Map<string, { content: string }>, path: string): string => {
  const f = files.get(path);
  if (!f) throw new Error(`no ${path}`);
  return f.content;
};

describe('a gateway target', () => {
  it('parses from --target NAME:router=URL', () => {
    expect(parseTargetFlag('gw:router=http://10.0.0.9:29000/metrics')).toEqual({ name: 'gw', engine: 'router', url: 'http://10.0.0.9:29000/metrics' });
  });

  it('gets its own list and job; the engines keep theirs; the gateway dashboard comes with it', async () => {
    const { spec } = await specFor({ targets: [{ name: 'srv', engine: 'vllm', url: 'http://10.0.0.5:8000' }, { name: 'gw', engine: 'router', url: 'http://10.0.0.9:29000' }], gpu: 'none' });
    expect(spec.targets.map((t) => t.name)).toEqual(['srv']);
    expect(spec.routers.map((r) => [r.name, r.address, r.metricsPath])).toEqual([['gw', '10.0.0.9:29000', '/metrics']]);
    const files = render(spec, TEST_SECRETS);
    expect(JSON.parse(content(files, 'prometheus/targets/router.json'))).toEqual([{ targets: ['10.0.0.9:29000'], labels: { instance: 'gw', host: '10.0.0.9' } }]);
    expect(JSON.parse(content(files, 'prometheus/targets/vllm.json')).map((g: { labels: { instance: string } }) => g.labels.instance)).toEqual(['srv']);
    const prom = parse(content(files, 'prometheus/prometheus.yml')) as { scrape_configs: { job_name: string; file_sd_configs?: { files: string[] }[] }[] };
    expect(prom.scrape_configs.find((j) => j.job_name === 'router')?.file_sd_configs).toEqual([{ files: ['targets/router.json'] }]);
    expect(files.has('grafana/dashboards/gateway.json')).toBe(true);
  });

  it('a stack without one has the job (a gateway added later is scraped) but no gateway dashboard', async () => {
    const { spec } = await specFor({ targets: [{ name: 'srv', engine: 'vllm', url: 'http://10.0.0.5:8000' }], gpu: 'none' });
    const files = render(spec, TEST_SECRETS);
    expect(JSON.parse(content(files, 'prometheus/targets/router.json'))).toEqual([]);
    expect(files.has('grafana/dashboards/gateway.json')).toBe(false);
  });

  it('a bearer token on a router is a one-line error naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cvm-router-'));
    try {
      writeFileSync(join(dir, 'token'), 'secret-token-value\n');
      const err = await specFor({ targets: [{ name: 'gw', engine: 'router', url: 'http://10.0.0.9:29000', bearerTokenFile: join(dir, 'token') }], gpu: 'none' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CliErrors);
      expect((err as CliErrors).errors.map((e) => e.message)).toEqual([expect.stringMatching(/^targets\[0\]\.bearerTokenFile: a router target is scraped without a token — remove it/)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a router and an engine with the same name collide', async () => {
    const err = await specFor({ targets: [{ name: 'x', engine: 'vllm', url: 'http://10.0.0.5:8000' }, { name: 'x', engine: 'router', url: 'http://10.0.0.9:29000' }], gpu: 'none' }).catch((e: unknown) => e);
    expect((err as CliErrors).errors.map((e) => e.message)).toEqual([expect.stringMatching(/^targets\[1\]\.name: "x" is already used by targets\[0\]/)]);
  });
});
