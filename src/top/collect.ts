/** One frame of `top`: every query of TOP_QUERIES at one instant, mapped to what the screen shows. */
import type { PrometheusClient, SeriesResult } from '../probe/prom-client.js';
import { type FrameContext, type QueryResults, type TopFrame, frameFromResults } from './frame.js';
import { TOP_QUERIES, type TopQuery } from './queries.js';

/** Runs every query at `ctx.time` and maps the results to a frame. Throws what the client throws. */
export async function collectFrame(client: PrometheusClient, ctx: FrameContext): Promise<TopFrame> {
  const names = Object.keys(TOP_QUERIES) as TopQuery[];
  const results = await Promise.all(names.map((q) => client.query(TOP_QUERIES[q], ctx.time)));
  const r = Object.fromEntries(names.map((q, i) => [q, results[i]!.series])) as Record<TopQuery, SeriesResult[]>;
  return frameFromResults(r satisfies QueryResults, ctx);
}
