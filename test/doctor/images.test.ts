/** doctor's image check: the tags a generated stack's docker-compose.yml really names, against the support windows. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_IMAGES } from '../../src/config/defaults.js';
import { componentOfImage, SUPPORT_POLICIES } from '../../src/config/support-windows.js';
import { imageChecks } from '../../src/doctor/images.js';
import { loadStackDir } from '../../src/stack/stack-dir.js';
import { runCli } from '../support/cli.js';

async function stackWith(...images: string[]): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'cvm-doctor-images-')), 'stack');
  const r = await runCli([dir, '--yes', '--gpu', 'none', '--target', 'a:vllm=http://10.0.0.5:8000', ...images.flatMap((i) => ['--image', i])]);
  expect(r.code, r.stderr).toBe(0);
  return dir;
}

describe('doctor image support windows', () => {
  it('judges the tag the stack runs, through a registry mirror too, by the date', async () => {
    const stack = loadStackDir(await stackWith('prometheus=registry.local:5000/prom/prometheus:v2.53.4'));
    const before = imageChecks(stack, new Date('2025-07-31T12:00:00Z')).find((f) => f.check === 'image prometheus')!;
    expect(before).toMatchObject({ status: 'ok', detail: expect.stringContaining('supported until 2025-07-31') });
    const after = imageChecks(stack, new Date('2025-08-01T00:00:01Z')).find((f) => f.check === 'image prometheus')!;
    expect(after).toMatchObject({ status: 'warn', detail: expect.stringContaining('support ended 2025-07-31'), fix: expect.stringContaining('--image prometheus=') });
  });

  it('a release without a published end is ok and says the policy; every pinned component has a policy', async () => {
    const stack = loadStackDir(await stackWith('prometheus=prom/prometheus:v3.4.0'));
    const f = imageChecks(stack, new Date('2026-01-01T00:00:00Z')).find((x) => x.check === 'image prometheus')!;
    expect(f).toMatchObject({ status: 'ok', detail: expect.stringContaining('until the next minor release') });
    for (const [component, ref] of Object.entries(DEFAULT_IMAGES)) {
      expect(componentOfImage(ref, DEFAULT_IMAGES)).toBe(component);
      expect(SUPPORT_POLICIES[component as keyof typeof DEFAULT_IMAGES]?.source, component).toMatch(/^https:\/\//);
    }
  });
});
