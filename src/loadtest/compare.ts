/**
 * The cross-check: the client's figures against what the server counted over the same run. Counts
 * must match exactly; a mean from Δsum/Δcount must sit at or below the client's (the server's timers
 * start after the request arrived and was templated, and stop before the chunk crossed the network)
 * within the allowance below; each client percentile must fall in, or within the allowance above, the
 * server's histogram bucket that holds that quantile (buckets are all the server keeps).
 */
import type { LoadResult } from './result.js';
import type { ServerMetric, ServerSnapshot } from './server.js';
import { percentileKey } from './stats.js';

export interface Check {
  metric: string;
  client: number;
  /** The server's count or mean; a percentile's bucket as [lower, upper]. */
  server: number | [number, number];
  unit: 'requests' | 'tokens' | 'ms';
  agree: boolean;
  /**
   * Set where it disagrees by no more than this client's own stall during the run (an event loop held
   * up that long times a chunk that much late): the client cannot tell, so neither agree nor disagree.
   */
  inconclusive?: true;
  why: string;
}

/**
 * What a client may add to the server's time for a latency it measures from the request (TTFT,
 * E2EL): network, HTTP parsing, templating, SSE writing: 50 ms or 10 %, whichever is more. Per-token
 * figures (TPOT, ITL) are differences of times the server stamps, so either side may be 5 ms or 10 %
 * off; but an ITL percentile is of single chunk gaps, and a chunk the API server, the network or the
 * client delays by d makes its gap d longer (and the next one d shorter: the mean does not move), a
 * delay no engine timer sees, so above its bucket an ITL percentile has the allowance of TTFT and
 * E2EL. (A TPOT is a request's average: one late chunk moves it by d / (tokens − 1).)
 */
export const ALLOWANCE = { fromRequestMs: 50, perTokenMs: 5, share: 0.1 } as const;
const FROM_REQUEST = new Set<ServerMetric>(['ttft', 'e2el']);
/** Rounding of the client's clock and the server's float sums. */
const EPS_MS = 1;

const allowance = (m: ServerMetric, ms: number) => Math.max(FROM_REQUEST.has(m) ? ALLOWANCE.fromRequestMs : ALLOWANCE.perTokenMs, ms * ALLOWANCE.share);
const f = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

function countCheck(metric: string, unit: 'requests' | 'tokens', client: number, server: number): Check {
  if (Number.isNaN(server)) return { metric, client, server, unit, agree: false, why: 'the server exposes no such counter' };
  if (server === client) return { metric, client, server, unit, agree: true, why: 'exact' };
  const why =
    server > client
      ? `the server counted ${server - client} more: another client shares the server, so its means and percentiles mix in that traffic`
      : `the server counted ${client - server} fewer: it restarted during the run (a counter reset), or the URL spreads requests over several servers`;
  return { metric, client, server, unit, agree: false, why };
}

/** A check that failed by `excessMs` beyond its allowance, made inconclusive where this client stalled as long. */
function unlessStalled(c: Check, excessMs: number, stallMs: number): Check {
  if (c.agree || !(excessMs > 0 && excessMs <= stallMs)) return c;
  return { ...c, inconclusive: true, why: `${c.why}; but this client itself stalled up to ${f(stallMs)} ms in the run (its event loop held up: a busy machine), as much as the excess: rerun on a quieter machine` };
}

function meanCheck(m: ServerMetric, clientMs: number, serverMs: number): Check {
  const metric = `mean ${m.toUpperCase()}`;
  const a = allowance(m, serverMs);
  const d = clientMs - serverMs;
  if (FROM_REQUEST.has(m)) {
    if (d < -EPS_MS) return { metric, client: clientMs, server: serverMs, unit: 'ms', agree: false, why: `the client's is ${f(-d)} ms below the server's, which times less of each request: other requests in the server's figures, or clocks off` };
    if (d > a) return { metric, client: clientMs, server: serverMs, unit: 'ms', agree: false, why: `the client's is ${f(d)} ms above (allowance ${f(a)} ms): time outside the server's timers (network, proxy, templating, a busy client)` };
    return { metric, client: clientMs, server: serverMs, unit: 'ms', agree: true, why: `client ${f(d)} ms above: network and templating, outside the server's timers` };
  }
  if (Math.abs(d) > a) return { metric, client: clientMs, server: serverMs, unit: 'ms', agree: false, why: `${f(Math.abs(d))} ms apart (allowance ${f(a)} ms)${m === 'itl' ? ': chunks carrying several tokens (the client times chunks, the server steps or tokens)' : ''}` };
  return { metric, client: clientMs, server: serverMs, unit: 'ms', agree: true, why: `${f(Math.abs(d))} ms apart, within ${f(a)} ms` };
}

