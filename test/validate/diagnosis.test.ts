import { describe, expect, it } from 'vitest';
import { counterValue, durationSeconds, matcherMatches, receiverIntegrations, routeFor } from '../../src/validate/alert-test.js';
import { formatTable, summaryLine } from '../../src/validate/report.js';
import { diagnoseScrape } from '../../src/validate/scrape-diagnosis.js';

const target = (job: string, scrapeUrl: string, lastError: string) => ({ job, instance: 'x', scrapeUrl, lastError });

describe('diagnoseScrape (Prometheus 2.x/3.x lastError texts)', () => {
  it('connection refused on this machine: bind 0.0.0.0', () => {
    const d = diagnoseScrape(target('vllm', 'http://host.docker.internal:8000/metrics', 'Get "http://host.docker.internal:8000/metrics": dial tcp 172.17.0.1:8000: connect: connection refused'));
    expect(d.cause).toBe('connection refused');
    expect(d.fix).toContain('0.0.0.0');
    expect(d.fix).toContain('vllm serve --host 0.0.0.0');
  });
  it('404 from SGLang: --enable-metrics', () => {
    expect(diagnoseScrape(target('sglang', 'http://10.0.0.5:30000/metrics', 'server returned HTTP status 404 Not Found')).fix).toContain('--enable-metrics');
  });
  it('401: credentials', () => {
    expect(diagnoseScrape(target('vllm', 'http://10.0.0.5:8000/metrics', 'server returned HTTP status 401 Unauthorized')).fix).toContain('bearerTokenFile');
  });
  it('HTML page, in the words of Prometheus 2 and 3', () => {
    expect(diagnoseScrape(target('vllm', 'http://h:8000/metrics', 'expected a valid start token, got "<" ("INVALID") while parsing: "<"')).cause).toBe('HTML instead of metrics');
    expect(diagnoseScrape(target('vllm', 'http://h:8000/metrics', 'received unsupported Content-Type "text/html; charset=utf-8" and no fallback_scrape_protocol specified for target')).cause).toBe('HTML instead of metrics');
  });
  it('timeouts point at a firewall', () => {
    expect(diagnoseScrape(target('vllm', 'http://10.0.0.5:8000/metrics', 'Get "http://10.0.0.5:8000/metrics": context deadline exceeded')).fix).toMatch(/firewall/);
  });
  it('host.docker.internal not resolving points at extra_hosts', () => {
    expect(diagnoseScrape(target('vllm', 'http://host.docker.internal:8000/metrics', 'dial tcp: lookup host.docker.internal on 127.0.0.11:53: no such host')).fix).toContain('host-gateway');
  });
});

/**
 * lastError as real Prometheus 2.42.0, 2.53.3 and 3.5.3 (Debian) reported it for the same answers
 * (test/validate/scrape-diagnosis-real-prometheus.test.ts gets them live from each release).
 */
describe('diagnoseScrape on the lastError texts of Prometheus 2.42, 2.53 and 3.5', () => {
  const diagnose = (lastError: string, job = 'vllm') => diagnoseScrape(target(job, 'http://10.0.0.5:8000/metrics', lastError));
  const SAME_ON_ALL = {
    401: 'server returned HTTP status 401 Unauthorized',
    403: 'server returned HTTP status 403 Forbidden',
    404: 'server returned HTTP status 404 Not Found',
    500: 'server returned HTTP status 500 Internal Server Error',
  };

  it('names 401/403 credentials, 404 (SGLang: --enable-metrics) and 5xx, in the words all three use', () => {
    expect(diagnose(SAME_ON_ALL[401])).toMatchObject({ cause: 'HTTP 401', fix: expect.stringContaining('bearerTokenFile') });
    expect(diagnose(SAME_ON_ALL[403])).toMatchObject({ cause: 'HTTP 403', fix: expect.stringContaining('bearerTokenFile') });
    expect(diagnose(SAME_ON_ALL[404], 'sglang')).toMatchObject({ cause: 'HTTP 404 on /metrics', fix: expect.stringContaining('--enable-metrics') });
    expect(diagnose(SAME_ON_ALL[404])).toMatchObject({ cause: 'HTTP 404' });
    expect(diagnose(SAME_ON_ALL[500]).cause).toBe('HTTP 500');
  });

  it('names an HTML page: served as text/html (2.42, 2.53, 3.5) and as text/plain (2.53, 3.5)', () => {
    for (const e of [
      '"INVALID" is not a valid start token', // 2.42, either content type
      'expected a valid start token, got "<" ("INVALID") while parsing: "<"', // 2.53 text/html; 2.53 and 3.5 text/plain
      'received unsupported Content-Type "text/html; charset=utf-8" and no fallback_scrape_protocol specified for target', // 3.5 text/html
    ]) {
      expect(diagnose(e), e).toMatchObject({ cause: 'HTML instead of metrics', fix: expect.stringContaining('not Prometheus metrics') });
    }
  });

  it('names a JSON answer where 2.53 and 3.5 show it (2.42 says only "INVALID", read as a web page)', () => {
    for (const e of [
      'expected equal, got ":" ("INVALID") while parsing: "{\\"a\\":"', // 2.53
      'received unsupported Content-Type "application/json" and no fallback_scrape_protocol specified for target', // 3.5
    ]) {
      expect(diagnose(e), e).toMatchObject({ cause: 'JSON instead of metrics', fix: expect.stringContaining('/metrics') });
    }
  });

  it('names a metrics page without Content-Type (3.5 refuses it; 2.x scrapes it) and how to fix it on either side', () => {
    const d = diagnose('non-compliant scrape target sending blank Content-Type and no fallback_scrape_protocol specified for target');
    expect(d.cause).toBe('no Content-Type');
    expect(d.fix).toContain('text/plain; version=0.0.4');
    expect(d.fix).toContain('fallback_scrape_protocol: PrometheusText0.0.4');
    expect(d.fix).toContain('job "vllm"');
  });

  it('names any other Content-Type Prometheus 3 refuses', () => {
    const d = diagnose('received unsupported Content-Type "application/octet-stream" and no fallback_scrape_protocol specified for target');
    expect(d.cause).toBe('unsupported Content-Type "application/octet-stream"');
    expect(d.fix).toContain('fallback_scrape_protocol');
  });

  it('names refused connections, unresolvable hosts and timeouts, in the words all three use', () => {
    expect(diagnose('Get "http://127.0.0.1:1/metrics": dial tcp 127.0.0.1:1: connect: connection refused').cause).toBe('connection refused');
    expect(diagnose('Get "http://nonexistent.invalid:80/metrics": dial tcp: lookup nonexistent.invalid on 10.255.255.53:53: no such host').cause).toMatch(/does not resolve/);
    expect(diagnose('Get "http://127.0.0.1:19555/slow": context deadline exceeded').cause).toBe('timeout');
  });
});

