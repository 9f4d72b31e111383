/**
 * Bad input: each case must give one error line naming the field and a fix, the right exit code, and
 * leave the file system as it was.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'cvm-bad-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

function config(text: string): string {
  writeFileSync(join(work, 't'), 'token\n');
  const path = join(work, 'monitor.yaml');
  writeFileSync(path, text);
  return path;
}

interface Case {
  name: string;
  args: () => string[];
  field: RegExp;
  code?: number;
  lines?: number;
  /** A secret the output must not repeat. */
  absent?: string;
}

const V = (url: string) => ['--target', `vllm=${url}`];

const cases: Case[] = [
  { name: 'malformed URL', args: () => V('http//10.0.0.5:8000'), field: /targets\[0\]\.url: .*not a valid URL.* — write it like/ },
  { name: 'unsupported scheme', args: () => V('ftp://10.0.0.5:21'), field: /targets\[0\]\.url: scheme "ftp" is not supported — use http/ },
  { name: 'URL with credentials', args: () => V('http://user:pw@10.0.0.5:8000'), field: /targets\[0\]\.url: contains credentials — .*bearerTokenFile/ },
  { name: 'URL with a quote', args: () => V('http://10.0.0.5:8000/"x'), field: /targets\[0\]\.url: .*quotes/ },
  { name: 'unknown engine', args: () => ['--target', 'tgi=http://10.0.0.5:8000'], field: /--target: unknown engine "tgi" — use vllm, sglang, auto or router/ },
  { name: 'target without =', args: () => ['--target', 'vllm'], field: /--target: "vllm" is not ENGINE=URL/ },
  { name: 'unknown gpu kind', args: () => [...V('http://h:8000'), '--gpu', 'tpu'], field: /--gpu: unknown value "tpu" — use one of dcgm \| nvidia-smi \| amd \| none \| auto/ },
  { name: 'unknown receiver kind', args: () => [...V('http://h:8000'), '--receiver', 'sms'], field: /--receiver: unknown value "sms" — use one of none/ },
  { name: 'unknown platform', args: () => [...V('http://h:8000'), '--platform', 'bsd'], field: /--platform: unknown value "bsd"/ },
  {
    name: 'duplicate target names',
    args: () => ['--target', 'a:vllm=http://h1:8000', '--target', 'a:vllm=http://h2:8000'],
    field: /targets\[1\]\.name: "a" is already used by targets\[0\] — give each target a unique name/,
  },
  { name: 'duplicate endpoint', args: () => ['--target', 'a:vllm=http://h1:8000', '--target', 'b:vllm=http://h1:8000/metrics'], field: /targets\[1\]\.url: .*same endpoint as targets\[0\]/ },
  { name: 'port out of range', args: () => [...V('http://h:8000'), '--grafana-port', '70000'], field: /--grafana-port: "70000" is not a TCP port — use a number from 1 to 65535/ },
  { name: 'port not a number', args: () => [...V('http://h:8000'), '--prometheus-port', '90x'], field: /--prometheus-port: "90x" is not a TCP port/ },
  { name: 'two components on one port', args: () => [...V('http://h:8000'), '--grafana-port', '9090'], field: /ports\.prometheus: 9090 is already the grafana port — give prometheus another port/ },
  { name: 'invalid YAML', args: () => ['--config', config('targets: [\n  - url: "x\n')], field: /monitor\.yaml: is not valid YAML or JSON .* — fix the syntax/ },
  { name: 'unknown config key', args: () => ['--config', config('targetz: []\n')], field: /monitor\.yaml: targetz: is not a known setting — remove it or check the spelling \(known: platform, targets/ },
  { name: 'wrong type (boolean)', args: () => ['--config', config('expose: "yes"\n')], field: /monitor\.yaml: expose: must be boolean/ },
  { name: 'wrong type (port as string)', args: () => ['--config', config('ports: { grafana: "3000" }\n')], field: /monitor\.yaml: ports\.grafana: must be integer/ },
  { name: 'wrong engine in config', args: () => ['--config', config('targets: [{ url: "http://h:8000", engine: tgi }]\n')], field: /monitor\.yaml: targets\[0\]\.engine: must be one of vllm \| sglang \| auto/ },
  { name: 'target without url', args: () => ['--config', config('targets: [{ engine: vllm }]\n')], field: /monitor\.yaml: targets\[0\]\.url: is required/ },
  { name: 'missing slack settings', args: () => [...V('http://h:8000'), '--receiver', 'slack'], field: /receiver\.slack\.webhookUrl: the Slack incoming-webhook URL is required .* — pass --slack-webhook-url or set SLACK_WEBHOOK_URL/ },
  { name: 'missing webhook url', args: () => [...V('http://h:8000'), '--receiver', 'webhook'], field: /receiver\.webhook\.url: is required for the webhook receiver — pass --webhook-url/ },
  { name: 'missing email settings', args: () => [...V('http://h:8000'), '--receiver', 'email', '--email-to', 'a@b.c'], field: /receiver\.email\.from: is required for the email receiver/ },
  { name: 'bad email address', args: () => [...V('http://h:8000'), '--receiver', 'email', '--email-to', 'not-an-address', '--email-from', 'a@b.c', '--smtp-smarthost', 'smtp:25'], field: /receiver\.email\.to: "not-an-address" is not an e-mail address/ },
  { name: 'slack URL not https', args: () => [...V('http://h:8000'), '--receiver', 'slack', '--slack-webhook-url', 'http://hooks.slack.com/x'], field: /receiver\.slack\.webhookUrl: must be an https:\/\/ URL/ },
  { name: 'receiver settings without receiver', args: () => [...V('http://h:8000'), '--slack-channel', '#x'], field: /--receiver: receiver settings were given without a receiver — add --receiver slack/ },
  { name: 'target name with newline', args: () => ['--config', config('targets: [{ name: "a\\nb", engine: vllm, url: "http://h:8000" }]\n')], field: /targets\[0\]\.name: "a\\nb" is not a valid target name — use 1-63 letters/ },
  { name: 'target name with quotes', args: () => ['--config', config(`targets: [{ name: "a'b\\"c", engine: vllm, url: "http://h:8000" }]\n`)], field: /targets\[0\]\.name: .* is not a valid target name/ },
  { name: 'target name with {{', args: () => ['--target', '{{.x}}:vllm=http://h:8000'], field: /targets\[0\]\.name: "\{\{\.x\}\}" is not a valid target name/ },
  { name: 'target name with colon', args: () => ['--config', config('targets: [{ name: "gpu:1", engine: vllm, url: "http://h:8000" }]\n')], field: /targets\[0\]\.name: "gpu:1" is not a valid target name .*no spaces, colons/ },
  { name: 'target name with YAML specials', args: () => ['--config', config('targets: [{ name: "&anchor *ref", engine: vllm, url: "http://h:8000" }]\n')], field: /targets\[0\]\.name: "&anchor \*ref" is not a valid target name/ },
  { name: 'label value with newline', args: () => ['--config', config('targets: [{ engine: vllm, url: "http://h:8000", labels: { team: "a\\nb" } }]\n')], field: /targets\[0\]\.labels\.team: "a\\nb" contains a newline, quote/ },
  { name: 'label value that breaks PromQL', args: () => ['--config', config('targets: [{ engine: vllm, url: "http://h:8000", labels: { team: "a\\"} or vector(1) #" } }]\n')], field: /targets\[0\]\.labels\.team: .* contains a newline, quote, backslash/ },
  { name: 'label value with {{', args: () => ['--config', config('targets: [{ engine: vllm, url: "http://h:8000", labels: { team: "{{ .Labels }}" } }]\n')], field: /targets\[0\]\.labels\.team: .*\{\{ \}\}/ },
  { name: 'label name with colon', args: () => ['--config', config('targets: [{ engine: vllm, url: "http://h:8000", labels: { "team:x": a } }]\n')], field: /targets\[0\]\.labels\.team:x: "team:x" is not a valid Prometheus label name/ },
  { name: 'reserved label name', args: () => ['--config', config('targets: [{ engine: vllm, url: "http://h:8000", labels: { instance: a } }]\n')], field: /targets\[0\]\.labels\.instance: label "instance" is set by the stack itself/ },
  { name: 'unknown image component', args: () => [...V('http://h:8000'), '--image', 'loki=grafana/loki:3'], field: /--image: unknown component "loki" — use one of prometheus/ },
  { name: 'bad image reference', args: () => [...V('http://h:8000'), '--image', 'prometheus=bad image'], field: /--image: "bad image" is not an image reference/ },
  { name: 'dcgm on windows', args: () => [...V('http://h:8000'), '--platform', 'windows', '--gpu', 'dcgm'], field: /gpu: dcgm exporter does not run on Windows — use --gpu nvidia-smi/ },
  { name: 'bad duration', args: () => [...V('http://h:8000'), '--retention', '15days'], field: /--retention: "15days" is not a duration — write it like 15s/ },
  { name: 'retention size without a unit', args: () => [...V('http://h:8000'), '--retention-size', '50'], field: /^error: --retention-size: "50" is not a size — write it like 20GB or 500MB \(units B, KB, MB, GB, TB, PB, EB\), or 0 for no size limit$/ },
  { name: 'retention size in lower case', args: () => [...V('http://h:8000'), '--retention-size', '50gb'], field: /^error: --retention-size: "50gb" is not a size/ },
  { name: 'retention size with a fraction', args: () => [...V('http://h:8000'), '--retention-size', '1.5TB'], field: /^error: --retention-size: "1\.5TB" is not a size/ },
  { name: 'watched path that is relative', args: () => [...V('http://h:8000'), '--watch-path', 'model-cache=data/models'], field: /^error: --watch-path: "data\/models" is not an absolute path — write it like model-cache=\/data\/huggingface/ },
  { name: 'watched path with ..', args: () => [...V('http://h:8000'), '--watch-path', 'cache=/data/../etc'], field: /^error: --watch-path: "\/data\/\.\.\/etc" is not an absolute path/ },
  { name: 'watched path with a quote', args: () => [...V('http://h:8000'), '--watch-path', 'cache=/data/"x'], field: /^error: --watch-path: "\/data\/\\"x" is not an absolute path/ },
  { name: 'watched path that is the root', args: () => [...V('http://h:8000'), '--watch-path', 'all=//'], field: /^error: --watch-path: \/ is the root disk, watched on every machine already — name the directory the disk holds/ },
  { name: 'watched path with a bad name', args: () => [...V('http://h:8000'), '--watch-path', '$cache=/data'], field: /^error: --watch-path: "\$cache" is not a name for a path — write it like model-cache=\/data\/huggingface/ },
  { name: 'retention size past int64', args: () => [...V('http://h:8000'), '--retention-size', '8EB'], field: /^error: --retention-size: 8EB is more than Prometheus can count — use less than 8EB$/ },
  { name: 'relative watched path in config', args: () => ['--config', config('watchPaths: [{ name: cache, path: data/hf }]\n')], field: /monitor\.yaml: watchPaths\[0\]\.path: has an invalid format \(expected an absolute path such as \/data\/huggingface/ },
  { name: 'watched path with .. in config', args: () => ['--config', config('watchPaths: [{ name: cache, path: /data/../etc }]\n')], field: /^error: watchPaths\[0\]: "\/data\/\.\.\/etc" is not an absolute path/ },
  { name: 'retention size in config', args: () => ['--config', config('retentionSize: 20 GB\n')], field: /monitor\.yaml: retentionSize: has an invalid format \(expected a size such as 512MB, 20GB or 1TB/ },
  { name: 'heartbeat URL that is no URL', args: () => [...V('http://h:8000'), '--heartbeat-url', 'hc-ping.com/secret-uuid-1'], field: /^error: --heartbeat-url: is not a valid URL — pass the full ping URL with --heartbeat-url, such as https:\/\/hc-ping\.com\/<uuid>$/, absent: 'secret-uuid-1' },
  { name: 'heartbeat URL not http(s)', args: () => [...V('http://h:8000'), '--heartbeat-url', 'ftp://hc-ping.com/secret-uuid-2'], field: /^error: --heartbeat-url: scheme "ftp" is not supported — use the https:\/\/ ping URL/, absent: 'secret-uuid-2' },
  { name: 'heartbeat URL on this machine', args: () => [...V('http://h:8000'), '--heartbeat-url', 'http://localhost:8000/ping/secret-uuid-3'], field: /^error: --heartbeat-url: points at localhost, which dies with this machine .* — use a service outside this machine/, absent: 'secret-uuid-3' },
  { name: 'heartbeat URL with a quote', args: () => [...V('http://h:8000'), '--heartbeat-url', "https://hc-ping.com/secret-uuid-4'"], field: /^error: --heartbeat-url: contains spaces, quotes, braces or backslashes — paste the ping URL exactly/, absent: 'secret-uuid-4' },
  { name: 'heartbeat URL in config', args: () => ['--config', config('heartbeat: { url: "https://hc-ping.com/secret uuid-5" }\n')], field: /^error: heartbeat\.url: contains spaces, quotes, braces or backslashes/, absent: 'uuid-5' },
  { name: 'heartbeat with an unknown key', args: () => ['--config', config('heartbeat: { pingUrl: "https://hc-ping.com/x" }\n')], field: /monitor\.yaml: heartbeat\.pingUrl: is not a known setting — remove it or check the spelling \(known: url\)/ },
  { name: 'bad SLO', args: () => [...V('http://h:8000'), '--slo-ttft-p99=-1'], field: /--slo-ttft-p99: "-1" is not a positive number of seconds/ },
  // No bucket of SGLang's current TTFT layout is at or below 0.05 s: no request could count as good.
  { name: 'SLO below every bucket bound', args: () => [...V('http://h:8000'), '--slo-ttft-p99', '0.05'], field: /^error: slo\.ttftP99Seconds \(--slo-ttft-p99\): 0\.05s is below the smallest TTFT bucket \(SGLang \(current `sglang:` names\): 0\.1s\), so no request could count as meeting it — choose 0\.1s or more$/ },
  { name: 'availability not a percentage', args: () => [...V('http://h:8000'), '--slo-availability', '100'], field: /--slo-availability: "100" is not a percentage between 0 and 100 — write it like 99\.9/ },
  { name: 'runbook URL that is not http(s)', args: () => [...V('http://h:8000'), '--runbook-url', 'wiki/runbooks'], field: /--runbook-url: "wiki\/runbooks" is not an http\(s\) URL without #fragment — write it like https:/ },
  { name: 'runbook URL with a fragment in config', args: () => ['--config', config('runbookUrl: "https://wiki.example.com/page#top"\n')], field: /monitor\.yaml: runbookUrl: has an invalid format \(expected an http\(s\) URL without #fragment/ },
  { name: 'unknown flag', args: () => ['--frobnicate'], field: /--frobnicate: Unknown option '--frobnicate' — see create-vllm-monitor --help/ },
  { name: 'config file missing', args: () => ['--config', join(work, 'nope.yaml')], field: /--config: cannot read .*nope\.yaml \(ENOENT\) — check the path/ },
  { name: 'unreadable token file', args: () => ['--config', config(`targets: [{ engine: vllm, url: "http://h:8000", bearerTokenFile: "${join(work, 'missing.token')}" }]\n`)], field: /targets\[0\]\.bearerTokenFile: cannot read .*missing\.token \(ENOENT\) — check the path/ },
  { name: 'SMTP password without user', args: () => [...V('http://h:8000'), '--receiver', 'email', '--email-to', 'a@b.c', '--email-from', 'a@b.c', '--smtp-smarthost', 'smtp:25', '--smtp-password', 'x'], field: /receiver\.email\.username: is required when an SMTP password is given — pass --smtp-username/ },
  {
    name: 'token variables that collide',
    args: () => ['--config', config(`targets:\n  - { name: a.b, engine: vllm, url: "http://h1:8000", bearerTokenFile: "${join(work, 't')}" }\n  - { name: a-b, engine: vllm, url: "http://h2:8000", bearerTokenFile: "${join(work, 't')}" }\n`), '--dry-run'],
    field: /targets\[1\]\.name: "a-b" and targets\[0\] would share the \.env variable TARGET_A_B_TOKEN/,
  },
  { name: 'remote-write URL that is no URL', args: () => [...V('http://h:8000'), '--remote-write', 'vm.example.org/api/v1/write'], field: /^error: --remote-write: "vm\.example\.org\/api\/v1\/write" is not a valid URL — pass the endpoint's full URL/ },
  { name: 'remote-write URL with credentials', args: () => [...V('http://h:8000'), '--remote-write', 'https://u:rw-secret-1@vm.example.org/api/v1/write'], field: /^error: --remote-write: contains credentials — remove them from the URL and pass --remote-write-user/, absent: 'rw-secret-1' },
  { name: 'remote-write password without user', args: () => [...V('http://h:8000'), '--remote-write', 'https://vm.example.org/api/v1/write', '--remote-write-password', 'rw-secret-2'], field: /^error: --remote-write-password: is given without --remote-write-user — add --remote-write-user USER/, absent: 'rw-secret-2' },
  {
    name: 'remote-write token and basic auth together',
    args: () => [...V('http://h:8000'), '--remote-write', 'https://vm.example.org/api/v1/write', '--remote-write-user', 'u', '--remote-write-password', 'rw-secret-3', '--remote-write-token', 'rw-secret-4'],
    field: /^error: --remote-write-token: is given together with basic auth \(--remote-write-user\) — use one of them/,
    absent: 'rw-secret-4',
  },
  { name: 'recorded-only without remote-write', args: () => [...V('http://h:8000'), '--remote-write-recorded-only'], field: /^error: --remote-write-recorded-only: is given without --remote-write — add --remote-write URL/ },
  { name: 'remote-write user without remote-write', args: () => [...V('http://h:8000'), '--remote-write-user', 'u'], field: /^error: --remote-write-user: is given without --remote-write/ },
  { name: 'remote-write user without password', args: () => [...V('http://h:8000'), '--remote-write', 'https://vm.example.org/api/v1/write', '--remote-write-user', 'u'], field: /^error: remoteWrite\.endpoints\[0\]\.password: the password of user u is missing — pass --remote-write-password or set REMOTE_WRITE_PASSWORD/ },
  { name: 'bad cluster name', args: () => [...V('http://h:8000'), '--remote-write', 'https://vm.example.org/api/v1/write', '--cluster', 'prod eu'], field: /^error: --cluster: "prod eu" is not a valid cluster name/ },
  { name: 'remote write with platform kubernetes', args: () => ['--platform', 'kubernetes', '--remote-write', 'https://vm.example.org/api/v1/write'], field: /^error: remoteWrite: is for Compose stacks — set remote write in kube-prometheus-stack's values/ },
  { name: 'remote write in config without endpoints', args: () => ['--config', config('remoteWrite: { cluster: prod }\n')], field: /monitor\.yaml: remoteWrite\.endpoints: is required/ },
  { name: '--ha with platform kubernetes', args: () => ['--platform', 'kubernetes', '--ha'], field: /^error: ha \(--ha\): is for Compose stacks — kube-prometheus-stack runs the replicas itself: set prometheus\.prometheusSpec\.replicas: 2/ },
  { name: 'second Prometheus port without --ha', args: () => [...V('http://h:8000'), '--prometheus2-port', '19191'], field: /^error: ports\.prometheus2 \(--prometheus2-port\): is only used with --ha .* — add --ha, or remove --prometheus2-port$/ },
  { name: '--replica with --ha', args: () => [...V('http://h:8000'), '--ha', '--remote-write', 'https://vm.example.org/api/v1/write', '--replica', 'r1'], field: /^error: remoteWrite\.replica \(--replica\): is set by --ha: the replicas are labelled replica="prometheus" and replica="prometheus-2" — remove --replica/ },
  { name: '--ha second port taken by another', args: () => [...V('http://h:8000'), '--ha', '--alertmanager2-port', '9090'], field: /^error: ports\.alertmanager2: 9090 is already the prometheus port — give alertmanager2 another port \(--alertmanager2-port N\)$/ },
  { name: 'ha not a boolean in config', args: () => ['--config', config('ha: "yes"\n')], field: /monitor\.yaml: ha: must be boolean/ },
  { name: 'two directories', args: () => ['a', 'b', ...V('http://h:8000')], field: /dir: expected one directory, got 3/ },
];

describe('bad input', () => {
  it.each(cases)('$name', async (c) => {
    const out = join(work, 'stack');
    const args = c.args();
    const before = readdirSync(work).sort();
    const r = await runCli([out, '--yes', ...args]);
    expect(r.code).toBe(c.code ?? 2);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(lines).toHaveLength(c.lines ?? 1);
    expect(lines[0]).toMatch(c.field);
    if (c.absent) expect(`${r.stdout}${r.stderr}`).not.toContain(c.absent);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(work).sort()).toEqual(before);
  });

  it('reports every schema problem of a config file, one per line', async () => {
    const r = await runCli([join(work, 'stack'), '--yes', '--config', config('expose: 1\ngpu: tpu\nports: { grafana: 0 }\n')]);
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(lines).toHaveLength(3);
    expect(lines.join('\n')).toMatch(/expose: must be boolean/);
    expect(lines.join('\n')).toMatch(/gpu: must be one of dcgm/);
    expect(lines.join('\n')).toMatch(/ports\.grafana: must be >= 1/);
  });

  it('refuses an output path that is a file (exit 2, file untouched)', async () => {
    const file = join(work, 'stack');
    writeFileSync(file, 'mine');
    const r = await runCli([file, '--yes', ...V('http://h:8000')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: dir: .*stack exists and is not a directory — choose another output directory$/);
  });

  it('fails with exit 1 when the output directory cannot be written', async () => {
    // /sys refuses new directories even to root, so this holds in CI too.
    const r = await runCli(['/sys/cvm-test-stack', '--yes', ...V('http://h:8000')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: dir: cannot write to \/sys \(EPERM|EACCES\) — choose a directory you can write to/);
    expect(existsSync('/sys/cvm-test-stack')).toBe(false);
  });

  it('refuses a non-empty directory it did not write, unless --overwrite', async () => {
    const dir = join(work, 'stack');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const r = await runCli([dir, '--yes', ...V('http://h:8000')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/dir: .* is not empty and was not generated by create-vllm-monitor — pass --overwrite/);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
    const ok = await runCli([dir, '--yes', '--overwrite', ...V('http://h:8000')]);
    expect(ok.code).toBe(0);
    expect(readdirSync(dir)).toContain('docker-compose.yml');
    expect(readdirSync(dir)).toContain('notes.txt');
  });
});
