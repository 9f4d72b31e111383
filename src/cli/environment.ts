/** What the generator learns from this machine: platform, host name, GPUs, engines (free ports: src/stack/ports.ts). */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { BuildContext } from '../config/build.js';
import type { Engine, GpuKind, Platform } from '../config/types.js';
import { parseTargetUrl } from '../config/build.js';
import { DEFAULT_METRICS_PATH } from '../config/defaults.js';
import { detect } from '../engines/detect.js';

export function thisPlatform(): Platform {
  if (process.platform === 'win32') return 'windows';
  if (process.platform === 'darwin') return 'macos';
  return 'linux';
}

/** os.hostname() reduced to what a label value and a file name may safely hold. */
export function localHostName(): string {
  const h = hostname().split('.')[0]!.replace(/[^A-Za-z0-9-]/g, '-').replace(/^-+|-+$/g, '');
  return h || 'localhost';
}

/** GeForce/consumer RTX cards lack DCGM profiling; the nvidia-smi exporter suits them better. */
export function gpuKindForNvidiaNames(names: string[]): { kind: GpuKind; reason: string } {
  const consumer = names.filter((n) => /geforce|titan|rtx \d{4}(?! ada)/i.test(n) && !/rtx a\d{4}|rtx \d{4} ada|rtx pro/i.test(n));
  if (consumer.length === names.length) return { kind: 'nvidia-smi', reason: `consumer NVIDIA GPU: ${names[0]}` };
  return { kind: 'dcgm', reason: `NVIDIA GPU: ${names[0]}` };
}

export async function detectGpu(platform: Platform): Promise<{ kind: GpuKind; reason: string }> {
  if (platform !== thisPlatform()) return { kind: 'none', reason: `cannot look at the GPUs of a ${platform} machine from here` };
  if (platform === 'macos') return { kind: 'none', reason: 'macOS has no supported GPU exporter' };
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
    const names = out.split('\n').map((l) => l.trim()).filter(Boolean);
    if (names.length > 0) return platform === 'windows' ? { kind: 'nvidia-smi', reason: `NVIDIA GPU on Windows: ${names[0]}` } : gpuKindForNvidiaNames(names);
  } catch {
    // no NVIDIA driver here
  }
  if (platform === 'linux' && existsSync('/dev/kfd')) return { kind: 'amd', reason: 'AMD ROCm device /dev/kfd present' };
  return { kind: 'none', reason: 'no NVIDIA or AMD GPU found on this machine' };
}

/** Enough of detection to resolve `engine: auto`; the `detect` command does the full job. */
export function engineFromMetricsText(text: string): Engine | undefined {
  const report = detect(text);
  return report.kind === 'engine' && (report.producer === 'vllm' || report.producer === 'sglang') ? report.producer : undefined;
}

export async function detectEngine(url: string): Promise<Engine> {
  parseTargetUrl(url, 'url'); // rejects what fetch would misread
  const endpoint = new URL(url);
  if (endpoint.pathname === '/' || endpoint.pathname === '') endpoint.pathname = DEFAULT_METRICS_PATH;
  const res = await fetch(endpoint, { signal: AbortSignal.timeout(5000) }).catch((err: Error) => {
    throw new Error(`cannot reach ${endpoint.href}: ${(err.cause as Error | undefined)?.message ?? err.message}`);
  });
  if (!res.ok) throw new Error(`${endpoint.href} answered HTTP ${res.status}`);
  const engine = engineFromMetricsText(await res.text());
  if (!engine) throw new Error(`${endpoint.href} has no vllm: or sglang: metrics (SGLang needs --enable-metrics)`);
  return engine;
}

export function buildContext(env: NodeJS.ProcessEnv, existingSecrets: Record<string, string>): BuildContext {
  return {
    platform: thisPlatform(),
    localHostName: localHostName(),
    detectEngine,
    detectGpu,
    readTokenFile: (path) => readFileSync(path, 'utf8'),
    // An existing .env wins over nothing, the environment over an existing .env.
    secretEnv: { ...existingSecrets, ...env },
  };
}
