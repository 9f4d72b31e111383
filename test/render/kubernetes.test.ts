/**
 * `--platform kubernetes`: every object of the folder passes the Prometheus Operator's and
 * Kubernetes' schemas (kubernetes-models, @kubernetes-models/prometheus-operator: the CRDs' and
 * the API's OpenAPI schemas), real `kubectl kustomize` builds the folder, the rules inside the
 * PrometheusRules pass real `promtool check rules` and our promtool tests, and no secret reaches a file.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { AlertmanagerConfig } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/AlertmanagerConfig';
import { Route } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/Route';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { render } from '../../src/render/index.js';
import { renderRuleFiles } from '../../src/rules/index.js';
import type { Secrets, StackSpec } from '../../src/config/types.js';
import { requireTool } from '../support/env.js';
import { KUBERNETES_MATRIX, specFor, writeStack } from '../support/stacks.js';
import { PROMETHEUS_RELEASES, itEachRelease } from '../support/versions.js';

const run = promisify(execFile);
const KUBECTL = requireTool('kubectl', 'apt-get install -y kubernetes-client');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const MODELS: Record<string, new (o: any) => { validate(): void }> = { PodMonitor, ServiceMonitor, PrometheusRule, AlertmanagerConfig, ConfigMap };

/** The CRD leaves sub-routes untyped (preserve-unknown-fields); the operator reads each as a Route, so each is validated as one. */
function validateRoutes(route: { routes?: unknown[] }, where: string): void {
  for (const r of (route.routes ?? []) as { routes?: unknown[] }[]) {
    expect(() => new Route(r as never).validate(), where).not.toThrow();
    validateRoutes(r, where);
  }
}

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace: string; labels: Record<string, string> }; spec?: Record<string, unknown> };

function objects(files: Map<string, { content: string }>): Map<string, K8sObject> {
  const out = new Map<string, K8sObject>();
  for (const [path, f] of files) if (path.endsWith('.yaml') && path !== 'kustomization.yaml') out.set(path, parse(f.content) as K8sObject);
  return out;
}

