/**
 * A likely fix for a target Prometheus cannot scrape, from its last scrape error (the messages of
 * Prometheus 2.x and 3.x), the job and the address it scrapes.
 */
export interface TargetProblem {
  job: string;
  instance: string;
  scrapeUrl: string;
  lastError: string;
}

export interface Diagnosis {
  /** Short cause, e.g. "connection refused". */
  cause: string;
  fix: string;
}

function hostPort(scrapeUrl: string): { host: string; port: string } {
  try {
    const u = new URL(scrapeUrl);
    return { host: u.hostname, port: u.port || (u.protocol === 'https:' ? '443' : '80') };
  } catch {
    return { host: scrapeUrl, port: '?' };
  }
}

export function diagnoseScrape(t: TargetProblem): Diagnosis {
  const e = t.lastError;
  const { host, port } = hostPort(t.scrapeUrl);
  const onThisMachine = host === 'host.docker.internal';
  const engineFlag = t.job === 'sglang' ? 'python -m sglang.launch_server --host 0.0.0.0' : t.job === 'vllm' ? 'vllm serve --host 0.0.0.0' : 'listen on 0.0.0.0';

  if (/connection refused/i.test(e)) {
    return onThisMachine
      ? { cause: 'connection refused', fix: `nothing answers on port ${port} from inside Docker: is the server running? It must listen on 0.0.0.0, not 127.0.0.1 (${engineFlag})` }
      : { cause: 'connection refused', fix: `nothing listens on ${host}:${port}: the server is down, the port is wrong, or it listens on 127.0.0.1 only (${engineFlag})` };
  }
  const status = /server returned HTTP status (\d{3})/.exec(e)?.[1];
  if (status === '404') {
    if (t.job === 'sglang') return { cause: 'HTTP 404 on /metrics', fix: 'SGLang serves /metrics only when started with --enable-metrics: restart it with that flag' };
    return { cause: 'HTTP 404', fix: `${t.scrapeUrl} does not exist: check the port and path (vLLM serves /metrics on its API port, default 8000)` };
  }
  if (status === '401' || status === '403') {
    return { cause: `HTTP ${status}`, fix: 'the server wants credentials: give this target a bearerTokenFile in the config file and regenerate, or exempt /metrics from authentication in the proxy in front of it' };
  }
  if (status && status.startsWith('5')) return { cause: `HTTP ${status}`, fix: 'the server fails while serving /metrics: look at its logs' };
  if (status) return { cause: `HTTP ${status}`, fix: `unexpected answer from ${t.scrapeUrl}: check the URL` };
  // Prometheus 3 judges the Content-Type before it parses: a blank or unknown one fails the scrape
  // unless the job sets fallback_scrape_protocol (a Prometheus 3 field, which 2.x refuses to load,
  // so generated configs leave it out). Prometheus 2 parsed any answer as the text format.
  const contentType = /received unsupported Content-Type "([^"]*)"/i.exec(e)?.[1];
  const fallback = `or add \`fallback_scrape_protocol: PrometheusText0.0.4\` to job "${t.job}" in prometheus/prometheus.yml (Prometheus 3 only: 2.x refuses the field)`;
  if (/blank Content-Type/i.test(e)) {
    return { cause: 'no Content-Type', fix: `${t.scrapeUrl} answers without a Content-Type header, which Prometheus 3 refuses: make the server (or the proxy in front of it) send "text/plain; version=0.0.4", ${fallback}` };
  }
  // JSON: Prometheus 3 names the type; 2.53 quotes the body it failed on ("{…"); 2.42 says neither.
  if ((contentType !== undefined && /json/i.test(contentType)) || /while parsing: "\{/.test(e)) {
    return { cause: 'JSON instead of metrics', fix: `${t.scrapeUrl} answers JSON (an API route, not the metrics page): point the target at the server's /metrics (vLLM and SGLang serve it on their API port)` };
  }
  // The parser's token name as printed ("INVALID"), case-sensitive: a host such as x.invalid is no web page.
  if ((contentType !== undefined && /html/i.test(contentType)) || /valid start token|"<"|"INVALID"/.test(e)) {
    return { cause: 'HTML instead of metrics', fix: `${t.scrapeUrl} serves a web page, not Prometheus metrics: point the target at the engine's API port and /metrics (not a UI, dashboard or login page)` };
  }
  if (contentType !== undefined) {
    return { cause: `unsupported Content-Type "${contentType}"`, fix: `${t.scrapeUrl} does not say it serves Prometheus metrics, and Prometheus 3 refuses it: if it is the metrics page, make the server (or the proxy in front of it) send "text/plain; version=0.0.4", ${fallback}` };
  }
  if (/no such host|server misbehaving/i.test(e)) {
    return onThisMachine
      ? { cause: 'host.docker.internal does not resolve', fix: 'the prometheus service needs extra_hosts: ["host.docker.internal:host-gateway"] (Docker 20.10+); regenerate or add it to docker-compose.yml' }
      : { cause: `${host} does not resolve`, fix: `DNS inside Docker cannot resolve ${host}: use its IP address, or fix DNS for containers` };
  }
  if (/deadline exceeded|i\/o timeout|timeout/i.test(e)) {
    return { cause: 'timeout', fix: `no answer from ${host}:${port} within the scrape timeout: a firewall drops it (open port ${port} to this machine${onThisMachine ? ' from the Docker bridge, e.g. ufw allow in on docker0' : ''}) or the server is overloaded` };
  }
  if (/no route to host|network is unreachable|host is unreachable/i.test(e)) {
    return { cause: 'unreachable', fix: `${host} cannot be reached from this machine: check the address, routing and firewall` };
  }
  if (/x509|certificate|tls/i.test(e)) {
    return { cause: 'TLS error', fix: 'the certificate is not trusted: use http://, or configure tls_config (ca_file) for this job' };
  }
  return { cause: e.split(':').at(-1)?.trim() || 'down', fix: `Prometheus says: ${e}` };
}
