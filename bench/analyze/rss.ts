/**
 * Wall time, CPU time (all threads of this process: DuckDB's workers too) and peak RSS of one job;
 * RSS is sampled, as maxRSS would include earlier peaks. CPU time says more on a busy machine.
 */
export interface Timed<T> {
  value: T;
  seconds: number;
  cpuSeconds: number;
  rssBefore: number;
  rssPeak: number;
}

export async function timed<T>(job: () => Promise<T>): Promise<Timed<T>> {
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 20);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    const value = await job();
    const cpu = process.cpuUsage(cpu0);
    return { value, seconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, rssBefore, rssPeak: Math.max(rssPeak, process.memoryUsage().rss) };
  } finally {
    clearInterval(sampler);
  }
}

export const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
