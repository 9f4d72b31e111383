/**
 * The interactive flow, driven through Inquirer's real prompts (@inquirer/testing renders them to a
 * virtual screen and feeds keypresses).
 */
import { screen } from '@inquirer/testing/vitest';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runWizard } from '../../src/cli/wizard.js';
import { runCli } from '../support/cli.js';
import { freePort, portFlags } from '../support/ports.js';

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

function occupyPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    servers.push(s);
    s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port));
  });
}

const deps = { platform: 'linux' as const, detectGpu: async () => ({ kind: 'nvidia-smi' as const, reason: 'GeForce RTX 4090' }) };

describe('interactive prompts', () => {
  it('asks for targets, GPU, receiver, exposure and a free port, and returns a complete input', async () => {
    const busy = await occupyPort();
    // The other two ports are free ones, so no question depends on what else runs on this machine.
    const answers = runWizard({ ports: { grafana: busy, prometheus: await freePort(), alertmanager: await freePort() } }, deps);

    expect(screen.getScreen()).toContain('Inference engine of the server to monitor');
    screen.keypress('enter'); // vLLM
    await screen.next();
    expect(screen.getScreen()).toContain('Server URL');
    screen.keypress('enter'); // default http://localhost:8000
    await screen.next();
    expect(screen.getScreen()).toContain('Name for it');
    screen.type('llama');
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain('Add another server?');
    screen.type('y');
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain('Engine of the next server');
    screen.keypress('down'); // SGLang
    screen.keypress('enter');
    await screen.next();
    screen.type('http//not-a-url');
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain('is not a valid URL');
    for (let i = 0; i < 'http//not-a-url'.length; i++) screen.keypress('backspace');
    screen.type('http://10.0.0.6:30000');
    screen.keypress('enter');
    await screen.next();
    screen.keypress('enter'); // no name
    await screen.next();
    screen.keypress('enter'); // no more servers
    await screen.next();
    expect(screen.getScreen()).toContain('GPU exporter (detected: nvidia-smi, GeForce RTX 4090)');
    screen.keypress('enter'); // the detected default
    await screen.next();
    expect(screen.getScreen()).toContain('Where should alerts go?');
    screen.keypress('down'); // Slack
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain('Slack incoming-webhook URL');
    screen.type('https://hooks.slack.com/services/T/B/x');
    expect(screen.getScreen()).not.toContain('hooks.slack.com'); // masked
    screen.keypress('enter');
    await screen.next();
    screen.type('#llm');
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain('Which alerts should go to Slack?');
    screen.keypress('enter'); // all
    await screen.next();
    expect(screen.getScreen()).toContain("Heartbeat ping URL for a dead man's switch");
    screen.type('http://localhost/ping/key-1');
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain('points at localhost, which dies with this machine');
    expect(screen.getScreen()).not.toContain('key-1'); // masked, and not repeated by the error
    for (let i = 0; i < 'http://localhost/ping/key-1'.length; i++) screen.keypress('backspace');
    screen.type('https://hc-ping.com/key-1');
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain('Publish Grafana/Prometheus/Alertmanager on the network');
    screen.keypress('enter'); // no
    await screen.next();
    expect(screen.getScreen()).toContain('Run a highly available pair');
    screen.type('y');
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain(`Port ${busy} for grafana is in use on this machine`);
    screen.keypress('enter'); // take the suggested free port
    const input = await answers;

    expect(input.targets).toEqual([
      { name: 'llama', engine: 'vllm', url: 'http://localhost:8000' },
      { engine: 'sglang', url: 'http://10.0.0.6:30000' },
    ]);
    expect(input.gpu).toBe('nvidia-smi');
    expect(input.receiver).toEqual({ kind: 'slack', slack: { webhookUrl: 'https://hooks.slack.com/services/T/B/x', channel: '#llm' } });
    expect(input.heartbeat).toEqual({ url: 'https://hc-ping.com/key-1' });
    expect(input.expose).toBe(false);
    expect(input.ha).toBe(true);
    expect(input.ports!.grafana).toBeGreaterThan(busy);
  });

  it('asks nothing that a flag already answered', async () => {
    const input = await runWizard(
      { targets: [{ engine: 'vllm', url: 'http://10.0.0.5:8000' }], gpu: 'none', receiver: { kind: 'none' }, expose: false, ha: false, ports: {} },
      { ...deps, portIsFree: async () => true },
    );
    expect(input.targets).toHaveLength(1);
    expect(screen.getScreen()).toBe('');
  });

  it('asks for no heartbeat when one is given, or when alerts go nowhere', async () => {
    const given = { targets: [{ engine: 'vllm' as const, url: 'http://10.0.0.5:8000' }], gpu: 'none' as const, expose: false, ha: false, ports: {} };
    const a = await runWizard({ ...given, receiver: { kind: 'webhook', webhook: { url: 'http://10.0.0.9:5001/' } }, heartbeat: { url: 'https://hc-ping.com/k' } }, { ...deps, portIsFree: async () => true });
    expect(a.heartbeat).toEqual({ url: 'https://hc-ping.com/k' });
    const b = await runWizard({ ...given, receiver: { kind: 'none' } }, { ...deps, portIsFree: async () => true });
    expect(b.heartbeat).toBeUndefined();
    expect(screen.getScreen()).toBe('');
  });

  it('the whole create command runs interactively and writes the answers', async () => {
    const work = mkdtempSync(join(tmpdir(), 'cvm-wizard-'));
    try {
      const dir = join(work, 'stack');
      // Free ports, so that no port question depends on what else runs on this machine.
      const run = runCli(['--gpu', 'none', '--receiver', 'none', ...(await portFlags())], { isTTY: true });
      await screen.next(); // the prompt module loads lazily
      expect(screen.getScreen()).toContain('Directory for the monitoring stack');
      for (let i = 0; i < 'vllm-monitor'.length; i++) screen.keypress('backspace');
      screen.type(dir);
      screen.keypress('enter');
      await screen.next();
      screen.keypress('down');
      screen.keypress('enter'); // SGLang
      await screen.next();
      screen.keypress('enter'); // default URL localhost:30000
      await screen.next();
      screen.type('qwen');
      screen.keypress('enter');
      await screen.next();
      screen.keypress('enter'); // no more
      await screen.next();
      screen.keypress('enter'); // not exposed
      await screen.next();
      screen.keypress('enter'); // no HA pair
      const r = await run;
      expect(r.code).toBe(0);
      const targets = JSON.parse(readFileSync(join(dir, 'prometheus/targets/sglang.json'), 'utf8'));
      expect(targets[0].targets).toEqual(['host.docker.internal:30000']);
      expect(targets[0].labels.instance).toBe('qwen');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('routes by severity: PagerDuty for critical, then Slack for warning', async () => {
    const answers = runWizard({ targets: [{ engine: 'vllm', url: 'http://10.0.0.5:8000' }], gpu: 'none', expose: false, ha: false, ports: {} }, { ...deps, portIsFree: async () => true });
    expect(screen.getScreen()).toContain('Where should alerts go?');
    for (let i = 0; i < 3; i++) screen.keypress('down'); // PagerDuty
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain('PagerDuty Events API v2 routing key');
    screen.type('R0123456789');
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain('Which alerts should go to PagerDuty?');
    screen.keypress('down'); // critical only
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain('Where should warning alerts go?');
    screen.keypress('down'); // Slack
    screen.keypress('enter');
    await screen.next();
    screen.type('https://hooks.slack.com/services/T/B/y');
    screen.keypress('enter');
    await screen.next();
    screen.keypress('enter'); // webhook's default channel
    await screen.next();
    expect(screen.getScreen()).toContain("Heartbeat ping URL for a dead man's switch");
    screen.keypress('enter'); // none
    const input = await answers;
    expect(input.heartbeat).toBeUndefined();
    expect(input.receiver).toBeUndefined();
    expect(input.receivers).toEqual([
      { kind: 'pagerduty', severities: ['critical'], pagerduty: { routingKey: 'R0123456789' } },
      { kind: 'slack', severities: ['warning'], slack: { webhookUrl: 'https://hooks.slack.com/services/T/B/y', channel: undefined } },
    ]);
  });
});
