/** The default command: collect input (flags, config file, prompts), build the spec, render, write. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CliErrors, usageError } from '../errors.js';
import { checkObjectives } from '../rules/slo.js';
import { render } from '../render/index.js';
import { TemplateError, type TemplateSources } from '../render/templates.js';
import { loadTemplates } from './templates-dir.js';
import { buildSpec, PROJECT_DEFAULT_DIR } from '../config/build.js';
import { type ConfigInput, parseConfig } from '../config/input.js';
import { type Ports, type StackSpec, WEB_PASSWORD_ENV } from '../config/types.js';
import { WEB_USER } from '../render/secrets.js';
import { readManifest } from '../write/manifest.js';
import { applyPlan, describePlan, planWrite, type WritePlan } from '../write/write.js';
import { pinEngines } from '../fleet/edit.js';
import { nextFreePort, portIsFree } from '../stack/ports.js';
import { buildContext, thisPlatform } from './environment.js';
import { CREATE_FLAGS, type FlagValues } from './create-flags.js';
import { configFromFlags, mergeInputs } from './from-flags.js';
import { receiversOf } from './receiver-flags.js';
import type { Io } from './io.js';
import { VERSION } from './version.js';
import { webPassword } from './web-password.js';

export interface CreateResult {
  dir: string;
  plan: WritePlan;
  spec: StackSpec;
  warnings: string[];
  dryRun: boolean;
}

function parseFlags(argv: string[]): { values: FlagValues; positionals: string[] } {
  const options = Object.fromEntries(
    CREATE_FLAGS.map((f) => [f.name, { type: f.type, ...(f.multiple ? { multiple: true } : {}), ...(f.short ? { short: f.short } : {}) }]),
  );
  try {
    const { values, positionals } = parseArgs({ args: argv, options: options as never, allowPositionals: true, strict: true });
    return { values: values as FlagValues, positionals };
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0]!;
    const flag = /'(-[^']+)'/.exec(msg)?.[1] ?? 'arguments';
    throw usageError(flag, msg.replace(/\. To specify.*$/, ''), 'see create-vllm-monitor --help');
  }
}

/** Compose project names: lower case letters, digits, dashes and underscores. */
export function projectName(dir: string): string {
  const name = basename(resolve(dir)).toLowerCase().replace(/[^a-z0-9_-]/g, '-').replace(/^[-_]+/, '');
  return name || PROJECT_DEFAULT_DIR;
}

/** KEY=VALUE lines of an existing .env, so regeneration keeps passwords and keys. */
export function readEnvFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    const raw = m[2]!;
    out[m[1]!] = raw.startsWith("'") && raw.endsWith("'") && raw.length >= 2 ? raw.slice(1, -1) : raw;
  }
  return out;
}

