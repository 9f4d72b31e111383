// Bundles the CLI into dist/ with esbuild: dependencies are inlined, so the published package has
// no runtime dependencies to install, and commands are split into chunks loaded on demand.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

// dockerode's docker-modem needs ssh2 only for DOCKER_HOST=ssh://; ssh2 brings native addons and an
// emscripten blob that cannot run from an ESM bundle. A stub that says so replaces it.
const noSsh2 = {
  name: 'no-ssh2',
  setup(b) {
    b.onResolve({ filter: /^ssh2$/ }, () => ({ path: 'ssh2', namespace: 'cvm-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'cvm-stub' }, () => ({
      contents: "exports.Client = class { constructor() { throw new Error('DOCKER_HOST=ssh://... is not supported here; use a unix socket or tcp://'); } };",
      loader: 'js',
    }));
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
  define: { __CVM_VERSION__: JSON.stringify(pkg.version) },
  // Some bundled CommonJS code calls require(); give ESM output a real one.
  banner: { js: "import { createRequire as __cvmCreateRequire } from 'node:module'; const require = __cvmCreateRequire(import.meta.url);" },
  plugins: [noSsh2],
  logLevel: 'warning',
});
