import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { FIXTURES_PRESENT, fixture } from '../support/env.js';
import { captureIo } from '../support/cli.js';

/** A port nothing listens on: bind one, note it, close it. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('detect command', () => {
  it.skipIf(!FIXTURES_PRESENT)('prints a human report for a capture file and exits 0', async () => {
    const io = captureIo();
    const code = await main(['detect', fixture('datadog__vllm_metrics_e99474c0.txt')], io);
    expect(code).toBe(0);
    expect(io.lines.join('\n')).toMatch(/detected: +vLLM V0 engine \[vllm-v0\]/);
    expect(io.lines).toContain('models:    facebook/opt-125m');
  });

  it.skipIf(!FIXTURES_PRESENT)('--json gives the whole report', async () => {
    const io = captureIo();
    expect(await main(['detect', fixture('sglang-docs__production_metrics_example.prom'), '--json'], io)).toBe(0);
    const r = JSON.parse(io.lines.join('\n'));
    expect(r).toMatchObject({ kind: 'engine', producer: 'sglang', family: 'sglang-legacy' });
  });

  it('exits 1 with one line when the server is unreachable', async () => {
    const io = captureIo();
    const port = await closedPort();
    expect(await main(['detect', `http://127.0.0.1:${port}`], io)).toBe(1);
    expect(io.errors).toHaveLength(1);
    expect(io.errors[0]).toMatch(/unreachable: ECONNREFUSED/);
  });

  it('exits 2 for a missing file or wrong arguments', async () => {
    expect(await main(['detect', '/nonexistent/metrics.txt'], captureIo())).toBe(2);
    expect(await main(['detect'], captureIo())).toBe(2);
  });
});
