/**
 * `profile summarize` through the CLI: text, --json (the seed's layer_performance shape), HTML
 * written with --report, several files (one per rank), and one-line usage errors with exit 2.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { FIXTURES_PRESENT, FIXTURES_SKIP_REASON, fixture } from '../support/env.js';

const SGLANG = fixture('traces/sglang_Qwen3-8B_prefilldecode.json.gz');
const DDP = fixture('traces/nccl_data.json.gz');

describe.skipIf(!FIXTURES_PRESENT)(`profile summarize CLI${FIXTURES_PRESENT ? '' : ` (skipped: ${FIXTURES_SKIP_REASON})`}`, () => {
  it('--json: one entry per file, layer_performance as name → avg_duration_ms and call_count', async () => {
    const r = await runCli(['profile', 'summarize', SGLANG, DDP, '--json', '--top', '3']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { traces: { file: string; devices: { kernels: { top: unknown[] } }[]; layer_performance: Record<string, { avg_duration_ms: number; call_count: number }>; next: string[] }[] };
    expect(report.traces.map((t) => t.file)).toEqual([SGLANG, DDP]);
    expect(report.traces[0]!.devices[0]!.kernels.top).toHaveLength(3);
    const layer = report.traces[0]!.layer_performance['Qwen3DecoderLayer_0']!;
    expect(layer.call_count).toBe(1);
    expect(layer.avg_duration_ms).toBeGreaterThan(0);
    // The DDP trace has exposed NCCL time and no module events: both said.
    expect(report.traces[1]!.next.join('\n')).toMatch(/communication is exposed/);
    expect(report.traces[1]!.next.join('\n')).toMatch(/No nn.Module events/);
  });

  it('text names the window, busy/idle and the kernel table columns', async () => {
    const r = await runCli(['profile', 'summarize', DDP, '--top', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/window [\d.]+ ms, 3 profiler steps/);
    expect(r.stdout).toMatch(/busy [\d.]+ ms \([\d.]+%\), idle/);
    expect(r.stdout).toContain('Time %  Total ms  Instances  Avg ms  Med ms  Min ms  Max ms  StdDev ms  Name');
    expect(r.stdout).toContain('[comm] ncclKernel_AllReduce');
  });

  it('--format html --report FILE writes one self-contained page', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cvm-profile-cli-')), 'profile.html');
    const r = await runCli(['profile', 'summarize', DDP, '--format', 'html', '--report', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`summary written to ${out}`);
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain('data-chart="t0-breakdown-gpu0"');
  });
});

describe('profile summarize usage errors', () => {
  const cases: [string, string[], RegExp][] = [
    ['no file', ['profile', 'summarize'], /^error: profile summarize: no trace file given — /],
    ['missing file', ['profile', 'summarize', '/nonexistent/trace.json'], /^error: \/nonexistent\/trace.json: no such file — check the path$/],
    ['bad format', ['profile', 'summarize', '/x', '--format', 'pdf'], /^error: --format: unknown format "pdf"/],
    ['bad top', ['profile', 'summarize', '/x', '--top', '0'], /^error: --top: "0" is not a positive whole number/],
    ['not a URL', ['profile', 'localhost:8000'], /^error: localhost:8000: is neither a server URL nor "summarize"/],
    ['unknown flag', ['profile', '--frobnicate'], /^error: profile: Unknown option '--frobnicate'/],
  ];
  for (const [name, argv, message] of cases) {
    it(`${name}: exit 2, one line`, async () => {
      const r = await runCli(argv);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  }

  it('a file that is not a trace: exit 2 naming the file', async () => {
    const p = join(mkdtempSync(join(tmpdir(), 'cvm-profile-cli-')), 'not-a-trace.json');
    writeFileSync(p, '{"traceEvents": [{"ph": "X"');
    const r = await runCli(['profile', 'summarize', p]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/not-a-trace.json: not a complete trace \(the JSON ends early/);
  });
});
