import { createServer } from 'node:net';
import { freePort } from '@jwks-kit/test-kit';

describe('freePort', () => {
  it('hands out distinct ports below the ephemeral range, each one free to listen on', async () => {
    const ports = [];
    for (let i = 0; i < 40; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(ports.length);
    const worker = Number(process.env.JEST_WORKER_ID ?? 0) % 8;
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(10_000 + worker * 2_500);
      expect(port).toBeLessThan(10_000 + (worker + 1) * 2_500);
    }
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(ports[0], '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });
});
