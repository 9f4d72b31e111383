/**
 * How a receiver keeps one copy of an HA pair's samples (`replica` external label, see
 * remote-write.ts): what the generated README and docs/scale.md tell, and what
 * test/integration/remote-write-dedup-real.test.ts starts the real VictoriaMetrics with.
 *
 * VictoriaMetrics single node (flags of `victoria-metrics -help`, 1.79 as Debian ships it):
 * -dedup.minScrapeInterval keeps the last sample of each series per interval, and only series that
 * are otherwise identical, so `replica` must go first: -relabelConfig applies relabelling rules to
 * everything ingested. (Newer releases also have -streamAggr.dropInputLabels; 1.79 has not.)
 */
import { stringify } from 'yaml';

/** The -relabelConfig file: drops `replica` from every ingested sample. */
export const VM_DEDUP_RELABEL = [{ action: 'labeldrop', regex: 'replica' }];

/** VictoriaMetrics flags deduplicating an HA pair scraping every `scrapeInterval`. */
export const vmDedupArgs = (scrapeInterval: string, relabelFile: string): string[] => [`-dedup.minScrapeInterval=${scrapeInterval}`, `-relabelConfig=${relabelFile}`];

/** The relabel file as the README shows it. */
export const vmDedupRelabelYaml = (): string => stringify(VM_DEDUP_RELABEL).trimEnd();

/** Mimir and Thanos, from their documentation (not run here). */
export const OTHER_RECEIVERS_DEDUP = {
  mimir:
    'Mimir: enable the distributor HA tracker (-distributor.ha-tracker.enable=true with its KV store, and -distributor.ha-tracker.enable-for-all-users=true), cluster label -distributor.ha-tracker.cluster=cluster (the default) and replica label -distributor.ha-tracker.replica=replica (the default is __replica__): it accepts one replica per cluster and fails over after 30 s (grafana.com/docs/mimir/latest/configure/configure-high-availability-deduplication/).',
  thanos:
    'Thanos: deduplicate at query time with thanos query --query.replica-label=replica, and in the compacted blocks with thanos compact --deduplication.replica-label=replica (thanos.io/tip/components/query.md, thanos.io/tip/components/compact.md).',
};
