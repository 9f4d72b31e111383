/**
 * Histogram bucket bounds the engines expose by default (from the engine catalog), used to turn a
 * latency SLO into the `le` buckets an SLO-violation ratio can read.
 */
import { SGLANG_FAMILIES } from '../engines/sglang.js';
import type { EngineFamily } from '../engines/types.js';
import { VLLM_FAMILIES } from '../engines/vllm.js';
import type { Engine } from '../config/types.js';
import { HISTOGRAMS, type HistogramName, type SourceFamily } from './series.js';

export const FAMILIES: Record<Engine, readonly EngineFamily[]> = { vllm: VLLM_FAMILIES, sglang: SGLANG_FAMILIES };

/** Source families of our series that belong to an engine. */
export const ENGINE_SOURCE_FAMILIES: Record<Engine, readonly SourceFamily[]> = {
  vllm: ['vllm-v0', 'vllm-v1-old', 'vllm-v1-new'],
  sglang: ['sglang'],
};

/** Raw histogram names (colon form) an engine may expose for one of our histograms, preferred first. */
export function histogramSources(engine: Engine, h: HistogramName): string[] {
  const sources = HISTOGRAMS[h].sources as Partial<Record<SourceFamily, readonly string[]>>;
  const names: string[] = [];
  for (const fam of ENGINE_SOURCE_FAMILIES[engine]) for (const n of sources[fam] ?? []) if (!names.includes(n)) names.push(n);
  return names;
}

/** Every default bound any known version of the engine uses for the histogram, ascending. */
export function knownBounds(engine: Engine, h: HistogramName): number[] {
  const wanted = new Set(histogramSources(engine, h));
  const bounds = new Set<number>();
  for (const fam of FAMILIES[engine]) {
    for (const m of fam.metrics) if (m.type === 'histogram' && wanted.has(m.name)) for (const b of m.buckets ?? []) bounds.add(b);
  }
  return [...bounds].sort((a, b) => a - b);
}

/** One engine version's bucket layout of a histogram. */
export interface BucketLayout {
  engine: Engine;
  family: EngineFamily;
  /** The raw histogram name this version exposes. */
  name: string;
  /** Ascending. */
  bounds: readonly number[];
}

/** The layout one engine version (catalog family) exposes for a histogram, if it has the histogram. */
export function familyLayout(engine: Engine, family: EngineFamily, h: HistogramName): BucketLayout | undefined {
  const names = histogramSources(engine, h);
  const m = names.map((n) => family.metrics.find((x) => x.name === n && x.type === 'histogram' && x.buckets)).find((x) => x);
  return m ? { engine, family, name: m.name, bounds: [...m.buckets!].sort((a, b) => a - b) } : undefined;
}

/** The distinct layouts of a histogram across the versions of an engine, in catalog order. */
export function bucketLayouts(engine: Engine, h: HistogramName): BucketLayout[] {
  const out: BucketLayout[] = [];
  for (const family of FAMILIES[engine]) {
    const l = familyLayout(engine, family, h);
    if (l && !out.some((x) => x.bounds.join() === l.bounds.join())) out.push(l);
  }
  return out;
}

/**
 * Where a latency objective is evaluated on one layout: the largest bound at or below it. A request
 * is good when its bucket proves it met the objective, so between bounds the SLO errs strict, never
 * lenient; undefined when the layout has no bound that low.
 */
export function effectiveBound(bounds: readonly number[], objective: number): number | undefined {
  const below = bounds.filter((b) => b <= objective);
  return below.length > 0 ? Math.max(...below) : undefined;
}
