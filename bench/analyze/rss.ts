/** Peak RSS of this process while one job runs, sampled (maxRSS would include earlier peaks). */
export async function timed<T>(job: () => Promise<T>): Promise<{ value: T; seconds: number; rssBefore: number; rssPeak: number }> {
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 20);
  const t0 = performance.now();
  try {
    const value = await job();
    return { value, seconds: (performance.now() - t0) / 1000, rssBefore, rssPeak: Math.max(rssPeak, process.memoryUsage().rss) };
  } finally {
    clearInterval(sampler);
  }
}

export const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
