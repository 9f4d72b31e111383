/** `create-vllm-monitor down [dir] [--volumes]`: stop and remove the stack's containers. */
import { EXIT_FAILURE, EXIT_OK } from '../errors.js';
import type { Io } from '../cli/io.js';
import { parseCommandArgs } from '../stack/args.js';
import { findCompose } from '../stack/compose-cli.js';
import { loadStackDir } from '../stack/stack-dir.js';
import { downStack } from '../stack/up.js';

export const HELP = `Usage: create-vllm-monitor down [dir] [--volumes]

Stops and removes the stack's containers. Data stays in its Docker volumes unless --volumes is given.`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs('down', argv, { volumes: { type: 'boolean', short: 'v' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    io.out(HELP);
    return EXIT_OK;
  }
  const stack = loadStackDir(positionals[0] ?? '.');
  const compose = await findCompose(io.env);
  const r = await downStack(compose, stack, { volumes: values.volumes === true });
  if (r.code !== 0) {
    io.err(`error: compose down failed: ${r.stderr.trim().split('\n').at(-1) ?? ''}`);
    return EXIT_FAILURE;
  }
  io.out(`Stack ${stack.project} stopped${values.volumes ? ' and its data removed' : ' (data kept in its volumes; --volumes removes it)'}.`);
  return EXIT_OK;
}
