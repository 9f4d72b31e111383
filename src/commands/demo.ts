/**
 * `create-vllm-monitor demo [dir]`: emulated engines on this machine (vLLM V1, vLLM V0, SGLang with
 * DP ranks, a DCGM exporter), a stack generated for them, started and validated; prints the URLs and
 * runs until Ctrl-C (or --detach, leaving emulators and stack running; `demo --stop` ends them).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_FAILURE, EXIT_OK, usageError } from '../errors.js';
import type { Io } from '../cli/io.js';
import { DEFAULT_IMAGES } from '../config/defaults.js';
import { TRAFFIC_MODES, type Traffic } from '../demo/emulator.js';
import { parseCommandArgs, progressPrinter } from '../stack/args.js';
import { findCompose } from '../stack/compose-cli.js';
import { dockerClient, pingEngine } from '../stack/docker.js';
import { demoBindHost, type RunningMember, startFleet, stopDetached, stopFleet } from '../stack/demo-fleet.js';
import { demoLoadtestLines } from '../stack/demo-loadtest.js';
import { loadStackDir, stackUrls } from '../stack/stack-dir.js';
import { downStack } from '../stack/up.js';
import { type StartAndValidateResult, startAndValidate } from './up.js';

export const HELP = `Usage: create-vllm-monitor demo [dir] [--detach] [--stop] [--local-images] [--image NAME=REF]... [--no-grafana]

Starts emulated inference servers on this machine (vLLM V1 with 2 DP engines, vLLM V0, SGLang with
2 DP ranks, a DCGM GPU exporter), generates a monitoring stack for them in dir (default
./vllm-monitor-demo), starts it, validates it and prints the URLs. No GPU needed; Docker is.
  --detach          leave everything running and exit (stop later with: demo --stop)
  --stop            stop a detached demo: its emulators and its stack
  --image NAME=REF  use another image (air-gapped: a mirror)
  --local-images    use the images scripts/local-images.sh builds from Debian's binaries
                    (cvm-local/{prometheus,alertmanager,node-exporter}:test; no registry needed)
  --no-grafana      leave Grafana out (done by itself when its image cannot be had)
  --traffic T       simulated (default): the emulators simulate users of their own, so the dashboards
                    move at once; clients: they serve only what clients send, for the load tests the
                    demo prints (create-vllm-monitor loadtest URL --dir DIR), whose cross-check with
                    the stack's Prometheus then matches the server's counts exactly`;

export interface DemoOptions {
  dir: string;
  images: string[];
  noGrafana?: boolean;
  detach?: boolean;
  /** Where the emulated engines' requests come from (default simulated users and clients). */
  traffic?: Traffic;
  /** More generator flags (tests: --receiver webhook ...). */
  extraCreateArgs?: string[];
  scrapeInterval?: string;
  fireTestAlert?: boolean;
  strictPanels?: boolean;
  waitMs?: number;
  /** Called as soon as there is something to clean up (Ctrl-C while starting). */
  onCleanup?: (stop: (opts?: { volumes?: boolean }) => Promise<void>) => void;
}

export interface DemoRun {
  code: number;
  fleet: RunningMember[];
  host: string;
  generateMs: number;
  started?: StartAndValidateResult;
  stop(opts?: { volumes?: boolean }): Promise<void>;
}

/** What scripts/local-images.sh tags: Debian's binaries in images that behave like the official ones. */
export const LOCAL_IMAGES = ['prometheus=cvm-local/prometheus:test', 'alertmanager=cvm-local/alertmanager:test', 'node-exporter=cvm-local/node-exporter:test'];

/**
 * The demo scrapes every 2 s: validate needs two scrapes of each target (a rate needs two samples),
 * so the interval is most of the wait from start to validated; emulators are cheap to scrape.
 */
const DEMO_SCRAPE_INTERVAL = '2s';

const quietIo = (io: Io): Io => ({ ...io, out: () => {}, err: () => {} });

