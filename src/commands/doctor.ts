/**
 * `create-vllm-monitor doctor [dir]`: a checklist of what needs action around a stack — Docker and
 * Compose, image support windows, disk headroom for retention, each engine's flags, binding and
 * clock, and from the stack's Prometheus the scrape durations and series per target.
 */
import type { Io } from '../cli/io.js';
import { buildContext } from '../cli/environment.js';
import { projectName } from '../cli/create.js';
import { stackSecrets } from '../cli/stack-secrets.js';
import { EXIT_FAILURE, EXIT_OK } from '../errors.js';
import { needsAction, runDoctor, type Finding } from '../doctor/index.js';
import { loadStackTargets } from '../fleet/edit.js';
import { httpUrl, parseCommandArgs } from '../stack/args.js';
import { dockerClient } from '../stack/docker.js';
import { stackAccess } from '../stack/access.js';
import { loadStackDir, stackUrls } from '../stack/stack-dir.js';

export const HELP = `Usage: create-vllm-monitor doctor [dir] [--json] [--prometheus-url URL]

A checklist for the stack in dir (default .), each finding with its fix:
  docker, compose        Docker Engine (20.10+ for host-gateway) and Compose (v2; v1 is end of life)
  image SERVICE          each image's release against its upstream support window
  disk headroom          free space where the Prometheus volume lives vs --retention-size
  binding NAME           servers on this machine listen beyond 127.0.0.1 (Docker reaches them)
  metrics NAME           vLLM exposes vllm:* (no --disable-log-stats), SGLang has --enable-metrics
  clock NAME             the server's clock (HTTP Date) within 5 s of this machine's
  scrape duration, series   from the stack's Prometheus: scrapes under 80% of their timeout,
                         at most 20000 series per target (skipped when Prometheus is not reachable)
  --json                 the findings as JSON: [{check, status: ok|warn|fail, detail, fix}]
  --prometheus-url URL   Prometheus to read (default: from dir's docker-compose.yml)
Exit codes: 0 nothing needs action, 1 something does (a warn or fail), 2 bad usage.`;

const LABEL = { ok: 'OK  ', warn: 'WARN', fail: 'FAIL' } as const;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs('doctor', argv, { json: { type: 'boolean' }, 'prometheus-url': { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    io.out(HELP);
    return EXIT_OK;
  }
  const flagUrl = httpUrl('prometheus-url', values['prometheus-url']);
  const dir = positionals[0] ?? '.';
  const { env, secrets } = stackSecrets(dir);
  const { spec } = await loadStackTargets(dir, { project: projectName(dir), ctx: buildContext(io.env, env), secrets });
  const stack = loadStackDir(dir);
  const findings = await runDoctor({
    stack,
    spec,
    docker: dockerClient(),
    env: io.env,
    prometheusUrl: flagUrl ?? stackUrls(stack).prometheus,
    // The stack's credentials go to the stack's own Prometheus only.
    prometheusHeaders: flagUrl ? {} : (stackAccess(stack).prometheus?.headers ?? {}),
    prometheusFix: flagUrl ? 'check --prometheus-url' : `start the stack: create-vllm-monitor up ${dir} (or pass --prometheus-url)`,
  });
  if (values.json) io.out(JSON.stringify(findings, null, 2));
  else printChecklist(findings, stack.dir, io);
  return needsAction(findings) ? EXIT_FAILURE : EXIT_OK;
}

function printChecklist(findings: Finding[], dir: string, io: Io): void {
  io.out(`create-vllm-monitor doctor ${dir}`);
  const width = Math.max(...findings.map((f) => f.check.length));
  for (const f of findings) {
    io.out(`  ${LABEL[f.status]}  ${f.check.padEnd(width)}  ${f.detail}`);
    if (f.fix) io.out(`  ${' '.repeat(4)}  ${' '.repeat(width)}  fix: ${f.fix}`);
  }
  const action = findings.filter((f) => f.status !== 'ok').length;
  io.out(action ? `${action} finding(s) need action.` : 'Nothing needs action.');
}
