/**
 * The architecture of src/, checked by test/package/architecture.test.ts (and by
 * `npm run lint:architecture`): no import cycles, and no module importing from a layer above its own.
 * Type-only and dynamic imports count like any other: a cycle of types is still a cycle to read.
 *
 * Layers, top to bottom. Folders within one layer may import each other (without cycles), because
 * this code base needs it:
 *  - cli/ dispatches to commands/, and commands/ take the CLI's Io (cli/io.ts); `demo` runs the
 *    create command (cli/create.ts) the way `create --start` runs `up`.
 *  - validate/ checks a stack found by stack/ (stack-dir, compose-cli); stack/ starts demo/'s
 *    emulators for `demo`; report/ and profile/ draw with analyze/'s HTML; validate/ talks to grafana-client/.
 *  - dashboards/, rules/ and notify/ name each other's series, dashboard uids and links, and
 *    render/ assembles them into the stack's files while they use render's datasource uid and job
 *    names; probe/ walks the rules' series contract.
 */

/** Folders (or files) of src/, by layer, top first. */
const LAYERS = [
  {
    name: 'entry',
    what: 'the CLI and its commands',
    paths: ['src/cli\\.ts$', 'src/cli/', 'src/commands/'],
  },
  {
    name: 'workflows',
    what: 'what a command does: run a stack, validate it, report, analyze, profile, emulate, load test, watch, write files, edit its targets, check its health',
    paths: ['src/stack/', 'src/validate/', 'src/report/', 'src/analyze/', 'src/profile/', 'src/demo/', 'src/top/', 'src/write/', 'src/grafana-client/', 'src/fleet/', 'src/doctor/', 'src/loadtest/'],
  },
  {
    name: 'generation',
    what: 'what the stack is made of, and reading it back: rules, dashboards, notifications, rendered files, the panel probe',
    paths: ['src/probe/', 'src/dashboards/', 'src/rules/', 'src/render/', 'src/notify/'],
  },
  {
    name: 'foundation',
    what: 'the engines catalog, the configuration and StackSpec, the CLI error types',
    paths: ['src/engines/', 'src/config/', 'src/errors\\.ts$'],
  },
];

const anyOf = (paths) => `^(${paths.join('|')})`;

const layerRules = LAYERS.slice(1).map((layer, i) => {
  const above = LAYERS.slice(0, i + 1);
  return {
    name: `${layer.name}-imports-no-layer-above`,
    comment: `${layer.what} (${layer.name}) must not import from a layer above: ${above.map((l) => l.name).join(', ')}. Move the shared piece down instead.`,
    severity: 'error',
    from: { path: anyOf(layer.paths) },
    to: { path: anyOf(above.flatMap((l) => l.paths)) },
  };
});

/**
 * Every module of src/ belongs to a layer: a new top-level folder must be placed in LAYERS before
 * it imports or is imported (otherwise the layer rules would not see it).
 */
const placed = anyOf(LAYERS.flatMap((l) => l.paths));
const unplaced = [
  {
    name: 'importer-in-a-layer',
    comment: 'This module of src/ is in no layer of .dependency-cruiser.cjs: add its folder to LAYERS.',
    severity: 'error',
    from: { path: '^src/', pathNot: placed },
    to: {},
  },
  {
    name: 'imported-in-a-layer',
    comment: 'The imported module of src/ is in no layer of .dependency-cruiser.cjs: add its folder to LAYERS.',
    severity: 'error',
    from: {},
    to: { path: '^src/', pathNot: placed },
  },
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle: move the piece both sides need into a small module of its own.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...layerRules,
    ...unplaced,
  ],
  options: {
    includeOnly: '^src/',
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
