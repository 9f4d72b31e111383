/** `create-vllm-monitor status [dir] [--json]`: each service's state and health, and the URLs. */
import { EXIT_FAILURE, EXIT_OK } from '../errors.js';
import type { Io } from '../cli/io.js';
import { parseCommandArgs } from '../stack/args.js';
import { dockerClient, pingEngine, projectContainers } from '../stack/docker.js';
import { containerReady } from '../stack/health.js';
import { loadStackDir, stackUrls } from '../stack/stack-dir.js';

export const HELP = `Usage: create-vllm-monitor status [dir] [--json]

Shows each service of the stack in dir (default .): running or not, healthy or not, and the URLs.
Exit code 0 when every service is running and healthy.`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs('status', argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    io.out(HELP);
    return EXIT_OK;
  }
  const stack = loadStackDir(positionals[0] ?? '.');
  const docker = dockerClient();
  await pingEngine(docker);
  const containers = await projectContainers(docker, stack.project);
  const rows = Object.keys(stack.services).map((service) => {
    const c = containers.find((x) => x.service === service);
    return { service, state: c?.state ?? 'not created', health: c?.health ?? '-', ready: c ? containerReady(c) : false };
  });
  const ok = rows.every((r) => r.ready);
  if (values.json) {
    io.out(JSON.stringify({ ok, project: stack.project, services: rows, urls: stackUrls(stack) }, null, 2));
    return ok ? EXIT_OK : EXIT_FAILURE;
  }
  const w = Math.max(7, ...rows.map((r) => r.service.length));
  io.out(`${'SERVICE'.padEnd(w)}  ${'STATE'.padEnd(11)}  HEALTH`);
  for (const r of rows) io.out(`${r.service.padEnd(w)}  ${r.state.padEnd(11)}  ${r.health}`);
  const u = stackUrls(stack);
  for (const [name, url] of Object.entries(u)) if (url) io.out(`${name}: ${url}`);
  if (!ok) io.out(rows.every((r) => r.state === 'not created') ? 'The stack is not running: create-vllm-monitor up' : 'Some services are not healthy: create-vllm-monitor up shows why');
  return ok ? EXIT_OK : EXIT_FAILURE;
}
