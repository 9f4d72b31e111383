/**
 * The overview's first screen answers "is my fleet healthy?" and "why is it slow?" without scrolling
 * (24 x 30 grid units at 1080p), coloured by the stack's own objectives; every serving panel follows
 * the variables, links down to the instance, its GPUs and host, and shows the alerts as annotations.
 */
import { describe, expect, it } from 'vitest';
import { GPU_UID, HOST_UID, INSTANCE_UID, OVERVIEW_FILE, renderDashboards } from '../../src/dashboards/index.js';
import { type Dashboard, flatPanels } from '../../src/dashboards/model.js';
import { DEFAULT_SLO } from '../../src/config/defaults.js';
import type { Slo } from '../../src/config/types.js';
import { seriesDef, seriesIn } from '../../src/rules/series.js';

type Panel = Exclude<Dashboard['panels'][number], { type: 'row' }>;
const SLO: Slo = { ttftP99Seconds: 1.5, itlP99Seconds: 0.08, e2eP99Seconds: 45, availabilityPercent: 99.5 };
const overview = renderDashboards('dcgm', true, SLO).get(OVERVIEW_FILE)!;
const instance = renderDashboards('dcgm', true, SLO).get('llm-serving-instance.json')!;
const all = (d: Dashboard) => flatPanels(d.panels).filter((p): p is Panel => p.type !== 'row');
const byTitle = (d: Dashboard, title: string) => all(d).find((p) => p.title === title) ?? expect.fail(`${d.uid} has no panel "${title}"`);
/** The first screen: everything that starts above grid row 30 and is not inside a collapsed row. */
const FIRST_SCREEN_ROWS = 30;
const firstScreen = overview.panels.filter((p): p is Panel => p.type !== 'row' && p.gridPos.y + p.gridPos.h <= FIRST_SCREEN_ROWS);
const steps = (p: Panel) => p.fieldConfig.defaults.thresholds?.steps ?? [];