/** Grafana's image, unless it is neither here nor pullable (no registry): then the demo runs without it. */
async function grafanaAvailable(images: string[], io: Io): Promise<boolean> {
  const ref = images.map((i) => /^grafana=(.+)$/.exec(i)?.[1]).find(Boolean) ?? DEFAULT_IMAGES.grafana;
  const docker = dockerClient();
  if (await docker.getImage(ref).inspect().then(() => true, () => false)) return true;
  progressPrinter(io.err.bind(io))(`pulling ${ref} ...`);
  try {
    const stream = await docker.pull(ref);
    await new Promise<void>((res, rej) => docker.modem.followProgress(stream, (err: Error | null) => (err ? rej(err) : res())));
    return true;
  } catch {
    io.err(`Grafana's image ${ref} is not here and cannot be pulled: the demo runs without Grafana (its dashboards are still probed against Prometheus). Pass --image grafana=MIRROR/${ref} to include it.`);
    return false;
  }
}

export async function runDemo(opts: DemoOptions, io: Io): Promise<DemoRun> {
  const docker = dockerClient();
  await pingEngine(docker);
  const host = await demoBindHost(docker);
  const fleet = await startFleet(host, { dir: opts.dir, ...(opts.detach ? { detach: true } : {}), ...(opts.traffic ? { traffic: opts.traffic } : {}) });
  const stop = async (s: { volumes?: boolean } = {}) => {
    await stopFleet(fleet);
    if (opts.detach) stopDetached(opts.dir);
    const compose = await findCompose(io.env).catch(() => undefined);
    if (compose && existsSync(join(opts.dir, 'docker-compose.yml'))) await downStack(compose, loadStackDir(opts.dir), s);
  };
  opts.onCleanup?.(stop);
  try {
    const withGrafana = !opts.noGrafana && (await grafanaAvailable(opts.images, io));
    const linux = process.platform === 'linux';
    const t0 = Date.now();
    const { create } = await import('../cli/create.js');
    const code = await create(
      [
        opts.dir, '--yes', '--overwrite', '--force',
        '--gpu', linux ? 'dcgm' : 'none',
        '--scrape-interval', opts.scrapeInterval ?? DEMO_SCRAPE_INTERVAL,
        ...fleet.filter((m) => m.engine).flatMap((m) => ['--target', `${m.name}:${m.engine}=http://localhost:${m.port}`]),
        ...opts.images.flatMap((i) => ['--image', i]),
        ...(withGrafana ? [] : ['--no-grafana']),
        ...(opts.extraCreateArgs ?? []),
      ],
      quietIo(io),
    );
    const generateMs = Date.now() - t0;
    if (code !== 0) return { code, fleet, host, generateMs, stop };
    if (linux) pointGpuJobAtEmulator(opts.dir, fleet);
    io.err(`Emulated servers on ${host}: ${fleet.map((m) => `${m.name} :${m.port}`).join(', ')}`);
    const started = await startAndValidate(opts.dir, io, {
      // The GPU exporter is emulated on this machine; the container needs a real GPU.
      noGpu: true,
      fireTestAlert: opts.fireTestAlert ?? false,
      strictPanels: opts.strictPanels ?? false,
      ...(opts.waitMs ? { waitMs: opts.waitMs } : {}),
    });
    return { code: started.code, fleet, host, generateMs, started, stop };
  } catch (err) {
    await stopFleet(fleet);
    if (opts.detach) stopDetached(opts.dir);
    throw err;
  }
}

