/** One line of doctor's checklist: what was checked, how it stands, and what to do about it. */
export type FindingStatus = 'ok' | 'warn' | 'fail';

export interface Finding {
  check: string;
  status: FindingStatus;
  detail: string;
  /** What to do; empty when nothing needs doing. */
  fix: string;
}

export const ok = (check: string, detail: string): Finding => ({ check, status: 'ok', detail, fix: '' });
export const warn = (check: string, detail: string, fix: string): Finding => ({ check, status: 'warn', detail, fix });
export const fail = (check: string, detail: string, fix: string): Finding => ({ check, status: 'fail', detail, fix });

export const needsAction = (findings: readonly Finding[]): boolean => findings.some((f) => f.status !== 'ok');
