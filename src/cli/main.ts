/**
 * Entry point: dispatches to a command, turns errors into one-line messages and exit codes.
 * Kept small and import-free at the top so `--help` and `--version` start fast.
 */
import { CliError, CliErrors, EXIT_FAILURE, EXIT_OK } from '../errors.js';
import { COMMANDS, helpText } from './flags.js';
import type { Io } from './io.js';
import { VERSION } from './version.js';

export async function main(argv: string[], io: Io): Promise<number> {
  try {
    // Commands own their flags (`down -v` means --volumes), so dispatch before --version.
    const command = COMMANDS.find((c) => c.name === argv[0]);
    if (command) return await (await command.load()).run(argv.slice(1), io);
    if (argv.includes('--version') || argv.includes('-v')) {
      io.out(VERSION);
      return EXIT_OK;
    }
    if (argv.includes('--help') || argv.includes('-h')) {
      io.out(helpText(VERSION));
      return EXIT_OK;
    }
    const { create } = await import('./create.js');
    return await create(argv, io);
  } catch (err) {
    return reportError(err, io);
  }
}

export function reportError(err: unknown, io: Io): number {
  if (err instanceof CliErrors) {
    for (const e of err.errors) io.err(`error: ${e.message}`);
    return err.exitCode;
  }
  if (err instanceof CliError) {
    io.err(`error: ${err.message}`);
    return err.exitCode;
  }
  // Ctrl-C inside a prompt.
  if (err instanceof Error && err.name === 'ExitPromptError') {
    io.err('Cancelled; nothing was written.');
    return EXIT_FAILURE;
  }
  io.err(`error: ${err instanceof Error ? err.message : String(err)}`);
  if (io.env.CVM_DEBUG && err instanceof Error && err.stack) io.err(err.stack);
  return EXIT_FAILURE;
}
