/**
 * The layout every public package (`packages/*`) shares, in one place: which sources are its entries
 * and which built files its published `exports` point at. Read by the build (`tsdown.config.ts`) and
 * checked against each package.json by `tests/packaging/package-manifests.test.ts`.
 */

/** The parts of a package.json this layout reads. */
export interface WorkspaceManifest {
  readonly name: string;
  readonly private?: boolean;
  /** Workspace exports: each subpath points at one top-level `./src/<entry>.ts`. */
  readonly exports?: Readonly<Record<string, string>>;
  readonly bin?: Readonly<Record<string, string>>;
}

/** One built entry: `redis` for `"./redis": "./src/redis.ts"`. */
export interface PackageEntry {
  readonly subpath: string;
  readonly name: string;
  readonly source: string;
}

/** The entries of a package, from its workspace `exports`; throws when a subpath does not follow the layout. */
export function packageEntries(manifest: WorkspaceManifest): PackageEntry[] {
  return Object.entries(manifest.exports ?? {}).map(([subpath, target]) => {
    const name = /^\.\/src\/([a-z0-9-]+)\.ts$/.exec(target)?.[1];
    if (name === undefined) {
      throw new Error(
        `${manifest.name}: exports["${subpath}"] must point at one top-level ./src/*.ts, found ${target}`,
      );
    }
    return { subpath, name, source: `src/${name}.ts` };
  });
}

/** The command's source when the package has a `bin`; built ESM-only to `dist/bin.mjs`. */
export const BIN_SOURCE = 'src/bin.ts';
/** Where `bin` points in every package that has a command. */
export const BIN_TARGET = './dist/bin.mjs';

/**
 * The `publishConfig` the package must carry: `pnpm pack` swaps these fields in, so the tarball's
 * `exports` give ESM files and `.d.mts` types to `import`, CommonJS files and `.d.cts` types to
 * `require`; `main`/`types` and `typesVersions` serve TypeScript's `node10` resolution
 * (NestJS-style `module: commonjs`), which reads no `exports`.
 */
export function expectedPublishConfig(manifest: WorkspaceManifest): Record<string, unknown> {
  const entries = packageEntries(manifest);
  const exports: Record<string, unknown> = {};
  const typesVersions: Record<string, string[]> = {};
  for (const { subpath, name } of entries) {
    exports[subpath] = {
      import: { types: `./dist/${name}.d.mts`, default: `./dist/${name}.mjs` },
      require: { types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` },
    };
    if (subpath !== '.') typesVersions[subpath.slice(2)] = [`./dist/${name}.d.cts`];
  }
  exports['./package.json'] = './package.json';
  return {
    main: './dist/index.cjs',
    types: './dist/index.d.cts',
    exports,
    ...(Object.keys(typesVersions).length > 0 ? { typesVersions: { '*': typesVersions } } : {}),
  };
}
