/**
 * Pieces of the monitoring pipeline the alert scenario suite breaks on purpose: a webhook receiver
 * that records what it is sent and answers 500 on the paths it is told to fail, and a TCP port
 * nothing listens on (an Alertmanager that is not there).
 */
import { createServer, type Server } from 'node:http';
import { freePort } from './prometheus.js';

export interface Delivery {
  path: string;
  body: string;
}

/** Records every POST; answers 500 where the path starts with a failing prefix, 200 elsewhere. */
export async function webhookReceiver(failing: string[] = []): Promise<{ url: string; received: Delivery[]; close: () => Promise<void> }> {
  const received: Delivery[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += String(d)));
    req.on('end', () => {
      const path = req.url ?? '';
      received.push({ path, body });
      res.writeHead(failing.some((p) => path.startsWith(p)) ? 500 : 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A loopback address whose port was free a moment ago and stays closed: connections are refused. */
export async function closedAddress(): Promise<string> {
  return `127.0.0.1:${await freePort()}`;
}
