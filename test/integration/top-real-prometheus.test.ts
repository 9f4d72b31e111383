/**
 * `top` as users run it (the built CLI) against the demo fleet (src/stack/demo-fleet.ts: vLLM V1
 * with two DP engines, vLLM V0, SGLang with two DP ranks, a DCGM exporter following their load)
 * scraped by a real Prometheus (the release the stack ships, test/support/versions.ts) with the
 * generated config and rules, at a 1s scrape interval:
 *   - `top --json --time T` gives the numbers the overview dashboard's own panel queries give at T
 *     (for the model the viewer selects), and for what the overview has no panel for, the numbers
 *     of a direct query of the same series at T;
 *   - in a real terminal (tmux), the live view draws on the alternate screen, fits a narrow
 *     terminal without wrapping, and q or Ctrl-C ends it with exit code 0, the screen and cursor
 *     restored.
 * Loopback adaptations as in engines-real-prometheus: target lists point at the emulators, alert
 * `for:` shortened; a real Alertmanager (same release line) with a config that only receives stands
 * in for the stack's, and the stack is generated without Grafana (as the demo runs without its
 * image). The node exporter's target points at a closed port on purpose: a target down and a
 * firing alert belong on the first screen too.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { OVERVIEW_UID } from '../../src/dashboards/ids.js';
import { type Emulator, startEmulator } from '../../src/demo/index.js';
import { dashboardPanels } from '../../src/probe/dashboard-panels.js';
import { type VariableValue, substitute } from '../../src/probe/grafana-vars.js';
import { PrometheusClient } from '../../src/probe/prom-client.js';
import { DEMO_FLEET } from '../../src/stack/demo-fleet.js';
import { composeProjectName } from '../../src/stack/stack-dir.js';
import type { TopFrame } from '../../src/top/frame.js';
import { collectFrame } from '../../src/top/collect.js';
import { makeManifest, MANIFEST_FILE } from '../../src/write/manifest.js';
import { BUILT_CLI } from '../support/cli.js';
import { REPO_ROOT, requireTool } from '../support/env.js';
import { freePort } from '../support/ports.js';
import { ALERTMANAGER_RELEASES, PROMETHEUS_RELEASES } from '../support/versions.js';
import { type RunningAlertmanager, startAlertmanager } from '../alertmanager/support.js';
import { type RunningPrometheus, startPrometheus, waitFor } from './support/prometheus.js';
import { type TestStack, pointTargets, renderTestStack, shortenAlertFor } from './support/test-stack.js';

const TMUX = requireTool('tmux', 'apt-get install -y tmux');
/** The releases the generated stack ships (prom/prometheus:v3.5, Alertmanager of the same suite). */
const RELEASE = PROMETHEUS_RELEASES.at(-1)!;
const AM_RELEASE = ALERTMANAGER_RELEASES.at(-1)!;
/** Objectives other than the defaults, so a frame showing them proves they came from the manifest. */
const SLO = { ttftP99Seconds: 1, itlP99Seconds: 0.05, e2eP99Seconds: 30, availabilityPercent: 99.5 };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The built CLI as a child, without blocking this process (it serves the emulators Prometheus scrapes). */
function runBuiltAsync(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUILT_CLI, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

const ALL: VariableValue = { values: [], multi: true, all: {} };
const one = (v: string): VariableValue => ({ values: [v], multi: true });

describe(`top against the demo fleet on real ${RELEASE.name}`, () => {
  if (!RELEASE.path('prometheus') || !AM_RELEASE.path('prometheus-alertmanager')) {
    // Reported as skipped, with the reason, rather than as an empty suite.
    it.skip(`needs ${RELEASE.path('prometheus') ? AM_RELEASE.missing('prometheus-alertmanager') : RELEASE.missing('prometheus')}`, () => {});
    return;
  }
  const emulators: Emulator[] = [];
  let stack: TestStack;
  let prom: RunningPrometheus;
  let am: RunningAlertmanager;
  let work: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'cvm-top-'));
    const engines: Emulator[] = [];
    for (const m of DEMO_FLEET) {
      const e = await startEmulator({ kind: m.kind, host: '127.0.0.1', seed: m.preferredPort, ...(m.dpRanks ? { dpRanks: m.dpRanks } : {}), ...(m.engine ? {} : { follow: engines, hostname: 'demo-gpu-node' }) });
      if (m.engine) engines.push(e);
      emulators.push(e);
    }
    const members = DEMO_FLEET.map((m, i) => ({ ...m, emulator: emulators[i]! }));
    const input = { targets: members.filter((m) => m.engine).map((m) => ({ name: m.name, engine: m.engine!, url: m.emulator.url })), gpu: 'dcgm' as const, grafana: false, scrapeInterval: '1s', slo: SLO };
    stack = await renderTestStack(input, 'top-demo');
    writeFileSync(join(stack.dir, MANIFEST_FILE), JSON.stringify(makeManifest('test', input, new Map(), {}), null, 2));
    const host = stack.spec.localHost;
    for (const engine of ['vllm', 'sglang']) {
      pointTargets(stack, engine, Object.fromEntries(members.filter((m) => m.engine === engine).map((m) => [m.name, `127.0.0.1:${m.emulator.port}`])));
    }
    pointTargets(stack, 'gpu', { [host]: `127.0.0.1:${members.find((m) => m.kind === 'dcgm')!.emulator.port}` });
    pointTargets(stack, 'node', { [host]: `127.0.0.1:${await freePort()}` });
    shortenAlertFor(stack, '2s');
    const amConfig = join(work, 'alertmanager.yml');
    writeFileSync(amConfig, stringify({ route: { receiver: 'nobody' }, receivers: [{ name: 'nobody' }] }));
    am = await startAlertmanager(AM_RELEASE.path('prometheus-alertmanager')!, amConfig);
    prom = await startPrometheus({ binary: RELEASE.path('prometheus')!, configFile: stack.configFile });
    type StaticJob = { job_name: string; static_configs?: { targets: string[] }[] };
    const config = parse(readFileSync(stack.configFile, 'utf8')) as { scrape_configs: StaticJob[]; alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] } };
    const address = (url: string) => url.replace('http://', '');
    for (const job of config.scrape_configs.filter((j) => j.job_name === 'prometheus')) job.static_configs![0]!.targets = [address(prom.url)];
    for (const job of config.scrape_configs.filter((j) => j.job_name === 'alertmanager')) job.static_configs![0]!.targets = [address(am.url)];
    config.alerting.alertmanagers[0]!.static_configs[0]!.targets = [address(am.url)];
    writeFileSync(stack.configFile, stringify(config));
    await fetch(`${prom.url}/-/reload`, { method: 'POST' });

    // Rates need a few scrapes, and the availability SLI is evaluated once a minute.
    const client = new PrometheusClient(prom.url);
    await waitFor(
      'a complete first screen (every model with traffic, latencies and errors, GPUs, a firing alert)',
      async () => {
        const f = await collectFrame(client, { time: Date.now() / 1000, prometheusUrl: prom.url, objectives: { ...SLO, source: 'stack' } });
        const complete =
          f.models.length === 3 &&
          f.models.every((m) => [m.requestsPerSecond, m.outputTokensPerSecond, m.ttftP99Seconds, m.itlP99Seconds, m.e2eP99Seconds, m.kvUsageMax].every((v) => v !== null)) &&
          f.models.filter((m) => m.engine === 'vllm').every((m) => m.errorRatio !== null) &&
          f.gpuUtilisationServing !== null &&
          f.alerts.some((a) => a.alertname === 'MonitoringTargetDown');
        return complete ? f : undefined;
      },
      150_000,
      2_000,
    );
  }, 240_000);

  afterAll(async () => {
    await prom?.stop();
    await am?.stop();
    for (const e of emulators) await e.stop();
    if (stack) rmSync(stack.dir, { recursive: true, force: true });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("--json: the overview panels' numbers at the same instant, for every model", async () => {
    // An instant a little in the past: every scrape and rule evaluation up to it is stored.
    const t = Math.floor(Date.now() / 1000) - 3;
    const r = await runBuiltAsync(['top', stack.dir, '--prometheus-url', prom.url, '--json', '--time', String(t)]);
    expect(r.code, r.stderr).toBe(0);
    const f = JSON.parse(r.stdout) as TopFrame;
    expect(f.time).toBe(t);
    expect(f.stack).toBe(composeProjectName(stack.dir));
    expect(f.objectives).toEqual({ ...SLO, source: 'stack' });

    const overview = stack.dashboards.find((d) => d.uid === OVERVIEW_UID)!;
    const exprs = dashboardPanels(overview).flatMap((p) => p.queries.map((q) => q.expr));
    /** The first overview query that reads `series` (and matches `also`): what its panel shows. */
    const panelQuery = (series: string, also: RegExp = /./) => {
      const e = exprs.find((x) => new RegExp(`${series}(?![\\w:])`).test(x) && also.test(x));
      if (!e) throw new Error(`no overview panel reads ${series}`);
      return e;
    };
    const window = { rangeSeconds: 300, stepSeconds: 1, scrapeIntervalSeconds: 1 };
    const at = async (expr: string, vars: Record<string, VariableValue> = {}) => (await prom.client.query(substitute(expr, window, vars), t)).series;
    const num = (v: string | undefined) => (v === undefined || !Number.isFinite(Number(v)) ? null : Number(v));
    const close = (actual: number | null, expected: number | null, what: string) => {
      if (expected === null) expect(actual, what).toBeNull();
      else expect(actual, what).toBeCloseTo(expected, 12);
    };

    expect(f.models.map((m) => `${m.engine} ${m.model}`)).toEqual(['vllm facebook/opt-125m', 'sglang meta-llama/Llama-3.1-8B-Instruct', 'vllm meta-llama/Llama-3.1-8B-Instruct']);
    const panels = {
      requestsPerSecond: panelQuery('llm:requests_finished:rate5m', /^sum by \(engine, model_name, job\) \(llm:requests_finished:rate5m\{[^}]*\}\)$/),
      outputTokensPerSecond: panelQuery('llm:generation_tokens:rate5m'),
      // The P99 stats: the selected instances' buckets, which with every instance selected is top's recorded model: quantile.
      ttftP99Seconds: panelQuery('llm:ttft_seconds_bucket:rate5m', /^histogram_quantile\(0\.99,/),
      itlP99Seconds: panelQuery('llm:itl_seconds_bucket:rate5m', /^histogram_quantile\(0\.99,/),
      e2eP99Seconds: panelQuery('llm:e2e_seconds_bucket:rate5m', /^histogram_quantile\(0\.99,/),
      kvUsageMax: panelQuery('llm:kv_cache_usage_ratio:max'),
    } as const;
    for (const m of f.models) {
      // The overview with this model selected: its variables as Grafana substitutes them.
      const vars = { job: ALL, engine: one(m.engine), model_name: one(m.model), instance: ALL };
      for (const [field, expr] of Object.entries(panels) as [keyof typeof panels, string][]) {
        const series = await at(expr, vars);
        const values = series.map((s) => num(s.value?.[1])).filter((v): v is number => v !== null);
        // KV usage is drawn per instance: top shows the fullest.
        const expected = values.length === 0 ? null : field === 'kvUsageMax' ? Math.max(...values) : values.length === 1 ? values[0]! : NaN;
        close(m[field], expected, `${m.engine} ${m.model} ${field}: ${substitute(expr, window, vars)}`);
      }
      expect(m.instances).toBe(1);
      // top shows the recorded availability SLI itself (the overview's error-rate stat sums the instances' rates).
      const err = await at(`model:availability_slo_bad:ratio_rate5m{engine="${m.engine}", model_name="${m.model}"}`);
      close(m.errorRatio, num(err[0]?.value?.[1]) ?? null, `${m.model} errorRatio`);
    }
    close(f.gpuUtilisationServing, num((await at(panelQuery('gpu:utilization:ratio', /^avg by \(host\) \(gpu:utilization:ratio and on/), { job: ALL, engine: ALL, model_name: ALL, instance: ALL }))[0]?.value?.[1]), 'GPU utilisation');
    const gpuCount = await at('count by (host) (gpu:utilization:ratio)');
    expect(f.gpuHosts.map((h) => [h.host, h.gpus])).toEqual(gpuCount.map((s) => [s.metric.host, Number(s.value![1])]));

    // Targets and alerts: direct queries of `up` and ALERTS at the same instant.
    const expected = await at('count by (job) (up)');
    const up = await at('sum by (job) (up)');
    expect(Object.fromEntries(f.targets.map((g) => [g.job, [g.up, g.expected]]))).toEqual(
      Object.fromEntries(expected.map((s) => [s.metric.job, [Number(up.find((u) => u.metric.job === s.metric.job)!.value![1]), Number(s.value![1])]])),
    );
    expect(f.targets.filter((g) => g.role === 'stack').map((g) => [g.job, g.up, g.expected, g.down])).toEqual([
      ['alertmanager', 1, 1, []],
      ['node', 0, 1, [stack.spec.localHost]],
      ['prometheus', 1, 1, []],
    ]);
    expect(f.targets.filter((g) => g.role === 'engine').map((g) => [g.job, g.up, g.expected])).toEqual([['sglang', 1, 1], ['vllm', 2, 2]]);
    expect(f.targets.find((g) => g.role === 'gpu')).toMatchObject({ job: 'gpu-dcgm', up: 1, expected: 1 });
    const alerts = (await at('ALERTS{alertstate="firing"}')).filter((s) => s.metric.alertname !== 'Watchdog');
    const key = (name: string, severity: string, labels: Record<string, string>) => JSON.stringify([name, severity, Object.entries(labels).sort()]);
    expect(f.alerts.map((a) => key(a.alertname, a.severity, a.labels)).sort()).toEqual(
      alerts.map(({ metric: { __name__: _, alertname, alertstate: _s, severity, ...labels } }) => key(alertname!, severity ?? '', labels)).sort(),
    );
    expect(f.watchdog).toBe(true);
    expect(f.alerts.map((a) => `${a.severity} ${a.alertname} ${a.labels.instance}`)).toEqual([`warning MonitoringTargetDown ${stack.spec.localHost}`]);
  });

  it('--once: the frame as text, no colour when stdout is not a terminal', async () => {
    const r = await runBuiltAsync(['top', stack.dir, '--prometheus-url', prom.url, '--once'], { COLUMNS: '120' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/\x1b\[/);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^create-vllm-monitor top {2}cvm-stack-\w+ {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC {2}http:\/\/127\.0\.0\.1:\d+$/);
    expect(r.stdout).toContain('Targets  sglang 1/1  vllm 2/2  gpu-dcgm 1/1  alertmanager 1/1  node 0/1  prometheus 1/1\n  down   node/gpu-box\n');
    expect(r.stdout).toContain('Alerts   0 critical  1 warning  0 info  (Watchdog firing: rules evaluate)\n');
    expect(r.stdout).toContain('Objective p99 TTFT 1.00s  ITL 50.0ms  E2E 30.0s  errors 0.5%');
    expect(r.stdout).toMatch(/^ {2}WARNING {3}MonitoringTargetDown {2}gpu-box$/m);
    for (const model of ['facebook/opt-125m', 'meta-llama/Llama-3.1-8B-Instruct']) expect(r.stdout).toMatch(new RegExp(`^${model.replace(/[.]/g, '\\.')} +(vllm|sglang) +1 +\\d`, 'm'));
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(120);
    if (process.env.CVM_TOP_FRAME_FILE) writeFileSync(process.env.CVM_TOP_FRAME_FILE, r.stdout);
  });

  if (!TMUX) it.skip('live, in a terminal: needs tmux (apt-get install -y tmux)', () => {});
  else describe('live, in a terminal (tmux)', () => {
    let n = 0;
    const socket = () => join(work, 'tmux.sock');
    const tmux = (...args: string[]) => execFileSync(TMUX!, ['-S', socket(), ...args], { encoding: 'utf8' });
    const screen = (s: string) => tmux('capture-pane', '-p', '-J', '-t', s);

    /** Starts `top` in a fresh tmux session of the given size, after a line on the normal screen. */
    async function startTop(width: number, height: number): Promise<string> {
      const s = `top${n++}`;
      const cmd = `printf 'BEFORE-TOP\\n'; ${process.execPath} ${BUILT_CLI} top ${stack.dir} --prometheus-url ${prom.url} --interval 1; echo "EXIT=$?"; sleep 120`;
      tmux('new-session', '-d', '-s', s, '-x', String(width), '-y', String(height), '-c', REPO_ROOT, cmd);
      tmux('set-option', '-t', s, 'remain-on-exit', 'on');
      await waitFor(`a frame in tmux session ${s}`, async () => (screen(s).includes('q quit') && screen(s).includes('Targets') ? true : undefined), 30_000, 300);
      return s;
    }
    const flag = (s: string, f: string) => tmux('display-message', '-p', '-t', s, `#{${f}}`).trim();

    afterAll(() => {
      try {
        tmux('kill-server');
      } catch {
        // no server left
      }
    });

    for (const [key, name] of [['q', 'q'], ['C-c', 'Ctrl-C']] as const) {
      it(`draws on the alternate screen, redraws, and ${name} exits 0 with the screen and cursor restored`, async () => {
        const s = await startTop(120, 40);
        const first = screen(s);
        expect(flag(s, 'alternate_on')).toBe('1');
        expect(flag(s, 'cursor_flag')).toBe('0');
        expect(first).not.toContain('BEFORE-TOP');
        expect(first.split('\n')[0]).toMatch(/^create-vllm-monitor top {2}cvm-stack-/);
        expect(first).toMatch(/^MODEL +ENGINE/m);
        expect(first).toContain('meta-llama/Llama-3.1-8B-Instruct');
        const updated = () => /updated (\d\d:\d\d:\d\d) UTC/.exec(screen(s))?.[1];
        const before = updated();
        await waitFor('a redraw', async () => (updated() !== before ? true : undefined), 10_000, 300);
        tmux('send-keys', '-t', s, key);
        await waitFor(`top to exit on ${name}`, async () => (screen(s).includes('EXIT=') ? true : undefined), 10_000, 200);
        const after = screen(s);
        expect(after).toContain('EXIT=0');
        expect(after).toContain('BEFORE-TOP');
        expect(after).not.toContain('create-vllm-monitor top');
        expect(flag(s, 'alternate_on')).toBe('0');
        expect(flag(s, 'cursor_flag')).toBe('1');
      });
    }

    it('fits a narrow terminal: one block per model, no line wrapped, footer on the last row', async () => {
      const s = await startTop(50, 24);
      const rows = screen(s).split('\n');
      for (const r of rows) expect(r.length, r).toBeLessThanOrEqual(50);
      expect(rows[0]).toMatch(/^create-vllm-monitor top/);
      expect(rows.some((r) => r.startsWith('MODEL'))).toBe(false);
      expect(rows.some((r) => /^ {2}p99 TTFT /.test(r))).toBe(true);
      expect(rows[23]).toMatch(/^updated \d\d:\d\d:\d\d UTC · every 1s · q quit$/);
      tmux('send-keys', '-t', s, 'q');
      await waitFor('top to exit', async () => (screen(s).includes('EXIT=0') ? true : undefined), 10_000, 200);
    });
  });
});
