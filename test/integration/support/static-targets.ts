/**
 * Loopback HTTP servers serving fixed /metrics bodies (real captures read in place), each body
 * replaceable at run time, or a status code instead (404 for an SGLang without --enable-metrics).
 * A body may be a function, read at each scrape (a replayed capture whose counters move).
 */
import { type Server, createServer } from 'node:http';

export interface StaticTarget {
  address: string;
  set: (body: string | (() => string), status?: number) => void;
  close: () => Promise<void>;
}

/**
 * `json`: other paths answered with a JSON body (an engine's /version); `metricsPath`: where the
 * body is served (NIM serves /v1/metrics); everything else answers 404.
 */
export async function serveMetrics(body: string | (() => string), status = 200, json: Record<string, unknown> = {}, metricsPath = '/metrics'): Promise<StaticTarget> {
  let current = { body, status };
  const server: Server = createServer((req, res) => {
    const path = req.url?.split('?')[0] ?? '';
    if (path in json) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(json[path]));
      return;
    }
    if (path !== metricsPath) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(current.status, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(typeof current.body === 'string' ? current.body : current.body());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    address: `127.0.0.1:${port}`,
    set: (b, s = 200) => (current = { body: b, status: s }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
