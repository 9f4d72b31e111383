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
