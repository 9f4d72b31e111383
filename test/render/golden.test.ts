/**
 * Golden files: render() is pure and deterministic, so each spec's output is compared byte for byte
 * with test/golden/<spec>/<path>.golden. Rules and dashboards have their own canonical-copy tests.
 * After an intended change: npx vitest run test/render/golden.test.ts -u, then review the diff.
 */
import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/input.js';
import { render } from '../../src/render/index.js';
import { KUBERNETES_MATRIX, MATRIX, specFor } from '../support/stacks.js';

const GOLDEN_SPECS = ['single-vllm', 'mixed-fleet', 'windows', 'receiver-slack', 'heartbeat', 'bearer-token', 'exposed', 'ha', 'kubernetes'] as const;
/** Rules and dashboards have canonical-copy tests; the kubernetes folder's are checked against them in test/render/kubernetes.test.ts. */
const OWN_CANONICAL_TEST = /^(prometheus\/rules|prometheus\/tests|grafana\/dashboards|grafana\/import|prometheusrules|dashboards)\//;
const INPUTS: Record<string, ConfigInput> = { ...MATRIX, kubernetes: KUBERNETES_MATRIX['dcgm-slack-pagerduty']! };

describe.each(GOLDEN_SPECS)('golden stack "%s"', (name) => {
  it('renders the same files as last reviewed', async () => {
    const { spec, secrets } = await specFor(INPUTS[name]!, name);
    const files = render(spec, secrets);
    const listed = [...files.keys()].filter((p) => !OWN_CANONICAL_TEST.test(p));
    await expect(`${listed.join('\n')}\n`).toMatchFileSnapshot(`../golden/${name}/FILES`);
    for (const path of listed) {
      // `.golden` suffix: a snapshot named .gitignore would make git ignore the snapshot .env.
      await expect(files.get(path)!.content).toMatchFileSnapshot(`../golden/${name}/${path}.golden`);
    }
  });

  it('is deterministic: two renders are identical', async () => {
    const { spec, secrets } = await specFor(INPUTS[name]!, name);
    const a = render(spec, secrets);
    const b = render(structuredClone(spec), structuredClone(secrets));
    expect([...b.entries()]).toEqual([...a.entries()]);
  });
});
