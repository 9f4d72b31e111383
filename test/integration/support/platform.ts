/**
 * Pieces of the monitoring pipeline the alert scenario suite breaks on purpose: a webhook receiver
 * that records what it is sent and answers 500 on the paths it is told to fail, a TCP port
 * nothing listens on (an Alertmanager that is not there), and disks that fill up.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

export interface Disk {
  device: string;
  mountpoint: string;
  fstype: string;
  /** Free share at the start, and how much of the size it loses each second. */
  free: number;
  lossPerSecond: number;
}

/**
 * The real node exporter reporting the disks given, through its textfile collector (its own
 * filesystem collector off): the file is rewritten every second, so a disk fills up in real time.
 */
export async function nodeExporterWithDisks(
  start: (binary: string, args: string[]) => Promise<{ address: string; stop: () => Promise<void> }>,
  binary: string,
  disks: Disk[],
): Promise<{ address: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'cvm-disks-'));
  const size = 1e12;
  const started = Date.now();
  const write = () => {
    const seconds = (Date.now() - started) / 1000;
    const lines = (name: string, value: (d: Disk) => number) => [`# TYPE ${name} gauge`, ...disks.map((d) => `${name}{device="${d.device}",fstype="${d.fstype}",mountpoint="${d.mountpoint}"} ${value(d)}`)];
    const text = [
      ...lines('node_filesystem_size_bytes', () => size),
      ...lines('node_filesystem_avail_bytes', (d) => Math.round(size * Math.max(0, d.free - d.lossPerSecond * seconds))),
      ...lines('node_filesystem_readonly', () => 0),
    ].join('\n');
    // Renamed into place: the collector never reads half a file.
    writeFileSync(join(dir, 'disks.prom.tmp'), `${text}\n`);
    renameSync(join(dir, 'disks.prom.tmp'), join(dir, 'disks.prom'));
  };
  write();
  const timer = setInterval(write, 1000);
  const exporter = await start(binary, ['--no-collector.filesystem', `--collector.textfile.directory=${dir}`]);
  return {
    address: exporter.address,
    stop: async () => {
      clearInterval(timer);
      await exporter.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
