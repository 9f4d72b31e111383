// Bundles the CLI into dist/ with esbuild: dependencies are inlined, so the published package has
// no runtime dependencies to install, and commands are split into chunks loaded on demand.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { jsonlWorkerCode } from './jsonl-worker.mjs';

// Stubs for what dockerode can load but this CLI never uses: ssh2 (DOCKER_HOST=ssh://; native addons
// and an emscripten blob that cannot run from an ESM bundle), gRPC (BuildKit sessions; ~370 KB),
// protobufjs (BuildKit progress, which reads .proto files the bundle does not carry; ~95 KB) and
// tar-fs and @balena/dockerignore (build contexts: the CLI builds no image; ~27 KB). dockerode
// require()s them when loaded and touches them only in those features, so a stub throws on use.
const unsupported = (what) => `module.exports = new Proxy({}, { get() { throw new Error('${what} is not supported by create-vllm-monitor'); } });`;
const STUBS = {
  ssh2: "exports.Client = class { constructor() { throw new Error('DOCKER_HOST=ssh://... is not supported here; use a unix socket or tcp://'); } };",
  '@grpc/grpc-js': unsupported('BuildKit sessions'),
  '@grpc/proto-loader': unsupported('BuildKit sessions'),
  protobufjs: unsupported('BuildKit progress'),
  'tar-fs': unsupported('Building images'),
  '@balena/dockerignore': unsupported('Building images'),
};
const stubs = {
  name: 'stubs',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^(${Object.keys(STUBS).map((k) => k.replace(/[./]/g, '\\$&')).join('|')})$`) }, (args) => ({ path: args.path, namespace: 'cvm-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'cvm-stub' }, (args) => ({ contents: STUBS[args.path], loader: 'js' }));
  },
};

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
rmSync(new URL('./dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: ['src/cli.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  define: { __CVM_VERSION__: JSON.stringify(pkg.version), __CVM_JSONL_WORKER__: JSON.stringify(jsonlWorkerCode()) },
  // Some bundled CommonJS code calls require(); give ESM output a real one.
  banner: { js: "import { createRequire as __cvmCreateRequire } from 'node:module'; const require = __cvmCreateRequire(import.meta.url);" },
  // templates/*.hbs are bundled as their text: render reads no file.
  loader: { '.hbs': 'text' },
  plugins: [stubs],
  logLevel: 'warning',
});
