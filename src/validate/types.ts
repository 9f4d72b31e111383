/** The result of validate: one row per check, grouped static / live. */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface Check {
  group: 'static' | 'live';
  /** Short name of what was checked, e.g. "promtool check config", "target vllm/llama". */
  name: string;
  status: CheckStatus;
  /** What was found, one line. */
  detail: string;
  /** For fail/warn: what to do about it, one line. */
  fix?: string;
}

export interface ValidateReport {
  ok: boolean;
  checks: Check[];
  /** The panel probe's per-panel results, when it ran. */
  panels?: { dashboard: string; title: string; status: string; verdict?: string; note?: string; explanation?: string }[];
}

export function reportOk(checks: Check[]): boolean {
  return checks.every((c) => c.status !== 'fail');
}