async function exec(bin: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout, stderr } = await run(bin, args, { cwd, maxBuffer: 64 * 1024 * 1024 });
    return stdout + stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`${bin} ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

describe.each(Object.keys(KUBERNETES_MATRIX))('kubernetes folder "%s"', (name) => {
  let spec: StackSpec;
  let secrets: Secrets;
  let files: Map<string, { content: string }>;
  let dir: string;
  beforeAll(async () => {
    ({ spec, secrets } = await specFor(KUBERNETES_MATRIX[name]!, name));
    files = render(spec, secrets);
    dir = writeStack(files);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("validates every object against the operator's and Kubernetes' schemas", () => {
    const all = objects(files);
    expect(all.size).toBeGreaterThan(10);
    for (const [path, o] of all) {
      const Model = MODELS[o.kind];
      expect(Model, `${path}: kind ${o.kind}`).toBeDefined();
      expect(() => new Model!(o).validate(), path).not.toThrow();
      if (o.kind === 'AlertmanagerConfig') validateRoutes((o.spec as { route: { routes?: unknown[] } }).route, path);
      expect(o.metadata.namespace).toBe(spec.kubernetes!.namespace);
      expect(o.metadata.labels.release).toBe(spec.kubernetes!.release);
    }
    const kinds = [...all.values()].map((o) => o.kind);
    expect(kinds.filter((k) => k === 'PodMonitor')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'ServiceMonitor')).toHaveLength(spec.gpu === 'none' ? 0 : 1);
  });

  it('writes no secret into any file', () => {
    const values = [...Object.values(secrets.env), secrets.grafanaAdminPassword];
    expect(values.length).toBeGreaterThan(0);
    for (const [path, f] of files) for (const v of values) expect(f.content.includes(v), `${path} holds a secret`).toBe(false);
    const am = objects(files).get('alertmanagerconfig.yaml');
    if (spec.receivers.some((r) => r.secretEnv)) expect(JSON.stringify(am)).toMatch(/"key":"[a-z-]+"/);
  });

  it('has one PrometheusRule per rule file of the Compose stack, with its groups', () => {
    const { rules } = renderRuleFiles(spec);
    const byName = new Map([...objects(files).values()].filter((o) => o.kind === 'PrometheusRule').map((o) => [o.metadata.name, o]));
    expect(byName.size).toBe(rules.size);
    for (const [path, file] of rules) expect(byName.get(`${name}-${path.replace(/^rules\/|\.yml$/g, '')}`)?.spec?.groups).toEqual(file.groups);
  });

  if (KUBECTL) {
    it('builds with real kubectl kustomize: every file, each object once', async () => {
      const out = await exec(KUBECTL, ['kustomize', dir], dir);
      const built = parseAllDocuments(out).map((d) => d.toJS() as K8sObject);
      const expected = [...objects(files).values()];
      expect(built.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(expected.map((o) => `${o.kind}/${o.metadata.name}`).sort());
      for (const o of built) expect(o).toEqual(expected.find((e) => e.kind === o.kind && e.metadata.name === o.metadata.name));
    });
  } else it.skip('builds with real kubectl kustomize: needs kubectl (apt-get install -y kubernetes-client)', () => {});

  /** The PrometheusRules' groups as rule files again, with the stack's promtool tests beside them. */
  function ruleDir(): string {
    const root = join(dir, 'promtool');
    mkdirSync(join(root, 'rules'), { recursive: true });
    mkdirSync(join(root, 'tests'), { recursive: true });
    for (const [path, o] of objects(files)) {
      if (o.kind === 'PrometheusRule') writeFileSync(join(root, 'rules', path.replace(/^prometheusrules\/(.+)\.yaml$/, '$1.yml')), stringify({ groups: o.spec!.groups }));
    }
    for (const [path, t] of renderRuleFiles(spec).tests) writeFileSync(join(root, path), stringify(t));
    return root;
  }

  itEachRelease(PROMETHEUS_RELEASES, 'promtool', "passes promtool check rules on each PrometheusRule's groups", async (bin) => {
    const root = ruleDir();
    const rules = [...objects(files).keys()].filter((p) => p.startsWith('prometheusrules/')).map((p) => p.replace(/^prometheusrules\/(.+)\.yaml$/, 'rules/$1.yml'));
    expect(await exec(bin, ['check', 'rules', ...rules], root)).toMatch(/SUCCESS/);
  });

  // The newest release only (what kube-prometheus-stack runs today): test/rules/promtool.test.ts runs
  // the same tests over the same groups on every release already; this proves the objects hold them.
  if (name === 'dcgm-slack-pagerduty')
    itEachRelease(PROMETHEUS_RELEASES.slice(-1), 'promtool', "passes our promtool tests over the PrometheusRules' groups", async (bin) => {
      const root = ruleDir();
      const tests = [...renderRuleFiles(spec).tests.keys()];
      const outputs = await Promise.all(tests.map((t) => exec(bin, ['test', 'rules', t], root)));
      for (const out of outputs) expect(out).toMatch(/SUCCESS/);
    }, 600_000);
});

describe('kubernetes object validation', () => {
  it('is not a formality: a wrong matcher type (in an inhibit rule, a sub-route) or port type is refused', async () => {
    const { spec, secrets } = await specFor(KUBERNETES_MATRIX['dcgm-slack-pagerduty']!, 'x');
    const all = objects(render(spec, secrets));
    type Matchers = { matchType: string }[];
    const am = structuredClone(all.get('alertmanagerconfig.yaml')!) as K8sObject & { spec: { route: { routes: { matchers: Matchers }[] }; inhibitRules: { sourceMatch: Matchers }[] } };
    am.spec.inhibitRules[0]!.sourceMatch[0]!.matchType = '==';
    expect(() => new AlertmanagerConfig(am as never).validate()).toThrow(/matchType/);
    am.spec.route.routes[0]!.matchers[0]!.matchType = '==';
    expect(() => new Route(am.spec.route.routes[0] as never).validate()).toThrow(/matchType/);
    const pm = structuredClone(all.get('monitors/vllm.yaml')!) as K8sObject & { spec: { podMetricsEndpoints: { port: unknown }[] } };
    pm.spec.podMetricsEndpoints[0]!.port = 8000;
    expect(() => new PodMonitor(pm as never).validate()).toThrow(/port/);
  });
});
