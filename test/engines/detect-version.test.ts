/**
 * detect asks the engine its version next to /metrics (vLLM GET /version, SGLang GET /server_info or
 * the older /get_server_info), reports it, dates the era by it where the names cannot, and warns
 * where it contradicts the names. A real local HTTP server serves a real capture.
 */
import { readFileSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { detect } from '../../src/engines/detect.js';
import { FIXTURES_PRESENT, FIXTURES_SKIP_REASON, fixture } from '../support/env.js';

type Routes = Record<string, (req: IncomingMessage) => { status: number; body: string; type?: string }>;

let server: Server | undefined;
const seen: { path: string; auth?: string }[] = [];

async function serve(routes: Routes): Promise<string> {
  seen.length = 0;
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    seen.push({ path, ...(req.headers.authorization ? { auth: req.headers.authorization } : {}) });
    const route = routes[path];
    const r = route ? route(req) : { status: 404, body: '{"detail":"Not Found"}', type: 'application/json' };
    res.writeHead(r.status, { 'content-type': r.type ?? 'application/json' }).end(r.body);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

const TEXT = 'text/plain; version=0.0.4; charset=utf-8';
const metrics = (name: string) => () => ({ status: 200, body: readFileSync(fixture(name), 'utf8'), type: TEXT });
const json = (body: unknown) => () => ({ status: 200, body: JSON.stringify(body) });

async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const io: Io = { out: (l) => lines.push(l), err: (l) => lines.push(l), isTTY: false, env };
  return { code: await main(['detect', ...args], io), lines };
}

describe.skipIf(!FIXTURES_PRESENT)(`detect reads the server's own version${FIXTURES_PRESENT ? '' : ` (skipped: ${FIXTURES_SKIP_REASON})`}`, () => {
  const V0 = 'datadog__vllm_metrics_e99474c0.txt'; // real V0 scrape, vLLM ≈0.4/0.5

  it('vLLM: reports /version in the JSON and the text, agreeing with the names', async () => {
    const base = await serve({ '/metrics': metrics(V0), '/version': json({ version: '0.4.3' }) });
    const { code, lines } = await run([base, '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(lines.join('\n'));
    expect(r).toMatchObject({ family: 'vllm-v0', version: '0.4.3', versionFrom: `${base}/version` });
    expect(r.problems).toEqual([]);
    const text = await run([base]);
    expect(text.lines).toContain(`version:   0.4.3 (reported by ${base}/version)`);
  });

  it('vLLM without /version (404): no version, the same report as before', async () => {
    const base = await serve({ '/metrics': metrics(V0) });
    const r = JSON.parse((await run([`${base}/metrics`, '--json'])).lines.join('\n'));
    expect(r.version).toBeUndefined();
    expect(r).toMatchObject({ family: 'vllm-v0', problems: [] });
    expect(seen.map((s) => s.path)).toEqual(['/metrics', '/version']);
  });

  it('vLLM whose /version contradicts the names: a warning naming both, exit 0', async () => {
    const base = await serve({ '/metrics': metrics(V0), '/version': json({ version: '0.12.0' }) });
    const { code, lines } = await run([base, '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(lines.join('\n'));
    expect(r.family).toBe('vllm-v0');
    expect(r.problems).toEqual([
      expect.objectContaining({ code: 'version-mismatch', severity: 'warning', message: expect.stringMatching(/reports vLLM 0\.12\.0, but the metric names are those of vLLM V0 engine \[vllm-v0\] \(vLLM < 0\.11\)/) }),
    ]);
  });

  it('asks /version with the same bearer token as /metrics', async () => {
    const authed = (ok: () => { status: number; body: string; type?: string }) => (req: IncomingMessage) => (req.headers.authorization === 'Bearer s3cret' ? ok() : { status: 401, body: 'Unauthorized' });
    const base = await serve({ '/metrics': authed(metrics(V0)), '/version': authed(json({ version: '0.5.0' })) });
    const r = JSON.parse((await run([base, '--json', '--bearer-token-env', 'TOKEN'], { TOKEN: 's3cret' })).lines.join('\n'));
    expect(r.version).toBe('0.5.0');
    expect(seen.every((s) => s.auth === 'Bearer s3cret')).toBe(true);
  });

  it('SGLang: /server_info where it exists, else the older /get_server_info', async () => {
    const SG = 'datadog__sglang_metrics_71a3042b.txt';
    let base = await serve({ '/metrics': metrics(SG), '/server_info': json({ tp_size: 1, version: '0.5.2' }) });
    let r = JSON.parse((await run([base, '--json'])).lines.join('\n'));
    expect(r).toMatchObject({ family: 'sglang', version: '0.5.2', versionFrom: `${base}/server_info`, problems: [] });
    await new Promise<void>((res) => server!.close(() => res()));
    base = await serve({ '/metrics': metrics(SG), '/get_server_info': json({ tp_size: 1, version: '0.4.6.post1' }) });
    r = JSON.parse((await run([base, '--json'])).lines.join('\n'));
    expect(r).toMatchObject({ family: 'sglang', version: '0.4.6.post1', versionFrom: `${base}/get_server_info` });
    expect(seen.map((s) => s.path)).toEqual(['/metrics', '/server_info', '/get_server_info']);
  });

  it('a file is read as before: nothing is asked', async () => {
    const r = JSON.parse((await run([fixture(V0), '--json'])).lines.join('\n'));
    expect(r.version).toBeUndefined();
    expect(r.family).toBe('vllm-v0');
  });
});

describe('the reported version chooses the era where the names cannot', () => {
  // V1 (engine label) with no name that dates it: before or after the 0.11 renames.
  const BODY = '# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running{engine="0",model_name="m"} 1.0\n';
  const at = (version: string) => detect(BODY, undefined, { version, url: 'http://h:8000/version' });

  it('without a version, assumes the newest and says so', () => {
    const r = detect(BODY);
    expect(r.family).toBe('vllm-v1');
    expect(r.evidence).toContain('no name that dates the V1 version: assuming ≥ 0.11');
  });

  it('0.10.1.1 is the V1 before the renames; 0.11.0rc2.dev45 after', () => {
    expect(at('0.10.1.1')).toMatchObject({ family: 'vllm-v1-legacy', version: '0.10.1.1', problems: [] });
    expect(at('0.10.1.1').evidence.join('\n')).not.toContain('assuming');
    expect(at('0.11.0rc2.dev45+g1a2b3c')).toMatchObject({ family: 'vllm-v1', problems: [] });
  });

  it('a version outside every candidate is a mismatch; one that is no release number is kept but not used', () => {
    expect(at('0.6.3').problems.map((p) => p.code)).toEqual(['version-mismatch']);
    const odd = at('main');
    expect(odd).toMatchObject({ family: 'vllm-v1', version: 'main', problems: [] });
    expect(odd.evidence.join('\n')).toMatch(/does not read as a release number/);
  });
});
