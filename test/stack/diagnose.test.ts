import { describe, expect, it } from 'vitest';
import { likelyServiceFix } from '../../src/stack/diagnose.js';
import { demuxLogs } from '../../src/stack/docker.js';
import { containerFailed, containerReady } from '../../src/stack/health.js';
import { rootMountShared } from '../../src/stack/preflight.js';
import { composeProjectName, parsePort } from '../../src/stack/stack-dir.js';

describe('likelyServiceFix', () => {
  it('names the private root mount that breaks node-exporter (message of Docker 20.10)', () => {
    const fix = likelyServiceFix('node-exporter', 'Cannot start service node-exporter: path / is mounted on / but it is not a shared or slave mount');
    expect(fix).toContain('mount --make-rshared /');
  });
  it('names the taken port, from either Docker message', () => {
    expect(likelyServiceFix('prometheus', 'Bind for 127.0.0.1:9090 failed: port is already allocated')).toMatch(/port 9090 is taken/);
    expect(likelyServiceFix('prometheus', 'listen tcp 0.0.0.0:9093: bind: address already in use')).toMatch(/port 9093 is taken/);
  });
  it('points a config load failure at validate', () => {
    const fix = likelyServiceFix('prometheus', 'ts=... level=error msg="Error loading config (--config.file=/etc/prometheus/prometheus.yml)" err="parsing YAML file"');
    expect(fix).toMatch(/create-vllm-monitor validate/);
  });
  it('names the NVIDIA toolkit and --no-gpu for a GPU reservation the engine cannot satisfy', () => {
    expect(likelyServiceFix('dcgm-exporter', 'could not select device driver "nvidia" with capabilities: [[gpu]]')).toMatch(/--no-gpu/);
  });
  it('falls back to the compose logs command', () => {
    expect(likelyServiceFix('alertmanager', 'something else entirely')).toBe('see the full log: docker compose logs alertmanager (or docker-compose logs alertmanager)');
  });
});

describe('parsePort', () => {
  it('reads the short and long syntaxes', () => {
    expect(parsePort('127.0.0.1:9090:9090')).toEqual({ hostIp: '127.0.0.1', hostPort: 9090, containerPort: 9090 });
    expect(parsePort('3001:3000')).toEqual({ hostIp: '0.0.0.0', hostPort: 3001, containerPort: 3000 });
    expect(parsePort('9100/tcp')).toBeUndefined();
    expect(parsePort({ published: 19090, target: 9090, host_ip: '127.0.0.1' })).toEqual({ hostIp: '127.0.0.1', hostPort: 19090, containerPort: 9090 });
  });
});

describe('composeProjectName', () => {
  it('follows Compose: lower case, only [a-z0-9_-]', () => {
    expect(composeProjectName('/tmp/My Stack.v2')).toBe('mystackv2');
    expect(composeProjectName('/x/vllm-monitor')).toBe('vllm-monitor');
  });
});

describe('rootMountShared', () => {
  const line = (opts: string) => `22 1 8:1 / / rw,relatime ${opts} - ext4 /dev/sda1 rw`;
  it('tells a shared root from a private one', () => {
    expect(rootMountShared(line('shared:1'))).toBe(true);
    expect(rootMountShared(line('master:3'))).toBe(true);
    expect(rootMountShared(line(''))).toBe(false);
  });
});

describe('demuxLogs', () => {
  it('splits Docker frame headers from stdout and stderr frames', () => {
    const frame = (stream: number, text: string) => {
      const body = Buffer.from(text);
      const head = Buffer.alloc(8);
      head[0] = stream;
      head.writeUInt32BE(body.length, 4);
      return Buffer.concat([head, body]);
    };
    expect(demuxLogs(Buffer.concat([frame(1, 'out line\n'), frame(2, 'err line\n')]))).toBe('out line\nerr line\n');
    expect(demuxLogs(Buffer.from('plain tty text'))).toBe('plain tty text');
  });
});

describe('container readiness', () => {
  const c = (state: string, health: string, restartCount = 0) => ({ id: 'x', name: 'x', service: 's', state, health, exitCode: 0, restartCount, image: 'i' });
  it('needs running and healthy (or no healthcheck)', () => {
    expect(containerReady(c('running', 'healthy'))).toBe(true);
    expect(containerReady(c('running', 'none'))).toBe(true);
    expect(containerReady(c('running', 'starting'))).toBe(false);
    expect(containerFailed(c('running', 'unhealthy'))).toBe(true);
    expect(containerFailed(c('exited', 'none'))).toBe(true);
    expect(containerFailed(c('restarting', 'none', 2))).toBe(true);
    expect(containerFailed(c('restarting', 'none', 0))).toBe(true);
    expect(containerFailed(c('running', 'starting'))).toBe(false);
  });
});

describe('composeError', () => {
  it("takes compose v1's per-service error, not its closing summary", async () => {
    const { composeError } = await import('../../src/stack/up.js');
    const stderr = 'Creating x_alertmanager_1 ... done\n\nERROR: for prometheus  Container "9d698552e21d" is unhealthy.\nEncountered errors while bringing up the project.\n';
    expect(composeError(stderr)).toBe('Container "9d698552e21d" is unhealthy.');
    expect(composeError('Error response from daemon: driver failed programming external connectivity: Bind for 127.0.0.1:9090 failed: port is already allocated\n')).toContain('port is already allocated');
  });
});
