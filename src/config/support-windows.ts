/**
 * How long upstream fixes each pinned component (DEFAULT_IMAGES, defaults.ts), for `doctor`. Read
 * against the image tags a stack really runs, so a pin changed later is judged by this table, not
 * by a copy of it. Keep it next to the pins: when a pin moves to a release not listed, add it here.
 */
import type { Component } from './types.js';

export interface SupportWindow {
  /** major.minor the window covers. */
  version: string;
  /** Last day upstream fixes it (inclusive, UTC). */
  until: string;
}

export interface SupportPolicy {
  /** Releases with a published end of support. */
  windows: SupportWindow[];
  /** What upstream promises for any other release. */
  otherwise: string;
  source: string;
}

export const SUPPORT_POLICIES: Partial<Record<Component, SupportPolicy>> = {
  // Long-term support releases get fixes for a year; every other minor only until the next one (~6 weeks).
  prometheus: {
    windows: [
      { version: '2.37', until: '2023-07-31' },
      { version: '2.45', until: '2024-07-31' },
      { version: '2.53', until: '2025-07-31' },
      { version: '3.5', until: '2026-07-31' },
      // Announced as supported until July 2027 (e.g. gitlab-org/omnibus-gitlab MR 9746, bumping to 3.13.2).
      { version: '3.13', until: '2027-07-31' },
    ],
    otherwise: 'a non-LTS release is fixed only until the next minor release (about 6 weeks)',
    source: 'https://prometheus.io/docs/introduction/release-cycle/',
  },
  alertmanager: { windows: [], otherwise: 'only the latest release gets fixes', source: 'https://github.com/prometheus/alertmanager/releases' },
  'node-exporter': { windows: [], otherwise: 'only the latest release gets fixes', source: 'https://github.com/prometheus/node_exporter/releases' },
  grafana: { windows: [], otherwise: 'fixes go to the latest minor releases only', source: 'https://grafana.com/docs/grafana/latest/upgrade-guide/when-to-upgrade/' },
  'dcgm-exporter': { windows: [], otherwise: 'only the latest release gets fixes', source: 'https://github.com/NVIDIA/dcgm-exporter/releases' },
  'nvidia-smi-exporter': { windows: [], otherwise: 'only the latest release gets fixes', source: 'https://github.com/utkuozdemir/nvidia_gpu_exporter/releases' },
  'amd-exporter': { windows: [], otherwise: 'only the latest release gets fixes', source: 'https://github.com/ROCm/device-metrics-exporter/releases' },
};

/** The component an image reference is (registry mirrors included), from its repository name. */
export function componentOfImage(ref: string, pinned: Record<Component, string>): Component | undefined {
  const repo = (r: string) => r.replace(/[@:][^/]*$/, '').split('/').at(-1);
  return (Object.keys(pinned) as Component[]).find((c) => repo(pinned[c]) === repo(ref));
}
