/**
 * Benchmark: how big the stack's Prometheus gets, for docs/scale.md. Two measurements, each run at
 * two fleet sizes so the figures are slopes between peers, not one run divided by N:
 *
 *  1. Live: the generated stack's own prometheus.yml and rule files (default 15 s scrape and
 *     evaluation interval), its file_sd lists pointed at an emulated fleet served over HTTP
 *     (bench/emulated-fleet.ts: engine targets cycling vLLM V0, V1 <= 0.10, V1 >= 0.11 and SGLang,
 *     a dcgm-exporter of 1/2/4/8 GPUs on every host), run for --live minutes at N=--small and
 *     N=--large targets. Read from that Prometheus: series per target by engine version and per GPU
 *     (a line through the exporters' series against their GPU count), series our recording rules add,
 *     head series, RSS and Go heap, samples appended per second.
 *  2. Disk: --hours of the same emulated targets backfilled as 2 h blocks
 *     (`promtool tsdb create-blocks-from openmetrics`) at two sizes: bytes per sample of real,
 *     compacted blocks. Disk per day = samples appended per day (live slope) x bytes per sample.
 *
 * Run:  npm run bench:sizing -- [--small 10] [--large 100] [--live 3] [--hours 2] [--disk-small 4] [--disk-large 12]
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from '../src/render/index.js';
import { GPU_JOB } from '../src/render/prometheus.js';
import { SERIES_LEVELS } from '../src/rules/series.js';
import { specFor, writeStack } from '../test/support/stacks.js';
import { freePort, type RunningPrometheus, startPrometheus } from '../test/integration/support/prometheus.js';
import { newest } from './binaries.js';
import { scrapeToOpenMetrics, writeLine } from './dashboard-cost-backfill.js';
import { ENGINE_KINDS, type EngineKind, GPU_COUNTS, engineSource, fleetTarget, gpuSource, sampleLines, startFleet } from './emulated-fleet.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const SMALL = arg('small', 10);
const LARGE = arg('large', 100);
const LIVE_MINUTES = arg('live', 3);
const HOURS = arg('hours', 2);
const DISK_SMALL = arg('disk-small', 4);
const DISK_LARGE = arg('disk-large', 12);
const INTERVAL = 15;
const log = (msg: string) => process.stderr.write(`[sizing ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RECORDED_NAMES = `(${SERIES_LEVELS.join('|')}):.+`;
const RECORDED = `{__name__=~"${RECORDED_NAMES}"}`;

function duBytes(path: string): number {
  let total = 0;
  for (const e of readdirSync(path, { withFileTypes: true })) {
    const p = join(path, e.name);
    total += e.isDirectory() ? duBytes(p) : statSync(p).size;
  }
  return total;
}

interface Live {
  n: number;
  /** Series per engine target by kind (its job's series, up and scrape_* included), mean over targets. */
  perKind: Map<EngineKind, number>;
  /** Series per dcgm-exporter by GPU count (mean). */
  perGpuCount: Map<number, number>;
  recorded: number;
  recordedByLevel: Map<string, number>;
  headSeries: number;
  rss: number;
  heap: number;
  samplesPerSecond: number;
  wal: number;
}