/** The gpu job scrapes the emulated DCGM exporter on this machine instead of a dcgm-exporter container. */
function pointGpuJobAtEmulator(dir: string, fleet: RunningMember[]): void {
  const gpu = fleet.find((m) => m.kind === 'dcgm');
  if (!gpu) return;
  const path = join(dir, 'prometheus', 'targets', 'gpu.json');
  const groups = JSON.parse(readFileSync(path, 'utf8')) as { targets: string[]; labels: Record<string, string> }[];
  const labels = groups[0]?.labels ?? {};
  writeFileSync(path, `${JSON.stringify([{ targets: [`host.docker.internal:${gpu.port}`], labels }], null, 2)}\n`);
}

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs('demo', argv, {
    detach: { type: 'boolean' },
    stop: { type: 'boolean' },
    image: { type: 'string', multiple: true },
    'no-grafana': { type: 'boolean' },
    'local-images': { type: 'boolean' },
    traffic: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(HELP);
    return EXIT_OK;
  }
  const dir = positionals[0] ?? 'vllm-monitor-demo';
  const traffic = (values.traffic as string | undefined) ?? 'simulated';
  if (!(TRAFFIC_MODES as readonly string[]).includes(traffic)) throw usageError('--traffic', `must be one of ${TRAFFIC_MODES.join(', ')}, got "${traffic}"`, 'e.g. --traffic clients');
  if (values.stop) {
    const n = stopDetached(dir);
    const compose = await findCompose(io.env);
    const r = await downStack(compose, loadStackDir(dir));
    io.out(`Demo stopped: ${n} emulators, stack ${r.code === 0 ? 'down' : 'NOT stopped (see docker compose ps)'}.`);
    return r.code === 0 ? EXIT_OK : EXIT_FAILURE;
  }
  const images = [...(values['local-images'] ? LOCAL_IMAGES : []), ...((values.image as string[] | undefined) ?? [])];
  // Ctrl-C at any point stops what was started so far (emulators, then the stack).
  let cleanup: ((o?: { volumes?: boolean }) => Promise<void>) | undefined;
  const interrupted = new Promise<'interrupted'>((resolve) => {
    process.once('SIGINT', () => resolve('interrupted'));
    process.once('SIGTERM', () => resolve('interrupted'));
  });
  const started = runDemo({ dir, images, noGrafana: values['no-grafana'] === true, detach: values.detach === true, traffic: traffic as Traffic, onCleanup: (stop) => (cleanup = stop) }, io);
  const first = await Promise.race([started, interrupted]);
  if (first === 'interrupted') {
    io.err('Interrupted: stopping the emulators and the stack ...');
    await cleanup?.();
    return 130;
  }
  const demo = first;
  if (!demo.started?.json.validate) {
    // Nothing came up: do not leave emulators behind.
    await demo.stop();
    io.err('The demo did not start (see above); its emulators are stopped.');
    return demo.code || EXIT_FAILURE;
  }
  const stack = loadStackDir(dir);
  const u = stackUrls(stack);
  io.out('');
  io.out(demo.code === 0 ? 'The demo stack is up and validated.' : 'The demo stack is up, but validation found problems (above).');
  if (u.grafana) io.out(`  Grafana       ${u.grafana}  (user admin, password: GRAFANA_ADMIN_PASSWORD in ${join(dir, '.env')})`);
  else io.out('  Grafana       left out (no image); dashboards are in grafana/dashboards/ for import');
  if (u.prometheus) io.out(`  Prometheus    ${u.prometheus}/targets   alerts: ${u.prometheus}/alerts`);
  if (u.alertmanager) io.out(`  Alertmanager  ${u.alertmanager}`);
  const shown = demo.host === '0.0.0.0' ? '127.0.0.1' : demo.host;
  for (const m of demo.fleet) io.out(`  ${m.name.padEnd(14)}http://${shown}:${m.port}/metrics (emulated ${m.kind})`);
  for (const line of demoLoadtestLines(dir, demo.fleet, shown, traffic as Traffic)) io.out(line);
  if (values.detach) {
    io.out(`Left running. Stop it with: create-vllm-monitor demo ${dir} --stop`);
    return demo.code;
  }
  io.out('Press Ctrl-C to stop the emulators and the stack (its data stays in Docker volumes).');
  await interrupted;
  io.err('Stopping ...');
  await demo.stop();
  return demo.code;
}
