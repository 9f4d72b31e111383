/** Which dashboards and alerts read each normalised series (computed, so it cannot drift). */
import { gpuAlerts, llmAlerts, platformAlerts } from '../rules/alerts.js';
import { seriesIn } from '../rules/series.js';
import { DEFAULT_SLO } from '../config/defaults.js';
import { panelQueries, renderDashboards } from './index.js';

export function seriesUsage(): Map<string, string[]> {
  const usage = new Map<string, string[]>();
  const note = (series: string, where: string) => {
    const list = usage.get(series) ?? [];
    if (!list.includes(where)) list.push(where);
    usage.set(series, list);
  };
  for (const [, d] of renderDashboards('dcgm')) for (const q of panelQueries(d)) for (const s of seriesIn(q.expr)) note(s, `dashboard ${d.uid}: ${q.title}`);
  for (const [, d] of renderDashboards('dcgm')) {
    for (const a of d.annotations.list) if (typeof a.expr === 'string') for (const s of seriesIn(a.expr)) note(s, `dashboard ${d.uid}: annotation ${String(a.name)}`);
  }
  for (const a of [...llmAlerts(DEFAULT_SLO), ...gpuAlerts('dcgm'), ...gpuAlerts('nvidia-smi'), ...platformAlerts()]) {
    for (const s of seriesIn(a.rule.expr)) note(s, `alert ${a.rule.alert}`);
  }
  return usage;
}