async function stackFor(port: number, fleetPort: number, n: number): Promise<{ dir: string; config: string }> {
  const { spec, secrets } = await specFor({ targets: [{ engine: 'vllm', url: 'http://10.0.0.1:8000' }, { engine: 'sglang', url: 'http://10.0.0.2:30000' }], gpu: 'dcgm' }, 'sizing');
  const dir = writeStack(render(spec, secrets));
  const prom = join(dir, 'prometheus');
  const targets = Array.from({ length: n }, (_, i) => fleetTarget(i));
  const group = (path: string, labels: Record<string, string>) => ({ targets: [`127.0.0.1:${fleetPort}`], labels: { ...labels, __metrics_path__: path } });
  for (const engine of ['vllm', 'sglang'] as const) {
    writeFileSync(join(prom, 'targets', `${engine}.json`), JSON.stringify(targets.filter((t) => t.engine === engine).map((t) => group(`/t/${t.i}`, { instance: t.instance, host: t.host }))));
  }
  writeFileSync(join(prom, 'targets/gpu.json'), JSON.stringify(targets.map((t) => group(`/g/${t.i}`, { instance: t.host, host: t.host }))));
  for (const f of ['node', 'router']) writeFileSync(join(prom, 'targets', `${f}.json`), '[]');
  const config = join(prom, 'prometheus.yml');
  writeFileSync(config, readFileSync(config, 'utf8').replaceAll('localhost:9090', `127.0.0.1:${port}`));
  return { dir, config };
}

