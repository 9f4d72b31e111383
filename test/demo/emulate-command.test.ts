import { describe, expect, it } from 'vitest';
import { run } from '../../src/commands/emulate.js';
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { detect } from '../../src/engines/detect.js';

function capture(): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), isTTY: false, env: {} };
}

describe('emulate command', () => {
  it('serves the chosen kind until stopped', async () => {
    const io = capture();
    const stop = new AbortController();
    const done = run(['--kind', 'sglang', '--port', '0', '--pp', '2', '--seed', '5'], io, stop.signal);
    for (let i = 0; i < 50 && io.lines.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const url = /on (http:\/\/\S+)\/metrics/.exec(io.lines[0]!)![1]!;
    const res = await fetch(`${url}/metrics`);
    const r = detect(await res.text(), { status: res.status });
    expect(r).toMatchObject({ family: 'sglang', ranks: { pp: ['0', '1'] } });
    stop.abort();
    expect(await done).toBe(0);
    await expect(fetch(`${url}/metrics`)).rejects.toThrow();
  });

  it('rejects an unknown kind or state with exit 2', async () => {
    expect(await main(['emulate', '--kind', 'tgi'], capture())).toBe(2);
    expect(await main(['emulate', '--kind', 'vllm-v1', '--state', 'on-fire'], capture())).toBe(2);
  });
});
