/**
 * `doctor` (the built CLI) on a generated stack whose targets are real servers on this machine, and
 * the stack's prometheus.yml run by the real Prometheus the stack ships (3.5):
 *   - an emulated vLLM (healthy), and one on 127.0.0.1 only while the stack expects it on this host;
 *   - a vLLM /metrics without vllm:* (what --disable-log-stats leaves), with its clock 2 minutes
 *     ahead and 20,001 series;
 *   - an SGLang answering 404 on /metrics (no --enable-metrics);
 *   - a server answering at 85% of its scrape timeout.
 * Each must come out as its own finding with its fix; the exit code is 1; without Prometheus the
 * scrape checks say they were skipped. A directory that is no stack is bad usage (2, one line).
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/demo/index.js';
import type { Finding } from '../../src/doctor/index.js';
import { runBuiltAsync as cli } from '../support/cli.js';
import { freePort } from '../support/ports.js';
import { PROMETHEUS_RELEASES } from '../support/versions.js';
import { type RunningPrometheus, startPrometheus, waitFor } from './support/prometheus.js';

const RELEASE = PROMETHEUS_RELEASES.at(-1)!;
const SCRAPE_INTERVAL_S = 2; // the scrape timeout follows it (Prometheus caps the 10s default at the interval)


/** A plain HTTP server on 127.0.0.2 answering every request with `handle`. */
async function serve(handle: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handle);
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.2', r));
  return { server, url: `http://127.0.0.2:${port}` };
}

const hasOtherAddress = Object.values(networkInterfaces()).flat().some((a) => a && !a.internal && a.family === 'IPv4');

