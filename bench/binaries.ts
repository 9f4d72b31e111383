/** Which Prometheus/promtool a benchmark runs: the newest release installed, or the one given. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The newest of the binaries present: /opt/cvm-sid (3.x), /opt/cvm-newer (2.53), PATH (2.42). */
export function newest(name: string, given: string | undefined): { bin: string; version: string } {
  const candidates = given ? [given] : [`/opt/cvm-sid/usr/bin/${name}`, `/opt/cvm-newer/usr/bin/${name}`, name];
  const found: { bin: string; version: string; key: number[] }[] = [];
  for (const bin of candidates) {
    if (bin.includes('/') && !existsSync(bin)) continue;
    try {
      const out = execFileSync(bin, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const v = /version (\d+)\.(\d+)\.(\d+)/.exec(out);
      if (v) found.push({ bin, version: out.split('\n')[0]!.trim(), key: [Number(v[1]), Number(v[2]), Number(v[3])] });
    } catch {
      // not there
    }
  }
  found.sort((a, b) => b.key[0]! - a.key[0]! || b.key[1]! - a.key[1]! || b.key[2]! - a.key[2]!);
  if (!found[0]) throw new Error(`no ${name} among ${candidates.join(', ')}`);
  return found[0];
}