/** 24 characters from a CSPRNG (144 bits), safe in .env, URLs and shells. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

async function portWarnings(ports: Ports, expose: boolean): Promise<string[]> {
  const host = expose ? '0.0.0.0' : '127.0.0.1';
  const warnings: string[] = [];
  const taken = new Set(Object.values(ports));
  for (const [name, port] of Object.entries(ports) as [keyof Ports, number][]) {
    if (await portIsFree(port, host)) continue;
    const next = await nextFreePort(port, host, taken);
    warnings.push(`ports.${name}: port ${port} is in use on this machine${next ? `; ${next} is free — pass --${name}-port ${next}` : ''} (or stop what uses it before starting the stack)`);
  }
  return warnings;
}

export async function create(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags(argv);
  if (positionals.length > 1) throw usageError('dir', `expected one directory, got ${positionals.length}: ${positionals.join(' ')}`, 'quote paths with spaces');
  const interactive = io.isTTY && values.yes !== true && values.json !== true;

  let dir = positionals[0];
  if (dir === undefined && interactive) {
    const { askDirectory } = await import('./wizard.js');
    dir = await askDirectory(PROJECT_DEFAULT_DIR);
  }
  dir ??= PROJECT_DEFAULT_DIR;

  let fileInput: ConfigInput = {};
  if (typeof values.config === 'string') {
    let text: string;
    try {
      text = readFileSync(values.config, 'utf8');
    } catch (err) {
      throw usageError('--config', `cannot read ${values.config} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'check the path');
    }
    fileInput = parseConfig(text, values.config);
    if (fileInput.templates !== undefined) fileInput.templates = resolve(dirname(values.config), fileInput.templates);
  }
  const previous = readManifest(dir);
  // Receiver settings flags alone complete the file's receivers, or those of the last generation.
  const flagInput = configFromFlags(values, receiversOf(fileInput) ?? (previous && !values.config ? receiversOf(previous.input) : undefined));
  // Re-running in a generated stack with no new targets regenerates from what it was made of.
  const base = previous && !values.config && !flagInput.targets ? previous.input : {};
  let input = mergeInputs(mergeInputs(base, fileInput), flagInput);

  // Read before the wizard: a bad template stops the run before any question or write.
  const templates = input.templates ? { dir: input.templates, sources: loadTemplates(input.templates) } : undefined;

  if (interactive) {
    const { runWizard } = await import('./wizard.js');
    const { detectGpu } = await import('./environment.js');
    input = await runWizard(input, { detectGpu, platform: thisPlatform() });
  } else if (!input.targets?.length && !previous && input.platform !== 'kubernetes') {
    input.targets = [{ engine: 'vllm', url: 'http://localhost:8000' }];
  }

  const existingSecrets = readEnvFile(join(dir, '.env'));
  const ctx = buildContext(io.env, existingSecrets);
  const { spec, secrets, warnings } = await buildSpec(input, projectName(dir), ctx);
  const objectives = checkObjectives(spec.slo, input.slo ?? {});
  if (objectives.errors.length > 0) throw new CliErrors(objectives.errors);
  warnings.push(...objectives.warnings);
  if (!interactive && spec.platform === thisPlatform()) warnings.push(...(await portWarnings(spec.ports, spec.expose)));

  const files = renderWith(
    spec,
    {
      grafanaAdminPassword: existingSecrets.GRAFANA_ADMIN_PASSWORD ?? generatePassword(),
      ...(spec.expose ? { web: webPassword(dir, existingSecrets, generatePassword) } : {}),
      env: secrets,
    },
    templates,
  );
  const dryRun = values['dry-run'] === true;
  // `auto` engines are stored as found, so later commands need not reach every server again.
  const storedInput = pinRemoteWriteAuth(pinEngines(withoutSecrets(input), spec), spec);
  let plan: WritePlan;
  try {
    plan = planWrite(dir, files, { overwrite: values.overwrite === true, force: values.force === true, version: VERSION, input: storedInput });
  } catch (err) {
    if (!(interactive && (err as Error).message.includes('--overwrite'))) throw err;
    const { default: confirm } = await import('@inquirer/confirm');
    if (!(await confirm({ message: `${dir} is not empty. Write the stack into it anyway (other files are left alone)?`, default: false }))) {
      io.err('Cancelled; nothing was written.');
      return 1;
    }
    plan = planWrite(dir, files, { overwrite: true, force: values.force === true, version: VERSION, input: storedInput });
  }
  if (!dryRun) applyPlan(plan, files);

  const result: CreateResult = { dir, plan, spec, warnings, dryRun };
  // --start: bring the stack up (health-gated) and validate it; the exit code is validate's.
  const start = values.start === true && !dryRun ? await import('../commands/up.js') : undefined;
  if (values.json === true) {
    const started = start ? await start.startAndValidate(dir, io, { json: true }) : undefined;
    io.out(JSON.stringify({ ...jsonSummary(result), ...(started ? { start: started.json } : {}) }, null, 2));
    return started?.code ?? 0;
  }
  printSummary(result, io);
  if (start) {
    io.out('');
    io.out('Starting the stack (--start) ...');
    return (await start.startAndValidate(dir, io, {})).code;
  }
  return 0;
}

/** render(), a --templates file that names a field no view has reported as bad input. */
function renderWith(spec: StackSpec, secrets: Parameters<typeof render>[1], templates: { dir: string; sources: TemplateSources } | undefined) {
  try {
    return render(spec, secrets, templates?.sources);
  } catch (err) {
    if (err instanceof TemplateError && templates) {
      throw usageError('--templates', `${join(templates.dir, err.message)}`, 'use only the fields the built-in template of that name uses');
    }
    throw err;
  }
}

/** What goes into the manifest: the input minus anything secret (secrets live in .env). */
function withoutSecrets(input: ConfigInput): ConfigInput {
  const copy = structuredClone(input);
  for (const r of [...(copy.receiver ? [copy.receiver] : []), ...(copy.receivers ?? [])]) {
    if (r.slack) delete r.slack.webhookUrl;
    if (r.email) delete r.email.password;
    if (r.pagerduty) delete r.pagerduty.routingKey;
    if (r.msteams) delete r.msteams.webhookUrl;
  }
  // `heartbeat: {}` stays: regenerating keeps the heartbeat, with its URL from .env.
  if (copy.heartbeat) delete copy.heartbeat.url;
  for (const e of copy.remoteWrite?.endpoints ?? []) {
    delete e.password;
    delete e.token;
  }
  return copy;
}

