/** Builds specs from config inputs with a fixed, offline context, and writes rendered stacks to temp dirs. */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { render } from '../../src/render/index.js';
import { type BuildContext, buildSpec } from '../../src/config/build.js';
import type { ConfigInput } from '../../src/config/input.js';
import type { Secrets, StackSpec } from '../../src/config/types.js';

/** Fixed secrets (the web password's hash precomputed with bcryptjs) keep render's output byte-stable. */
export const TEST_SECRETS: Secrets = {
  grafanaAdminPassword: 'test-password-0123456789abc',
  web: { password: 'test-web-password-0123456789', bcryptHash: '$2b$10$qVTOROJrVCBx2cdRBPHuc.VPqyj1KnWrnPsjHKaw4iiNoz4YCVYK6' },
  env: {},
};

export function testContext(overrides: Partial<BuildContext> = {}): BuildContext {
  return {
    platform: 'linux',
    localHostName: 'gpu-box',
    detectEngine: async () => {
      throw new Error('no network in this test');
    },
    detectGpu: async () => ({ kind: 'none', reason: 'test' }),
    readTokenFile: () => 'test-token',
    secretEnv: {},
    ...overrides,
  };
}

export async function specFor(input: ConfigInput, project = 'test-stack'): Promise<{ spec: StackSpec; secrets: Secrets }> {
  const { spec, secrets } = await buildSpec(input, project, testContext());
  return { spec, secrets: { ...TEST_SECRETS, env: secrets } };
}

export function writeStack(files: Map<string, { content: string; mode?: number }>, dir?: string): string {
  const root = dir ?? mkdtempSync(join(tmpdir(), 'cvm-stack-'));
  for (const [path, file] of files) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, file.content);
    if (file.mode !== undefined) chmodSync(full, file.mode);
  }
  return root;
}

export async function renderToDir(input: ConfigInput, project = 'test-stack'): Promise<{ dir: string; spec: StackSpec; files: Map<string, { content: string; mode?: number }> }> {
  const { spec, secrets } = await specFor(input, project);
  const files = render(spec, secrets);
  return { dir: writeStack(files), spec, files };
}

const many = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    name: `node${String(i).padStart(3, '0')}`,
    engine: (i % 3 === 0 ? 'sglang' : 'vllm') as 'vllm' | 'sglang',
    url: `http://10.1.${Math.floor(i / 250)}.${(i % 250) + 1}:${i % 3 === 0 ? 30000 : 8000}`,
    labels: { rack: `r${i % 8}` },
  }));

