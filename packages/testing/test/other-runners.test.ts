import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));

// The README promises node:test and vitest work; these run its examples under each runner, as a user would.
describe('the README examples under other test runners', () => {
  it('pass under node:test', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--test', 'examples/node-test/orders.test.ts'], {
      cwd: packageDir,
    });
    expect(stdout).toMatch(/# pass 2\b/);
    expect(stdout).toMatch(/# fail 0\b/);
  }, 60_000);

  it('pass under vitest', async () => {
    const { stdout } = await run(
      process.execPath,
      ['node_modules/vitest/vitest.mjs', 'run', '--root', 'examples/vitest', '--reporter', 'verbose'],
      { cwd: packageDir, env: { ...process.env, NO_COLOR: '1', CI: 'true' } },
    );
    expect(stdout).toMatch(/Tests\s+2 passed \(2\)/);
  }, 60_000);
});
