/**
 * Runs seed 004's own pandas analysis (the Python block of the seed text, read in place from
 * ../shared/seeds, never copied into the project) on the bench file, for its time and peak RSS.
 * Returns the reason instead when pandas or the seed is not there.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type PandasRun = { seconds: number; maxRssKiB: number | undefined; output: string[] } | { skipped: string };

const SEEDS = process.env.CVM_SEEDS_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/seeds');

/** The seed's Python block that reads the profile JSONL with pandas. */
function seedScript(): string | { skipped: string } {
  if (!existsSync(SEEDS)) return { skipped: `no seeds folder at ${SEEDS}` };
  for (const name of readdirSync(SEEDS).filter((n) => n.startsWith('004')).sort()) {
    const text = readFileSync(join(SEEDS, name), 'utf8');
    for (const m of text.matchAll(/```python\n([\s\S]*?)```/g)) {
      const code = m[1]!;
      if (code.includes('import pandas') && code.includes("'scheduler_profiling.jsonl'")) return code;
    }
  }
  return { skipped: `no seed 004 with a pandas script reading scheduler_profiling.jsonl in ${SEEDS}` };
}

export function runPandasSeed(file: string): PandasRun {
  const probe = spawnSync('python3', ['-c', 'import pandas'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    const why = probe.error ? probe.error.message : (probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`);
    return { skipped: `python3 -c 'import pandas' failed: ${why}` };
  }
  const script = seedScript();
  if (typeof script !== 'string') return script;
  const code = script.replaceAll("'scheduler_profiling.jsonl'", JSON.stringify(file));
  const timeBin = existsSync('/usr/bin/time');
  const t0 = performance.now();
  const run = timeBin
    ? spawnSync('/usr/bin/time', ['-v', 'python3', '-'], { input: code, encoding: 'utf8', maxBuffer: 1 << 24 })
    : spawnSync('python3', ['-'], { input: code, encoding: 'utf8', maxBuffer: 1 << 24 });
  const seconds = (performance.now() - t0) / 1000;
  if (run.status !== 0) return { skipped: `the seed script failed (exit ${run.status}): ${run.stderr.trim().split('\n').slice(-1)[0] ?? ''}` };
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr);
  return { seconds, maxRssKiB: rss ? Number(rss[1]) : undefined, output: run.stdout.trim().split('\n') };
}
