/**
 * Ranks side by side, when several trace files (one per rank) are summarised together: in a
 * collective every rank waits for the slowest, so a rank far busier than the others is the
 * straggler the others' exposed communication is waiting on.
 */
import type { TraceSummary } from './summarize.js';

export interface RankRow {
  file: string;
  rank: number | null;
  device: string;
  busy_ms: number;
  busy_fraction: number;
  exposed_communication_ms: number;
}

export interface RankComparison {
  rows: RankRow[];
  /** Busiest ÷ least busy GPU; 1 when balanced. */
  busy_spread: number;
  advice: string | null;
}

/** Above this busiest/least-busy ratio the ranks are called unbalanced. */
const IMBALANCE = 1.2;

export function compareRanks(traces: TraceSummary[]): RankComparison | null {
  const rows = traces.flatMap((t) => t.devices.map((d) => ({
    file: t.file, rank: t.rank, device: d.device, busy_ms: d.busy_ms, busy_fraction: d.busy_fraction, exposed_communication_ms: d.communication.exposed_ms,
  })));
  if (rows.length < 2) return null;
  const busiest = rows.reduce((a, r) => (r.busy_ms > a.busy_ms ? r : a));
  const idlest = rows.reduce((a, r) => (r.busy_ms < a.busy_ms ? r : a));
  const spread = idlest.busy_ms > 0 ? busiest.busy_ms / idlest.busy_ms : Infinity;
  const name = (r: RankRow): string => `${r.rank !== null ? `rank ${r.rank}` : r.file} GPU ${r.device}`;
  return {
    rows,
    busy_spread: spread,
    advice: spread > IMBALANCE
      ? `${name(busiest)} is busy ${busiest.busy_ms.toFixed(1)} ms against ${idlest.busy_ms.toFixed(1)} ms on ${name(idlest)} (${spread.toFixed(2)}×): unbalanced work or a straggler; the others wait for it in every collective (compare their exposed communication).`
      : null,
  };
}
