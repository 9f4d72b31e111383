/** The prometheus/ folder of a generated stack (config, targets, rules), written to a temp dir. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { render } from '../../src/render/index.js';
import type { ConfigInput } from '../../src/config/input.js';
import type { StackSpec } from '../../src/config/types.js';
import { specFor } from '../support/stacks.js';

export async function writePrometheusDir(input: ConfigInput, prefix: string): Promise<{ dir: string; spec: StackSpec }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const { spec, secrets } = await specFor(input);
  for (const [path, f] of render(spec, secrets)) {
    if (!path.startsWith('prometheus/')) continue;
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), f.content);
  }
  return { dir, spec };
}
