/** From the stack's Prometheus: scrapes close to their timeout, and targets with many series. */
import { PrometheusClient } from '../probe/prom-client.js';
import { type Finding, ok, warn } from './finding.js';

/** A scrape this close to its timeout fails as soon as the server is busy (at peak load, exactly when it matters). */
const DURATION_WARN = 0.8;
/**
 * The default retention size (20GB) is sized for about 150,000 series in all (config/defaults.ts);
 * an engine exposes a few thousand, so a target above this is most of the budget, usually a label
 * exploding (one series per request id, per LoRA adapter, per path).
 */
export const SERIES_WARN = 20_000;

function seconds(d: string | undefined): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(d ?? '');
  return m ? Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as 'ms']! : undefined;
}

export async function scrapeChecks(url: string | undefined, fix: string, headers: Record<string, string> = {}): Promise<Finding[]> {
  const client = url ? new PrometheusClient(url, 5000, headers) : undefined;
  if (!client || !(await client.ready())) {
    return [warn('prometheus', `Prometheus not reachable${url ? ` at ${url}` : ''}: scrape duration and series checks skipped`, fix)];
  }
  const [targets, durations, samples] = await Promise.all([client.targets(), client.query('scrape_duration_seconds'), client.query('scrape_samples_scraped')]);
  const key = (l: Record<string, string>) => `${l.job}/${l.instance}`;
  const duration = new Map(durations.series.map((s) => [key(s.metric), Number(s.value?.[1])]));
  const series = new Map(samples.series.map((s) => [key(s.metric), Number(s.value?.[1])]));
  const out: Finding[] = [ok('prometheus', `${url} ready, ${targets.length} targets`)];
  for (const t of targets.filter((x) => x.health === 'up')) {
    const k = key(t.labels);
    const took = duration.get(k);
    const timeout = seconds(t.scrapeTimeout);
    if (took !== undefined && timeout !== undefined) {
      out.push(took >= DURATION_WARN * timeout
        ? warn(`scrape duration ${k}`, `${took.toFixed(2)} s of its ${t.scrapeTimeout} timeout`, 'find what makes /metrics slow (an overloaded server, a proxy), or raise scrape_timeout (at most the scrape interval) for its job in prometheus/prometheus.yml')
        : ok(`scrape duration ${k}`, `${took.toFixed(3)} s of its ${t.scrapeTimeout} timeout`));
    }
    const n = series.get(k);
    if (n !== undefined) {
      out.push(n > SERIES_WARN
        ? warn(`series ${k}`, `${n} series per scrape (more than ${SERIES_WARN})`, 'find the label that multiplies them (create-vllm-monitor detect URL lists the families) and drop it with metric_relabel_configs, or turn the feature off on the server')
        : ok(`series ${k}`, `${n} series per scrape`));
    }
  }
  return out;
}
