import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { startRedis, type TestRedis } from '@jwks-kit/test-kit';
import { createLoginRateLimiter } from '../src/login-rate-limiter.js';
import { loginRateLimiterContract } from './login-rate-limiter-contract.js';

let server: TestRedis;
let redis: Redis;
beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url, { enableOfflineQueue: false, lazyConnect: true });
  await redis.connect();
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

const prefix = () => `test:${randomBytes(6).toString('hex')}:login`;

describe('createLoginRateLimiter over Redis (REDIS_URL)', () => {
  loginRateLimiterContract((options) => createLoginRateLimiter({ ...options, redis, keyPrefix: prefix() }));

  it('two limiters over one Redis (two replicas) count the same attempts', async () => {
    const keyPrefix = prefix();
    const [a, b] = [createLoginRateLimiter({ redis, keyPrefix }), createLoginRateLimiter({ redis, keyPrefix })];
    for (let i = 0; i < 5; i++) await (i % 2 ? b : a).attempt('alice', '198.51.100.1');
    expect((await b.attempt('alice', '198.51.100.2')).allowed).toBe(false);
    expect((await a.attempt('alice', '198.51.100.3')).allowed).toBe(false);
  });

  it('keeps its counters under the key prefix, expiring with the window', async () => {
    const keyPrefix = prefix();
    await createLoginRateLimiter({ redis, keyPrefix, windowSeconds: 900 }).attempt('alice', '198.51.100.1');
    const keys = (await redis.keys(`${keyPrefix}:*`)).sort();
    expect(keys).toEqual([`${keyPrefix}:ip:198.51.100.1`, `${keyPrefix}:user:alice`]);
    for (const key of keys) expect(await redis.ttl(key)).toBeGreaterThan(890);
  });

  it('rejects when Redis is not reachable, so that the caller fails closed', async () => {
    const offline = new Redis(server.url, { enableOfflineQueue: false, lazyConnect: true });
    const limiter = createLoginRateLimiter({ redis: offline, keyPrefix: prefix() });
    await expect(limiter.attempt('alice', '198.51.100.1')).rejects.toBeInstanceOf(Error);
    offline.disconnect();
  });
});
