/** Prometheus durations as the report accepts them: 90s, 30m, 1h, 1h30m, 7d, 2w. */
const UNIT: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

export function parseDuration(text: string): number | undefined {
  if (!/^(\d+(ms|s|m|h|d|w|y))+$/.test(text)) return undefined;
  let seconds = 0;
  for (const m of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) seconds += Number(m[1]) * UNIT[m[2]!]!;
  return seconds > 0 ? seconds : undefined;
}
