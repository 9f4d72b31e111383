/** validate's output: a table for people (status, check, detail, and the fix under it) or JSON. */
import type { Check, CheckStatus, ValidateReport } from './types.js';

const MARK: Record<CheckStatus, string> = { pass: 'ok  ', fail: 'FAIL', warn: 'warn', skip: 'skip' };

export function formatTable(checks: Check[]): string[] {
  const lines: string[] = [];
  const width = Math.min(48, Math.max(...checks.map((c) => c.name.length)));
  for (const group of ['static', 'live'] as const) {
    const mine = checks.filter((c) => c.group === group);
    if (!mine.length) continue;
    lines.push(group === 'static' ? 'Static checks' : 'Live checks');
    for (const c of mine) {
      lines.push(`  ${MARK[c.status]}  ${c.name.padEnd(width)}  ${c.detail}`);
      if (c.fix && c.status !== 'pass') lines.push(`  ${' '.repeat(4)}  ${' '.repeat(width)}  → ${c.fix}`);
    }
  }
  return lines;
}

export function summaryLine(report: ValidateReport): string {
  const count = (s: CheckStatus) => report.checks.filter((c) => c.status === s).length;
  const parts = [`${count('pass')} passed`, `${count('fail')} failed`, `${count('warn')} warnings`, `${count('skip')} skipped`];
  return `${report.ok ? 'Validation passed' : 'Validation FAILED'}: ${parts.join(', ')}.`;
}

export function toJson(report: ValidateReport): string {
  return JSON.stringify(report, null, 2);
}
