/**
 * Benchmark: write a ~200 MB Kineto trace (a real one's events repeated, each copy shifted in time
 * so the copies follow each other) to a temp file, then, each in a fresh Node process so the peaks
 * are their own: the built CLI's `profile summarize --json` (streaming), and a plain
 * readFileSync + JSON.parse of the same file. Prints time, MiB/s and peak RSS (the process' maxRSS).
 * Run: npm run bench:profile [-- MB [fixture.json.gz]]   (builds dist/ first)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { mib } from './analyze/rss.js';
import { copiesFor, writeRepeatedTrace } from './profile/repeat-trace.js';

const targetMb = Number(process.argv[2] ?? 200);
const source = resolve(process.argv[3] ?? '../shared/fixtures/traces/sglang_Qwen3-8B_prefilldecode.json.gz');
const dir = mkdtempSync(join(tmpdir(), 'cvm-bench-profile-'));
const file = join(dir, 'big.pt.trace.json');

/** Runs `node ARGS` with a preload that reports the process' peak RSS and CPU time at exit. */
function measure(args: string[]): { seconds: number; cpuSeconds: number; maxRss: number; stdout: string } {
  const preload = join(dir, 'report-usage.cjs');
  writeFileSync(preload, "process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write('USAGE ' + JSON.stringify(u) + '\\n'); });");
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--require', preload, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - t0) / 1000;
  const usage = JSON.parse(/USAGE (.*)/.exec(r.stderr)?.[1] ?? 'null') as { maxRSS: number; userCPUTime: number; systemCPUTime: number } | null;
  if (r.status !== 0 || !usage) throw new Error(`node ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(0, 500)}`);
  return { seconds, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6, maxRss: usage.maxRSS * 1024, stdout: r.stdout };
}

const g0 = performance.now();
const copies = copiesFor(source, targetMb);
await writeRepeatedTrace(source, copies, file);
const bytes = statSync(file).size;
// Per wall second and per CPU second: on a shared machine the second is the steadier figure.
const rate = (m: { seconds: number; cpuSeconds: number }): string => `${(bytes / 2 ** 20 / m.seconds).toFixed(1)} MiB/s (${(bytes / 2 ** 20 / m.cpuSeconds).toFixed(1)} per CPU second)`;
console.log(`trace:             ${mib(bytes)} (${copies} copies of ${source.split('/').pop()}), generated in ${((performance.now() - g0) / 1000).toFixed(1)} s`);
try {
  const idle = measure(['-e', '0']);
  const ours = measure([resolve('dist/cli.js'), 'profile', 'summarize', file, '--json']);
  const summary = JSON.parse(ours.stdout) as { traces: { events: number; devices: { device: string; kernels: { count: number }; busy_ms: number; window: { duration_ms: number } }[] }[] };
  const d = summary.traces[0]!.devices[0]!;
  console.log(`profile summarize: ${ours.seconds.toFixed(2)} s (CPU ${ours.cpuSeconds.toFixed(2)} s), ${rate(ours)}; peak RSS ${mib(ours.maxRss)}`);
  console.log(`                   ${summary.traces[0]!.events} events; GPU ${d.device}: ${d.kernels.count} kernels, busy ${d.busy_ms.toFixed(1)} ms of ${d.window.duration_ms.toFixed(1)} ms`);
  const plain = measure(['-e', `const t = JSON.parse(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8')); console.log(t.traceEvents.length)`]);
  console.log(`JSON.parse:        ${plain.seconds.toFixed(2)} s (CPU ${plain.cpuSeconds.toFixed(2)} s), ${rate(plain)}; peak RSS ${mib(plain.maxRss)}; ${plain.stdout.trim()} events, parse only, no summary`);
  console.log(`node itself:       peak RSS ${mib(idle.maxRss)} (an empty script, for scale)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
