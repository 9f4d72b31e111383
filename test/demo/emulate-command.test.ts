import { describe, expect, it } from 'vitest';
import { run } from '../../src/commands/emulate.js';
import { main } from '../../src/cli/main.js';
import { detect } from '../../src/engines/detect.js';
import { captureIo } from '../support/cli.js';

describe('emulate command', () => {
  it('serves the chosen kind until stopped', async () => {
    const io = captureIo();
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

  it('--traffic clients: no simulated users (a default emulator has them over the same second and a half)', async () => {
    const stop = new AbortController();
    const start = async (args: string[]) => {
      const io = captureIo();
      const done = run(['--kind', 'vllm-v1', '--port', '0', ...args], io, stop.signal);
      for (let i = 0; i < 50 && io.lines.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      return { url: /on (http:\/\/\S+)\/metrics/.exec(io.lines[0]!)![1]!, line: io.lines[0]!, done };
    };
    const quiet = await start(['--traffic', 'clients']);
    const busy = await start([]);
    expect(quiet.line).toMatch(/traffic from clients only/);
    await new Promise((r) => setTimeout(r, 1500));
    const promptTokens = async (url: string) => {
      const text = await (await fetch(`${url}/metrics`)).text();
      return text.split('\n').filter((l) => l.startsWith('vllm:prompt_tokens_total{')).reduce((a, l) => a + Number(l.split(' ').pop()), 0);
    };
    expect(await promptTokens(quiet.url)).toBe(0);
    expect(await promptTokens(busy.url)).toBeGreaterThan(0);
    stop.abort();
    expect(await quiet.done).toBe(0);
    expect(await busy.done).toBe(0);
  });

  it('--traffic: an unknown mode, or clients with a --rate, exit 2 naming the flag (emulate and demo)', async () => {
    const cases: [string[], RegExp][] = [
      [['emulate', '--kind', 'vllm-v1', '--traffic', 'users'], /--traffic: must be one of simulated, clients, got "users"/],
      [['emulate', '--kind', 'vllm-v1', '--traffic', 'clients', '--rate', '2'], /--rate: conflicts with --traffic clients/],
      [['demo', '--traffic', 'none'], /--traffic: must be one of simulated, clients, got "none"/],
    ];
    for (const [argv, message] of cases) {
      const io = captureIo();
      expect(await main(argv, io), argv.join(' ')).toBe(2);
      expect(io.errors).toEqual([expect.stringMatching(message)]);
    }
  });

  it('rejects an unknown kind or state with exit 2', async () => {
    expect(await main(['emulate', '--kind', 'tgi'], captureIo())).toBe(2);
    expect(await main(['emulate', '--kind', 'vllm-v1', '--state', 'on-fire'], captureIo())).toBe(2);
  });
});
