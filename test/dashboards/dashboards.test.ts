/**
 * Dashboards: provisioning-safe model, only our normalised series (each produced by a rule), every
 * query parses with the real promtool, seed 001/002 coverage, the import form, and canonical copies
 * in the repository equal to what the code generates.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { CANONICAL_DIRS, canonicalFiles } from '../../src/dashboards/canonical.js';
import { type Dashboard, INSTANCE_UID, OVERVIEW_FILE, importVariant, panelQueries, renderDashboards } from '../../src/dashboards/index.js';
import { flatPanels } from '../../src/dashboards/model.js';
import { seriesUsage } from '../../src/dashboards/usage.js';
import { PROMETHEUS_DATASOURCE_UID } from '../../src/render/grafana.js';
import { renderRuleFiles } from '../../src/rules/index.js';
import { S, SERIES, histogramBucket, seriesIn } from '../../src/rules/series.js';
import { isAlert } from '../../src/rules/types.js';
import { ALERT_THRESHOLDS } from '../../src/rules/alerts.js';
import { DEFAULT_SLO } from '../../src/config/defaults.js';
import { REPO_ROOT } from '../support/env.js';
import { renderToDir, MATRIX } from '../support/stacks.js';
import { PROMETHEUS_RELEASES, itEachRelease } from '../support/versions.js';

const dashboards = [...renderDashboards('dcgm').values()];
const overview = renderDashboards('dcgm').get(OVERVIEW_FILE)!;
type AnyPanel = Dashboard['panels'][number];
type Panel = Exclude<AnyPanel, { type: 'row' }>;
/** Every panel, those inside collapsed rows included. */
const panels = (d: Dashboard) => flatPanels(d.panels).filter((p): p is Panel => p.type !== 'row');

/** Recording-rule outputs of the largest rule set (both engines, every GPU exporter). */
function recordedSeries(): Set<string> {
  const out = new Set<string>();
  for (const gpu of ['dcgm', 'nvidia-smi', 'amd'] as const) {
    for (const f of renderRuleFiles({ targets: [], gpu, slo: DEFAULT_SLO }).rules.values()) {
      for (const g of f.groups) for (const r of g.rules) if (!isAlert(r)) out.add(r.record);
    }
  }
  return out;
}

