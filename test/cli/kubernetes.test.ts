/**
 * `--platform kubernetes` from the command line: flags and a config file give the same folder,
 * bad input gets one error line naming the field and a fix (exit 2, nothing written), the prompts
 * ask what a cluster needs instead of servers and ports, and regenerating keeps the settings.
 */
import { screen } from '@inquirer/testing/vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runWizard } from '../../src/cli/wizard.js';
import { runCli } from '../support/cli.js';

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'cvm-k8s-cli-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const K8S = ['--yes', '--platform', 'kubernetes', '--gpu', 'dcgm'];
const read = (dir: string, path: string) => parse(readFileSync(join(dir, path), 'utf8'));

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else if (e.name !== '.create-vllm-monitor.json') out[p] = readFileSync(join(dir, p), 'utf8');
    }
  };
  walk('');
  return out;
}

describe('--platform kubernetes', () => {
  it('takes selectors, namespaces, ports, the objects\' namespace and the release from flags, and the same from a config file', async () => {
    const byFlags = join(work, 'flags', 'llm-monitor');
    const flags = ['--k8s-selector', 'vllm:app=vllm,!canary', '--k8s-namespace', 'llm', '--k8s-namespace', 'gpu:nvidia', '--k8s-port', 'vllm:http', '--k8s-monitoring-namespace', 'obs', '--k8s-release', 'kps'];
    const r = await runCli([byFlags, ...K8S, ...flags]);
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kubectl apply --server-side -k .');
    const vllm = read(byFlags, 'monitors/vllm.yaml');
    expect(vllm.metadata).toMatchObject({ name: 'llm-monitor-vllm', namespace: 'obs', labels: { release: 'kps' } });
    expect(vllm.spec.selector).toEqual({ matchLabels: { app: 'vllm' }, matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] });
    expect(vllm.spec.namespaceSelector).toEqual({ matchNames: ['llm'] });
    expect(vllm.spec.podMetricsEndpoints[0].port).toBe('http');
    expect(read(byFlags, 'monitors/sglang.yaml').spec.namespaceSelector).toEqual({ matchNames: ['llm'] });
    expect(read(byFlags, 'monitors/gpu-dcgm.yaml').spec.namespaceSelector).toEqual({ matchNames: ['nvidia'] });
    expect(existsSync(join(byFlags, 'docker-compose.yml'))).toBe(false);

    const byFile = join(work, 'file', 'llm-monitor');
    const config = join(work, 'monitor.yaml');
    writeFileSync(
      config,
      [
        'platform: kubernetes',
        'gpu: dcgm',
        'kubernetes:',
        '  namespace: obs',
        '  release: kps',
        '  monitors:',
        '    vllm: { selector: "app=vllm,!canary", namespaces: [llm], port: http }',
        '    sglang: { namespaces: [llm] }',
        '    router: { namespaces: [llm] }',
        '    gpu: { namespaces: [nvidia] }',
        '',
      ].join('\n'),
    );
    expect((await runCli([byFile, '--yes', '--config', config])).code).toBe(0);
    expect(tree(byFile)).toEqual(tree(byFlags));
  });

  it('says with --json where the objects go, and shows no local URLs', async () => {
    const r = await runCli([join(work, 'j'), ...K8S, '--json', '--dry-run']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.kubernetes).toEqual({ namespace: 'monitoring', release: 'kube-prometheus-stack' });
    expect(out.urls).toBeUndefined();
    expect(out.files.map((f: { path: string }) => f.path)).toContain('kustomization.yaml');
    expect(existsSync(join(work, 'j'))).toBe(false);
  });

  it('regenerates from what the folder was made of, keeping the settings', async () => {
    const dir = join(work, 'm');
    expect((await runCli([dir, ...K8S, '--k8s-selector', 'vllm:app=vllm'])).code).toBe(0);
    const before = tree(dir);
    const again = await runCli([dir, '--yes']);
    expect(again.code).toBe(0);
    expect(tree(dir)).toEqual(before);
  });

  it('needs no secret to generate: the receivers and the heartbeat reference the Secret the README says to create', async () => {
    const dir = join(work, 'm');
    const config = join(work, 'monitor.yaml');
    writeFileSync(config, 'heartbeat: {}\nreceivers:\n  - { kind: pagerduty, severities: [critical] }\n  - { kind: slack, severities: [warning] }\n');
    const r = await runCli([dir, ...K8S, '--config', config], { env: {} });
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    const am = read(dir, 'alertmanagerconfig.yaml');
    const refs = JSON.stringify(am.spec.receivers);
    for (const key of ['pagerduty-routing-key', 'slack-webhook-url', 'heartbeat-url']) expect(refs).toContain(`{"name":"m-alertmanager","key":"${key}"}`);
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(readme).toContain('kubectl -n monitoring create secret generic m-alertmanager \\\n  --from-literal=pagerduty-routing-key="$PAGERDUTY_ROUTING_KEY" \\\n  --from-literal=slack-webhook-url="$SLACK_WEBHOOK_URL" \\\n  --from-literal=heartbeat-url="$HEARTBEAT_URL"');
    // A secret that is given is still checked, and still written nowhere.
    const bad = await runCli([join(work, 'n'), ...K8S, '--receiver', 'slack', '--slack-webhook-url', 'http://hooks.example.org/secret-9']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: receiver\.slack\.webhookUrl: must be an https:\/\/ URL/m);
  });

  const cases = [
    { name: 'a --target', args: ['--target', 'vllm=http://10.0.0.5:8000'], line: /^error: targets: are not used with platform kubernetes: .* — remove --target and select the pods with --k8s-selector/ },
    { name: 'a selector without a role', args: ['--k8s-selector', 'app=vllm'], line: /^error: --k8s-selector: "app=vllm" does not start with a role — write it like --k8s-selector vllm:VALUE \(roles: vllm, sglang, router, gpu\)$/ },
    { name: 'a bad label value', args: ['--k8s-selector', 'vllm:app=my vllm'], line: /^error: --k8s-selector: "my vllm" is not a Kubernetes label value — use up to 63 letters/ },
    { name: 'a bad label name', args: ['--k8s-selector', 'sglang:-app=x'], line: /^error: --k8s-selector: "-app" is not a Kubernetes label name — write it like/ },
    { name: 'a bad namespace', args: ['--k8s-namespace', 'LLM_Serving'], line: /^error: --k8s-namespace: "LLM_Serving" is not a Kubernetes namespace name — use lower-case letters, digits and dashes/ },
    { name: 'a port number instead of a name', args: ['--k8s-port', 'gpu:9400'], line: /^error: kubernetes\.monitors\.gpu\.port: "9400" is not a port name — give the name of the port/ },
    { name: 'an unknown role', args: ['--k8s-port', 'nim:http'], line: /^error: --k8s-port: "nim:http" does not start with a role/ },
  ];
  it.each(cases)('refuses $name: one error line, exit 2, nothing written', async (c) => {
    const out = join(work, 'stack');
    const r = await runCli([out, ...K8S, ...c.args]);
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(c.line);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses kubernetes settings for a Compose stack', async () => {
    const out = join(work, 'stack');
    const r = await runCli([out, '--yes', '--target', 'vllm=http://10.0.0.5:8000', '--gpu', 'none', '--k8s-selector', 'vllm:app=vllm']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: kubernetes: is only used with platform kubernetes — add --platform kubernetes/m);
    expect(existsSync(out)).toBe(false);
  });
});

