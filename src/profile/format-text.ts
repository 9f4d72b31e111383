/** The summary as text for a terminal: nsys-style tables, one block per trace file and device. */
import { basename } from 'node:path';
import type { ProfileReport } from './report.js';
import type { DeviceSummary, TraceSummary } from './summarize.js';

const f3 = (v: number): string => v.toFixed(3);
const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
const shorten = (name: string, max = 100): string => (name.length > max ? `${name.slice(0, max - 1)}…` : name);

function table(header: string[], rows: (string | number)[][], leftLast = true): string[] {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells.map((r) => `    ${r.map((c, i) => (leftLast && i === r.length - 1 ? c : c.padStart(widths[i]!))).join('  ')}`.trimEnd());
}

function device(d: DeviceSummary): string[] {
  const c = d.communication;
  const lines = [
    `  GPU ${d.device}${d.name ? ` (${d.name})` : ''}: window ${f3(d.window.duration_ms)} ms, ${d.window.description}`,
    `    busy ${f3(d.busy_ms)} ms (${pct(d.busy_fraction)}), idle ${f3(d.idle_ms)} ms (${pct(d.idle_fraction)}) — union of GPU intervals, overlaps counted once; summed GPU op time ${f3(d.summed_gpu_ms)} ms on ${d.streams} stream${d.streams === 1 ? '' : 's'}`,
  ];
  if (d.longest_idle_gaps.length) lines.push(`    longest idle gaps: ${d.longest_idle_gaps.map((g) => `${f3(g.duration_ms)} ms at +${f3(g.offset_ms)} ms`).join(', ')}`);
  if (d.outside_window.count) lines.push(`    ${d.outside_window.count} GPU ops (${f3(d.outside_window.time_ms)} ms) started outside the window and are left out`);
  lines.push(`    kernels: ${d.kernels.count}, ${f3(d.kernels.total_ms)} ms`);
  lines.push(...table(
    ['Time %', 'Total ms', 'Instances', 'Avg ms', 'Med ms', 'Min ms', 'Max ms', 'StdDev ms', 'Name'],
    d.kernels.top.map((k) => [pct(k.share), f3(k.total_ms), k.count, f3(k.mean_ms), f3(k.median_ms), f3(k.min_ms), f3(k.max_ms), f3(k.std_ms), `${k.communication ? '[comm] ' : ''}${shorten(k.name)}`]),
  ).map((l) => `  ${l}`));
  lines.push(`    memcpy: ${d.memcpy.count}, ${f3(d.memcpy.total_ms)} ms${d.memcpy.kinds.length ? ` (${d.memcpy.kinds.map((k) => `${k.name}: ${k.count}, ${f3(k.total_ms)} ms`).join('; ')})` : ''}; memset: ${d.memset.count}, ${f3(d.memset.total_ms)} ms`);
  lines.push(c.kernels
    ? `    communication: ${c.kernels} kernels, ${f3(c.time_ms)} ms; compute ${f3(c.compute_ms)} ms; overlapped ${f3(c.overlap_ms)} ms (${pct(c.overlap_fraction ?? 0)} of communication); exposed ${f3(c.exposed_ms)} ms`
    : `    communication: none (compute ${f3(c.compute_ms)} ms)`);
  if (d.without_launch) lines.push(`    ${d.without_launch} GPU ops have no launch record in the trace`);
  return lines;
}

function trace(t: TraceSummary & { next: string[] }): string[] {
  const lines = [`${basename(t.file)}${t.rank !== null ? ` — rank ${t.rank}${t.world_size !== null ? ` of ${t.world_size}` : ''}` : ''}, ${t.events.toLocaleString('en-US')} events, ${(t.bytes / 2 ** 20).toFixed(1)} MiB of JSON`];
  if (!t.devices.length) lines.push('  no GPU activity (a CPU-only trace)');
  for (const d of t.devices) lines.push(...device(d));
  if (t.cpu_ops.count) {
    const rows = (list: typeof t.cpu_ops.by_self): (string | number)[][] => list.map((o) => [f3(o.self_ms), f3(o.total_ms), o.count, shorten(o.name)]);
    lines.push(`  CPU ops (${t.cpu_ops.count}), top by self time (total minus child ops):`, ...table(['Self ms', 'Total ms', 'Calls', 'Name'], rows(t.cpu_ops.by_self)));
    lines.push('  CPU ops, top by total time:', ...table(['Self ms', 'Total ms', 'Calls', 'Name'], rows(t.cpu_ops.by_total)));
  }
  if (t.module_classes.length) {
    lines.push('  Modules: GPU time of the kernels each launched (children included), by class:', ...table(
      ['Total ms', 'Avg ms/call', 'Calls', 'Instances', 'Module'],
      t.module_classes.slice(0, 15).map((m) => [f3(m.total_ms), f3(m.avg_ms), m.calls, m.instances, m.name]),
    ));
  }
  for (const g of t.steps) {
    lines.push(`  ${g.description}: ${g.count}; CPU mean ${f3(g.cpu_ms.mean)} ms (min ${f3(g.cpu_ms.min)}, max ${f3(g.cpu_ms.max)})${g.gpu_ms ? `; GPU mean ${f3(g.gpu_ms.mean)} ms (min ${f3(g.gpu_ms.min)}, max ${f3(g.gpu_ms.max)})` : ''}`);
    for (const s of g.steps.slice(0, 10)) lines.push(`    ${shorten(s.name, 80)}: CPU ${f3(s.cpu_ms)} ms${s.gpu_ms !== null ? `, GPU ${f3(s.gpu_ms)} ms` : ''}`);
    if (g.steps.length > 10) lines.push(`    … ${g.count - 10} more (--json lists them)`);
  }
  if (t.next.length) lines.push('  What to look at next:', ...t.next.map((n) => `    - ${n}`));
  return lines;
}

function ranks(c: NonNullable<ProfileReport['ranks']>): string[] {
  return [
    `Ranks side by side (busiest / least busy GPU: ${c.busy_spread.toFixed(2)}×):`,
    ...table(['Rank', 'GPU', 'Busy ms', 'Busy %', 'Exposed comm ms', 'File'], c.rows.map((r) => [r.rank ?? '-', r.device, f3(r.busy_ms), pct(r.busy_fraction), f3(r.exposed_communication_ms), basename(r.file)])),
    ...(c.advice ? [`  - ${c.advice}`] : []),
  ];
}

export function formatText(r: ProfileReport): string {
  return [...r.traces.map((t) => trace(t).join('\n')), ...(r.ranks ? [ranks(r.ranks).join('\n')] : [])].join('\n\n');
}
