/**
 * Retention by time and by size: the Prometheus flags the compose file gets for each input, the
 * README that explains them, and real Prometheus (2.42, 2.53, 3.5) taking exactly those flags.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { render } from '../../src/render/index.js';
import { buildSpec } from '../../src/config/build.js';
import type { ConfigInput } from '../../src/config/input.js';
import { startPrometheus } from '../integration/support/prometheus.js';
import { runCli } from '../support/cli.js';
import { specFor, testContext } from '../support/stacks.js';
import { itEachRelease, PROMETHEUS_RELEASES } from '../support/versions.js';

const BASE: ConfigInput = { targets: [{ engine: 'vllm', url: 'http://10.0.0.5:8000' }], gpu: 'none' };

async function stack(input: ConfigInput): Promise<{ flags: string[]; readme: string; warnings: string[] }> {
  const { spec, secrets } = await specFor(input);
  const files = render(spec, secrets);
  const command = parse(files.get('docker-compose.yml')!.content).services.prometheus.command as string[];
  return { flags: command.filter((a) => a.startsWith('--storage.tsdb.retention')), readme: files.get('README.md')!.content, warnings: (await buildSpec(input, 'x', testContext())).warnings };
}

describe('retention', () => {
  it('defaults to 15d or 20GB, whichever comes first, and the README says what and why', async () => {
    const s = await stack(BASE);
    expect(s.flags).toEqual(['--storage.tsdb.retention.time=15d', '--storage.tsdb.retention.size=20GB']);
    expect(s.readme).toContain('Prometheus keeps 15d of data, or less when its data reaches 20GB');
    expect(s.readme).toContain('20GB is the default: it holds 15 days of about 150,000 series at a 15 s scrape interval');
  });

  it('--retention and --retention-size set each; 0 leaves the size unlimited, and the README says so', async () => {
    expect((await stack({ ...BASE, retention: '30d', retentionSize: '1TB' })).flags).toEqual(['--storage.tsdb.retention.time=30d', '--storage.tsdb.retention.size=1TB']);
    const off = await stack({ ...BASE, retentionSize: '0' });
    expect(off.flags).toEqual(['--storage.tsdb.retention.time=15d']);
    expect(off.readme).toContain('with no size limit (`--retention-size 0`)');
  });

  it('warns below 1GB, where the WAL alone can take the room', async () => {
    expect((await stack({ ...BASE, retentionSize: '512MB' })).warnings).toContainEqual(expect.stringMatching(/^retentionSize: 512MB leaves little room: .* keep at least 1GB$/));
    expect((await stack({ ...BASE, retentionSize: '1GB' })).warnings.filter((w) => w.startsWith('retentionSize'))).toEqual([]);
  });

  it('the config file sets it, a flag wins over the file', async () => {
    const work = mkdtempSync(join(tmpdir(), 'cvm-retention-'));
    try {
      const file = join(work, 'monitor.yaml');
      writeFileSync(file, 'retentionSize: 100GB\n');
      const gen = (dir: string, ...args: string[]) => runCli([join(work, dir), '--yes', '--target', 'vllm=http://10.0.0.5:8000', '--gpu', 'none', '--config', file, ...args]);
      const sizeIn = (dir: string) => parse(readFileSync(join(work, dir, 'docker-compose.yml'), 'utf8')).services.prometheus.command.filter((a: string) => a.startsWith('--storage.tsdb.retention.size'));
      expect((await gen('a')).code).toBe(0);
      expect(sizeIn('a')).toEqual(['--storage.tsdb.retention.size=100GB']);
      expect((await gen('b', '--retention-size', '50GB')).code).toBe(0);
      expect(sizeIn('b')).toEqual(['--storage.tsdb.retention.size=50GB']);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  itEachRelease(PROMETHEUS_RELEASES, 'prometheus', 'real Prometheus takes the generated flags: by time or size, powers of 2', async (binary) => {
    const dir = mkdtempSync(join(tmpdir(), 'cvm-retention-prom-'));
    try {
      writeFileSync(join(dir, 'prometheus.yml'), 'global: {}\n');
      for (const [input, shown] of [
        [BASE, '15d or 20GiB'],
        [{ ...BASE, retention: '30d', retentionSize: '512MB' }, '30d or 512MiB'],
        [{ ...BASE, retentionSize: '0' }, '15d'],
      ] as const) {
        const prom = await startPrometheus({ binary, configFile: join(dir, 'prometheus.yml'), extraArgs: (await stack(input)).flags });
        try {
          const info = (await (await fetch(`${prom.url}/api/v1/status/runtimeinfo`)).json()) as { data: { storageRetention: string } };
          expect(info.data.storageRetention).toBe(shown);
        } finally {
          await prom.stop();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
