/**
 * The load tests the demo offers: one `create-vllm-monitor loadtest` command line per emulated
 * engine, cross-checked with the demo stack's Prometheus (--dir), and what to expect of the
 * cross-check with the demo's traffic mode.
 */
import type { Traffic } from '../demo/emulator.js';
import type { RunningMember } from './demo-fleet.js';

/** A short run: 40 requests at 5/s of 128 prompt words and 32 tokens out, about ten seconds. */
export const DEMO_LOADTEST_FLAGS: readonly string[] = ['--rate', '5', '--requests', '40', '--input-len', '128', '--output-len', '32'];

const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`);

/** The argv of the load test against an engine at url (without --dir). */
export function demoLoadtestArgs(url: string): string[] {
  return ['loadtest', url, ...DEMO_LOADTEST_FLAGS];
}

export function demoLoadtestLines(dir: string, fleet: readonly RunningMember[], host: string, traffic: Traffic): string[] {
  const engines = fleet.filter((m) => m.engine);
  if (engines.length === 0) return [];
  return [
    'Load test an emulated server (client-side TTFT, TPOT, ITL, E2E, cross-checked with the stack\'s Prometheus):',
    ...engines.map((m) => `  create-vllm-monitor ${[...demoLoadtestArgs(`http://${host}:${m.port}`), '--dir', dir].map(quote).join(' ')}`),
    traffic === 'clients'
      ? '  The emulators serve only what clients send (--traffic clients): the cross-check should agree on every figure.'
      : '  The emulators also simulate users of their own: the cross-check will say another client shares the server. For an exact comparison restart with --traffic clients.',
  ];
}