describe('dashboard model', () => {
  it('lays panels on the 24-column grid without overlap', () => {
    // Top-level panels, and each collapsed row's panels as they lie when it opens.
    const groups = dashboards.flatMap((d) => [{ uid: d.uid, panels: d.panels }, ...d.panels.flatMap((r) => (r.type === 'row' && r.collapsed ? [{ uid: `${d.uid} ${r.title}`, panels: r.panels }] : []))]);
    for (const d of groups) {
      const boxes = d.panels.map((p) => ({ title: p.title, ...p.gridPos }));
      for (const b of boxes) expect(b.x >= 0 && b.w > 0 && b.x + b.w <= 24 && b.h > 0, `${d.uid} ${b.title}`).toBe(true);
      const overlaps = boxes.flatMap((a, i) => boxes.slice(i + 1).filter((b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h).map((b) => `${a.title} / ${b.title}`));
      expect(overlaps, d.uid).toEqual([]);
    }
  });

  it('is provisioning-safe: id null, schema 41, fixed deterministic uids, one datasource', () => {
    const uids = dashboards.map((d) => d.uid);
    expect(new Set(uids).size).toBe(uids.length);
    expect(renderDashboards('dcgm').get(OVERVIEW_FILE)).toEqual(overview);
    for (const d of dashboards) {
      expect(d.id).toBeNull();
      expect(d.schemaVersion).toBe(41);
      expect(d.uid).toMatch(/^[a-z0-9-]{1,40}$/);
      for (const p of panels(d)) {
        expect(['timeseries', 'stat', 'bargauge', 'table', 'heatmap']).toContain(p.type);
        expect(p.datasource.uid).toBe(PROMETHEUS_DATASOURCE_UID);
        for (const t of p.targets) expect(t.datasource.uid).toBe(PROMETHEUS_DATASOURCE_UID);
        expect(p.fieldConfig.defaults.unit, `${d.uid} "${p.title}" has a unit`).toBeTruthy();
        expect(p.targets.length).toBeGreaterThan(0);
        expect(new Set(p.targets.map((t) => t.refId)).size).toBe(p.targets.length);
      }
    }
  });

  it('lays panels on the 24-column grid without overlaps and with unique ids', () => {
    for (const d of dashboards) {
      const ids = d.panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      const cells = new Set<string>();
      for (const p of d.panels) {
        const { x, y, w, h } = p.gridPos;
        expect(x + w).toBeLessThanOrEqual(24);
        for (let i = x; i < x + w; i++) for (let j = y; j < y + h; j++) {
          const key = `${i},${j}`;
          expect(cells.has(key), `${d.uid} panel ${p.id} overlaps at ${key}`).toBe(false);
          cells.add(key);
        }
      }
    }
  });

  it('has the variables datasource/job/engine/model_name/instance scoped to our series', () => {
    for (const d of dashboards.filter((x) => x.uid.startsWith('cvm-llm'))) {
      const vars = d.templating.list;
      // The instance dashboard adds its host, hidden, for the links to the GPU and host dashboards.
      expect(vars.map((v) => v.name)).toEqual(['datasource', 'job', 'engine', 'model_name', 'instance', ...(d.uid === INSTANCE_UID ? ['host'] : [])]);
      if (d.uid === INSTANCE_UID) expect(vars.at(-1)!.hide).toBe(2);
      for (const v of vars.filter((x) => x.type === 'query')) expect(typeof v.query === 'string' ? v.query : v.query.query).toMatch(new RegExp(`^label_values\\(${S.requestsRunning}`));
    }
  });

  it('reads only normalised series, each defined in series.ts and recorded by a rule', () => {
    const recorded = recordedSeries();
    const defined = new Set(SERIES.map((s) => s.name));
    for (const d of dashboards) {
      for (const q of panelQueries(d)) {
        const names = seriesIn(q.expr);
        // The stack's own health reads Prometheus' own series: up (targets) and ALERTS.
        const prometheusOwn = /^(sum|count) by \(job\) \(up( == 0)?\)$|ALERTS\{alertstate="firing"/.test(q.expr);
        expect(names.length > 0 || prometheusOwn, `${d.uid} "${q.title}" ${q.refId} reads a normalised series`).toBe(true);
        // No raw engine or exporter metric may appear: they are what changes between versions.
        expect(q.expr).not.toMatch(/\b(vllm|sglang)[:_][a-z]|DCGM_|nvidia_smi_|node_[a-z]+_/);
        for (const n of names) {
          expect(defined.has(n), `${n} is in series.ts`).toBe(true);
          expect(recorded.has(n), `${n} is recorded by a rule`).toBe(true);
        }
      }
    }
    // Every series an alert reads is recorded too.
    for (const [series, users] of seriesUsage()) expect(recorded.has(series), `${series} (used by ${users[0]})`).toBe(true);
  });

  it("covers seed 001's four rows and seed 002's nine panels in the overview", () => {
    const q = panelQueries(overview);
    const uses = (series: string, extra?: RegExp) => q.some((x) => x.expr.includes(series) && (!extra || extra.test(x.expr)));
    // Percentiles over the selected instances' buckets, per model.
    const quantile = (h: string, v: number) => new RegExp(`^histogram_quantile\\(${v}, sum by \\(engine, model_name, job, le\\) \\(${histogramBucket(h as 'ttft_seconds')}\\{`);
    // 001: QPS, TTFT and TPOT P50/P90/P99, GPU util; tokens/s, requests/s, running/waiting; KV, GPU memory, preemptions; P50..P99.9.
    expect(uses(S.requestsFinished)).toBe(true);
    for (const v of [0.5, 0.9, 0.99, 0.999]) {
      for (const h of ['ttft_seconds', 'itl_seconds', 'e2e_seconds']) expect(q.some((x) => quantile(h, v).test(x.expr)), `${h} ${v}`).toBe(true);
    }
    for (const s of [S.gpuUtilization, S.promptTokens, S.generationTokens, S.requestsRunning, S.requestsWaiting, S.kvCacheUsage, S.gpuMemoryUsed, S.preemptions]) {
      expect(uses(s), s).toBe(true);
    }
    // 002: finish reasons, TTFT P95, prefix-cache hit rate, process memory, iteration tokens.
    expect(uses(S.requestsFinished, /finished_reason/)).toBe(true);
    expect(q.some((x) => quantile('ttft_seconds', 0.95).test(x.expr))).toBe(true);
    for (const s of [S.prefixCacheHitRatio, S.processMemory, S.iterationTokensMean]) expect(uses(s), s).toBe(true);
  });

  it('says on the GPU panels that exporters lack SM and DRAM activity', () => {
    const gpu = dashboards.find((d) => d.uid === 'cvm-gpu')!;
    for (const title of ['SM activity', 'Memory bandwidth (DRAM) activity']) {
      const p = panels(gpu).find((x) => x.title === title)!;
      expect(p.fieldConfig.defaults.noValue).toMatch(/nvidia-smi/);
    }
  });

  it('says on every GPU and host panel what it means and what to do when it looks bad', () => {
    for (const uid of ['cvm-gpu', 'cvm-host']) {
      for (const p of panels(dashboards.find((d) => d.uid === uid)!)) {
        // A condition to act on ("If it ...:"), followed by the action.
        expect(p.description, `${uid} / ${p.title}`).toMatch(/\bif [^:]+: \S/i);
      }
    }
  });

  it('shows disk space, headroom and I/O per mount and device on the host dashboard, scaled 0-1 where a share', () => {
    const host = dashboards.find((d) => d.uid === 'cvm-host')!;
    const byTitle = (t: string) => panels(host).find((p) => p.title === t)!;
    const used = byTitle('Disk space used per mount');
    expect(used.targets[0]!.expr).toBe(`${S.hostFilesystemUsedRatio}{instance=~"$instance"}`);
    expect(used.fieldConfig.defaults).toMatchObject({ unit: 'percentunit', min: 0, max: 1, decimals: 1 });
    expect(used.fieldConfig.defaults.thresholds!.steps).toEqual([
      { color: 'green', value: null },
      { color: 'orange', value: 1 - ALERT_THRESHOLDS.fsFillingFreeCritical },
      { color: 'red', value: 1 - ALERT_THRESHOLDS.fsAlmostFullFree },
    ]);
    expect(used.description).toMatch(/If a mount nears full/);
    const headroom = byTitle('Filesystem headroom: free now, predicted in 4h and 24h');
    expect(headroom.targets.map((t) => seriesIn(t.expr)[0])).toEqual([S.hostFilesystemAvail, S.hostFilesystemAvailIn4h, S.hostFilesystemAvailIn24h]);
    expect(byTitle('Disk I/O throughput').targets.map((t) => seriesIn(t.expr)[0])).toEqual([S.hostDiskRead, S.hostDiskWritten]);
    expect(byTitle('Disk busy share').fieldConfig.defaults).toMatchObject({ unit: 'percentunit', min: 0, max: 1 });
    for (const p of panels(host)) for (const t of p.targets) expect(t.expr, p.title).toContain('instance=~"$instance"');
  });

  it('lists every panel query with its row for the probe', () => {
    const q = panelQueries(overview);
    expect(q.length).toBe(panels(overview).reduce((n, p) => n + p.targets.length, 0));
    expect(q.find((x) => x.title === 'KV-cache usage and preemptions')?.row).toBe('Why is it slow?');
    // Panels inside a collapsed row are listed too, with their row.
    expect(q.find((x) => x.title === 'LoRA adapters')?.row).toMatch(/^LoRA adapters/);
  });

  it('has an import form whose datasource comes from __inputs', () => {
    for (const d of dashboards) {
      const imp = importVariant(d) as { __inputs: { name: string; type: string }[]; panels: unknown[] };
      expect(imp.__inputs).toEqual([expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' })]);
      const text = JSON.stringify(imp);
      expect(text).not.toContain(PROMETHEUS_DATASOURCE_UID);
      expect(text).toContain('${DS_PROMETHEUS}');
      expect(text).toContain('"uid":"${datasource}"');
    }
  });
});

describe('dashboard PromQL parses with the real promtool', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'cvm-dash-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  itEachRelease(PROMETHEUS_RELEASES, 'promtool', 'promtool check rules on every panel query', (bin) => {
    const queries = dashboards.flatMap((d) => panelQueries(d));
    // Grafana substitutes multi-value variables as regex alternatives; `.*` is what "All" sends.
    const rules = queries.map((q, i) => ({ record: `cvm:panel_${i}`, expr: q.expr.replace(/\$(job|engine|model_name|instance|host|gpu)\b/g, '.*') }));
    const file = join(scratch, 'panels.yml');
    writeFileSync(file, stringify({ groups: [{ name: 'panels', rules }] }));
    expect(execFileSync(bin, ['check', 'rules', file], { encoding: 'utf8' })).toMatch(new RegExp(`SUCCESS: ${rules.length} rules found`));
  });
});

describe('canonical copies in the repository', () => {
  const files = canonicalFiles();
  it('equal what the generator produces (run npm run gen:canonical after a change)', () => {
    for (const [path, content] of files) expect(readFileSync(join(REPO_ROOT, path), 'utf8'), path).toBe(content);
    for (const dir of CANONICAL_DIRS) for (const f of readdirSync(join(REPO_ROOT, dir))) expect(files.has(`${dir}/${f}`), `${dir}/${f} is generated`).toBe(true);
  });

  it('are what a default stack carries, and stacks without a GPU exporter get no GPU dashboard', async () => {
    const { files: stack } = await renderToDir(MATRIX['mixed-fleet']!, 'mixed-fleet');
    expect(stack.get(`grafana/dashboards/${OVERVIEW_FILE}`)?.content).toBe(files.get(`grafana/dashboards/${OVERVIEW_FILE}`));
    const { files: noGpu } = await renderToDir(MATRIX['single-vllm']!, 'single-vllm');
    expect([...noGpu.keys()].filter((p) => p.startsWith('grafana/dashboards/')).sort()).toEqual(
      ['grafana/dashboards/hosts.json', 'grafana/dashboards/llm-serving-instance.json', `grafana/dashboards/${OVERVIEW_FILE}`].sort(),
    );
    const compose = stack.get('docker-compose.yml')!.content;
    expect(compose).toContain(`GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH: /etc/grafana/dashboards/${OVERVIEW_FILE}`);
  });
});
