/**
 * Accumulates scheduler records in one pass and turns them into the report: counts, span, timing
 * statistics, request/token/chunk/queue/KV statistics, anomalies, and the bounded series the charts
 * need. Dummy DP steps are counted but kept out of every statistic.
 */
import {
  type AnomalyOptions, DEFAULT_ANOMALY_OPTIONS, type JumpEvent, ScheduleJumps, SustainedWaiting, TopK, type WaitingEpisode, type Where,
} from './anomalies.js';
import { DEFAULT_EXACT_LIMIT, type HistogramBin, QuantileSummary, RELATIVE_ERROR } from './quantiles.js';
import { COLUMNS, PREFILL_TOKENS, type RecordBatch, STEP, TOKENS } from './record-batch.js';
import { NUMBER_FIELDS } from './record.js';
import { IntCounts, Reservoir, Trend, TREND_FIELDS, type TrendField } from './series.js';

export interface Stat {
  count: number;
  mean: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export type InputFormat = 'jsonl' | 'vllm-log';

export interface FileSummary {
  path: string;
  format: InputFormat;
  records: number;
  dummy: number;
  malformed: number;
  ignored_lines: number;
}

export interface Malformed {
  file: string;
  line: number;
  reason: string;
}

export interface Analysis {
  files: FileSummary[];
  batches: number;
  dummy_batches: number;
  malformed: { count: number; shown: Malformed[] };
  dp_ranks: { dp_rank: number; batches: number; dummy: number }[];
  span: { first: number; last: number; seconds: number } | null;
  quantiles: { method: 'exact' | 'log-histogram'; relative_error: number };
  timing_ms: { schedule: Stat | null; model_run: Stat | null; step: Stat | null };
  /** Scheduling time as a share of step time (sum over batches that have both). */
  scheduling_overhead_share: number | null;
  requests: {
    prefill_total: number;
    decode_total: number;
    prefill_share: number | null;
    prefill_per_batch: Stat | null;
    decode_per_batch: Stat | null;
    batches_with_prefill: number;
  };
  tokens: {
    total: number;
    per_batch: Stat | null;
    /** Tokens per second of step time (the seed's definition: busy time). */
    per_step_second: number | null;
    /** Tokens per second of wall-clock span. */
    per_wall_second: number | null;
  };
  chunks: { prefill: Stat | null; decode: Stat | null; prefill_tokens_per_batch: Stat | null };
  queue: { waiting: Stat | null; running: Stat | null };
  kv_cache: { usage: Stat | null; batches_at_or_above_90pct: number };
  anomalies: {
    slow_steps: { threshold_ms: number | null; margin: number; count: number; slowest: (Where & { value: number })[] };
    schedule_jumps: { factor: number; count: number; events: JumpEvent[] };
    sustained_waiting: { min_seconds: number; min_batches: number; count: number; episodes: WaitingEpisode[] };
  };
}

/** What the HTML charts draw, all bounded in size. */
export interface ChartData {
  binWidth: number;
  trend: Record<TrendField, [number, number][]>;
  prefillCounts: number[];
  decodeCounts: number[];
  scheduleHistogram: HistogramBin[];
  modelRunHistogram: HistogramBin[];
  stepHistogram: HistogramBin[];
  scatter: [number, number][];
}

export interface AnalyzerOptions extends AnomalyOptions {
  exactLimit: number;
  maxMalformedShown: number;
}

export const DEFAULT_ANALYZER_OPTIONS: AnalyzerOptions = { ...DEFAULT_ANOMALY_OPTIONS, exactLimit: DEFAULT_EXACT_LIMIT, maxMalformedShown: 50 };

const column = (name: (typeof NUMBER_FIELDS)[number]): number => NUMBER_FIELDS.indexOf(name);
const BATCH_ID = column('batch_id');
const TIMESTAMP = column('timestamp');
const SCHEDULE = column('schedule_duration_ms');
const MODEL_RUN = column('model_run_duration_ms');
const PREFILL_REQS = column('num_prefill_reqs');
const DECODE_REQS = column('num_decode_reqs');
const WAITING = column('num_waiting_reqs');
const RUNNING = column('num_running_reqs');
const KV = column('kv_cache_usage');
const DP_RANK = column('dp_rank');

export class Analyzer {
  readonly files: FileSummary[] = [];
  private readonly o: AnalyzerOptions;
  private batches = 0;
  private dummies = 0;
  private malformedCount = 0;
  private readonly malformedShown: Malformed[] = [];
  private readonly ranks = new Map<number, { batches: number; dummy: number }>();
  private firstTs = Infinity;
  private lastTs = -Infinity;
  private readonly s: Record<'schedule' | 'modelRun' | 'step' | 'prefill' | 'decode' | 'tokens' | 'prefillChunk' | 'decodeChunk' | 'prefillTokens' | 'waiting' | 'running' | 'kv', QuantileSummary>;
  private overheadSched = 0;
  private overheadStep = 0;
  private batchesWithPrefill = 0;
  private kvHigh = 0;
  private readonly trend = new Trend();
  private readonly trendRow = new Float64Array(TREND_FIELDS.length);
  private readonly scatter = new Reservoir<[number, number]>();
  private readonly prefillCounts = new IntCounts();
  private readonly decodeCounts = new IntCounts();
  private readonly slowest: TopK;
  private readonly jumps: ScheduleJumps;
  private readonly waitingRuns: SustainedWaiting;

