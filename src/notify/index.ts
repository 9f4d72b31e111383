/**
 * The notification templates of a stack: alertmanager/templates/*.tmpl, loaded through
 * `templates:` in alertmanager.yml. Only cvm-links.tmpl depends on the stack (Grafana's URL).
 */
import { COMMON_FILE, COMMON_TEMPLATES } from './common.js';
import { EMAIL_FILE, EMAIL_TEMPLATES } from './email.js';
import { LINKS_FILE, linksTemplates } from './links.js';
import { MSTEAMS_FILE, MSTEAMS_TEMPLATES } from './msteams.js';
import { PAGERDUTY_FILE, PAGERDUTY_TEMPLATES } from './pagerduty.js';
import { SLACK_FILE, SLACK_TEMPLATES } from './slack.js';

/** Where the templates live, relative to alertmanager.yml (Alertmanager resolves them from there). */
export const TEMPLATES_DIR = 'templates';
export const TEMPLATES_GLOB = `${TEMPLATES_DIR}/*.tmpl`;

export { DASHBOARD_VARIABLES } from './links.js';

/** File name -> template text; every stack gets all of them, so switching receivers needs no new files. */
export function notificationTemplates(grafanaUrl: string | undefined): Map<string, string> {
  return new Map([
    [COMMON_FILE, COMMON_TEMPLATES],
    [LINKS_FILE, linksTemplates(grafanaUrl)],
    [SLACK_FILE, SLACK_TEMPLATES],
    [MSTEAMS_FILE, MSTEAMS_TEMPLATES],
    [EMAIL_FILE, EMAIL_TEMPLATES],
    [PAGERDUTY_FILE, PAGERDUTY_TEMPLATES],
  ]);
}

/** `{{ template "name" . }}`, as alertmanager.yml fields call them. */
export const call = (name: string): string => `{{ template "${name}" . }}`;