/** The validity matrix of issue 2: every one must pass promtool, amtool and both compose checks. */
export const MATRIX: Record<string, ConfigInput> = {
  'single-vllm': { targets: [{ engine: 'vllm', url: 'http://localhost:8000' }], gpu: 'none' },
  'mixed-fleet': {
    targets: [
      { name: 'llama-70b', engine: 'vllm', url: 'http://10.0.0.5:8000', labels: { team: 'search' } },
      { name: 'qwen-32b', engine: 'sglang', url: 'http://10.0.0.6:30000' },
      { name: 'local-vllm', engine: 'vllm', url: 'http://127.0.0.1:8001' },
    ],
    gpu: 'dcgm',
    runbookUrl: 'https://wiki.example.com/llm/runbooks',
  },
  '200-targets': { targets: many(200), gpu: 'dcgm' },
  'gpu-nvidia-smi': { targets: [{ engine: 'vllm', url: 'http://localhost:8000' }], gpu: 'nvidia-smi' },
  'gpu-amd': { targets: [{ engine: 'sglang', url: 'http://localhost:30000' }], gpu: 'amd' },
  'receiver-webhook': { targets: [{ engine: 'vllm', url: 'http://localhost:8000' }], receiver: { kind: 'webhook', webhook: { url: 'http://localhost:5001/alerts' } } },
  'receiver-slack': {
    targets: [{ engine: 'vllm', url: 'http://localhost:8000' }],
    receiver: { kind: 'slack', slack: { webhookUrl: 'https://hooks.slack.com/services/T000/B000/XXXX', channel: '#llm-alerts' } },
  },
  'receiver-email': {
    targets: [{ engine: 'vllm', url: 'http://localhost:8000' }],
    receiver: { kind: 'email', email: { to: 'oncall@example.org', from: 'alerts@example.org', smarthost: 'smtp.example.org:587', username: 'alerts', password: 's3cret-pass' } },
  },
  'receiver-pagerduty': { targets: [{ engine: 'vllm', url: 'http://localhost:8000' }], receiver: { kind: 'pagerduty', pagerduty: { routingKey: 'R0123456789ABCDEF0123456789ABCDE' } } },
  'receiver-msteams': {
    targets: [{ engine: 'vllm', url: 'http://localhost:8000' }],
    receiver: { kind: 'msteams', msteams: { webhookUrl: 'https://example.webhook.office.com/webhookb2/abc' } },
  },
  windows: { platform: 'windows', targets: [{ engine: 'vllm', url: 'http://localhost:8000' }], gpu: 'nvidia-smi' },
  macos: { platform: 'macos', targets: [{ engine: 'sglang', url: 'http://localhost:30000' }], gpu: 'none' },
  exposed: { targets: [{ engine: 'vllm', url: 'http://10.0.0.5:8000' }], expose: true, ports: { grafana: 3300, prometheus: 9190, alertmanager: 9193 } },
  // --ha behind basic auth: two Prometheus replicas, two clustered Alertmanagers, a webhook.
  ha: { targets: [{ engine: 'vllm', url: 'http://10.0.0.5:8000' }], ha: true, expose: true, receiver: { kind: 'webhook', webhook: { url: 'http://10.0.0.9:5001/alerts' } } },
  'image-overrides': {
    targets: [{ engine: 'vllm', url: 'http://10.0.0.5:8000' }],
    gpu: 'dcgm',
    images: { prometheus: 'registry.local:5000/prom/prometheus:v3.5.0', alertmanager: 'registry.local:5000/prom/alertmanager:v0.28.1', 'dcgm-exporter': 'registry.local:5000/nvidia/dcgm-exporter@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' },
  },
  // Pages PagerDuty, tickets in Slack, pings a dead man's switch; a TSDB capped at 50GB.
  heartbeat: {
    targets: [{ engine: 'vllm', url: 'http://10.0.0.5:8000' }],
    gpu: 'dcgm',
    receivers: [
      { kind: 'pagerduty', severities: ['critical'], pagerduty: { routingKey: 'R0123456789ABCDEF0123456789ABCDE' } },
      { kind: 'slack', severities: ['warning'], slack: { webhookUrl: 'https://hooks.slack.com/services/T000/B000/XXXX', channel: '#llm-alerts' } },
    ],
    heartbeat: { url: 'https://hc-ping.com/5e3b1a2c-0000-4000-8000-c0ffee000001' },
    retentionSize: '50GB',
  },
  'bearer-token': { targets: [{ name: 'secured', engine: 'vllm', url: 'https://10.0.0.9:8443/v1/metrics', bearerTokenFile: '/run/token' }], gpu: 'none' },
  // Remote storage: basic auth, a bearer token sending only the recorded series, HA labels.
  'remote-write': {
    targets: [{ engine: 'vllm', url: 'http://10.0.0.5:8000' }],
    gpu: 'dcgm',
    remoteWrite: {
      endpoints: [
        { url: 'https://vm.example.org/api/v1/write', username: 'monitor', password: 'rw-pass-0123456789' },
        { url: 'https://mimir.example.org/api/v1/push', token: 'rw-token-0123456789', recordedOnly: true },
      ],
      cluster: 'prod-eu',
      replica: 'monitor-a',
    },
  },
};

/** `--platform kubernetes` folders: each GPU exporter, receivers with and without secrets, none. */
export const KUBERNETES_MATRIX: Record<string, ConfigInput> = {
  'dcgm-slack-pagerduty': {
    platform: 'kubernetes',
    gpu: 'dcgm',
    receivers: [
      { kind: 'pagerduty', severities: ['critical'], pagerduty: { routingKey: 'R0123456789ABCDEF0123456789ABCDE' } },
      { kind: 'slack', severities: ['warning'], slack: { webhookUrl: 'https://hooks.slack.com/services/T000/B000/XXXX', channel: '#llm-alerts' } },
    ],
    heartbeat: { url: 'https://hc-ping.com/5e3b1a2c-0000-4000-8000-c0ffee000001' },
    kubernetes: { monitors: { vllm: { namespaces: ['llm'] }, sglang: { selector: 'app=sglang,!canary', namespaces: ['llm'], port: 'metrics' } } },
  },
  'amd-email': {
    platform: 'kubernetes',
    gpu: 'amd',
    receiver: { kind: 'email', email: { to: 'oncall@example.org', from: 'alerts@example.org', smarthost: 'smtp.example.org:587', username: 'alerts', password: 's3cret-pass' } },
    kubernetes: { namespace: 'observability', release: 'kps', monitors: { vllm: { selector: 'serving.kserve.io/inferenceservice', port: 'http1' } } },
  },
  'no-gpu-no-receiver': { platform: 'kubernetes', gpu: 'none', receiver: { kind: 'none' } },
};