  constructor(options: Partial<AnalyzerOptions> = {}) {
    this.o = { ...DEFAULT_ANALYZER_OPTIONS, ...options };
    const q = (): QuantileSummary => new QuantileSummary(this.o.exactLimit);
    this.s = {
      schedule: q(), modelRun: q(), step: q(), prefill: q(), decode: q(), tokens: q(), prefillChunk: q(), decodeChunk: q(),
      prefillTokens: q(), waiting: q(), running: q(), kv: q(),
    };
    this.slowest = new TopK(this.o.examples);
    this.jumps = new ScheduleJumps(this.o);
    this.waitingRuns = new SustainedWaiting(this.o);
  }

  beginFile(path: string, format: InputFormat): FileSummary {
    const f: FileSummary = { path, format, records: 0, dummy: 0, malformed: 0, ignored_lines: 0 };
    this.files.push(f);
    return f;
  }

  malformed(file: FileSummary, line: number, reason: string): void {
    file.malformed += 1;
    this.malformedCount += 1;
    if (this.malformedShown.length < this.o.maxMalformedShown) this.malformedShown.push({ file: file.path, line, reason });
  }

  /** The batch's records in order; `lineBase` is added to their line numbers. */
  addBatch(file: FileSummary, b: RecordBatch, lineBase = 0): void {
    const { num, prefill, runValue, runLength } = b;
    let p = 0;
    let d = 0;
    for (let i = 0; i < b.size; i++) {
      const o = i * COLUMNS;
      const prefillEnd = b.prefillEnd[i]!;
      const decodeEnd = b.decodeEnd[i]!;
      this.addOne(file, lineBase + b.line[i]!, num, o, b.dummy[i] === 1, prefill, p, prefillEnd, runValue, runLength, d, decodeEnd);
      p = prefillEnd;
      d = decodeEnd;
    }
  }

  // One record: num[o + field] (NaN: absent), prefill chunks prefill[p, pEnd), decode runs [d, dEnd).
  private addOne(
    file: FileSummary, line: number, num: Float64Array, o: number, dummy: boolean,
    prefill: Float64Array, p: number, pEnd: number, runValue: Float64Array, runLength: Float64Array, d: number, dEnd: number,
  ): void {
    const dpRank = num[o + DP_RANK]!;
    const rank = dpRank === dpRank ? dpRank : 0;
    let rs = this.ranks.get(rank);
    if (!rs) this.ranks.set(rank, (rs = { batches: 0, dummy: 0 }));
    if (dummy) {
      file.dummy += 1;
      rs.dummy += 1;
      this.dummies += 1;
      return;
    }
    file.records += 1;
    rs.batches += 1;
    this.batches += 1;
    const where: Where = { file: file.path, line };
    const batchId = num[o + BATCH_ID]!;
    const ts = num[o + TIMESTAMP]!;
    if (batchId === batchId) where.batch_id = batchId;
    if (dpRank === dpRank) where.dp_rank = dpRank;
    if (ts === ts) {
      where.timestamp = ts;
      if (ts < this.firstTs) this.firstTs = ts;
      if (ts > this.lastTs) this.lastTs = ts;
    }

    const schedule = num[o + SCHEDULE]!;
    const modelRun = num[o + MODEL_RUN]!;
    const step = num[o + STEP]!;
    const prefillReqs = num[o + PREFILL_REQS]!;
    const decodeReqs = num[o + DECODE_REQS]!;
    const tokens = num[o + TOKENS]!;
    const waiting = num[o + WAITING]!;
    const running = num[o + RUNNING]!;
    const kv = num[o + KV]!;
    const prefillTokens = num[o + PREFILL_TOKENS]!;
    // x === x: the value is there (NaN marks an absent one).
    const s = this.s;
    if (schedule === schedule) s.schedule.add(schedule);
    if (modelRun === modelRun) s.modelRun.add(modelRun);
    if (step === step) s.step.add(step);
    if (prefillReqs === prefillReqs) s.prefill.add(prefillReqs);
    if (decodeReqs === decodeReqs) s.decode.add(decodeReqs);
    if (tokens === tokens) s.tokens.add(tokens);
    if (waiting === waiting) s.waiting.add(waiting);
    if (running === running) s.running.add(running);
    if (kv === kv) s.kv.add(kv);
    for (let k = p; k < pEnd; k++) s.prefillChunk.add(prefill[k]!);
    for (let k = d; k < dEnd; k++) s.decodeChunk.addRun(runValue[k]!, runLength[k]!);
    if (prefillTokens === prefillTokens) s.prefillTokens.add(prefillTokens);
    if (schedule === schedule && step === step) {
      this.overheadSched += schedule;
      this.overheadStep += step;
    }
    if (prefillReqs > 0) this.batchesWithPrefill += 1;
    if (kv >= 0.9) this.kvHigh += 1;
    if (prefillReqs === prefillReqs) this.prefillCounts.add(prefillReqs);
    if (decodeReqs === decodeReqs) this.decodeCounts.add(decodeReqs);

    // In TREND_FIELDS order; NaN for a value the record lacks.
    const row = this.trendRow;
    row[0] = schedule;
    row[1] = modelRun;
    row[2] = step;
    row[3] = tokens;
    row[4] = prefillReqs;
    row[5] = decodeReqs;
    row[6] = waiting;
    row[7] = running;
    row[8] = kv;
    this.trend.add(row);
    if (schedule === schedule && modelRun === modelRun) {
      const i = this.scatter.slot();
      if (i >= 0) this.scatter.items[i] = [schedule, modelRun];
    }
    if (step === step) this.slowest.add(step, where);
    if (schedule === schedule) this.jumps.add(schedule, where);
    if (waiting === waiting) this.waitingRuns.add(waiting, where);
  }

