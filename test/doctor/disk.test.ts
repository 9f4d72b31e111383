/**
 * doctor's disk headroom on the real Docker Engine: a real volume's mountpoint (or Docker's data
 * root) and its real free space against a retention size that fits, one that does not, and none.
 */
import { statfsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { diskCheck } from '../../src/doctor/disk.js';
import { dockerClient } from '../../src/stack/docker.js';
import { dockerSkipReason } from '../e2e/support.js';

const skip = await dockerSkipReason();
const VOLUME = `cvm-doctor-test-${process.pid}_prometheus_data`;

describe.skipIf(skip)(`doctor disk headroom on the real Docker Engine${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const docker = dockerClient();
  afterAll(async () => {
    await docker.getVolume(VOLUME).remove().catch(() => undefined);
  });

  it('compares the free space of the volume with the retention size', async () => {
    await docker.createVolume({ Name: VOLUME });
    const fits = await diskCheck(docker, VOLUME, { time: '15d', size: '1MB' });
    expect(fits).toMatchObject({ status: 'ok', detail: expect.stringMatching(/GiB free at \/.* for a retention of 15d \/ 1MB/) });
    const tooBig = await diskCheck(docker, VOLUME, { time: '15d', size: '4EB' });
    expect(tooBig).toMatchObject({ status: 'fail', fix: expect.stringMatching(/--retention-size \d+GB/) });
    // The GB it proposes fits within 85% of the same filesystem's free space.
    const at = /free at (\S+)/.exec(tooBig.detail)![1]!;
    const s = statfsSync(at);
    expect(Number(/--retention-size (\d+)GB/.exec(tooBig.fix)![1]) * 1024 ** 3).toBeLessThanOrEqual(s.bavail * s.bsize * 0.85 + 1024 ** 3);
    expect(await diskCheck(docker, VOLUME, { time: '15d' })).toMatchObject({ status: 'warn', detail: expect.stringContaining('no size limit') });
  });

  it('before the first start (no volume yet) looks at Docker\'s data root', async () => {
    const f = await diskCheck(docker, `cvm-doctor-absent-${process.pid}_prometheus_data`, { time: '15d', size: '1MB' });
    expect(f.status).toBe('ok');
    const root = ((await docker.info()) as { DockerRootDir: string }).DockerRootDir;
    expect(root.startsWith(/free at (\S+)/.exec(f.detail)![1]!)).toBe(true);
  });
});
