/**
 * The one build of every public package (`packages/*`): run from a package's directory as
 * `tsdown -c ../../tsdown.config.ts` (its `build` script).
 *
 * Entries come from the package's workspace `exports` (scripts/package-layout.ts). Each is built twice,
 * ESM (`dist/x.mjs` + `dist/x.d.mts`) and CommonJS (`dist/x.cjs` + `dist/x.d.cts`), so that Node's
 * `import` and `require`, and TypeScript in every module mode, each find files of their own format.
 * A command (`src/bin.ts`) is built ESM-only. Dependencies and peers stay imports, never bundled.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, type UserConfig } from 'tsdown';
import { BIN_SOURCE, packageEntries, type WorkspaceManifest } from './scripts/package-layout.js';

const packageDir = process.cwd();
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as WorkspaceManifest;
const tsconfig = join(packageDir, 'tsconfig.build.json');

const common: UserConfig = {
  platform: 'node',
  target: 'node20.19',
  cwd: packageDir,
  outDir: join(packageDir, 'dist'),
  fixedExtension: true,
  tsconfig,
  sourcemap: false,
  // `error`: tsdown's advice against CommonJS output is the point of this build, not news.
  logLevel: 'error',
};

const library: UserConfig = {
  ...common,
  entry: Object.fromEntries(packageEntries(manifest).map((e) => [e.name, join(packageDir, e.source)])),
  format: ['esm', 'cjs'],
  clean: true,
  dts: { tsconfig },
  // jose is ESM-only: a `.d.cts` that imports its types fails TypeScript's node16 CommonJS mode (TS1479).
  // Its types are inlined into our declarations instead; the JavaScript still imports jose at run time.
  deps: { alwaysBundle: (id, importer) => id === 'jose' && importer !== undefined && importer.endsWith('.d.ts') },
};

// The command awaits at top level, so it is ESM only; it needs no types. tsdown keeps the shebang.
const command: UserConfig = {
  ...common,
  entry: { bin: join(packageDir, BIN_SOURCE) },
  format: 'esm',
  clean: false,
  dts: false,
};

export default defineConfig(manifest.bin === undefined ? [library] : [library, command]);
