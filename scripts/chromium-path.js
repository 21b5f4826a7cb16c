// Where the test suites find Chromium, in one place: read by jest.config.js (which runs the browser suites
// only when it is found), by examples/test/support/chromium.ts (which launches it) and by
// scripts/setup-test-deps.sh (which installs it when missing).
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** What to do when Chromium is missing, said the same way everywhere. */
export const CHROMIUM_INSTALL_HINT = 'install it with `apt-get install chromium` (Debian) or set CHROMIUM_PATH';

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium executable: `CHROMIUM_PATH` when set (and only that, so that it can also point at nothing
 * to simulate a machine without Chromium), else Debian's `/usr/bin/chromium`, else `chromium` or
 * `chromium-browser` on PATH. `undefined` when none is executable.
 */
export function chromiumPath(env = process.env) {
  if (env.CHROMIUM_PATH !== undefined && env.CHROMIUM_PATH !== '') {
    return isExecutable(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : undefined;
  }
  const onPath = (env.PATH ?? '')
    .split(delimiter)
    .flatMap((dir) => [join(dir, 'chromium'), join(dir, 'chromium-browser')]);
  return ['/usr/bin/chromium', ...onPath].find(isExecutable);
}