  finish(): Analysis {
    this.waitingRuns.finish();
    this.waitingRuns.trim();
    const stat = (q: QuantileSummary): Stat | null => {
      if (!q.count) return null;
      const [p50, p95, p99] = q.quantiles([0.5, 0.95, 0.99]) as number[];
      return { count: q.count, mean: q.mean!, min: q.min, p50: p50!, p95: p95!, p99: p99!, max: q.max };
    };
    const s = this.s;
    const step = stat(s.step);
    const threshold = step ? step.p99 * (1 + this.o.slowMargin) : null;
    const exact = Object.values(s).every((q) => q.isExact);
    const span = this.firstTs <= this.lastTs ? { first: this.firstTs, last: this.lastTs, seconds: this.lastTs - this.firstTs } : null;
    const prefillTotal = s.prefill.sum;
    const decodeTotal = s.decode.sum;
    return {
      files: this.files,
      batches: this.batches,
      dummy_batches: this.dummies,
      malformed: { count: this.malformedCount, shown: this.malformedShown },
      dp_ranks: [...this.ranks].sort((a, b) => a[0] - b[0]).map(([dp_rank, v]) => ({ dp_rank, ...v })),
      span,
      quantiles: { method: exact ? 'exact' : 'log-histogram', relative_error: exact ? 0 : RELATIVE_ERROR },
      timing_ms: { schedule: stat(s.schedule), model_run: stat(s.modelRun), step },
      scheduling_overhead_share: this.overheadStep > 0 ? this.overheadSched / this.overheadStep : null,
      requests: {
        prefill_total: prefillTotal,
        decode_total: decodeTotal,
        prefill_share: prefillTotal + decodeTotal > 0 ? prefillTotal / (prefillTotal + decodeTotal) : null,
        prefill_per_batch: stat(s.prefill),
        decode_per_batch: stat(s.decode),
        batches_with_prefill: this.batchesWithPrefill,
      },
      tokens: {
        total: s.tokens.sum,
        per_batch: stat(s.tokens),
        per_step_second: s.tokens.count && s.step.sum > 0 ? (s.tokens.sum / s.step.sum) * 1000 : null,
        per_wall_second: s.tokens.count && span && span.seconds > 0 ? s.tokens.sum / span.seconds : null,
      },
      chunks: { prefill: stat(s.prefillChunk), decode: stat(s.decodeChunk), prefill_tokens_per_batch: stat(s.prefillTokens) },
      queue: { waiting: stat(s.waiting), running: stat(s.running) },
      kv_cache: { usage: stat(s.kv), batches_at_or_above_90pct: this.kvHigh },
      anomalies: {
        slow_steps: {
          threshold_ms: threshold,
          margin: this.o.slowMargin,
          count: threshold === null ? 0 : s.step.countAbove(threshold),
          slowest: threshold === null ? [] : this.slowest.items.filter((i) => i.value > threshold),
        },
        schedule_jumps: { factor: this.o.jumpFactor, count: this.jumps.count, events: this.jumps.events },
        sustained_waiting: {
          min_seconds: this.o.sustainedSeconds, min_batches: this.o.sustainedBatches, count: this.waitingRuns.count, episodes: this.waitingRuns.episodes,
        },
      },
    };
  }

  charts(bins = 40): ChartData {
    const t = this.trend;
    return {
      binWidth: t.binWidth,
      trend: {
        schedule: t.means('schedule'), modelRun: t.means('modelRun'), step: t.means('step'), tokens: t.means('tokens'),
        prefillReqs: t.means('prefillReqs'), decodeReqs: t.means('decodeReqs'), waiting: t.means('waiting'), running: t.means('running'), kv: t.means('kv'),
      },
      prefillCounts: dense(this.prefillCounts.counts),
      decodeCounts: dense(this.decodeCounts.counts),
      scheduleHistogram: this.s.schedule.histogram(bins),
      modelRunHistogram: this.s.modelRun.histogram(bins),
      stepHistogram: this.s.step.histogram(bins),
      scatter: this.scatter.items,
    };
  }
}

function dense(xs: number[]): number[] {
  return Array.from({ length: xs.length }, (_, i) => xs[i] ?? 0);
}
