/** Exit codes of the CLI contract: 0 ok, 1 failure (environment), 2 bad usage or bad input. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * An error meant for the person at the terminal: one line naming the field (or thing) at fault and
 * how to fix it. `exitCode` is 2 for bad input, 1 for a broken environment.
 */
export class CliError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
    readonly fix: string,
    readonly exitCode: number = EXIT_USAGE,
  ) {
    super(`${field}: ${problem}${fix ? ` — ${fix}` : ''}`);
    this.name = 'CliError';
  }
}

/** Several input problems at once (schema validation), printed one per line. */
export class CliErrors extends Error {
  constructor(readonly errors: CliError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'CliErrors';
  }
  get exitCode(): number {
    return Math.max(...this.errors.map((e) => e.exitCode));
  }
}

export function usageError(field: string, problem: string, fix: string): CliError {
  return new CliError(field, problem, fix, EXIT_USAGE);
}

export function envError(field: string, problem: string, fix: string): CliError {
  return new CliError(field, problem, fix, EXIT_FAILURE);
}