describe('kubernetes prompts', () => {
  it('ask for the servers\' namespaces, the vLLM pods\' labels and port, the GPU exporter and the receiver; no servers, ports or exposure', async () => {
    const answers = runWizard({ platform: 'kubernetes' }, { platform: 'linux', detectGpu: async () => ({ kind: 'none', reason: 'never asked' }) });
    expect(screen.getScreen()).toContain('Namespaces the inference servers run in');
    screen.type('llm, llm-canary');
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain('Labels of the vLLM pods');
    screen.type('my app');
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain('is not a Kubernetes label name');
    for (let i = 0; i < 'my app'.length; i++) screen.keypress('backspace');
    screen.keypress('enter'); // the production-stack default
    await screen.next();
    expect(screen.getScreen()).toContain("Name of the vLLM pods' metrics port");
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain("GPU exporter (detected: dcgm, the NVIDIA GPU Operator's");
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain('Where should alerts go?');
    screen.keypress('enter'); // nowhere
    const input = await answers;
    expect(input).toEqual({
      platform: 'kubernetes',
      gpu: 'dcgm',
      receiver: { kind: 'none' },
      kubernetes: {
        monitors: {
          vllm: { namespaces: ['llm', 'llm-canary'], selector: 'helm-release-name,model', port: 'container-port' },
          sglang: { namespaces: ['llm', 'llm-canary'] },
          router: { namespaces: ['llm', 'llm-canary'] },
        },
      },
    });
  });
});
