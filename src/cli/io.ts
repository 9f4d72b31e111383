/** The CLI's view of its process, so commands can be run in-process by tests. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
}

/**
 * A line writer that goes quiet once its reader has gone (`… | head -1`): EPIPE is the reader's
 * choice, not our error, so the command finishes without printing a stack trace.
 */
function lineWriter(stream: NodeJS.WriteStream): (line: string) => void {
  let closed = false;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    closed = true;
  });
  return (line) => {
    if (!closed) stream.write(`${line}\n`);
  };
}

export function processIo(): Io {
  return {
    out: lineWriter(process.stdout),
    err: lineWriter(process.stderr),
    isTTY: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    env: process.env,
  };
}
