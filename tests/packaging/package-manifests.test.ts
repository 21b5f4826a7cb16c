/**
 * What a user gets from every public package's tarball is decided by its package.json: these checks
 * hold each one to the shared layout (scripts/package-layout.ts) and metadata, so that a new package
 * joins by copying an existing one and this suite says what it still lacks.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN_TARGET, expectedPublishConfig, type WorkspaceManifest } from '../../scripts/package-layout.js';

const root = join(import.meta.dirname, '..', '..');
const REPOSITORY = 'https://github.com/jwks-kit/jwks-kit';

interface Manifest extends WorkspaceManifest {
  readonly [field: string]: unknown;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

function workspaceDirs(parent: string): string[] {
  return readdirSync(join(root, parent), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, parent, d.name, 'package.json')))
    .map((d) => join(root, parent, d.name));
}

/** Every source file of a package, to see which modules its code (and so its types) imports. */
function sourceText(dir: string): string {
  const files = readdirSync(join(dir, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  return files.map((f) => readFileSync(join(dir, 'src', f), 'utf8')).join('\n');
}

function imports(source: string, specifier: string): boolean {
  return new RegExp(`from '${specifier}'`).test(source);
}

const publicDirs = workspaceDirs('packages');
const privateNames = new Set(
  [...workspaceDirs('internal'), ...publicDirs]
    .map(readManifest)
    .filter((m) => m.private === true)
    .map((m) => m.name),
);
const rootLicense = readFileSync(join(root, 'LICENSE'), 'utf8');

describe.each(publicDirs.map((dir) => [dir.slice(root.length + 1), dir]))('%s package.json', (relative, dir) => {
  const manifest = readManifest(dir);

  it('is public, ESM-typed, MIT, and says where its code, home page and issues are', () => {
    expect(manifest.private).toBeUndefined();
    expect(manifest.name).toMatch(/^@jwks-kit\/[a-z-]+$/);
    expect(manifest.type).toBe('module');
    expect(manifest.license).toBe('MIT');
    expect(manifest.repository).toEqual({ type: 'git', url: `git+${REPOSITORY}.git`, directory: relative });
    expect(manifest.homepage).toBe(`${REPOSITORY}/tree/main/${relative}#readme`);
    expect(manifest.bugs).toEqual({ url: `${REPOSITORY}/issues` });
    expect(manifest.engines).toEqual({ node: '>=20.19' });
    expect(manifest.sideEffects).toBe(false);
    expect(typeof manifest.description).toBe('string');
    expect((manifest.keywords as string[]).length).toBeGreaterThan(0);
  });

  it('ships the root LICENSE, its README, its changelog and the built files only (no src, no tests)', () => {
    expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toBe(rootLicense);
    expect(existsSync(join(dir, 'README.md'))).toBe(true);
    expect(readFileSync(join(dir, 'CHANGELOG.md'), 'utf8')).toMatch(new RegExp(`^# ${manifest.name}\n`));
    expect(manifest.files).toEqual(['dist', 'README.md', 'LICENSE', 'CHANGELOG.md']);
  });

  it('builds with the shared tsdown config and publishes exports, main, types and typesVersions that match it', () => {
    expect(manifest.scripts).toEqual({ build: 'tsdown -c ../../tsdown.config.ts' });
    expect(existsSync(join(dir, 'tsconfig.build.json'))).toBe(true);
    expect(manifest.publishConfig).toEqual(expectedPublishConfig(manifest));
    if (manifest.bin !== undefined) expect(Object.values(manifest.bin)).toEqual([BIN_TARGET]);
  });

  it('depends on no private workspace package, and on public ones by a caret range', () => {
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies'] as const) {
      for (const name of Object.keys(manifest[field] ?? {}))
        expect(privateNames.has(name) ? `${field}: ${name}` : '').toBe('');
    }
    for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
      if (name.startsWith('@jwks-kit/')) expect(range).toBe('workspace:^');
    }
  });

  it('declares the optional peers its code imports: express with @types/express, ioredis', () => {
    const source = sourceText(dir);
    const peers = manifest.peerDependencies ?? {};
    const meta = manifest.peerDependenciesMeta ?? {};
    const expected = [
      ...(imports(source, 'express') ? ['express', '@types/express'] : []),
      ...(imports(source, 'ioredis') ? ['ioredis'] : []),
    ];
    for (const name of expected) {
      expect(peers[name] === undefined ? `missing peer ${name}` : '').toBe('');
      expect(meta[name]).toEqual({ optional: true });
      expect(manifest.dependencies?.[name]).toBeUndefined();
    }
  });
});
