/**
 * A real capture replayed as a server under steady traffic: every cumulative sample (counters,
 * histogram and summary _bucket/_sum/_count) grows as if the traffic the capture counted repeated
 * once per `periodSeconds`; gauges, _created and quantiles stay as captured. Buckets scale
 * together, so every distribution keeps the capture's shape, and nothing the capture never saw
 * (a zero) ever moves.
 */
import { parseExposition } from '../../../src/engines/exposition.js';

/** The samples of each family type that only ever grow (a counter's _created excepted below). */
const CUMULATIVE: Record<string, RegExp> = {
  counter: /./,
  histogram: /_(bucket|sum|count)$/,
  summary: /_(sum|count)$/,
};

/** The capture with its cumulative samples multiplied by `factor`. */
export function scaledCapture(text: string, factor: number): string {
  const lines = text.split(/\r?\n/);
  for (const family of parseExposition(text).families) {
    const cumulative = family.type ? CUMULATIVE[family.type] : undefined;
    if (!cumulative) continue;
    for (const s of family.samples) {
      if (s.name.endsWith('_created') || !cumulative.test(s.name)) continue;
      const line = lines[s.line - 1]!;
      const at = line.lastIndexOf(` ${s.rawValue}`);
      lines[s.line - 1] = `${line.slice(0, at)} ${s.value * factor}${line.slice(at + 1 + s.rawValue.length)}`;
    }
  }
  return lines.join('\n');
}

/** A body for serveMetrics: the capture as it would read `now`, replay started at `startMs`. */
export function replayed(text: string, periodSeconds = 60, startMs = Date.now()): () => string {
  return () => scaledCapture(text, 1 + (Date.now() - startMs) / 1000 / periodSeconds);
}