/** The auth each endpoint got, so regenerating without the secret at hand (it is in .env) keeps it. */
function pinRemoteWriteAuth(input: ConfigInput, spec: StackSpec): ConfigInput {
  spec.remoteWrite?.endpoints.forEach((e, i) => {
    const stored = input.remoteWrite?.endpoints?.[i];
    if (stored) stored.auth = e.auth.kind;
  });
  return input;
}

function urls(spec: StackSpec): Record<string, string> {
  return {
    grafana: `http://localhost:${spec.ports.grafana}`,
    prometheus: `http://localhost:${spec.ports.prometheus}`,
    alertmanager: `http://localhost:${spec.ports.alertmanager}`,
    ...(spec.ha ? { prometheus2: `http://localhost:${spec.ports.prometheus2}`, alertmanager2: `http://localhost:${spec.ports.alertmanager2}` } : {}),
  };
}

function jsonSummary(r: CreateResult): Record<string, unknown> {
  return {
    dir: r.plan.dir,
    dryRun: r.dryRun,
    files: r.plan.files,
    warnings: r.warnings,
    // A kubernetes folder runs nothing here: where its objects go instead of local URLs.
    ...(r.spec.kubernetes ? { kubernetes: { namespace: r.spec.kubernetes.namespace, release: r.spec.kubernetes.release } } : { urls: urls(r.spec) }),
    targets: r.spec.targets.map((t) => ({ name: t.name, engine: t.engine, url: t.url, scrapes: `${t.scheme}://${t.address}${t.metricsPath}` })),
    gpu: r.spec.gpu,
    receivers: r.spec.receivers.map((x) => ({ name: x.name, kind: x.kind, severities: x.severities })),
    // What notifications link to (--public-url); `urls` are the ones to open on this machine.
    publicUrls: r.spec.urls,
    // Where the data also goes; the credentials stay in .env.
    ...(r.spec.remoteWrite
      ? { remoteWrite: { cluster: r.spec.remoteWrite.cluster, replica: r.spec.remoteWrite.replica, endpoints: r.spec.remoteWrite.endpoints.map((e) => ({ url: e.url, auth: e.auth.kind, recordedOnly: e.recordedOnly })) } }
      : {}),
  };
}

function printSummary(r: CreateResult, io: Io): void {
  for (const w of r.warnings) io.err(`warning: ${w}`);
  io.out(r.dryRun ? `Dry run: nothing written. In ${r.plan.dir} this would:` : `Monitoring stack written to ${r.plan.dir}:`);
  for (const line of describePlan(r.plan)) io.out(`  ${line}`);
  if (r.dryRun) return;
  const kept = r.plan.files.filter((f) => f.action.startsWith('keep'));
  if (kept.length) io.out(`Kept ${kept.length} file(s) you changed: ${kept.map((f) => f.path).join(', ')} (--force replaces them).`);
  io.out('');
  io.out('Next steps:');
  io.out(`  cd ${r.dir}`);
  if (r.spec.kubernetes) {
    io.out('  kubectl apply --server-side -k .   (README.md: the chart settings it needs, the Secret to create first, how to verify)');
    return;
  }
  const u = urls(r.spec);
  io.out(r.spec.platform === 'windows' ? '  .\\start-monitoring.ps1   (or double-click start-monitoring.bat)' : '  ./start-monitoring.sh');
  if (r.spec.grafana) io.out(`  Grafana ${u.grafana}   user admin, password: GRAFANA_ADMIN_PASSWORD in ${join(r.dir, '.env')}`);
  else io.out('  Grafana is left out (--no-grafana): import grafana/dashboards/*.json into your Grafana.');
  io.out(`  Prometheus ${u.prometheus}   Alertmanager ${u.alertmanager}${r.spec.expose ? `   user ${WEB_USER}, password: ${WEB_PASSWORD_ENV} in ${join(r.dir, '.env')}` : ''}`);
  if (r.spec.ha) io.out(`  HA pair (--ha): Prometheus 2 ${u.prometheus2}   Alertmanager 2 ${u.alertmanager2}   (README.md: "High availability")`);
  const links = r.spec.urls;
  if (links.alertmanager !== u.alertmanager || links.prometheus !== u.prometheus || (links.grafana && links.grafana !== u.grafana)) {
    io.out(`  Links in alerts: ${[links.grafana && `Grafana ${links.grafana}`, `Prometheus ${links.prometheus}`, `Alertmanager ${links.alertmanager}`].filter(Boolean).join('   ')}`);
  }
}