async function measureLive(n: number, prometheus: string): Promise<Live> {
  const fleet = await startFleet(n);
  const port = await freePort();
  const { dir, config } = await stackFor(port, fleet.port, n);
  let prom: RunningPrometheus | undefined;
  try {
    prom = await startPrometheus({ binary: prometheus, configFile: config, port });
    log(`N=${n}: Prometheus up, running ${LIVE_MINUTES} min`);
    await sleep(LIVE_MINUTES * 60_000);
    const c = prom.client;
    const scalar = async (q: string) => Number((await c.query(q)).series[0]?.value?.[1] ?? NaN);
    const perKind = new Map<EngineKind, number>();
    const byInstance = (await c.query(`count by (instance) ({job=~"vllm|sglang", __name__!~"${RECORDED_NAMES}"})`)).series;
    for (const k of ENGINE_KINDS) {
      const xs = byInstance.filter((s) => (s.metric.instance ?? '').startsWith(`${k}-`)).map((s) => Number(s.value![1]));
      perKind.set(k, xs.reduce((a, b) => a + b, 0) / xs.length);
    }
    const perGpuCount = new Map<number, number>();
    const byHost = (await c.query(`count by (instance) ({job="${GPU_JOB.dcgm}", __name__!~"${RECORDED_NAMES}"})`)).series;
    for (const g of GPU_COUNTS) {
      const hosts = new Set(fleet.targets.filter((t) => t.gpus === g).map((t) => t.host));
      const xs = byHost.filter((s) => hosts.has(s.metric.instance!)).map((s) => Number(s.value![1]));
      if (xs.length) perGpuCount.set(g, xs.reduce((a, b) => a + b, 0) / xs.length);
    }
    const recordedByLevel = new Map<string, number>();
    for (const s of (await c.query(`count by (level) (label_replace(${RECORDED}, "level", "$1", "__name__", "([a-z]+):.*"))`)).series) recordedByLevel.set(s.metric.level!, Number(s.value![1]));
    const self = '{job="prometheus"}';
    return {
      n,
      perKind,
      perGpuCount,
      recorded: await scalar(`count(${RECORDED})`),
      recordedByLevel,
      headSeries: await scalar(`prometheus_tsdb_head_series${self}`),
      rss: await scalar(`process_resident_memory_bytes${self}`),
      heap: await scalar(`go_memstats_heap_inuse_bytes${self}`),
      samplesPerSecond: await scalar(`rate(prometheus_tsdb_head_samples_appended_total${self}[1m])`),
      wal: duBytes(join(prom.storage, 'wal')),
    };
  } finally {
    await prom?.stop();
    await fleet.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Disk {
  n: number;
  samples: number;
  series: number;
  bytes: number;
}

/** HOURS of N targets (engine and GPU exporter each) backfilled as blocks: their bytes and samples. */
async function measureDisk(n: number, promtool: string): Promise<Disk> {
  const work = mkdtempSync(join(tmpdir(), `cvm-sizing-disk-${n}-`));
  try {
    const start = Math.floor(Date.now() / 1000 / 7200) * 7200 - 7200 * Math.ceil(HOURS / 2) - 7200;
    const targets = Array.from({ length: n }, (_, i) => fleetTarget(i));
    // One simulation per target here: values as varied as a real fleet's.
    const sources = targets.map((t) => ({ t, engine: engineSource(t.kind, 300 + t.i, start - 600), gpu: gpuSource(t.gpus, 700 + t.i, start - 600, 'dcgm') }));
    for (const s of sources) {
      s.engine.advance(600);
      s.gpu.advance(600);
    }
    const file = join(work, 'raw.om');
    const out = createWriteStream(file);
    let samples = 0;
    let series = 0;
    for (let ts = start; ts < start + HOURS * 3600; ts += INTERVAL) {
      series = 0;
      for (const { t, engine, gpu } of sources) {
        engine.advance(INTERVAL);
        gpu.advance(INTERVAL);
        const e = scrapeToOpenMetrics(engine.render(), { job: t.engine, instance: t.instance, host: t.host }, ts);
        const g = scrapeToOpenMetrics(gpu.render(), { job: GPU_JOB.dcgm, instance: t.host, host: t.host }, ts);
        const up = `up{job="${t.engine}",instance="${t.instance}",host="${t.host}"} 1 ${ts}`;
        const c = sampleLines(e) + sampleLines(g) + 1;
        samples += c;
        series += c;
        await writeLine(out, `${e}\n${g}\n${up}`);
      }
    }
    await writeLine(out, '# EOF');
    await new Promise<void>((r) => out.end(() => r()));
    const blocks = join(work, 'blocks');
    mkdirSync(blocks);
    execFileSync(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', file, blocks], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 2 ** 20 });
    return { n, samples, series, bytes: duBytes(blocks) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const int = (x: number) => Math.round(x).toLocaleString('en');
const mib = (x: number) => (x / 2 ** 20).toFixed(0);
const gib = (x: number) => (x / 2 ** 30).toFixed(2);

async function main(): Promise<void> {
  const prometheus = newest('prometheus', undefined);
  const promtool = newest('promtool', undefined);
  log(`prometheus ${prometheus.version}; promtool ${promtool.version}`);
  const t0 = Date.now();
  const live: Live[] = [];
  for (const n of [SMALL, LARGE]) live.push(await measureLive(n, prometheus.bin));
  const disk: Disk[] = [];
  for (const n of [DISK_SMALL, DISK_LARGE]) {
    log(`disk: backfilling ${HOURS} h of ${n} targets`);
    disk.push(await measureDisk(n, promtool.bin));
  }
  const [a, b] = live as [Live, Live];
  const slope = (f: (l: Live) => number) => (f(b) - f(a)) / (b.n - a.n);

  console.log(`Sizing: ${prometheus.version} (${prometheus.bin}); backfill with ${promtool.version}. Machine: ${cpus().length} CPUs. Run took ${((Date.now() - t0) / 60_000).toFixed(1)} min.`);
  console.log(
    `Method: the generated stack's prometheus.yml and rule files (gpu dcgm, scrape and evaluation every ${INTERVAL}s), file_sd pointed at emulated targets (bench/emulated-fleet.ts), ` +
      `${LIVE_MINUTES} min live at N=${a.n} and N=${b.n}; "per target" figures are slopes (N=${b.n} minus N=${a.n}, divided by ${b.n - a.n}).`,
  );
  console.log('');
  console.log('Series per engine target (its job: engine metrics after our relabelling, plus up and scrape_*), mean over targets of that kind:');
  for (const k of ENGINE_KINDS) console.log(`  ${k.padEnd(15)} N=${a.n}: ${int(a.perKind.get(k)!)}   N=${b.n}: ${int(b.perKind.get(k)!)}`);
  console.log('Series per dcgm-exporter by GPUs on the host (N=' + b.n + '):', [...b.perGpuCount].map(([g, s]) => `${g} GPU${g > 1 ? 's' : ''}: ${int(s)}`).join(', '));
  const pts = [...b.perGpuCount];
  const mx = pts.reduce((s, [g]) => s + g, 0) / pts.length;
  const my = pts.reduce((s, [, y]) => s + y, 0) / pts.length;
  const perGpu = pts.reduce((s, [g, y]) => s + (g - mx) * (y - my), 0) / pts.reduce((s, [g]) => s + (g - mx) ** 2, 0);
  console.log(`  per GPU (least-squares slope): ${perGpu.toFixed(1)} series; per exporter besides: ${(my - perGpu * mx).toFixed(1)}`);
  const smi = Object.fromEntries(GPU_COUNTS.map((g) => [g, sampleLines(gpuSource(g, 1, Math.floor(Date.now() / 1000), 'nvidia-smi').render())]));
  console.log(`  nvidia_gpu_exporter (exposition lines, not scraped: a stack has one GPU exporter kind): ${GPU_COUNTS.map((g) => `${g}: ${smi[g]}`).join(', ')}; per GPU ${((smi[8]! - smi[1]!) / 7).toFixed(1)}`);
  console.log('  AMD (amd-device-metrics-exporter): no emulator; not measured.');
  console.log(`Recorded series (our rules): N=${a.n}: ${int(a.recorded)}, N=${b.n}: ${int(b.recorded)}; per target ${slope((l) => l.recorded).toFixed(1)}; by level at N=${b.n}: ${[...b.recordedByLevel].map(([k, v]) => `${k} ${int(v)}`).join(', ')}`);
  console.log('');
  console.log(['N', 'head series', 'samples/s', 'RSS MiB', 'Go heap in use MiB', `WAL MiB after ${LIVE_MINUTES} min`].join('  |  '));
  for (const l of live) console.log([l.n, int(l.headSeries), int(l.samplesPerSecond), mib(l.rss), mib(l.heap), mib(l.wal)].join('  |  '));
  const perTarget = { series: slope((l) => l.headSeries), sps: slope((l) => l.samplesPerSecond), rss: slope((l) => l.rss), heap: slope((l) => l.heap) };
  console.log(
    `Per 100 targets (slope): ${int(perTarget.series * 100)} head series, ${int(perTarget.sps * 100)} samples/s (${int(perTarget.sps * 100 * 86400)} samples/day), ` +
      `RSS +${mib(perTarget.rss * 100)} MiB, Go heap +${mib(perTarget.heap * 100)} MiB (${((perTarget.rss / perTarget.series) / 1024).toFixed(1)} KiB RSS per head series). Fixed part (intercept at N=0): RSS ${mib(a.rss - perTarget.rss * a.n)} MiB.`,
  );
  console.log('');
  console.log(`Disk: ${HOURS} h of N targets (engine + dcgm-exporter each, one simulation per target) backfilled as blocks with promtool:`);
  for (const d of disk) console.log(`  N=${d.n}: ${int(d.series)} series, ${int(d.samples)} samples, ${mib(d.bytes)} MiB of blocks = ${(d.bytes / d.samples).toFixed(3)} bytes/sample`);
  const [da, db] = disk as [Disk, Disk];
  const bytesPerSample = (db.bytes - da.bytes) / (db.samples - da.samples);
  console.log(`  marginal bytes per sample (N=${db.n} minus N=${da.n}): ${bytesPerSample.toFixed(3)}`);
  const perDay = perTarget.sps * 100 * 86400 * bytesPerSample;
  console.log(`Disk per 100 targets per day: ${int(perTarget.sps * 100 * 86400)} samples x ${bytesPerSample.toFixed(3)} bytes = ${gib(perDay)} GiB/day (blocks; the WAL adds about 2-3 h of samples on top, not growing with retention).`);
  console.log(`Retention: 15d = ${gib(perDay * 15)} GiB, 30d = ${gib(perDay * 30)} GiB, 90d = ${gib(perDay * 90)} GiB per 100 targets.`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
