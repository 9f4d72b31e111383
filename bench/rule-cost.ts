/**
 * Benchmark: what the stack's rules cost Prometheus as the fleet grows. For each fleet size N it
 * builds a TSDB holding an emulated fleet of N engines (vLLM V1 and SGLang, half each, one host per
 * target, a dcgm-exporter with its GPUs on every host), backfilled from emulator scrapes written as
 * OpenMetrics (`promtool tsdb create-blocks-from openmetrics`), plus the recorded series of our
 * recording rules, backfilled level by level over the last minutes. Then it prints, per N:
 *
 *  - samples read per evaluation cycle: every rule of the generated rule files (recording and
 *    alerting) evaluated once as an instant query with `stats=all` at the last backfilled instant,
 *    summing `totalQueryableSamples` (what the rule manager's query of that rule would load);
 *  - evaluation time of every rule group: a live Prometheus loads the real rule files (yaml
 *    stringify of src/rules renderRuleFiles), scrapes itself, and we read its own
 *    `prometheus_rule_group_last_duration_seconds` after every group has run at least twice;
 *  - head series (`prometheus_tsdb_head_series`) and RSS (`process_resident_memory_bytes`) of that
 *    Prometheus, and the raw series the fleet exposes;
 *  - cost per target relative to the smallest N, and the full cycle at the largest N as a share of
 *    the evaluation interval.
 *
 * Run:  npx vite-node bench/rule-cost.ts [N...]      (default 10 100 1000)
 *         [--lead N=SECONDS,...] [--minutes 15] [--rule-minutes 6] [--interval 15] [--gpus 1] [--models 4] [--distinct 16] [--keep]
 *
 * The emulation is cheap to build because `--distinct` simulations per engine kind are run and
 * every target is a copy of one of them with its own job/instance/host (and Hostname) labels: what
 * Prometheus pays for depends on series and samples, not on the values.
 */
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { SglangEmulator } from '../src/demo/engine-sglang.js';
import { VllmEmulator } from '../src/demo/engine-vllm.js';
import { GpuFleet } from '../src/demo/gpu.js';
import { PrometheusClient } from '../src/probe/prom-client.js';
import { GPU_JOB } from '../src/render/prometheus.js';
import { renderRuleFiles } from '../src/rules/index.js';
import { type RuleGroup, isAlert } from '../src/rules/types.js';
import { specFor } from '../test/support/stacks.js';
import { type RunningPrometheus, freePort, startPrometheus } from '../test/integration/support/prometheus.js';
import { newest } from './binaries.js';
import { type RecordingRuleDef, moveBlocks, promtool, ruleLevels, scrapeToOpenMetrics, writeLine } from './dashboard-cost-backfill.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const VALUE_FLAGS = new Set(['--lead', '--minutes', '--rule-minutes', '--interval', '--gpus', '--models', '--distinct', '--prometheus', '--promtool']);
const positional = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !VALUE_FLAGS.has(all[i - 1] ?? ''));
const FLEETS = positional.length ? positional.map(Number) : [10, 100, 1000];
const MINUTES = Number(arg('minutes', '15'));
const RULE_MINUTES = Number(arg('rule-minutes', '6'));
const INTERVAL = Number(arg('interval', '15'));
const GPUS = Number(arg('gpus', '1'));
const MODELS = Number(arg('models', '4'));
const DISTINCT = Number(arg('distinct', '16'));
const KEEP = process.argv.includes('--keep');
const log = (msg: string) => process.stderr.write(`[rule-cost ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One simulated source the targets copy: its exposition with the target labels left as a hole. */
interface Source {
  job: string;
  advance: (seconds: number) => void;
  /** The scrape as OpenMetrics lines, target labels and hostname as placeholders, split on them. */
  render: (t: number) => string[];
}

const HOLE = '\u0001T\u0001';
const HOST_HOLE = '\u0001H\u0001';

function openMetricsParts(body: string, job: string, t: number): string[] {
  // scrapeToOpenMetrics adds job/instance/host and renames vLLM's engine label to dp_rank as the
  // generated scrape config does; the target labels become a hole filled per target.
  const om = scrapeToOpenMetrics(body, { job, instance: 'INSTANCE', host: 'HOST' }, t).replaceAll(`job="${job}",instance="INSTANCE",host="HOST"`, HOLE);
  // Prometheus adds `up` and the scrape_* series to every target.
  const extra = [`up{${HOLE}} 1 ${t}`, `scrape_duration_seconds{${HOLE}} 0.012 ${t}`, `scrape_samples_scraped{${HOLE}} ${om.split('\n').length} ${t}`];
  return `${om}\n${extra.join('\n')}`.replaceAll('Hostname="SRCHOST"', `Hostname="${HOST_HOLE}"`).split(HOLE);
}

function sources(startTime: number): { vllm: Source[]; sglang: Source[]; gpu: Source[] } {
  const vllm: Source[] = [];
  const sglang: Source[] = [];
  const gpu: Source[] = [];
  for (let k = 0; k < DISTINCT; k++) {
    const model = `bench/model-${k % MODELS}`;
    const v = new VllmEmulator({ era: 'v1', model, dpRanks: 1, seed: 100 + k, startTime, httpMetrics: true });
    const s = new SglangEmulator({ model, seed: 500 + k, dpRanks: 1, ppSize: 1, tpSize: GPUS });
    vllm.push({ job: 'vllm', advance: (x) => v.sims.forEach((sim) => sim.advance(x)), render: (t) => openMetricsParts(v.render(), 'vllm', t) });
    sglang.push({ job: 'sglang', advance: (x) => s.sims.forEach((sim) => sim.advance(x)), render: (t) => openMetricsParts(s.render(), 'sglang', t) });
    // Each GPU exporter follows the engine it serves (even hosts vLLM, odd hosts SGLang: copies alternate).
    for (const sims of [v.sims, s.sims]) {
      const g = new GpuFleet({ gpus: GPUS, hostname: 'SRCHOST', seed: 900 + k, startTime, load: () => ({ busy: Math.max(...sims.map((x) => x.busy)), memory: Math.max(...sims.map((x) => x.kvUsage)) }) });
      gpu.push({ job: GPU_JOB.dcgm, advance: (x) => g.advance(x), render: (t) => openMetricsParts(g.renderDcgm(), GPU_JOB.dcgm, t) });
    }
  }
  return { vllm, sglang, gpu };
}

interface Raw {
  lines: number;
  /** Series of the last scrape of all targets (the fleet's raw series). */
  series: number;
}

/** Emulator scrapes of N targets (and their hosts' GPU exporters) from start to end as one OpenMetrics file. */
async function generateRaw(file: string, n: number, start: number, end: number): Promise<Raw> {
  const src = sources(start - 600);
  const all = [...src.vllm, ...src.sglang, ...src.gpu];
  for (const s of all) s.advance(600);
  const out = createWriteStream(file);
  let lines = 0;
  let series = 0;
  for (let t = start; t <= end; t += INTERVAL) {
    const parts = new Map<Source, string[]>();
    for (const s of all) {
      s.advance(INTERVAL);
      parts.set(s, s.render(t));
    }
    series = 0;
    for (let i = 0; i < n; i++) {
      const engine = i % 2 === 0 ? 'vllm' : 'sglang';
      const k = Math.floor(i / 2) % DISTINCT;
      const host = `host-${String(i).padStart(4, '0')}`;
      const e = parts.get(src[engine][k]!)!;
      const g = parts.get(src.gpu[2 * k + (engine === 'vllm' ? 0 : 1)]!)!;
      const text = `${e.join(`job="${engine}",instance="${engine}-${i}",host="${host}"`)}\n${g.join(`job="${GPU_JOB.dcgm}",instance="${host}",host="${host}"`).replaceAll(HOST_HOLE, host)}`;
      const c = e.length - 1 + g.length - 1;
      series += c;
      lines += c;
      await writeLine(out, text);
    }
  }
  await writeLine(out, '# EOF');
  await new Promise<void>((r) => out.end(() => r()));
  return { lines, series };
}

/**
 * Recorded series of one dependency level, as the rule manager would have written them: each rule
 * evaluated over [start, end] at the evaluation interval (a range query), written as OpenMetrics
 * and backfilled in one block (promtool's own `create-blocks-from rules` writes a block per rule,
 * which a query then merges one by one).
 */
async function backfillLevel(client: PrometheusClient, rules: RecordingRuleDef[], every: Map<RecordingRuleDef, number>, start: number, end: number, file: string): Promise<number> {
  const out = createWriteStream(file);
  let series = 0;
  for (const r of rules) {
    const step = every.get(r) ?? INTERVAL;
    // At the group's own interval, ending at `end` (a 1m group's series hold one sample a minute).
    const res = await client.queryRange(r.expr, end - Math.floor((end - start) / step) * step, end, step);
    for (const s of res.series) {
      const labels = { ...s.metric, ...(r.labels ?? {}) };
      delete labels.__name__;
      const l = Object.entries(labels)
        .map(([k, v]) => `${k}="${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`)
        .join(',');
      const lines = (s.values ?? []).map(([t, v]) => `${r.record}{${l}} ${v} ${t}`);
      if (lines.length) {
        series++;
        await writeLine(out, lines.join('\n'));
      }
    }
  }
  await writeLine(out, '# EOF');
  await new Promise<void>((r) => out.end(() => r()));
  return series;
}

