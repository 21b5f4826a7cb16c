import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';

/**
 * Ports handed to child processes come from below the kernel's ephemeral range (32768+ on Linux, 49152+ on
 * macOS), one block per jest worker. A port is closed between `freePort()` and the child's `listen`, and in that
 * gap a `listen(0)` anywhere (supertest, another suite's server) or another worker's `freePort()` could take it
 * from an ephemeral pick: a clean-clone CI run once saw a service's port answered by another suite's server.
 * Here only this worker hands out ports of its block, and never the same one twice in one test file.
 */
const FIRST_PORT = 10_000;
const BLOCK_SIZE = 2_500;
const BLOCKS = 8;
const ATTEMPTS = 200;

const blockStart = FIRST_PORT + (Number(process.env.JEST_WORKER_ID ?? 0) % BLOCKS) * BLOCK_SIZE;
const handedOut = new Set<number>();

/** Returns a TCP port free on 127.0.0.1, from this jest worker's own block, not handed out before by this module. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const port = blockStart + randomInt(BLOCK_SIZE);
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port in ${blockStart}-${blockStart + BLOCK_SIZE - 1} after ${ATTEMPTS} attempts`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