describe('Alertmanager routing for the test alert', () => {
  const config = {
    route: {
      receiver: 'default',
      group_wait: '30s',
      routes: [
        { receiver: 'null', matchers: ['alertname="Watchdog"'] },
        { receiver: 'null', matchers: ['severity="info"'] },
        { receiver: 'pager', matchers: ['severity=~"critical|page"'], group_wait: '10s' },
      ],
    },
    receivers: [{ name: 'default', webhook_configs: [{ url: 'http://x' }] }, { name: 'null' }, { name: 'pager', pagerduty_configs: [{}] }],
  };
  it('routes like Alertmanager: first matching child, inherited group_wait', () => {
    expect(routeFor(config, { alertname: 'X', severity: 'warning' })).toEqual({ receiver: 'default', groupWait: '30s' });
    expect(routeFor(config, { alertname: 'Watchdog', severity: 'none' })).toEqual({ receiver: 'null', groupWait: '30s' });
    expect(routeFor(config, { alertname: 'X', severity: 'critical' })).toEqual({ receiver: 'pager', groupWait: '10s' });
  });
  it('names integrations as the metrics label them', () => {
    expect(receiverIntegrations(config, 'default')).toEqual(['webhook']);
    expect(receiverIntegrations(config, 'null')).toEqual([]);
    expect(receiverIntegrations(config, 'pager')).toEqual(['pagerduty']);
  });
  it('evaluates matcher operators', () => {
    expect(matcherMatches('a!="b"', { a: 'c' })).toBe(true);
    expect(matcherMatches('a!~"b.*"', { a: 'bc' })).toBe(false);
    expect(matcherMatches('a=~"LLM.+"', { a: 'LLMx' })).toBe(true);
  });
  it('sums counters by label and reads durations', () => {
    const text = '# TYPE alertmanager_notification_requests_total counter\nalertmanager_notification_requests_total{integration="webhook"} 3\nalertmanager_notification_requests_total{integration="email"} 1\n';
    expect(counterValue(text, 'alertmanager_notification_requests_total', { integration: 'webhook' })).toBe(3);
    expect(counterValue(text, 'alertmanager_notification_requests_total', {})).toBe(4);
    expect(durationSeconds('1m30s')).toBe(90);
  });
});

describe('report', () => {
  it('prints the fix under a failed check and a summary', () => {
    const report = { ok: false, checks: [{ group: 'live' as const, name: 'target vllm/a', status: 'fail' as const, detail: 'down', fix: 'start it' }, { group: 'static' as const, name: 'compose file', status: 'pass' as const, detail: 'valid' }] };
    const lines = formatTable(report.checks);
    expect(lines[0]).toBe('Static checks');
    expect(lines.some((l) => l.includes('FAIL') && l.includes('target vllm/a'))).toBe(true);
    expect(lines.some((l) => l.includes('→ start it'))).toBe(true);
    expect(summaryLine(report)).toBe('Validation FAILED: 1 passed, 1 failed, 0 warnings, 0 skipped.');
  });
});