interface Measure {
  n: number;
  rawSeries: number;
  /** Series the recording rules write (backfilled). */
  recordedSeries: number;
  samplesPerCycle: number;
  /** Samples per evaluation interval on average: a group that runs every 1m counts a quarter at 15 s. */
  samplesPerInterval: number;
  perGroupSamples: Map<string, number>;
  /** execTotalTime of the stats=all queries, per group: each rule once, on all cores, no GOMAXPROCS limit. */
  perGroupQueryMs: Map<string, number>;
  perRule: { name: string; samples: number; ms: number }[];
  queryMs: number;
  groupSeconds: Map<string, number>;
  cycleSeconds: number;
  /** Σ duration / the group's own interval: the share of one core the rules keep busy. */
  coreShare: number;
  headSeries: number;
  rssBytes: number;
  /** Cores Prometheus kept busy over the last 30 s (rate of process_cpu_seconds_total). */
  cpuShare: number;
  /** Seconds between the last backfilled sample and the evaluations measured. */
  gap: number;
  /** Seconds from the start to the live Prometheus starting (generation and backfill). */
  build: number;
  timings: string;
}

interface Stack {
  groups: { file: string; group: RuleGroup }[];
  recording: RecordingRuleDef[];
  /** Each recording rule's evaluation interval in seconds (its group's). */
  every: Map<RecordingRuleDef, number>;
}

