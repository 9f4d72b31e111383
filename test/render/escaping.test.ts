/**
 * No user string reaches a generated file unescaped: every structured file parses, and each user
 * string that appears in a file comes back out of the parsed document unchanged.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { render } from '../../src/render/index.js';
import type { ConfigInput } from '../../src/config/input.js';
import { specFor } from '../support/stacks.js';

/** Label values that are legal but mean something to YAML, JSON, Markdown or shells. */
const TRICKY_VALUES = [
  'a: b #c',
  '- item',
  '&anchor',
  '*alias',
  '!!str tag',
  '%YAML',
  '@at',
  'yes',
  'null',
  '~',
  '0x10',
  '1e3',
  "it's",
  '[x, y]',
  '{k: v}',
  '| literal',
  '> folded',
  '$HOME ${X} $(id)',
  'ünïcödé — 模型',
  ' leading space',
  'trailing space ',
  '#comment',
  '? key',
];

function collectStrings(node: unknown, out: Set<string>): Set<string> {
  if (typeof node === 'string') out.add(node);
  else if (Array.isArray(node)) for (const n of node) collectStrings(n, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      out.add(k);
      collectStrings(v, out);
    }
  }
  return out;
}

describe('escaping of user strings', () => {
  const input: ConfigInput = {
    targets: [
      {
        name: 'model-a_1.prod',
        engine: 'vllm',
        url: 'http://10.0.0.5:8000/vllm/metrics',
        labels: Object.fromEntries(TRICKY_VALUES.map((v, i) => [`l${i}`, v])),
      },
      { name: 'yes', engine: 'sglang', url: 'https://gpu-2.example.org:30000', host: 'gpu-2' },
    ],
    receiver: { kind: 'slack', slack: { webhookUrl: 'https://hooks.slack.com/services/T0/B0/x', channel: '#a-b_c.d' } },
  };

  it('every YAML and JSON file parses and returns each user string intact', async () => {
    const { spec, secrets } = await specFor(input, 'escape');
    const files = render(spec, secrets);
    const userStrings = [...TRICKY_VALUES, 'model-a_1.prod', 'yes', 'gpu-2', '#a-b_c.d', '/vllm/metrics'];
    const found = new Map<string, string[]>();
    for (const [path, file] of files) {
      if (!/\.(ya?ml|json)$/.test(path)) continue;
      const doc = path.endsWith('.json') ? JSON.parse(file.content) : parse(file.content, { uniqueKeys: true });
      const strings = collectStrings(doc, new Set());
      for (const s of userStrings) {
        if (!strings.has(s)) continue;
        found.set(s, [...(found.get(s) ?? []), path]);
      }
    }
    // Every tricky label value made it into the file_sd target list as itself.
    for (const v of TRICKY_VALUES) expect(found.get(v), v).toContain('prometheus/targets/vllm.json');
    expect(found.get('yes')).toContain('prometheus/targets/sglang.json');
    expect(found.get('#a-b_c.d')).toContain('alertmanager/alertmanager.yml');
    expect(found.get('/vllm/metrics')).toContain('prometheus/targets/vllm.json');

    const groups = JSON.parse(files.get('prometheus/targets/vllm.json')!.content) as { labels: Record<string, string> }[];
    expect(groups[0]!.labels).toMatchObject(input.targets![0]!.labels!);
  });

  it('secrets with shell and Compose metacharacters are quoted in .env, kept as they are in secrets/, and reach no other file', async () => {
    const password = 'p@ss $HOME `id` #x';
    const { spec, secrets } = await specFor(
      { targets: [{ engine: 'vllm', url: 'http://10.0.0.5:8000' }], receiver: { kind: 'email', email: { to: 'a@b.org', from: 'c@d.org', smarthost: 'smtp.d.org:587', username: 'u', password: 'x' } } },
      'escape',
    );
    const files = render(spec, { ...secrets, env: { SMTP_PASSWORD: password } });
    const env = files.get('.env')!.content;
    expect(env).toContain(`SMTP_PASSWORD='${password}'`);
    // secrets/ holds the value itself (no quoting: the container reads the file as it is).
    expect(files.get('secrets/smtp_password')!.content).toBe(password);
    for (const [path, file] of files) if (path !== '.env' && !path.startsWith('secrets/')) expect(file.content, path).not.toContain(password);
  });
});
