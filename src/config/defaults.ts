import type { Component, Ports, Slo } from './types.js';

/**
 * Pinned upstream images. Tags are pinned because exporters rename metrics between releases
 * (dcgm-exporter 4.9 renamed and rescaled its fields), and `latest` would silently break rules.
 */
export const DEFAULT_IMAGES: Record<Component, string> = {
  // The long-term-support line (fixes until July 2027); the tests run 2.42, 2.53 and 3.5, and the
  // generated files use nothing newer than 2.42 understands.
  prometheus: 'prom/prometheus:v3.13.2',
  // Newer than any Alertmanager the tests run (0.25, 0.28, 0.33); the config stays within 0.25's.
  alertmanager: 'prom/alertmanager:v0.34.1',
  // Dashboards are type-checked against @grafana/schema of this version (package.json).
  grafana: 'grafana/grafana:13.2.3',
  'node-exporter': 'prom/node-exporter:v1.12.1',
  // Distroless: from 4.5.3-4.8.2 NVIDIA publishes no ubuntu22.04 tag (NVIDIA/dcgm-exporter#703); the
  // image still carries bash (docker/Dockerfile, runtime-distroless), which the healthcheck uses.
  // 4.9 is newer, but its renamed fields are not verified against a capture (src/engines/gpu.ts).
  'dcgm-exporter': 'nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-distroless',
  'nvidia-smi-exporter': 'utkuozdemir/nvidia_gpu_exporter:1.14.0',
  'amd-exporter': 'rocm/device-metrics-exporter:v1.5.1',
};

export const DEFAULT_PORTS: Ports = { grafana: 3000, prometheus: 9090, alertmanager: 9093 };
/** With --ha: the host ports of prometheus-2 and alertmanager-2. */
export const DEFAULT_HA_PORTS = { prometheus2: 19090, alertmanager2: 19093 } as const;

/** Ports the GPU and host exporters listen on (inside their containers or on remote hosts). */
export const EXPORTER_PORTS = { dcgm: 9400, 'nvidia-smi': 9835, amd: 5000, node: 9100 } as const;

/** Defaults an operator of an interactive chat service would start from; all configurable. */
export const DEFAULT_SLO: Slo = { ttftP99Seconds: 2.5, itlP99Seconds: 0.1, e2eP99Seconds: 60, availabilityPercent: 99.9 };

export const DEFAULT_SCRAPE_INTERVAL = '15s';
export const DEFAULT_RETENTION = '15d';
/**
 * Prometheus deletes its oldest blocks beyond this size (WAL and head chunks count toward it), so
 * its volume cannot grow without bound even when a label explodes. 20 GiB keeps 15 days of about
 * 150,000 series at a 15 s scrape interval (1.5 bytes per sample, Prometheus' storage docs) and
 * fits the small disks the stack may run on (a laptop, Docker Desktop's virtual disk, which also
 * holds the images).
 */
export const DEFAULT_RETENTION_SIZE = '20GB';
/**
 * The runbook page alerts link to unless the config names another (`runbookUrl`): this project's
 * runbooks.md. Every stack also carries its own RUNBOOKS.md, to host beside the team's other docs.
 */
export const DEFAULT_RUNBOOK_URL = 'https://github.com/create-vllm-monitor/create-vllm-monitor/blob/main/prometheus/runbooks.md';

export const DEFAULT_METRICS_PATH = '/metrics';

/** Where the engines listen by default; used when a URL has no port. */
export const ENGINE_DEFAULT_PORT = { vllm: 8000, sglang: 30000 } as const;