async function stackRules(): Promise<Stack> {
  // The rule files depend on the engines monitored and the GPU exporter, not on how many targets.
  const { spec } = await specFor(
    { targets: [{ engine: 'vllm' as const, url: 'http://host-0000:8000' }, { engine: 'sglang' as const, url: 'http://host-0001:30000' }], gpu: 'dcgm', scrapeInterval: `${INTERVAL}s` },
    'bench',
  );
  const { rules } = renderRuleFiles(spec);
  const groups = [...rules].flatMap(([file, f]) => f.groups.map((group) => ({ file, group })));
  const every = new Map<RecordingRuleDef, number>();
  for (const { group } of groups) for (const r of group.rules) if (!isAlert(r)) every.set(r as RecordingRuleDef, seconds(group.interval));
  return { groups, recording: [...every.keys()], every };
}

const seconds = (d: string | undefined) => {
  if (!d) return INTERVAL;
  const m = /^(\d+)(s|m|h)$/.exec(d);
  if (!m) throw new Error(`interval ${d}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'];
};

async function measure(n: number, stack: Stack, bins: { prometheus: string; promtool: string }, predictSeconds: number): Promise<Measure> {
  const work = mkdtempSync(join(tmpdir(), `cvm-bench-rules-${n}-`));
  const tsdb = join(work, 'tsdb');
  mkdirSync(tsdb);
  let prom: RunningPrometheus | undefined;
  const times: string[] = [];
  const t0 = Date.now();
  const lap = (what: string, since: number) => {
    const s = ((Date.now() - since) / 1000).toFixed(1);
    times.push(`${what} ${s}s`);
    log(`N=${n}: ${what} in ${s} s`);
  };
  try {
    // The live Prometheus must start after the last backfilled sample (its head takes no sample
    // older than the newest block), and evaluate right after it so the 5m windows are full: the
    // data ends when we expect the backfill to be done.
    const end = Math.ceil((Date.now() / 1000 + predictSeconds) / INTERVAL) * INTERVAL;
    const start = end - MINUTES * 60;
    let t = Date.now();
    const om = join(work, 'raw.om');
    const raw = await generateRaw(om, n, start, end);
    lap(`generated ${raw.lines.toLocaleString('en')} samples (${raw.series.toLocaleString('en')} series)`, t);
    t = Date.now();
    promtool(bins.promtool, ['tsdb', 'create-blocks-from', 'openmetrics', om, join(work, 'raw-blocks')]);
    moveBlocks(join(work, 'raw-blocks'), tsdb);
    rmSync(om);
    lap('backfilled raw samples', t);

    const config = join(work, 'prometheus.yml');
    writeFileSync(config, stringify({ global: { scrape_interval: `${INTERVAL}s`, evaluation_interval: `${INTERVAL}s` } }));
    const levels = ruleLevels(stack.recording);
    t = Date.now();
    let recordedSeries = 0;
    for (const [i, rules] of levels.entries()) {
      prom = await startPrometheus({ binary: bins.prometheus, configFile: config, storage: tsdb });
      const client = new PrometheusClient(prom.url, 600_000);
      const file = join(work, `level-${i}.om`);
      recordedSeries += await backfillLevel(client, rules, stack.every, end - RULE_MINUTES * 60, end, file);
      await prom.stop();
      prom = undefined;
      promtool(bins.promtool, ['tsdb', 'create-blocks-from', 'openmetrics', file, join(work, `level-${i}`)]);
      moveBlocks(join(work, `level-${i}`), tsdb);
      rmSync(file);
    }
    lap(`backfilled ${stack.recording.length} recording rules in ${levels.length} levels over ${RULE_MINUTES} min`, t);

    // Samples per cycle: every rule once, at the last backfilled instant.
    t = Date.now();
    prom = await startPrometheus({ binary: bins.prometheus, configFile: config, storage: tsdb });
    let client = new PrometheusClient(prom.url, 600_000);
    const perGroupSamples = new Map<string, number>();
    const perGroupQueryMs = new Map<string, number>();
    const perRule: { name: string; samples: number; ms: number }[] = [];
    let samplesPerCycle = 0;
    let samplesPerInterval = 0;
    let queryMs = 0;
    for (const { file, group } of stack.groups) {
      let g = 0;
      let gms = 0;
      for (const r of group.rules) {
        const res = await client.query(r.expr, end, { stats: true });
        const samples = res.stats?.samples?.totalQueryableSamples ?? 0;
        const ms = (res.stats?.timings?.execTotalTime ?? 0) * 1000;
        g += samples;
        gms += ms;
        perRule.push({ name: `${group.name} ${'alert' in r ? r.alert : r.record}`, samples, ms });
      }
      queryMs += gms;
      perGroupQueryMs.set(`${file};${group.name}`, gms);
      perGroupSamples.set(`${file};${group.name}`, g);
      samplesPerCycle += g;
      samplesPerInterval += (g * INTERVAL) / seconds(group.interval);
    }
    await prom.stop();
    prom = undefined;
    lap('queried every rule once', t);

    // Live: the real rule files, every group at the evaluation interval (a 1m or 5m group does the
    // same work each time it runs; it would take 5 minutes to see it run otherwise), Prometheus
    // scraping itself.
    const live = join(work, 'live');
    mkdirSync(join(live, 'rules'), { recursive: true });
    const files = new Map<string, RuleGroup[]>();
    for (const { file, group } of stack.groups) files.set(file, [...(files.get(file) ?? []), group]);
    for (const [file, groups] of files) {
      writeFileSync(join(live, file), stringify({ groups: groups.map((g) => ({ ...g, ...(seconds(g.interval) > INTERVAL ? { interval: `${INTERVAL}s` } : {}) })) }));
    }
    const port = await freePort();
    writeFileSync(
      join(live, 'prometheus.yml'),
      stringify({
        global: { scrape_interval: `${INTERVAL}s`, evaluation_interval: `${INTERVAL}s` },
        rule_files: [...files.keys()],
        scrape_configs: [{ job_name: 'prometheus', scrape_interval: '5s', static_configs: [{ targets: [`127.0.0.1:${port}`] }] }],
      }),
    );
    const build = (Date.now() - t0) / 1000;
    const wait = end * 1000 + 1000 - Date.now();
    if (wait > 0) {
      log(`N=${n}: waiting ${(wait / 1000).toFixed(0)} s for the wall clock to pass the last sample`);
      await sleep(wait);
    }
    t = Date.now();
    // On one core, as the goal is set: Go's GC and the queries share it (GOMAXPROCS=1).
    process.env.GOMAXPROCS = '1';
    try {
      prom = await startPrometheus({ binary: bins.prometheus, configFile: join(live, 'prometheus.yml'), storage: tsdb, port });
    } finally {
      delete process.env.GOMAXPROCS;
    }
    client = new PrometheusClient(prom.url, 600_000);
    const groups = stack.groups.length;
    const deadline = Date.now() + 150_000;
    let ran = 0;
    for (;;) {
      await sleep(2000);
      const r = await client.query('count(prometheus_rule_group_iterations_total{job="prometheus"} >= 3)');
      ran = Number(r.series[0]?.value?.[1] ?? 0);
      if (ran >= groups || Date.now() > deadline) break;
    }
    // The scrape after that, best of the runs in the last 40 s: at least the second and third of
    // every group (the first runs on a cold page cache); 0 is the value before a group's first run. Read before the TSDB's first compaction
    // (a minute after it opened), which would merge the overlapping backfilled blocks meanwhile.
    await sleep(6000);
    const groupSeconds = new Map<string, number>();
    for (const s of (await client.query('min_over_time((prometheus_rule_group_last_duration_seconds{job="prometheus"} > 0)[40s:5s])')).series) {
      groupSeconds.set(s.metric.rule_group!.replace(`${live}/`, ''), Number(s.value![1]));
    }
    const scalar = async (q: string) => Number((await client.query(q)).series[0]?.value?.[1] ?? NaN);
    const headSeries = await scalar('prometheus_tsdb_head_series{job="prometheus"}');
    const rssBytes = await scalar('process_resident_memory_bytes{job="prometheus"}');
    // CPU, not wall-clock: what the group durations say is stretched when other work shares the
    // cores; the CPU Prometheus burnt over the last runs (every group once per interval, its own
    // 5s self-scrape included) is not.
    const cpuShare = await scalar('rate(process_cpu_seconds_total{job="prometheus"}[30s])');
    const procs = await scalar('go_sched_gomaxprocs_threads{job="prometheus"}');
    const compactions = await scalar('prometheus_tsdb_compactions_total{job="prometheus"}');
    times.push(`live GOMAXPROCS ${procs}, compactions ${compactions}, machine load average ${loadavg()[0]!.toFixed(1)}`);
    const gap = Date.now() / 1000 - 6 - end;
    if (ran < groups) log(`N=${n}: only ${ran} of ${groups} groups ran three times within 150 s`);
    lap('live evaluation', t);
    let cycleSeconds = 0;
    let coreShare = 0;
    for (const { file, group } of stack.groups) {
      const d = groupSeconds.get(`${file};${group.name}`) ?? NaN;
      cycleSeconds += d;
      coreShare += d / seconds(group.interval);
    }
    times.push(`total ${((Date.now() - t0) / 1000).toFixed(0)}s`);
    return { n, rawSeries: raw.series, recordedSeries, samplesPerCycle, samplesPerInterval, perGroupSamples, perGroupQueryMs, perRule, queryMs, groupSeconds, cycleSeconds, coreShare, headSeries, rssBytes, cpuShare, gap, build, timings: times.join(', ') };
  } finally {
    await prom?.stop();
    if (KEEP) log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

const fmtInt = (x: number) => Math.round(x).toLocaleString('en');
const ms = (s: number) => (s * 1000).toFixed(1);

async function main(): Promise<void> {
  const prometheus = newest('prometheus', process.argv.includes('--prometheus') ? arg('prometheus', '') : undefined);
  const promtoolBin = newest('promtool', process.argv.includes('--promtool') ? arg('promtool', '') : undefined);
  log(`prometheus ${prometheus.bin} (${prometheus.version}); promtool ${promtoolBin.bin} (${promtoolBin.version})`);
  const stack = await stackRules();
  const results: Measure[] = [];
  const problems: string[] = [];
  // How long a size's build (generation and backfill) will take, so its data ends when the live
  // Prometheus starts: --lead N=SECONDS,... if given, else the larger of 20 s + 0.25 s per target
  // (2 cores: N=1000 took 210 s, raw backfill growing faster than N) and a line through the last two sizes.
  const builds: { n: number; s: number }[] = [];
  const lead = new Map(
    (process.argv.includes('--lead') ? arg('lead', '') : '')
      .split(',')
      .filter(Boolean)
      .map((x) => x.split('=').map(Number) as [number, number]),
  );
  const predictBuild = (n: number) => {
    if (lead.has(n)) return lead.get(n)!;
    const [p, q] = builds.slice(-2);
    const guess = 20 + 0.25 * n;
    if (!p || !q || q.n === p.n) return guess;
    const b = Math.max(0, (q.s - p.s) / (q.n - p.n));
    return Math.max(guess, 1.15 * (q.s + b * (n - q.n)) + 5);
  };
  for (const n of FLEETS) {
    const predict = predictBuild(n);
    try {
      const m = await measure(n, stack, { prometheus: prometheus.bin, promtool: promtoolBin.bin }, predict);
      results.push(m);
      builds.push({ n, s: m.build });
    } catch (e) {
      problems.push(`N=${n} failed: ${(e as Error).message.split('\n')[0]}`);
      log(problems[problems.length - 1]!);
      break;
    }
  }
  if (!results.length) throw new Error(problems.join('; '));

  const base = results[0]!;
  console.log(`Rule cost per evaluation cycle; ${prometheus.version} (${prometheus.bin}), backfill with ${promtoolBin.version} (${promtoolBin.bin})`);
  console.log(
    `Fleet: N targets, vLLM V1 and SGLang alternating, one host each with a dcgm-exporter (${GPUS} GPU${GPUS > 1 ? 's' : ''}), ${MODELS} model names; ` +
      `${DISTINCT} simulations per engine kind copied to all targets. Data: ${MINUTES} min of ${INTERVAL}s scrapes backfilled, recorded series backfilled over the last ${RULE_MINUTES} min at each group's interval.`,
  );
  console.log(`Rules: ${stack.groups.length} groups, ${stack.groups.reduce((a, g) => a + g.group.rules.length, 0)} rules (${stack.recording.length} recording) from renderRuleFiles (gpu: dcgm), evaluation interval ${INTERVAL}s.`);
  console.log('');
  const header = ['N', 'raw series', 'recorded', 'samples/cycle', 'per target', 'x N=' + base.n, 'samples/15s avg', 'cycle ms', 'per target ms', 'x N=' + base.n, 'CPU %/15s', 'head series', 'RSS MiB', 'data gap s'];
  const rows = results.map((r) => [
    String(r.n),
    fmtInt(r.rawSeries),
    fmtInt(r.recordedSeries),
    fmtInt(r.samplesPerCycle),
    fmtInt(r.samplesPerCycle / r.n),
    (r.samplesPerCycle / r.n / (base.samplesPerCycle / base.n)).toFixed(2),
    fmtInt(r.samplesPerInterval),
    ms(r.cycleSeconds),
    ((r.cycleSeconds / r.n) * 1000).toFixed(2),
    (r.cycleSeconds / r.n / (base.cycleSeconds / base.n)).toFixed(2),
    (r.cpuShare * 100).toFixed(1),
    fmtInt(r.headSeries),
    (r.rssBytes / 2 ** 20).toFixed(0),
    r.gap.toFixed(0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => c.padStart(widths[i]!)).join('  ');
  console.log(fmt(header));
  for (const r of rows) console.log(fmt(r));
  console.log('');
  console.log('Rule group evaluation time (prometheus_rule_group_last_duration_seconds, ms) and samples read per evaluation:');
  const gh = ['group', 'interval', ...results.flatMap((r) => [`ms N=${r.n}`, `query ms N=${r.n}`, `samples N=${r.n}`])];
  const grows = stack.groups.map(({ file, group }) => {
    const key = `${file};${group.name}`;
    return [`${file} ${group.name}`, group.interval ?? `${INTERVAL}s`, ...results.flatMap((r) => [ms(r.groupSeconds.get(key) ?? NaN), (r.perGroupQueryMs.get(key) ?? NaN).toFixed(1), fmtInt(r.perGroupSamples.get(key) ?? 0)])];
  });
  const gw = gh.map((h, i) => Math.max(h.length, ...grows.map((r) => r[i]!.length)));
  const gfmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(gw[i]!) : c.padStart(gw[i]!))).join('  ');
  console.log(gfmt(gh));
  for (const r of grows) console.log(gfmt(r));
  const top = results[results.length - 1]!;
  console.log(
    `Costliest rules at N=${top.n} (query ms / samples): ${[...top.perRule]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 8)
      .map((x) => `${x.name} ${x.ms.toFixed(0)} / ${fmtInt(x.samples)}`)
      .join('; ')}`,
  );
  console.log(`All rules once through the query API at N=${top.n}: ${top.queryMs.toFixed(0)} ms of execTotalTime (${((top.queryMs / 1000 / INTERVAL) * 100).toFixed(1)} % of ${INTERVAL}s; queries one at a time, Prometheus unrestricted on the machine's cores).`);
  console.log('');
  const pct = (top.cycleSeconds / INTERVAL) * 100;
  console.log(
    `Full cycle at N=${top.n}: ${ms(top.cycleSeconds)} ms, ${pct.toFixed(1)} % of the ${INTERVAL}s evaluation interval (every group once, run one after another on one core; ` +
      `goal < 25 %: ${pct < 25 ? 'met' : 'NOT met'}). With each group at its own interval the rules keep ${(top.coreShare * 100).toFixed(1)} % of one core busy.`,
  );
  console.log(
    `CPU at N=${top.n}: Prometheus used ${(top.cpuShare * 100).toFixed(1)} % of one core over its last 30 s (rate(process_cpu_seconds_total), every group once per ${INTERVAL}s plus its own scrape; ` +
      `goal < 25 %: ${top.cpuShare < 0.25 ? 'met' : 'NOT met'}); unlike the durations this does not stretch when other work shares the machine.`,
  );
  const flat = results.map((r) => r.cycleSeconds / r.n / (base.cycleSeconds / base.n));
  const flatS = results.map((r) => r.samplesPerCycle / r.n / (base.samplesPerCycle / base.n));
  console.log(
    `Cost per target relative to N=${base.n}: samples ${flatS.map((x) => x.toFixed(2)).join(' / ')}, time ${flat.map((x) => x.toFixed(2)).join(' / ')} ` +
      `(goal flat; time per target at small N is dominated by fixed per-group overhead).`,
  );
  console.log('');
  console.log('How measured:');
  console.log(
    `- samples/cycle: each rule's expression (recording and alerting) run once through /api/v1/query with stats=all at the last backfilled instant, summing totalQueryableSamples ` +
      `(samples loaded from the TSDB; Prometheus counts prometheus_engine_query_samples_total only with --enable-feature=promql-per-step-stats). ` +
      `samples/15s avg weighs the 1m and 5m groups by how often they run. The SLO long windows ([30m] to [3d]) read only the ${MINUTES} min of history (recorded inputs: ${RULE_MINUTES} min), far less than in production.`,
  );
  console.log(
    `- group times: a live Prometheus on one core (GOMAXPROCS=1) loading the generated rule files (1m/5m group intervals set to ${INTERVAL}s so every group runs within the run; same work per run) scraping itself every 5s; ` +
      `each group's prometheus_rule_group_last_duration_seconds, best of the runs in the last 40 s once every group has run three times (so at least its 2nd and 3rd run). "data gap" is how long after the last backfilled sample that was: its 5m windows held that much less data.`,
  );
  console.log(
    `- head series / RSS: prometheus_tsdb_head_series and process_resident_memory_bytes of that Prometheus. Its head holds the recorded series and its own metrics only: the fleet's raw series ` +
      `("raw series", from the emulator scrapes plus up/scrape_*) sit in backfilled blocks ("recorded": the series the recording rules write), so RSS lacks what a live scrape's head would hold for them (a few KiB per series).`,
  );
  console.log(`- machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), shared with whatever else runs there: the load average at each live measurement is in the timings.`);
  console.log(`- not emulated: node-exporter (host rules read nothing), routers. Timings: ${results.map((r) => `N=${r.n}: ${r.timings}`).join('; ')}`);
  for (const p of problems) console.log(`- ${p}`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
