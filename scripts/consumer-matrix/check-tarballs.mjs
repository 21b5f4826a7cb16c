// Checks what each packed tarball gives a user: built files, README and LICENSE only (no src, no tests),
// and a package.json with real version ranges (no workspace:) that names no private workspace package.
// Usage: node check-tarballs.mjs <tarball>...
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';

const workspace = JSON.parse(
  execFileSync('pnpm', ['--recursive', 'ls', '--depth', '-1', '--json'], { encoding: 'utf8' }),
);
const privateNames = new Set(workspace.filter((p) => p.private).map((p) => p.name));

for (const tarball of process.argv.slice(2)) {
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
  const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
  const where = `${manifest.name} (${tarball})`;
  for (const file of files)
    assert.match(
      file,
      /^package\/(dist\/.+\.(mjs|cjs|d\.mts|d\.cts)|README\.md|LICENSE|CHANGELOG\.md|package\.json)$/,
      `${where} ships ${file}`,
    );
  for (const required of ['package/LICENSE', 'package/README.md', 'package/dist/index.mjs', 'package/dist/index.cjs']) {
    assert.ok(files.includes(required), `${where} lacks ${required}`);
  }
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies']) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      assert.ok(!range.startsWith('workspace:'), `${where} ${field}.${name} is ${range}`);
      assert.ok(!privateNames.has(name), `${where} ${field} names the private package ${name}`);
    }
  }
  assert.equal(JSON.stringify(manifest).includes('./src/'), false, `${where} points into src/`);
  assert.equal(manifest.license, 'MIT');
}
console.log(
  `tarballs: ${process.argv.length - 2} checked (dist, README, LICENSE only; real ranges; no private packages)`,
);
