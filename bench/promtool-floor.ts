/**
 * Benchmark: the floor of a first start's validate, without Docker: the demo stack's static checks
 * (promtool check config / check rules / test rules, amtool, dashboard PromQL) as validate runs them,
 * side by side and every test file at once up to the CPUs, with no cached promtool results; then each
 * promtool test file alone, in CPU-seconds (user + system of the promtool process).
 *
 *   npx vite-node bench/promtool-floor.ts [runs]      # PATH's promtool; CVM_PROMTOOL=/opt/cvm-sid/usr/bin/promtool for 3.5
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from '../src/cli/create.js';
import { DEMO_FLEET } from '../src/stack/demo-fleet.js';
import { loadStackDir } from '../src/stack/stack-dir.js';
import { staticChecks } from '../src/validate/static.js';

const runs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 3);
const root = mkdtempSync(join(tmpdir(), 'cvm-bench-floor-'));
const dir = join(root, 'demo');
const quiet = { out: () => {}, err: () => {}, isTTY: false, env: process.env };
// The demo's stack (commands/demo.ts): its engine targets, a DCGM exporter, no Grafana.
const targets = DEMO_FLEET.filter((m) => m.engine).flatMap((m) => ['--target', `${m.name}:${m.engine}=http://localhost:${m.preferredPort}`]);
if ((await create([dir, '--yes', '--gpu', 'dcgm', '--scrape-interval', '2s', '--no-grafana', ...targets], quiet)) !== 0) throw new Error('create failed');

const env: NodeJS.ProcessEnv = { ...process.env, CVM_CACHE_DIR: 'off' };
// CVM_PROMTOOL picks the binary, as for validate (src/validate/tools.ts).
const promtool = process.env.CVM_PROMTOOL;
const walls: number[] = [];
for (let i = 0; i < runs; i++) {
  const t0 = Date.now();
  const checks = await staticChecks(loadStackDir(dir), { env });
  walls.push((Date.now() - t0) / 1000);
  const test = checks.find((c) => c.name === 'promtool test rules');
  if (test?.status !== 'pass') throw new Error(`promtool test rules: ${test?.status} ${test?.detail}`);
  if (i === 0) console.log(`promtool test rules: ${test.detail}`);
}
const sorted = [...walls].sort((a, b) => a - b);
console.log(`static checks, no cached promtool results, ${availableParallelism()} CPUs, ${runs} runs: median ${sorted[Math.floor(runs / 2)]!.toFixed(2)} s (min ${sorted[0]!.toFixed(2)}, max ${sorted.at(-1)!.toFixed(2)})`);

const bin = promtool ?? 'promtool';
const time = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
if (time) {
  const prom = join(dir, 'prometheus');
  let total = 0;
  for (const f of readdirSync(join(prom, 'tests')).sort()) {
    const r = spawnSync(time, ['-f', '%U %S', bin, 'test', 'rules', `tests/${f}`], { cwd: prom, encoding: 'utf8' });
    const [user, sys] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number];
    total += user + sys;
    console.log(`${f.padEnd(34)} ${(user + sys).toFixed(2).padStart(6)} CPU-s${r.status === 0 ? '' : ' FAILED'}`);
  }
  console.log(`${'all test files'.padEnd(34)} ${total.toFixed(2).padStart(6)} CPU-s`);
}
rmSync(root, { recursive: true, force: true });
