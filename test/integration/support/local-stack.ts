/**
 * A generated stack's Prometheus and Alertmanager run on loopback as real processes, with the
 * generated configs: the file_sd targets point at local servers (pointTargets), and the stack's own
 * jobs (prometheus, alertmanager) and its `alerting` section at the local processes. Nothing else
 * is changed, so validate judges what a user would run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { type RunningAlertmanager, startAlertmanager } from '../../alertmanager/support.js';
import { type RunningPrometheus, startPrometheus } from './prometheus.js';
import type { TestStack } from './test-stack.js';

export interface LocalStack {
  prom: RunningPrometheus;
  am: RunningAlertmanager;
  stop: () => Promise<void>;
}

interface PromConfig {
  scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[];
  alerting?: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
}

export async function startLocalStack(stack: TestStack, binaries: { prometheus: string; alertmanager: string }): Promise<LocalStack> {
  const am = await startAlertmanager(binaries.alertmanager, join(stack.dir, 'alertmanager/alertmanager.yml'));
  const prom = await startPrometheus({ binary: binaries.prometheus, configFile: stack.configFile });
  // Prometheus listens on a free port known only once it runs: point its self-scrape there, reload.
  const config = parse(readFileSync(stack.configFile, 'utf8')) as PromConfig;
  const local: Record<string, string> = { prometheus: prom.url, alertmanager: am.url };
  for (const job of config.scrape_configs) {
    const url = local[job.job_name];
    if (url) job.static_configs![0]!.targets = [url.replace('http://', '')];
  }
  for (const a of config.alerting?.alertmanagers ?? []) a.static_configs[0]!.targets = [am.url.replace('http://', '')];
  writeFileSync(stack.configFile, stringify(config));
  const reload = await fetch(`${prom.url}/-/reload`, { method: 'POST' });
  if (!reload.ok) throw new Error(`Prometheus reload: HTTP ${reload.status} ${await reload.text()}`);
  return {
    prom,
    am,
    stop: async () => {
      await prom.stop();
      await am.stop();
    },
  };
}
