/** An alert rule with its runbook text, and the builder every alert module uses. */
import type { AlertingRule, Severity } from './types.js';

/** An alert's section on a runbook page: GitHub-style heading anchor, the alert name in lower case. */
export const runbookLink = (page: string, alert: string): string => `${page}#${alert.toLowerCase()}`;

export interface AlertDoc {
  rule: AlertingRule;
  /** What to check and do, for the runbook. */
  runbook: string;
}

/** Optional annotations the notification templates show: the value and the threshold it crossed. */
export interface AlertValue {
  value?: string;
  threshold?: string;
}

export type AlertBuilder = (
  name: string,
  severity: Severity,
  forDuration: string,
  expr: string,
  summary: string,
  description: string,
  runbook: string,
  shown?: AlertValue,
) => AlertDoc;

/** Builds alerts whose runbook_url points into `runbookPage`. */
export const alertsLinkingTo =
  (runbookPage: string): AlertBuilder =>
  (name, severity, forDuration, expr, summary, description, runbook, shown = {}) => ({
    rule: {
      alert: name,
      expr,
      for: forDuration,
      labels: { severity },
      annotations: { summary, description, runbook_url: runbookLink(runbookPage, name), ...shown },
    },
    runbook,
  });
