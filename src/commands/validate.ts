/** `create-vllm-monitor validate [dir]`: static and live checks; exit 0 only when all passed. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_FAILURE, EXIT_OK, usageError } from '../errors.js';
import type { Io } from '../cli/io.js';
import { httpUrl, parseCommandArgs, progressPrinter, seconds } from '../stack/args.js';
import { type ComposeCli, findCompose } from '../stack/compose-cli.js';
import { COMPOSE_FILE } from '../stack/stack-dir.js';
import { validate } from '../validate/index.js';
import { formatTable, summaryLine, toJson } from '../validate/report.js';

export const HELP = `Usage: create-vllm-monitor validate [dir] [flags]

Checks the stack in dir (default .): statically (compose file, promtool check config / check rules /
test rules, amtool check-config, dashboards' datasource and PromQL) and live (Prometheus ready, every
target up, rules healthy, Alertmanager connected, Grafana and its dashboards, every panel's query).
  --prometheus-url URL     Prometheus to check (default: from docker-compose.yml)
  --alertmanager-url URL   Alertmanager to check (default: from docker-compose.yml)
  --grafana-url URL        Grafana to check (default: from docker-compose.yml, when it has Grafana)
  --fire-test-alert        post a test alert to Alertmanager and confirm it was delivered
  --static                 static checks only (no running stack needed)
  --live                   live checks only
  --strict-panels          a panel waiting for traffic fails (default: it warns; a panel not
                           applicable to this stack passes, saying which version or flag brings it)
  --wait N                 seconds to wait for readiness and first scrapes (default 120)
  --json                   print the report as JSON
Exit code 0 when every check passed, 1 otherwise.`;


export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs('validate', argv, {
    'prometheus-url': { type: 'string' },
    'alertmanager-url': { type: 'string' },
    'grafana-url': { type: 'string' },
    'fire-test-alert': { type: 'boolean' },
    static: { type: 'boolean' },
    live: { type: 'boolean' },
    'strict-panels': { type: 'boolean' },
    wait: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(HELP);
    return EXIT_OK;
  }
  const dir = positionals[0] ?? '.';
  const prometheusUrl = httpUrl('prometheus-url', values['prometheus-url']);
  const hasStack = existsSync(join(dir, COMPOSE_FILE));
  if (!hasStack && !prometheusUrl) {
    throw usageError('validate', `${dir} has no ${COMPOSE_FILE}`, 'pass the stack directory, or --prometheus-url URL to check a running Prometheus');
  }
  let compose: ComposeCli | undefined;
  if (hasStack && !values.live) compose = await findCompose(io.env).catch(() => undefined);
  const report = await validate({
    dir,
    ...(prometheusUrl ? { prometheusUrl } : {}),
    ...(values['alertmanager-url'] !== undefined ? { alertmanagerUrl: httpUrl('alertmanager-url', values['alertmanager-url'])! } : {}),
    ...(values['grafana-url'] !== undefined ? { grafanaUrl: httpUrl('grafana-url', values['grafana-url'])! } : {}),
    fireTestAlert: values['fire-test-alert'] === true,
    staticOnly: values.static === true,
    liveOnly: values.live === true,
    strictPanels: values['strict-panels'] === true,
    waitMs: seconds('wait', values.wait, 120) * 1000,
    ...(compose ? { compose } : {}),
    env: io.env,
    onProgress: progressPrinter(io.err.bind(io)),
  });
  if (values.json) io.out(toJson(report));
  else {
    for (const line of formatTable(report.checks)) io.out(line);
    io.out(summaryLine(report));
  }
  return report.ok ? EXIT_OK : EXIT_FAILURE;
}