describe('overview first screen', () => {
  it('holds the health answers and the why-is-it-slow row within 24 x 30 grid units', () => {
    const titles = firstScreen.map((p) => p.title);
    for (const t of [
      'Targets up / expected',
      'Firing alerts',
      'Firing alerts, most severe first',
      'Requests/s',
      'Output tokens/s',
      'TTFT P99 vs objective',
      'ITL P99 vs objective',
      'E2E P99 vs objective',
      'Availability and error rate (5m)',
      'SLO attainment (30d)',
      'Error budget remaining (30d)',
      'Where request time goes: queue, prefill, decode',
      'Running vs waiting requests',
      'KV-cache usage and preemptions',
      'Time to first token, distribution',
      'Prompt length, distribution',
      'Generation length, distribution',
    ])
      expect(titles, t).toContain(t);
    const rows = overview.panels.filter((p) => p.type === 'row').map((p) => p.title);
    expect(rows.slice(0, 2)).toEqual(['Is the fleet healthy?', 'Why is it slow?']);
    for (const p of firstScreen) expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
  });

  it('colours the P99 stats by the stack’s own objectives: orange from 80%, red at the objective', () => {
    for (const [title, objective] of [
      ['TTFT P99 vs objective', SLO.ttftP99Seconds],
      ['ITL P99 vs objective', SLO.itlP99Seconds],
      ['E2E P99 vs objective', SLO.e2eP99Seconds],
    ] as const) {
      const p = byTitle(overview, title);
      expect(p.type).toBe('stat');
      expect(p.fieldConfig.defaults.color).toEqual({ mode: 'thresholds' });
      expect(steps(p)).toEqual([{ color: 'green', value: null }, { color: 'orange', value: Number((objective * 0.8).toPrecision(12)) }, { color: 'red', value: objective }]);
    }
    // The default objectives give other lines: the thresholds are not constants.
    const dflt = renderDashboards('dcgm').get(OVERVIEW_FILE)!;
    expect(steps(byTitle(dflt, 'TTFT P99 vs objective')).at(-1)!.value).toBe(DEFAULT_SLO.ttftP99Seconds);
  });

  it('keeps SLO attainment and error budget per model for TTFT, ITL, E2E and availability', () => {
    for (const title of ['SLO attainment (30d)', 'Error budget remaining (30d)']) {
      const p = byTitle(overview, title);
      expect(p.targets.map((t) => t.legendFormat)).toEqual(['TTFT {{model_name}}', 'ITL {{model_name}}', 'E2E {{model_name}}', 'availability {{model_name}}']);
      for (const t of p.targets) expect(t.expr).toMatch(/sum by \(engine, model_name, job\) \(sum_over_time\(/);
    }
    // Availability's budget is the stack's: 0.5% here.
    expect(byTitle(overview, 'Error budget remaining (30d)').targets[3]!.expr).toMatch(/\/ 0\.005$/);
    const avail = byTitle(overview, 'Availability and error rate (5m)');
    expect(avail.fieldConfig.overrides.map((o) => o.properties[0]!.value)).toEqual([
      { mode: 'absolute', steps: [{ color: 'red', value: null }, { color: 'green', value: 0.995 }] },
      { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'red', value: 0.005 }] },
    ]);
  });

  it('lists firing alerts by severity, Watchdog apart', () => {
    const count = byTitle(overview, 'Firing alerts');
    expect(count.targets.map((t) => t.legendFormat)).toEqual(['critical', 'warning', 'info', 'Watchdog']);
    const list = byTitle(overview, 'Firing alerts, most severe first');
    expect(list.type).toBe('table');
    expect(list.targets[0]).toMatchObject({ instant: true, range: false, format: 'table' });
    expect(list.transformations?.[0]).toEqual({ id: 'sortBy', options: { sort: [{ field: 'Value', desc: true }] } });
  });

  it('draws heatmaps from the engines’ buckets, not recomputed ones', () => {
    const heatmaps = all(overview).filter((p) => p.type === 'heatmap');
    expect(heatmaps.length).toBeGreaterThanOrEqual(5);
    for (const p of heatmaps) {
      expect(p.options).toMatchObject({ calculate: false });
      expect(p.targets[0]).toMatchObject({ format: 'heatmap', legendFormat: '{{le}}' });
      expect(p.targets[0]!.expr).toMatch(/^sum by \(le\) \(llm:\w+_bucket:rate5m\{/);
    }
  });
});

describe('serving dashboards everywhere', () => {
  it('draw the objective as a dashed line on every latency graph', () => {
    for (const [d, titles] of [
      [overview, ['Time to first token', 'Inter-token latency', 'End-to-end latency']],
      [instance, ['TTFT', 'Inter-token latency', 'End-to-end latency']],
    ] as const) {
      for (const [i, title] of titles.entries()) {
        const p = byTitle(d, title);
        expect(p.fieldConfig.defaults.custom).toMatchObject({ thresholdsStyle: { mode: 'dashed' } });
        expect(steps(p).at(-1)!.value).toBe([SLO.ttftP99Seconds, SLO.itlP99Seconds, SLO.e2eP99Seconds][i]);
      }
    }
  });

  it('follow $model_name and $instance in every serving query (process series have no model)', () => {
    for (const d of [overview, instance]) {
      for (const p of all(d)) {
        for (const t of p.targets) {
          if (/\bup\b|ALERTS/.test(t.expr) && seriesIn(t.expr).length === 0) continue; // the stack's own health
          expect(t.expr, `${d.uid} ${p.title}`).toContain('instance=~"$instance"');
          const processOnly = seriesIn(t.expr).every((n) => !seriesDef(n)?.labels.includes('model_name'));
          if (!processOnly) expect(t.expr, `${d.uid} ${p.title}`).toContain('model_name=~"$model_name"');
        }
      }
    }
  });

  it('link down: overview to the instance, the instance to its GPUs and host, time range kept', () => {
    const links = (d: Dashboard) => all(d).flatMap((p) => p.fieldConfig.defaults.links ?? []);
    expect(links(overview).some((l) => l.url.startsWith(`/d/${INSTANCE_UID}?\${__url_time_range}&`) && l.url.includes('var-instance=${__field.labels.instance}'))).toBe(true);
    expect(links(instance).some((l) => l.url === `/d/${GPU_UID}?\${__url_time_range}&var-host=\${__field.labels.host}`)).toBe(true);
    expect(links(instance).some((l) => l.url === `/d/${HOST_UID}?\${__url_time_range}&var-instance=\${__field.labels.host}`)).toBe(true);
    for (const d of renderDashboards('dcgm').values()) expect(d.links, d.uid).toEqual([expect.objectContaining({ type: 'dashboards', keepTime: true, includeVars: true, tags: ['create-vllm-monitor'] })]);
  });

  it('show the stack’s alerts, firing to resolved, and engine restarts on their graphs', () => {
    for (const d of [overview, instance]) {
      expect(d.annotations.list).toContainEqual(expect.objectContaining({ name: 'Alerts', expr: 'ALERTS{alertstate="firing", alertname!="Watchdog"}', enable: true, titleFormat: '{{alertname}} ({{severity}})' }));
      // Restarts, from the normalised series (start time changed, or counters back to 0), for the selection.
      expect(d.annotations.list).toContainEqual(expect.objectContaining({ name: 'Engine restarts', expr: 'llm:engine_restarts:count5m{job=~"$job", engine=~"$engine", model_name=~"$model_name", instance=~"$instance"} > 0' }));
    }
  });

  it('keep optional features in collapsed rows, and describe every panel with what to do', () => {
    const collapsed = overview.panels.filter((p) => p.type === 'row' && p.collapsed);
    expect(collapsed.map((r) => r.title.replace(/ \(optional.*/, ''))).toEqual(['Speculative decoding', 'Prefill/decode disaggregation and KV offload', 'LoRA adapters', 'Engine internals: MFU, forward passes, corrupted requests']);
    for (const r of collapsed) expect(r.type === 'row' && r.panels.length, r.title).toBeGreaterThan(0);
    for (const p of firstScreen) expect(p.description.length, p.title).toBeGreaterThan(80);
  });
});
