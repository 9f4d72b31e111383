/**
 * The notification templates, checked by the real tools: every template rendered by `amtool
 * template render` (Alertmanager 0.28 and 0.33; 0.25's amtool has no such command) on its sample
 * notification, and alertmanager.yml with its templates passing `amtool check-config` on 0.25,
 * 0.28 and 0.33 for every receiver combination. Also: the links name dashboards and variables
 * that exist, and every template a config calls is defined once.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertmanagerTemplateFiles } from '../../src/dashboards/canonical.js';
import { renderDashboards } from '../../src/dashboards/index.js';
import { DASHBOARD_VARIABLES, notificationTemplates } from '../../src/notify/index.js';
import { renderAlertmanagerConfig } from '../../src/render/alertmanager.js';
import { toYaml } from '../../src/render/files.js';
import { REPO_ROOT } from '../support/env.js';
import { specFor } from '../support/stacks.js';
import { ALERTMANAGER_RELEASES, itEachRelease } from '../support/versions.js';
import { COMBINATIONS, usesMsteams } from './combinations.js';
import { writeAlertmanagerDir } from './support.js';

const GRAFANA = 'http://localhost:3000';
const definedIn = (text: string) => [...text.matchAll(/\{\{-? define "([^"]+)"/g)].map((m) => m[1]!);
const allTemplates = (grafana: string | undefined) => [...notificationTemplates(grafana)].flatMap(([file, text]) => definedIn(text).map((name) => ({ file, name })));

function amtool(bin: string, args: string[]): { code: number; out: string } {
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

describe('notification templates', () => {
  it('in alertmanager/templates of this repository equal what the generator produces (npm run gen:canonical)', () => {
    const files = alertmanagerTemplateFiles();
    for (const [path, content] of files) expect(readFileSync(join(REPO_ROOT, path), 'utf8'), path).toBe(content);
    expect(readdirSync(join(REPO_ROOT, 'alertmanager/templates')).map((f) => `alertmanager/templates/${f}`).sort()).toEqual([...files.keys()].sort());
  });

  it('define each name once across the files, with and without a Grafana', () => {
    for (const grafana of [GRAFANA, undefined]) {
      const names = allTemplates(grafana).map((t) => t.name);
      expect(names.length).toBeGreaterThan(20);
      expect(new Set(names).size, names.join(' ')).toBe(names.length);
      // Without a Grafana the same names exist: the receivers' templates stay the same files.
      expect(new Set(names)).toEqual(new Set(allTemplates(GRAFANA).map((t) => t.name)));
    }
  });

  it.each(Object.keys(COMBINATIONS))('"%s": every template alertmanager.yml calls is defined', async (name) => {
    const { spec } = await specFor(COMBINATIONS[name]!);
    const yml = toYaml(renderAlertmanagerConfig(spec));
    const defined = new Set(allTemplates(spec.urls.grafana).map((t) => t.name));
    for (const m of yml.matchAll(/template "([^"]+)"/g)) expect(defined.has(m[1]!), m[1]).toBe(true);
  });

  it('link to dashboards and variables that exist', () => {
    const dashboards = [...renderDashboards('dcgm').values()];
    for (const [uid, variables] of Object.entries(DASHBOARD_VARIABLES)) {
      const d = dashboards.find((x) => x.uid === uid);
      expect(d, uid).toBeDefined();
      const names = d!.templating.list.map((v) => v.name);
      for (const v of variables) expect(names, `${uid} var-${v}`).toContain(v);
      expect(notificationTemplates(GRAFANA).get('cvm-links.tmpl')).toContain(`${GRAFANA}/d/${uid}?`);
    }
  });
});

const renderers = ALERTMANAGER_RELEASES.filter((r) => r.atLeast('0.28'));

describe.each([
  ['with Grafana', GRAFANA],
  ['without Grafana', undefined],
] as const)('amtool template render, %s', (_label, grafana) => {
  let dir: string;
  beforeAll(async () => {
    const { spec } = await specFor({ targets: [], gpu: 'none', grafana: grafana !== undefined, receiver: { kind: 'none' } });
    dir = dirname(writeAlertmanagerDir(spec));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const render = (bin: string, text: string, html = false) =>
    amtool(bin, ['template', 'render', `--template.glob=${join(dir, 'templates/*.tmpl')}`, `--template.text=${text}`, ...(html ? ['--template.type=html'] : [])]);

  itEachRelease(renderers, 'amtool', 'renders every template', (bin) => {
    for (const { name } of allTemplates(grafana)) {
      // `*.alert` templates take one alert; the others a whole notification.
      const dot = name.endsWith('.alert') ? '(index .Alerts 0)' : '.';
      const r = render(bin, `{{ template "${name}" ${dot} }}`, name.startsWith('cvm.email.html'));
      expect(r.code, `${name}: ${r.out}`).toBe(0);
      expect(r.out, name).not.toMatch(/<no value>|error calling|ZgotmplZ/);
    }
  });

  itEachRelease(renderers, 'amtool', 'silence links carry the matchers, URL-encoded, and no severity', (bin) => {
    // amtool's sample notification: ExternalURL https://example.com, common labels commonlabelkey1/2.
    expect(render(bin, '{{ template "cvm.silence.url" . }}').out).toBe('https://example.com/#/silences/new?filter=%7Bcommonlabelkey1%3D%22commonlabelvalue1%22%2Ccommonlabelkey2%3D%22commonlabelvalue2%22%7D');
    expect(render(bin, '{{ template "cvm.silence.filter.alert" (index .Alerts 0) }}').out).toContain('instance%3D%22foo.bar%3A1234%22');
  });

  itEachRelease(renderers, 'amtool', 'Slack, Teams, e-mail and PagerDuty texts carry the links and both states', (bin) => {
    const slack = render(bin, '{{ template "cvm.slack.text" . }}').out;
    expect(slack).toContain('|Silence>');
    expect(slack).toContain('<https://generatorurl.com|Query>');
    expect(slack).toContain('*Resolved:*');
    const teams = render(bin, '{{ template "cvm.msteams.text" . }}').out;
    expect(teams).toContain('[Silence](https://example.com/#/silences/new?filter=%7B');
    const mail = render(bin, '{{ template "cvm.email.html" . }}', true).out;
    expect(mail).toContain('<a href="https://example.com/#/silences/new?filter=%7B');
    expect(mail).toContain('<b>Resolved:</b>');
    const text = render(bin, '{{ template "cvm.email.text" . }}').out;
    expect(text).toContain('All alerts: https://example.com/#/alerts?receiver=receiver');
    for (const out of [slack, teams, mail, text]) {
      if (grafana) expect(out).toMatch(/http:\/\/localhost:3000\/d\/cvm-llm-overview\?from=\d{13}&(amp;)?to=now/);
      else expect(out).not.toContain('Dashboard');
    }
    expect(render(bin, '{{ template "cvm.pagerduty.severity" . }}').out).toBe('info');
  });
});

describe.each(Object.entries(COMBINATIONS))('receivers "%s"', (name, input) => {
  let file: string;
  beforeAll(async () => {
    const { spec } = await specFor(input, name.replace(/\W+/g, '-'));
    file = writeAlertmanagerDir(spec);
  });
  afterAll(() => rmSync(dirname(file), { recursive: true, force: true }));

  // Alertmanager 0.25 predates msteams_configs (0.26); the stack pins 0.28 or newer.
  const releases = usesMsteams(input) ? ALERTMANAGER_RELEASES.filter((r) => r.atLeast('0.26')) : ALERTMANAGER_RELEASES;
  itEachRelease(releases, 'amtool', 'alertmanager.yml and its templates pass amtool check-config', (bin) => {
    const r = amtool(bin, ['check-config', file]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/SUCCESS/);
    expect(r.out).toContain(' - 1 templates'); // the templates/*.tmpl glob, every file parsed
  });
});
