/**
 * promtool and amtool: the local binaries when present (CVM_PROMTOOL / CVM_AMTOOL or PATH; the value
 * `image` forces the image),
 * otherwise the ones inside the stack's own pinned Prometheus and Alertmanager images, run with
 * the stack directory mounted read-only, so the check matches the version that will run.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { type RunResult, runCommand } from '../stack/compose-cli.js';

/** An argument that is a file outside the stack directory (mounted into the container). */
export interface HostFile {
  host: string;
}
export type ToolArg = string | HostFile;

export interface Tool {
  name: string;
  /** Where it runs, for the report: a path, or "image REF". */
  where: string;
  /** Runs with the stack directory as working directory; string args are relative to it. */
  run(args: ToolArg[]): Promise<RunResult>;
  /** Changes when the binary does (an upgrade, a rebuilt image): what cached results are keyed by. */
  identity(): Promise<string>;
}

function onPath(cmd: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export function localTool(name: string, path: string, stackDir: string): Tool {
  return {
    name,
    where: path,
    run: (args) => runCommand(path, args.map((a) => (typeof a === 'string' ? a : a.host)), { cwd: stackDir, timeoutMs: 120_000 }),
    identity: async () => {
      const s = statSync(path);
      return `${path} ${s.size} ${s.mtimeMs}`;
    },
  };
}

export function imageTool(name: string, image: string, binary: string, stackDir: string): Tool {
  return {
    name,
    where: `image ${image}`,
    run: (args) => {
      const mounts: string[] = ['-v', `${stackDir}:/stack:ro`];
      const mapped = args.map((a, i) => {
        if (typeof a === 'string') return a;
        const inside = `/cvm-check/${i}-${basename(a.host)}`;
        mounts.push('-v', `${a.host}:${inside}:ro`);
        return inside;
      });
      return runCommand('docker', ['run', '--rm', '--network', 'none', ...mounts, '-w', '/stack', '--entrypoint', binary, image, ...mapped], { timeoutMs: 180_000 });
    },
    identity: async () => {
      const r = await runCommand('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { timeoutMs: 30_000 });
      return `${image} ${r.code === 0 ? r.stdout.trim() : '(not inspected)'}`;
    },
  };
}

export function findTool(name: 'promtool' | 'amtool', env: NodeJS.ProcessEnv, stackDir: string, image: string | undefined): Tool | undefined {
  const override = name === 'promtool' ? env.CVM_PROMTOOL : env.CVM_AMTOOL;
  // CVM_PROMTOOL=image / CVM_AMTOOL=image: use the stack's own image even when a local binary exists.
  const local = override === 'image' ? undefined : (override ?? onPath(name));
  if (local) return localTool(name, local, stackDir);
  if (image && onPath('docker')) return imageTool(name, image, `/bin/${name}`, stackDir);
  return undefined;
}
