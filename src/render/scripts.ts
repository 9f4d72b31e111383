/**
 * Start/stop scripts: their views here, their layout in templates/*-monitoring.{sh,ps1,bat}.hbs,
 * where each value is quoted for its shell. Windows scripts are emitted with CRLF line ends.
 */
import { type StackSpec, WEB_PASSWORD_ENV } from '../config/types.js';
import { SECRETS_DIR, WEB_USER } from './secrets.js';
import { crlf } from './files.js';
import { layout, type TemplateSources } from './templates.js';

/** With --expose Prometheus and Alertmanager ask for the web password. */
const auth = (spec: StackSpec): string => (spec.expose ? `  (user ${WEB_USER}, password: ${WEB_PASSWORD_ENV} in .env)` : '');

function startView(spec: StackSpec) {
  return {
    secretsDir: SECRETS_DIR,
    secretsMissing: `${SECRETS_DIR}/ is missing: it holds the secrets of .env for the containers. Run create-vllm-monitor up (or create-vllm-monitor again) in this folder to recreate it.`,
    urls: [
      `Grafana:      http://localhost:${spec.ports.grafana}  (user admin, password: GRAFANA_ADMIN_PASSWORD in .env)`,
      `Prometheus:   http://localhost:${spec.ports.prometheus}${auth(spec)}`,
      `Alertmanager: http://localhost:${spec.ports.alertmanager}${auth(spec)}`,
      ...(spec.ha
        ? [`Prometheus 2: http://localhost:${spec.ports.prometheus2}${auth(spec)}`, `Alertmanager 2: http://localhost:${spec.ports.alertmanager2}${auth(spec)}`]
        : []),
    ],
  };
}

/** The six scripts by file name. */
export function renderScripts(spec: StackSpec, sources: TemplateSources): [string, string, number?][] {
  const start = startView(spec);
  return [
    ['start-monitoring.sh', layout(sources, 'start-monitoring.sh.hbs', start), 0o755],
    ['stop-monitoring.sh', layout(sources, 'stop-monitoring.sh.hbs', {}), 0o755],
    ['start-monitoring.ps1', crlf(layout(sources, 'start-monitoring.ps1.hbs', start))],
    ['stop-monitoring.ps1', crlf(layout(sources, 'stop-monitoring.ps1.hbs', {}))],
    ['start-monitoring.bat', crlf(layout(sources, 'start-monitoring.bat.hbs', { ps1: 'start-monitoring.ps1' }))],
    ['stop-monitoring.bat', crlf(layout(sources, 'stop-monitoring.bat.hbs', { ps1: 'stop-monitoring.ps1' }))],
  ];
}