/**
 * The server buckets (lower, upper] in ms holding quantile q. The client's percentile interpolates
 * (numpy's default) between the requests of rank ⌊q(n−1)⌋ and ⌈q(n−1)⌉, which can sit in neighbouring
 * buckets, so the range spans the buckets of both ranks. Undefined for an empty histogram.
 */
export function bucketOf(buckets: [number, number][], q: number): [number, number] | undefined {
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total <= 0) return undefined;
  const holding = (rank: number): [number, number] => {
    let lower = 0;
    for (const [le, n] of buckets) {
      if (n >= rank) return [lower, le];
      lower = le;
    }
    return [lower, Infinity];
  };
  const lo = holding(Math.floor(q * (total - 1)) + 1);
  const hi = holding(Math.ceil(q * (total - 1)) + 1);
  return [lo[0] * 1000, hi[1] * 1000];
}

function percentileCheck(m: ServerMetric, p: number, clientMs: number, bucket: [number, number]): Check {
  const metric = `p${percentileKey(p)} ${m.toUpperCase()}`;
  const [lo, hi] = bucket;
  const a = allowance(m === 'itl' ? 'e2el' : m, hi === Infinity ? lo : hi);
  const below = allowance(m, hi === Infinity ? lo : hi);
  const inside = `in the server's bucket (${f(lo)}, ${hi === Infinity ? '+Inf' : f(hi)}] ms`;
  if (clientMs > lo - EPS_MS && clientMs <= hi + EPS_MS) return { metric, client: clientMs, server: bucket, unit: 'ms', agree: true, why: inside };
  if (clientMs > hi && clientMs - hi <= a) return { metric, client: clientMs, server: bucket, unit: 'ms', agree: true, why: `${f(clientMs - hi)} ms above the server's bucket (${f(lo)}, ${f(hi)}] ms, within the ${f(a)} ms outside its timers` };
  if (!FROM_REQUEST.has(m) && clientMs <= lo && lo - clientMs <= below) return { metric, client: clientMs, server: bucket, unit: 'ms', agree: true, why: `${f(lo - clientMs)} ms below the server's bucket (${f(lo)}, ${f(hi)}] ms, within ${f(below)} ms` };
  return { metric, client: clientMs, server: bucket, unit: 'ms', agree: false, why: clientMs > hi ? `${f(clientMs - hi)} ms above the server's bucket (${f(lo)}, ${f(hi)}] ms (allowance ${f(a)} ms)` : `below the server's bucket (${f(lo)}, ${f(hi)}] ms: the server saw slower requests than this client did` };
}

/**
 * clientStallMs: the longest this client's event loop was held up in the run (LoadRun.clientStallMs).
 * A latency above the server's by more than the allowance, but by no more than that stall beyond it,
 * is inconclusive rather than a disagreement. Counts never are.
 */
export function crossCheck(r: LoadResult, server: ServerSnapshot, percentiles: readonly number[], clientStallMs = 0): Check[] {
  const checks = [countCheck('finished requests', 'requests', r.completed, server.requests), countCheck('generated tokens', 'tokens', r.total_output_tokens, server.tokens)];
  for (const [m, h] of Object.entries(server.histograms) as [ServerMetric, ServerSnapshot['histograms'][ServerMetric] & object][]) {
    if (h.count <= 0) continue;
    const client = r[`mean_${m}_ms`] as number, mean = (h.sum / h.count) * 1000;
    checks.push(unlessStalled(meanCheck(m, client, mean), client - mean - allowance(m, mean), clientStallMs));
    for (const p of percentiles) {
      const bucket = bucketOf(h.buckets, p / 100);
      if (!bucket) continue;
      const value = r[`p${percentileKey(p)}_${m}_ms`] as number;
      const above = bucket[1] === Infinity ? -Infinity : value - bucket[1] - allowance(m === 'itl' ? 'e2el' : m, bucket[1]);
      checks.push(unlessStalled(percentileCheck(m, p, value, bucket), above, clientStallMs));
    }
  }
  return checks;
}
