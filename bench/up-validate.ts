/**
 * Benchmark: the demo from `create-vllm-monitor --start` to a passing validate, with the local images
 * (scripts/local-images.sh; Grafana left out: no image here), split into generate / preflight /
 * compose up / healthy / validate, over N runs (default 5), min / median / max in seconds.
 * Each run starts from nothing: fresh directory, volumes removed afterwards, and an empty cache of
 * passing promtool tests (a user's first start); --warm shares one cache across the runs (a restart
 * of a stack whose rules did not change).
 *
 *   npx vite-node bench/up-validate.ts [runs] [--warm]
 *   CVM_COMPOSE=/opt/cvm-newer/usr/libexec/docker/cli-plugins/docker-compose npx vite-node bench/up-validate.ts   # Compose v2
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Io } from '../src/cli/io.js';
import { runDemo } from '../src/commands/demo.js';
import { findCompose } from '../src/stack/compose-cli.js';

const warm = process.argv.includes('--warm');
const runs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 5);
const cacheRoot = mkdtempSync(join(tmpdir(), 'cvm-bench-cache-'));
const env: NodeJS.ProcessEnv = { ...process.env, CVM_COMPOSE: process.env.CVM_COMPOSE ?? 'v1' };
const log: string[] = [];
const io: Io = { out: (l) => log.push(l), err: (l) => log.push(l), isTTY: false, env };

execFileSync('sh', [join(import.meta.dirname, '../scripts/local-images.sh')], { stdio: 'inherit' });
const compose = await findCompose(env);

type Row = { generate: number; preflight: number; composeUp: number; healthy: number; validate: number; total: number };
const rows: Row[] = [];
for (let i = 0; i < runs; i++) {
  const root = mkdtempSync(join(tmpdir(), 'cvm-bench-up-'));
  const dir = join(root, `bench${i}`);
  log.length = 0;
  env.CVM_CACHE_DIR = join(cacheRoot, warm ? 'shared' : `run${i}`);
  const t0 = Date.now();
  const demo = await runDemo({ dir, images: ['prometheus=cvm-local/prometheus:test', 'alertmanager=cvm-local/alertmanager:test', 'node-exporter=cvm-local/node-exporter:test'], noGrafana: true }, io);
  const total = Date.now() - t0;
  const t = demo.started?.timings;
  await demo.stop({ volumes: true });
  rmSync(root, { recursive: true, force: true });
  if (demo.code !== 0 || !t) {
    console.error(`run ${i + 1} did not pass validate:\n${log.join('\n')}`);
    process.exit(1);
  }
  const row = { generate: demo.generateMs, preflight: t.preflightMs, composeUp: t.composeUpMs, healthy: t.healthyMs, validate: t.validateMs, total };
  rows.push(row);
  console.log(`run ${i + 1}: ${Object.entries(row).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)}s`).join('  ')}`);
}

const stat = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0]!, median: s[Math.floor(s.length / 2)]!, max: s.at(-1)! };
};
rmSync(cacheRoot, { recursive: true, force: true });
console.log(`\nDemo, --start to passing validate (${compose.command}${compose.prefix.length ? ' compose' : ''} ${compose.version}, local images, no Grafana, ${warm ? 'promtool test results shared across runs' : 'no cached promtool tests'}), ${runs} runs, seconds:`);
console.log(`${'phase'.padEnd(11)} ${'min'.padStart(7)} ${'median'.padStart(7)} ${'max'.padStart(7)}`);
for (const key of ['generate', 'preflight', 'composeUp', 'healthy', 'validate', 'total'] as const) {
  const s = stat(rows.map((r) => r[key]));
  console.log(`${key.padEnd(11)} ${(s.min / 1000).toFixed(2).padStart(7)} ${(s.median / 1000).toFixed(2).padStart(7)} ${(s.max / 1000).toFixed(2).padStart(7)}`);
}
