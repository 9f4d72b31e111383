/**
 * Cold `--help` time (median of 20 runs) and installed size: our packed package vs create-vite,
 * each installed from its npm tarball into an empty folder the same way.
 * Run: npm run bench:cli-start   (needs the npm registry for create-vite)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const RUNS = 20;
const repo = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'cvm-bench-start-'));

function install(name: string, spec: string): string {
  const app = join(work, name);
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), '{"name":"bench","version":"1.0.0","private":true}\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', spec], { cwd: app, stdio: 'pipe' });
  return app;
}

function duBytes(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((sum, e) => sum + duBytes(join(path, e)), 0);
}

function medianHelpMs(bin: string): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [bin, '--help'], { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${bin} --help exited ${r.status}`);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return (times[RUNS / 2 - 1]! + times[RUNS / 2]!) / 2;
}

try {
  const packed = JSON.parse(execFileSync('npm', ['pack', '--pack-destination', work, '--json'], { cwd: repo, encoding: 'utf8' }))[0].filename;
  const ours = install('ours', join(work, packed));
  const vite = install('vite', 'create-vite@latest');
  const viteVersion = JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("create-vite/package.json").version)'], { cwd: vite, encoding: 'utf8' }));
  const rows = [
    ['create-vllm-monitor (packed)', join(ours, 'node_modules/create-vllm-monitor/dist/cli.js'), join(ours, 'node_modules')],
    [`create-vite ${viteVersion}`, join(vite, 'node_modules/create-vite/index.js'), join(vite, 'node_modules')],
  ] as const;
  console.log(`node ${process.version}, ${RUNS} runs each, cold process per run`);
  console.log(`${'package'.padEnd(32)} ${'--help median'.padStart(14)} ${'installed size'.padStart(16)}`);
  const results = rows.map(([label, bin, nm]) => ({ label, ms: medianHelpMs(bin), bytes: duBytes(nm) }));
  for (const r of results) console.log(`${r.label.padEnd(32)} ${`${r.ms.toFixed(1)} ms`.padStart(14)} ${`${(r.bytes / 1024).toFixed(0)} KiB`.padStart(16)}`);
  console.log(`ratio (ours / create-vite): --help ${(results[0]!.ms / results[1]!.ms).toFixed(2)}x, size ${(results[0]!.bytes / results[1]!.bytes).toFixed(2)}x`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
