/**
 * Benchmark: what rendering a dashboard costs Prometheus. Builds one TSDB holding 70 minutes of
 * emulated vLLM V1 scrapes for three fleets (N = 1, 8 and 32 targets, one model name each), plus
 * our recording rules backfilled over it, then evaluates every panel of our LLM overview and of
 * vLLM's official example dashboard over the same last hour and step, and prints side by side the
 * samples each touched (Prometheus `stats=all`) and the query time, plus what our recording rules
 * cost per evaluation cycle.
 *
 * Run:  npx vite-node bench/dashboard-cost.ts [--fleets 1,8,32] [--minutes 70] [--interval 15]
 *         [--official FILE | --vllm-git GITDIR] [--prometheus BIN] [--promtool BIN] [--keep] [--top-queries 8]
 * The official dashboard is read at run time from a vLLM checkout or mirror
 * (examples/online_serving/prometheus_grafana/grafana.json); it is never copied into this repo.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { dashboardPanels, templateVariables } from '../src/probe/dashboard-panels.js';
import { type QueryWindow, type VariableValue, substitute } from '../src/probe/grafana-vars.js';
import { PrometheusClient } from '../src/probe/prom-client.js';
import { render } from '../src/render/index.js';
import { specFor } from '../test/support/stacks.js';
import { type RunningPrometheus, startPrometheus } from '../test/integration/support/prometheus.js';
import { type RecordingRuleDef, backfillRules, moveBlocks, promtool, ruleLevels, scrapeToOpenMetrics, writeLine } from './dashboard-cost-backfill.js';
import { createBenchTarget } from './dashboard-cost-emulator.js';

const OFFICIAL_PATH = 'examples/online_serving/prometheus_grafana/grafana.json';

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const FLEETS = (arg('fleets', '1,8,32') ?? '').split(',').map(Number);
const MINUTES = Number(arg('minutes', '70'));
const INTERVAL = Number(arg('interval', '15'));
const PROMETHEUS = arg('prometheus', 'prometheus')!;
const PROMTOOL = arg('promtool', 'promtool')!;
const KEEP = process.argv.includes('--keep');
const TOP_QUERIES = Number(arg('top-queries', '8'));
const log = (msg: string) => process.stderr.write(`[dashboard-cost] ${msg}\n`);

/** The official dashboard: a file, or the path inside a vLLM git directory (a mirror or checkout). */
function officialDashboard(): { json: Record<string, unknown>; from: string } {
  const file = arg('official');
  if (file) return { json: JSON.parse(readFileSync(file, 'utf8')), from: file };
  const candidates = [arg('vllm-git'), '/work/.mirror/vllm-project+vllm/repo'];
  if (existsSync('/work/.mirror')) {
    for (const d of readdirSync('/work/.mirror')) if (/\+vllm$/.test(d)) candidates.push(join('/work/.mirror', d, 'repo'));
  }
  for (const gitDir of candidates) {
    if (!gitDir || !existsSync(gitDir)) continue;
    try {
      const text = execFileSync('git', ['--git-dir', gitDir, 'show', `HEAD:${OFFICIAL_PATH}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const commit = execFileSync('git', ['--git-dir', gitDir, 'log', '-1', '--format=%h %cs', 'HEAD', '--', OFFICIAL_PATH], { encoding: 'utf8' }).trim();
      return { json: JSON.parse(text), from: `${gitDir} ${OFFICIAL_PATH} (last changed ${commit})` };
    } catch {
      // not a vLLM tree with that file; try the next
    }
  }
  throw new Error(`vLLM's ${OFFICIAL_PATH} not found: pass --official FILE or --vllm-git GITDIR (a mirror of vllm-project/vllm)`);
}

const modelOf = (n: number) => `bench/fleet-${n}`;

async function generateRaw(file: string, start: number, end: number): Promise<number> {
  const out = createWriteStream(file);
  const targets = FLEETS.flatMap((n) =>
    Array.from({ length: n }, (_, i) => ({
      labels: { job: 'vllm', instance: `fleet${n}-t${String(i).padStart(2, '0')}`, host: `fleet${n}-h${i}` },
      target: createBenchTarget(modelOf(n), n * 1000 + i, start - 600),
    })),
  );
  let lines = 0;
  for (let t = start; t <= end; t += INTERVAL) {
    for (const x of targets) {
      x.target.advance(INTERVAL);
      const om = scrapeToOpenMetrics(x.target.metrics(), x.labels, t);
      lines += om.split('\n').length;
      await writeLine(out, om);
    }
  }
  await writeLine(out, '# EOF');
  await new Promise<void>((r) => out.end(() => r()));
  return lines;
}

interface Cost {
  panels: number;
  queries: number;
  samples: number;
  ms: number;
  empty: number;
  /** Panel titles whose query selected nothing (an optional family absent, e.g. no GPU exporter here). */
  emptyTitles: string[];
  /** Samples per query, as `panel: expr`, costliest first. */
  byQuery: { query: string; samples: number }[];
}

async function dashboardCost(client: PrometheusClient, dashboard: Record<string, unknown>, model: string, start: number, end: number, step: number): Promise<Cost> {
  const window: QueryWindow = { rangeSeconds: end - start, stepSeconds: step, scrapeIntervalSeconds: INTERVAL };
  const vars: Record<string, VariableValue> = {};
  for (const v of templateVariables(dashboard)) {
    if (v.type === 'datasource') vars[v.name] = { values: ['prometheus'], multi: false };
    else if (v.name === 'model_name' || v.name === 'model') vars[v.name] = { values: [model], multi: v.multi || v.includeAll };
    else if (v.includeAll) vars[v.name] = { values: [], multi: true, all: v.allValue ? { allValue: v.allValue } : {} };
    else if (v.type === 'custom' || v.type === 'interval' || v.type === 'constant') vars[v.name] = { values: [v.current[0] ?? v.options[0] ?? v.query.split(',')[0] ?? ''], multi: false };
  }
  const cost: Cost = { panels: 0, queries: 0, samples: 0, ms: 0, empty: 0, emptyTitles: [], byQuery: [] };
  for (const panel of dashboardPanels(dashboard)) {
    cost.panels++;
    for (const q of panel.queries) {
      const expr = substitute(q.expr, window, vars);
      cost.queries++;
      // Best of three runs for time (the first warms caches); samples are the same each run.
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const r = q.instant ? await client.query(expr, end, { stats: true }) : await client.queryRange(expr, start, end, step, { stats: true });
        best = Math.min(best, (r.stats?.timings?.execTotalTime ?? 0) * 1000);
        if (i === 0) {
          cost.samples += r.stats?.samples?.totalQueryableSamples ?? 0;
          cost.byQuery.push({ query: `${panel.title}: ${q.expr.replace(/\s+/g, ' ')}`, samples: r.stats?.samples?.totalQueryableSamples ?? 0 });
          if (r.series.length === 0) {
            cost.empty++;
            if (!cost.emptyTitles.includes(panel.title)) cost.emptyTitles.push(panel.title);
          }
        }
      }
      cost.ms += best;
    }
  }
  cost.byQuery.sort((a, b) => b.samples - a.samples);
  return cost;
}

async function main(): Promise<void> {
  const official = officialDashboard();
  const { spec, secrets } = await specFor(
    { targets: FLEETS.map((n) => ({ engine: 'vllm' as const, url: `http://fleet-${n}:8000` })), gpu: 'none', scrapeInterval: `${INTERVAL}s` },
    'bench',
  );
  const files = render(spec, secrets);
  const overviewPath = [...files.keys()].find((p) => /^grafana\/dashboards\/.*overview.*\.json$/.test(p));
  if (!overviewPath) throw new Error(`no overview dashboard among the generated files: ${[...files.keys()].join(', ')}`);
  const overview = JSON.parse(files.get(overviewPath)!.content) as Record<string, unknown>;
  const ruleFiles = [...files.entries()].filter(([p]) => /^prometheus\/rules\/.*\.ya?ml$/.test(p));
  const recording: RecordingRuleDef[] = ruleFiles.flatMap(([, f]) =>
    ((parse(f.content) as { groups: { rules: (RecordingRuleDef & { alert?: string })[] }[] }).groups ?? []).flatMap((g) => g.rules.filter((r) => r.record)),
  );

  const work = mkdtempSync(join(tmpdir(), 'cvm-bench-cost-'));
  const tsdb = join(work, 'tsdb');
  mkdirSync(tsdb);
  const end = Math.floor(Date.now() / 1000 / INTERVAL) * INTERVAL;
  const start = end - MINUTES * 60;
  let prom: RunningPrometheus | undefined;
  try {
    let t0 = Date.now();
    const om = join(work, 'raw.om');
    const lines = await generateRaw(om, start, end);
    log(`generated ${lines} samples of ${FLEETS.reduce((a, b) => a + b, 0)} emulated vLLM V1 targets over ${MINUTES} min at ${INTERVAL}s in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    t0 = Date.now();
    const blocksDir = join(work, 'raw-blocks');
    promtool(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', om, blocksDir]);
    moveBlocks(blocksDir, tsdb);
    rmSync(om);
    log(`backfilled raw samples in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    // Our recording rules, level by level, each against a Prometheus that holds the previous ones.
    const emptyConfig = join(work, 'prometheus.yml');
    writeFileSync(emptyConfig, stringify({ global: { scrape_interval: `${INTERVAL}s`, evaluation_interval: `${INTERVAL}s` } }));
    const levels = ruleLevels(recording);
    t0 = Date.now();
    for (const [i, rules] of levels.entries()) {
      prom = await startPrometheus({ binary: PROMETHEUS, configFile: emptyConfig, storage: tsdb });
      const added = backfillRules({ promtool: PROMTOOL, url: prom.url, rules, start, end, evalInterval: `${INTERVAL}s`, workDir: work, tsdb, level: i });
      await prom.stop();
      prom = undefined;
      log(`backfilled rule level ${i} (${rules.length} rules, ${added} blocks)`);
    }
    log(`backfilled ${recording.length} recording rules in ${levels.length} levels in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    prom = await startPrometheus({ binary: PROMETHEUS, configFile: emptyConfig, storage: tsdb });
    const client = prom.client;
    // promtool writes one block per rule; let Prometheus merge the overlapping blocks first, so
    // query times are not inflated by block count (sample counts are the same either way).
    t0 = Date.now();
    const blocks = async () => readdirSync(tsdb).filter((d) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(d)).length;
    let last = await blocks();
    // Compaction runs once a minute: wait for the count to hold through more than one cycle.
    for (let stable = 0; stable < 8 && Date.now() - t0 < 360_000; ) {
      await new Promise((r) => setTimeout(r, 10_000));
      const now = await blocks();
      stable = now === last ? stable + 1 : 0;
      last = now;
    }
    log(`TSDB settled at ${last} blocks after ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const version = execFileSync(PROMETHEUS, ['--version'], { encoding: 'utf8' }).split('\n')[0];
    const rangeEnd = end;
    const rangeStart = end - 3600;
    const step = INTERVAL;

    const rows: string[][] = [];
    const ratios: string[] = [];
    for (const n of FLEETS) {
      const o = await dashboardCost(client, official.json, modelOf(n), rangeStart, rangeEnd, step);
      const ours = await dashboardCost(client, overview, modelOf(n), rangeStart, rangeEnd, step);
      rows.push([String(n), 'vLLM official', `${o.panels}/${o.queries}`, String(o.empty), o.samples.toLocaleString('en'), o.ms.toFixed(1)]);
      rows.push([String(n), 'ours (overview)', `${ours.panels}/${ours.queries}`, String(ours.empty), ours.samples.toLocaleString('en'), ours.ms.toFixed(1)]);
      ratios.push(`N=${n}: ours/official samples = ${(ours.samples / o.samples).toFixed(3)}, time = ${(ours.ms / o.ms).toFixed(3)}`);
      if (n === FLEETS[FLEETS.length - 1]) {
        for (const [name, c] of [['official', o], ['ours', ours]] as const) if (c.emptyTitles.length) ratios.push(`empty queries (${name}): ${c.emptyTitles.join(', ')}`);
        for (const [name, c] of [['official', o], ['ours', ours]] as const) {
          ratios.push(`costliest queries (${name}, N=${n}):`, ...c.byQuery.slice(0, TOP_QUERIES).map((x) => `  ${x.samples.toLocaleString('en').padStart(12)}  ${x.query.slice(0, 160)}`));
        }
      }
    }

    // What the rules cost per evaluation cycle, on all fleets together: each rule once, as the
    // rule manager runs it (an instant query at the evaluation time).
    let ruleSamples = 0;
    let ruleMs = 0;
    const perRule: { record: string; samples: number }[] = [];
    for (const r of recording) {
      const res = await client.query(r.expr, rangeEnd, { stats: true });
      const samples = res.stats?.samples?.totalQueryableSamples ?? 0;
      ruleSamples += samples;
      ruleMs += (res.stats?.timings?.execTotalTime ?? 0) * 1000;
      const same = perRule.find((x) => x.record === r.record);
      if (same) same.samples += samples;
      else perRule.push({ record: r.record, samples });
    }
    const targets = FLEETS.reduce((a, b) => a + b, 0);
    const cyclesPerHour = 3600 / INTERVAL;

    const header = ['N', 'dashboard', 'panels/queries', 'empty', 'samples touched', 'query ms'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const fmt = (r: string[]) => r.map((c, i) => (i >= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
    console.log(`Dashboard cost over the last 1h, step ${step}s, $__rate_interval ${Math.max(step + INTERVAL, 4 * INTERVAL)}s; ${version}`);
    console.log(`official dashboard: ${official.from}`);
    console.log(`our overview: ${overviewPath} (generated)`);
    console.log(fmt(header));
    for (const r of rows) console.log(fmt(r));
    for (const r of ratios) console.log(r);
    console.log(
      `recording rules: ${recording.length} rules; one evaluation cycle over all ${targets} targets touches ${ruleSamples.toLocaleString('en')} samples in ${ruleMs.toFixed(1)} ms ` +
        `(${(ruleSamples / targets).toFixed(0)} samples per target; ${(ruleSamples * cyclesPerHour).toLocaleString('en')} samples/hour at a ${INTERVAL}s evaluation interval)`,
    );
    const top = perRule.sort((a, b) => b.samples - a.samples).slice(0, 5);
    console.log(`costliest recorded series per cycle: ${top.map((x) => `${x.record} ${x.samples.toLocaleString('en')}`).join(', ')}`);
  } finally {
    await prom?.stop();
    if (KEEP) log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