describe(`doctor on real servers and real ${RELEASE.name}`, () => {
  if (!RELEASE.path('prometheus')) {
    it.skip(`needs ${RELEASE.missing('prometheus')}`, () => {});
    return;
  }
  const stops: (() => Promise<unknown> | unknown)[] = [];
  let dir: string;
  let prom: RunningPrometheus;

  beforeAll(async () => {
    const work = mkdtempSync(join(tmpdir(), 'cvm-doctor-'));
    stops.push(() => rmSync(work, { recursive: true, force: true }));
    const emu: Emulator = await startEmulator({ kind: 'vllm-v1', host: '127.0.0.2', port: 0, seed: 3 });
    const loop: Emulator = await startEmulator({ kind: 'vllm-v1', host: '127.0.0.1', port: 0, seed: 4 });
    const open: Emulator = await startEmulator({ kind: 'vllm-v1', host: '0.0.0.0', port: 0, seed: 5 });
    const sgOk: Emulator = await startEmulator({ kind: 'sglang', host: '127.0.0.2', port: 0, seed: 6 });
    stops.push(() => emu.stop(), () => loop.stop(), () => open.stop(), () => sgOk.stop());
    const manySeries = ['# TYPE process_open_fds gauge', ...Array.from({ length: 20_001 }, (_, i) => `process_open_fds{fd="${i}"} 1`)].join('\n') + '\n';
    const quiet = await serve((_req, res) => {
      res.setHeader('Date', new Date(Date.now() + 120_000).toUTCString());
      res.setHeader('Content-Type', 'text/plain; version=0.0.4');
      res.end(manySeries);
    });
    const sglang = await serve((_req, res) => {
      res.statusCode = 404;
      res.end('{"detail":"Not Found"}');
    });
    const slow = await serve((_req, res) => {
      setTimeout(() => {
        res.setHeader('Content-Type', 'text/plain; version=0.0.4');
        res.end(readyBody);
      }, SCRAPE_INTERVAL_S * 850);
    });
    const readyBody = await (await fetch(emu.metricsUrl)).text();
    stops.push(() => quiet.server.close(), () => sglang.server.close(), () => slow.server.close());

    dir = join(work, 'stack');
    const targets = [`emu:vllm=${emu.url}`, `loop:vllm=http://localhost:${loop.port}`, `open:vllm=http://localhost:${open.port}`, `quiet:vllm=${quiet.url}`, `sg:sglang=${sglang.url}`, `sgok:sglang=${sgOk.url}`, `slow:vllm=${slow.url}`];
    const gen = await cli([dir, '--yes', '--gpu', 'none', '--no-grafana', '--scrape-interval', `${SCRAPE_INTERVAL_S}s`, ...targets.flatMap((t) => ['--target', t])]);
    expect(gen.code, gen.stderr).toBe(0);
    prom = await startPrometheus({ binary: RELEASE.path('prometheus')!, configFile: join(dir, 'prometheus/prometheus.yml') });
    stops.push(() => prom.stop());
    await waitFor('emu, quiet and slow scraped', async () => {
      const up = (await prom.client.targets()).filter((t) => t.health === 'up').map((t) => t.labels.instance);
      return ['emu', 'quiet', 'slow'].every((x) => up.includes(x)) ? true : undefined;
    }, 60_000, 500);
  }, 120_000);

  afterAll(async () => {
    for (const s of stops.reverse()) await s();
  });

  const byCheck = (findings: Finding[], check: string): Finding => {
    const f = findings.find((x) => x.check === check);
    if (!f) throw new Error(`no finding ${check} in ${findings.map((x) => x.check).join(', ')}`);
    return f;
  };

  it('names each problem with its fix, and exits 1', async () => {
    const r = await cli(['doctor', dir, '--json', '--prometheus-url', prom.url]);
    expect(r.code, r.stderr).toBe(1);
    const findings = JSON.parse(r.stdout) as Finding[];
    for (const f of findings) expect(['ok', 'warn', 'fail']).toContain(f.status);
    for (const f of findings.filter((x) => x.status !== 'ok')) expect(f.fix, f.check).not.toBe('');

    expect(byCheck(findings, 'metrics emu')).toMatchObject({ status: 'ok' });
    expect(byCheck(findings, 'clock emu')).toMatchObject({ status: 'ok' });
    expect(byCheck(findings, 'metrics quiet')).toMatchObject({ status: 'warn', fix: expect.stringContaining('--disable-log-stats') });
    expect(byCheck(findings, 'clock quiet')).toMatchObject({ status: 'warn', detail: expect.stringMatching(/1[12]\d s ahead/) });
    expect(byCheck(findings, 'metrics sgok')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^SGLang.*metric families/) });
    expect(byCheck(findings, 'metrics sg')).toMatchObject({ status: 'warn', fix: expect.stringContaining('--enable-metrics') });
    if (hasOtherAddress) {
      expect(byCheck(findings, 'binding loop')).toMatchObject({ status: 'fail', fix: expect.stringContaining('--host 0.0.0.0') });
      expect(byCheck(findings, 'binding open')).toMatchObject({ status: 'ok' });
    }
    expect(findings.some((f) => f.check === 'binding emu')).toBe(false); // not on this host as far as the stack knows

    expect(byCheck(findings, 'prometheus')).toMatchObject({ status: 'ok' });
    expect(byCheck(findings, 'series vllm/emu')).toMatchObject({ status: 'ok' });
    expect(byCheck(findings, 'series vllm/quiet')).toMatchObject({ status: 'warn', detail: expect.stringContaining('20001 series') });
    expect(byCheck(findings, 'scrape duration vllm/emu')).toMatchObject({ status: 'ok' });
    expect(byCheck(findings, 'scrape duration vllm/slow')).toMatchObject({ status: 'warn', detail: expect.stringContaining(`of its ${SCRAPE_INTERVAL_S}s timeout`) });
    expect(findings.map((f) => f.check)).toEqual(expect.arrayContaining(['docker', 'compose', 'disk headroom', 'image prometheus']));

    const text = await cli(['doctor', dir, '--prometheus-url', prom.url]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/WARN {2}metrics quiet +vLLM at \S+ exposes no vllm:\* series\n +fix: restart the server without --disable-log-stats/);
    expect(text.stdout.trimEnd()).toMatch(/\d+ finding\(s\) need action\.$/);
  }, 60_000);

  it('says the scrape checks were skipped when Prometheus does not answer', async () => {
    const closed = await freePort();
    const r = await cli(['doctor', dir, '--json', '--prometheus-url', `http://127.0.0.1:${closed}`]);
    const findings = JSON.parse(r.stdout) as Finding[];
    expect(byCheck(findings, 'prometheus')).toMatchObject({ status: 'warn', detail: expect.stringContaining('not reachable') });
    expect(findings.some((f) => f.check.startsWith('series '))).toBe(false);
  }, 60_000);

  it('is bad usage on a directory that is no stack: one line, exit 2', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'cvm-doctor-empty-'));
    const r = await cli(['doctor', empty]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
    rmSync(empty, { recursive: true, force: true });
  });
});
