/** Whether a host port is free on this machine, and the next free one: for generating and starting a stack. */
import { createServer } from 'node:net';

/** True when nothing on this machine listens on the port (for the address the stack binds). */
export function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function nextFreePort(from: number, host: string, taken: Set<number>): Promise<number | undefined> {
  for (let p = from + 1; p <= Math.min(from + 100, 65535); p++) {
    if (!taken.has(p) && (await portIsFree(p, host))) return p;
  }
  return undefined;
}
