/**
 * `create-vllm-monitor targets add|remove|list [dir]`: change which servers a generated stack
 * scrapes while it runs. Only the file_sd lists (which Prometheus re-reads by itself), the remote
 * hosts' agents, the stack's README and its manifest are written; never prometheus.yml.
 */
import type { Io } from '../cli/io.js';
import { buildContext } from '../cli/environment.js';
import { parseTargetFlag } from '../cli/from-flags.js';
import { projectName } from '../cli/create.js';
import { stackSecrets } from '../cli/stack-secrets.js';
import { loadTemplates } from '../cli/templates-dir.js';
import { CliError, EXIT_OK, usageError } from '../errors.js';
import { addTarget, type EditDeps, listTargets, loadStackTargets, removeTarget } from '../fleet/edit.js';
import { parseCommandArgs } from '../stack/args.js';

export const HELP = `Usage:
  create-vllm-monitor targets add [NAME:]ENGINE=URL [dir]   ENGINE: vllm, sglang, router, or auto (reads the server's /metrics)
  create-vllm-monitor targets remove NAME [dir]
  create-vllm-monitor targets list [dir] [--json]

Changes the servers the stack in dir (default .) scrapes, without a restart: the file_sd lists
prometheus/targets/*.json (Prometheus re-reads them within seconds), agents/<host>/ for a new
remote host, the stack's README and its manifest. prometheus.yml is never touched. A change that
would alter any other file (a target with a token, the first gateway, removing the last server on
this machine where the GPU exporter runs here) is refused with the regeneration to run instead. A file you edited is not overwritten: the command stops instead.
Exit codes: 0 done, 1 failure, 2 bad input (nothing is written).`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs('targets', argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, 3);
  if (values.help) {
    io.out(HELP);
    return EXIT_OK;
  }
  const [action, ...rest] = positionals;
  const needs = action === 'list' ? 0 : 1;
  if (action !== 'add' && action !== 'remove' && action !== 'list') {
    throw usageError('targets', action === undefined ? 'missing action' : `unknown action ${JSON.stringify(action)}`, 'use targets add [NAME:]ENGINE=URL, targets remove NAME or targets list (see targets --help)');
  }
  if (rest.length < needs) throw usageError(`targets ${action}`, action === 'add' ? 'missing [NAME:]ENGINE=URL' : 'missing NAME', `write it like create-vllm-monitor targets ${action === 'add' ? 'add llama:vllm=http://10.0.0.5:8000' : 'remove llama'} [dir]`);
  if (rest.length > needs + 1) throw usageError(`targets ${action}`, `unexpected argument ${JSON.stringify(rest[needs + 1])}`, 'see create-vllm-monitor targets --help');
  if (values.json && action !== 'list') throw usageError('--json', `is for targets list only`, 'leave it out');
  const dir = rest[needs] ?? '.';

  // render needs every secret the stack's files hold; .env and secrets/ are never rewritten here.
  const { env, secrets } = stackSecrets(dir);
  const deps: EditDeps = { project: projectName(dir), ctx: buildContext(io.env, env), secrets };
  const stack = await loadStackTargets(dir, deps);
  // README.md is rewritten here: with the templates the stack was generated with.
  if (stack.input.templates) deps.templates = loadTemplates(stack.input.templates);

  if (action === 'list') {
    const targets = listTargets(stack).map((t) => ({ name: t.name, engine: t.engine, url: t.url, scrapes: `${t.scheme}://${t.address}${t.metricsPath}`, host: t.host }));
    if (values.json) {
      io.out(JSON.stringify(targets, null, 2));
      return EXIT_OK;
    }
    if (targets.length === 0) io.out(`No targets in ${stack.dir}: add one with create-vllm-monitor targets add ENGINE=URL ${dir}`);
    const width = (k: keyof (typeof targets)[number]) => Math.max(k.length, ...targets.map((t) => t[k].length));
    const row = (t: Record<'name' | 'engine' | 'url' | 'host', string>) => `${t.name.padEnd(width('name'))}  ${t.engine.padEnd(width('engine'))}  ${t.url.padEnd(width('url'))}  ${t.host}`;
    if (targets.length) io.out(row({ name: 'NAME', engine: 'ENGINE', url: 'URL', host: 'HOST' }));
    for (const t of targets) io.out(row(t));
    return EXIT_OK;
  }

  let result;
  if (action === 'add') {
    let target;
    try {
      target = parseTargetFlag(rest[0]!);
    } catch (err) {
      if (!(err instanceof CliError)) throw err;
      throw new CliError('targets add', err.problem, err.fix.replace(/--target /g, 'targets add '), err.exitCode);
    }
    result = await addTarget(stack, target, deps);
  } else {
    result = await removeTarget(stack, rest[0]!, deps);
  }
  for (const w of result.warnings) io.err(`warning: ${w}`);
  const t = result.target;
  io.out(action === 'add' ? `Added ${t.name} (${t.engine}, ${t.scheme}://${t.address}${t.metricsPath}) to ${stack.dir}` : `Removed ${t.name} (${t.engine}) from ${stack.dir}`);
  for (const path of result.written) io.out(`  update   ${path}`);
  for (const path of result.unused) io.out(`  unused   ${path} (no target needs it any more; remove it when its host no longer runs the agent)`);
  io.out('A running Prometheus picks the change up within seconds (file_sd); no restart needed.');
  return EXIT_OK;
}
