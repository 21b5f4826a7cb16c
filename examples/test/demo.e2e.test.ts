import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { freePort, startRedis, type TestRedis } from '@jwks-kit/test-kit';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('pnpm demo --once with Redis (three real processes)', () => {
  let redis: TestRedis;
  let keysDir: string;

  beforeAll(async () => {
    redis = await startRedis({ forceSpawn: true });
    keysDir = join(await mkdtemp(join(tmpdir(), 'jwks-kit-demo-')), 'keys');
  });
  afterAll(async () => {
    await redis.stop();
    await rm(join(keysDir, '..'), { recursive: true, force: true });
  });

  it('starts auth, orders and profile as separate processes agreeing through Redis, and every tour step behaves', async () => {
    const [authPort, ordersPort, profilePort] = [await freePort(), await freePort(), await freePort()];
    const env = {
      ...process.env,
      REDIS_URL: redis.url,
      KEYS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      AUTH_PORT: String(authPort),
      ORDERS_PORT: String(ordersPort),
      PROFILE_PORT: String(profilePort),
      KEYS_DIR: keysDir,
      ISSUER_URL: '',
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/demo.ts', '--once'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) console.log(output);
    expect(code).toBe(0);
    expect(output).toContain('separate processes, agreeing through Redis');
    expect(output).toMatch(/Tour: \d+ steps as expected, 0 not\./);
    expect(output).toContain('401 refresh_token_reused');
    expect(output).toContain('403 insufficient_scope');
    expect(output).toContain('401 token_expired');
    expect(output).not.toContain('✘');
    // every child stopped: the three ports are free again
    for (const port of [authPort, ordersPort, profilePort]) {
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    }
    // With Redis the key ring lives there (sealed), not in a key file.
    await expect(access(join(keysDir, 'keys.json'))).rejects.toThrow();
    const inspect = new Redis(redis.url);
    try {
      expect(JSON.parse((await inspect.hget('jwks-kit:keys:{ring}:keys', 'public')) ?? '[]')).toHaveLength(3);
    } finally {
      inspect.disconnect();
    }
  }, 120_000);
});
