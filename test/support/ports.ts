import { createServer } from 'node:net';

/** A port nothing listens on right now (the OS picks it, we release it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Flags that give a stack its own free host ports, so a test does not depend on what else runs here. */
export async function portFlags(): Promise<string[]> {
  return ['--grafana-port', String(await freePort()), '--prometheus-port', String(await freePort()), '--alertmanager-port', String(await freePort())];
}
