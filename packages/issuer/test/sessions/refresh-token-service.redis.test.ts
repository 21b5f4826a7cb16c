import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { startRedis, type TestRedis } from '@jwks-kit/test-kit';
import { createRedisRefreshTokenStore } from '../../src/redis.js';
import { refreshTokenServiceContract, setup } from './refresh-token-service-contract.js';

let redis: TestRedis;
let client: Redis;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  client.disconnect();
  if (redis.owned) await redis.stop();
});

const prefix = () => `test:${randomBytes(6).toString('hex')}:`;

/** Every value under `keyPrefix`: key names, hash fields and values, set and sorted-set members. */
async function dump(keyPrefix: string): Promise<string> {
  const parts: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await client.type(key);
      const value =
        type === 'hash'
          ? await client.hgetall(key)
          : type === 'zset'
            ? await client.zrange(key, 0, -1, 'WITHSCORES')
            : await client.smembers(key);
      parts.push(key, JSON.stringify(value), (await client.dumpBuffer(key))?.toString('latin1') ?? '');
    }
  } while (cursor !== '0');
  return parts.join('\n');
}

describe('createRefreshTokenService over the Redis store', () => {
  refreshTokenServiceContract(() => createRedisRefreshTokenStore(client, { keyPrefix: prefix() }));

  it('keeps no usable token in Redis: a dump holds hashes and sealed successors only', async () => {
    const keyPrefix = prefix();
    const { service } = await setup(createRedisRefreshTokenStore(client, { keyPrefix }));
    const start = await service.start({ sub: 'dumped', scope: 'a b' });
    const presented = [start.refreshToken];
    for (let i = 0; i < 3; i += 1)
      presented.push((await service.rotate(presented[presented.length - 1]!)).refreshToken);
    presented.push((await service.rotate(presented[presented.length - 2]!)).refreshToken);
    const contents = await dump(keyPrefix);
    expect(contents).toContain(start.familyId);
    expect(contents).toContain('dumped');
    for (const token of presented) {
      expect(contents).not.toContain(token);
      expect(contents).not.toContain(Buffer.from(token, 'base64url').subarray(16).toString('base64url'));
      expect(contents).not.toContain(Buffer.from(token, 'base64url').subarray(16).toString('latin1'));
    }
  });

  it('lets every key of a family expire with the family', async () => {
    const keyPrefix = prefix();
    const { service, clock } = await setup(createRedisRefreshTokenStore(client, { keyPrefix }), {
      idleTimeoutMs: 600_000,
      absoluteLifetimeMs: 3_600_000,
    });
    const start = await service.start({ sub: 'slots' });
    clock.advance(1_000);
    await service.rotate(start.refreshToken);
    const keys = (await client.keys(`${keyPrefix}*`)).filter((k) => k.includes(start.familyId));
    // The family hash and its rotated tokens: no list of access tokens (logout revokes by sid).
    expect(keys.map((key) => key.slice(-2)).sort()).toEqual([':f', ':r']);
    for (const key of keys) {
      const ttl = await client.pttl(key);
      expect(ttl).toBeGreaterThan(590_000);
      expect(ttl).toBeLessThanOrEqual(600_000);
    }
  });

  it('rejects a bad client or options with a TypeError naming the option', () => {
    expect(() => createRedisRefreshTokenStore({} as never)).toThrow(/client/);
    expect(() => createRedisRefreshTokenStore(client, { keyPrefix: 'a{b}' })).toThrow(/keyPrefix/);
    expect(() => createRedisRefreshTokenStore(client, { commandTimeoutMs: 0 })).toThrow(/commandTimeoutMs/);
    expect(() => createRedisRefreshTokenStore(client, { waitForReplicas: -1 })).toThrow(/waitForReplicas/);
  });

  it('waitForReplicas: a write no replica acknowledged rejects with ERR_REFRESH_STORE_UNAVAILABLE (a server without replicas)', async () => {
    const store = createRedisRefreshTokenStore(client, {
      keyPrefix: prefix(),
      waitForReplicas: 1,
      commandTimeoutMs: 300,
    });
    const now = Date.now();
    const family = {
      familyId: randomBytes(8).toString('hex'),
      sub: 'alice',
      createdAtMs: now,
      absoluteExpiresAtMs: now + 60_000,
      lastUsedAtMs: now,
      expiresAtMs: now + 60_000,
      headHash: randomBytes(32).toString('base64url'),
    };
    await expect(store.create(family)).rejects.toMatchObject({
      code: 'ERR_REFRESH_STORE_UNAVAILABLE',
    });
  });
});
