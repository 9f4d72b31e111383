/**
 * Every generated dashboard, in both forms (provisioned and import), type-checks against Grafana's
 * own schema: `@grafana/schema` at the version of the Grafana image the stack pins, its Dashboard
 * type with each panel's options and custom field config narrowed to that panel plugin's generated
 * types (timeseries, stat, bargauge, table, heatmap), enums read as the strings JSON holds. The TypeScript compiler
 * checks object literals for missing and unknown properties, so a legend without `calcs` or a typo
 * in an option fails here. Nothing is written: the sources are virtual files beside the repository.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { importVariant, renderDashboards } from '../../src/dashboards/index.js';
import { SCHEMA_VERSION } from '../../src/dashboards/model.js';
import { DEFAULT_IMAGES } from '../../src/config/defaults.js';
import { REPO_ROOT } from '../support/env.js';

const SCHEMA_PACKAGE = join(REPO_ROOT, 'node_modules/@grafana/schema/package.json');
const panelCfg = (plugin: string, name: string) => `@grafana/schema/dist/esm/raw/composable/${plugin}/panelcfg/x/${name}PanelCfg_types.gen`;

/** The checked type: Grafana's Dashboard, panels narrowed by `type`, import form's __inputs/__requires. */
const PRELUDE = `
import type { AnnotationQuery, Dashboard, FieldConfig, FieldConfigSource, Panel, RowPanel } from '@grafana/schema';
import type * as TimeSeries from '${panelCfg('timeseries', 'TimeSeries')}';
import type * as Stat from '${panelCfg('stat', 'Stat')}';
import type * as BarGauge from '${panelCfg('bargauge', 'BarGauge')}';
import type * as Table from '${panelCfg('table', 'Table')}';
import type * as Heatmap from '${panelCfg('heatmap', 'Heatmap')}';

/** JSON spells an enum member as its string value. */
type Json<T> = T extends string ? \`\${T}\` : T extends readonly (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;

type Typed<Type extends string, Options, Custom> = Omit<Json<Panel>, 'type' | 'options' | 'fieldConfig'> & {
  type: Type;
  options: Json<Options>;
  fieldConfig: Omit<Json<FieldConfigSource>, 'defaults'> & { defaults: Omit<Json<FieldConfig>, 'custom'> & { custom?: Json<Custom> } };
};
type AnyPanel =
  | Typed<'timeseries', TimeSeries.Options, TimeSeries.FieldConfig>
  | Typed<'stat', Stat.Options, never>
  | Typed<'bargauge', BarGauge.Options, never>
  | Typed<'table', Table.Options, never>
  | Typed<'heatmap', Heatmap.Options, never>
  | (Omit<Json<RowPanel>, 'panels'> & { panels: AnyPanel[] });
/**
 * A Prometheus annotation: Grafana's AnnotationQuery plus the fields the Prometheus datasource's
 * annotation support reads (the schema's target type is the built-in annotations' only).
 */
type PrometheusAnnotation = Omit<Json<AnnotationQuery>, 'target'> & { expr: string; step: string; titleFormat: string; textFormat: string; tagKeys: string; useValueForTime: boolean };
type Checked = Omit<Json<Dashboard>, 'panels' | 'annotations'> & { panels: AnyPanel[]; annotations: { list: (Json<AnnotationQuery> | PrometheusAnnotation)[] } };
type Imported = Checked & {
  __inputs: { name: string; label: string; description: string; type: 'datasource'; pluginId: string; pluginName: string }[];
  __requires: { type: 'grafana' | 'datasource' | 'panel'; id: string; name: string; version: string }[];
};
`;

/** Type errors of `source` (a module beside the repository's own), as "line: message". */
function typeErrors(source: string): string[] {
  const file = join(REPO_ROOT, 'test/dashboards/__grafana_schema_check__.ts');
  const options: ts.CompilerOptions = { strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: [] };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  const exists = host.fileExists.bind(host);
  const get = host.getSourceFile.bind(host);
  host.readFile = (f) => (f === file ? source : read(f));
  host.fileExists = (f) => f === file || exists(f);
  host.getSourceFile = (f, v, ...rest) => (f === file ? ts.createSourceFile(f, source, v) : get(f, v, ...rest));
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
    return `${d.file?.fileName === file ? `line ${line}` : (d.file?.fileName ?? '')}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

const module = (checked: Record<string, unknown>, imported: Record<string, unknown>) =>
  `${PRELUDE}\nexport const provisioned: Checked = ${JSON.stringify(checked, null, 1)};\nexport const imported: Imported = ${JSON.stringify(imported, null, 1)};\n`;

type Options = Record<string, Record<string, unknown>>;
const GRAFANA_VERSION = /^grafana\/grafana:(\d+\.\d+\.\d+)$/.exec(DEFAULT_IMAGES.grafana)?.[1];

describe("dashboards against Grafana's schema (@grafana/schema)", () => {
  it('is the version of the Grafana image the stack pins', () => {
    expect(JSON.parse(readFileSync(SCHEMA_PACKAGE, 'utf8')).version).toBe(GRAFANA_VERSION);
  });

  it.each([...renderDashboards('dcgm')].map(([file, d]) => [file, d] as const))('%s type-checks in both forms, with no error', (_file, d) => {
    expect(typeErrors(module(d as unknown as Record<string, unknown>, importVariant(d)))).toEqual([]);
  }, 60_000);

  it.each([
    ['a legend without calcs', (o: Options) => delete o.legend!.calcs, /calcs/],
    ['a tooltip mode Grafana lacks', (o: Options) => (o.tooltip!.mode = 'everything'), /"everything"/],
    ['an unknown option', (o: Options) => (o.legnd = {}), /legnd/],
  ])('fails on %s', (_what, breakIt, error) => {
    const d = renderDashboards('dcgm').get('hosts.json')!;
    const broken = JSON.parse(JSON.stringify(d)) as { panels: { type: string; options: Options }[] };
    breakIt(broken.panels.find((p) => p.type === 'timeseries')!.options);
    expect(typeErrors(module(broken, importVariant(d))).join('\n')).toMatch(error);
  }, 60_000);

  it("names in __requires the Grafana whose schema version the dashboards carry", () => {
    for (const d of renderDashboards('dcgm').values()) {
      const grafana = (importVariant(d).__requires as { id: string; version: string }[]).find((r) => r.id === 'grafana')!;
      expect(grafana.version).toBe(GRAFANA_VERSION);
      expect(d.schemaVersion).toBe(SCHEMA_VERSION);
    }
  });
});
