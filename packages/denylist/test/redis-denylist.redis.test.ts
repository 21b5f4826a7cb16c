import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { startRedis, type TestRedis } from '@jwks-kit/test-kit';
import {
  createRedisDenylist,
  type DenylistEvent,
  type RedisDenylist,
  type RedisDenylistOptions,
} from '../src/redis.js';
import { createRedisKeys } from '../src/lib/redis-keys.js';
import { collectEvents } from './fixtures/collect-events.js';
import { describeDenylistContract } from './denylist-contract.js';

const ISSUER = 'https://auth.example.test';
let redis: TestRedis;
const clients: Redis[] = [];
const newClient = () => {
  const client = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
  clients.push(client);
  return client;
};
const ready = async (client: Redis) => {
  if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
  return client;
};
const prefix = () => `test:${randomUUID()}:`;
const nowS = () => Math.floor(Date.now() / 1000);

async function keysOf(client: Redis, keyPrefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
    cursor = next;
    found.push(...batch);
  } while (cursor !== '0');
  // revocation keys only (not the issuers' streams, nor the registry of streams)
  const keys = createRedisKeys(keyPrefix);
  return found.filter((key) => keys.parse(key) !== undefined);
}

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const client of clients) client.disconnect();
  if (redis.owned) await redis.stop();
});

for (const mode of ['lookup', 'mirror'] as const) {
  describeDenylistContract(`Redis ${mode}`, async (options) => {
    const denylist = createRedisDenylist(await ready(clients[0] ?? newClient()), {
      ...options,
      mode,
      keyPrefix: prefix(),
    });
    await denylist.ready();
    return denylist;
  });
}

describe('createRedisDenylist', () => {
  let client: Redis;
  const opened: RedisDenylist[] = [];
  const create = async (options: Partial<RedisDenylistOptions> = {}, on: Redis = client, events?: DenylistEvent[]) => {
    const denylist = createRedisDenylist(on, { issuer: ISSUER, keyPrefix: prefix(), ...options });
    if (events) collectEvents(denylist, events);
    opened.push(denylist);
    await denylist.ready();
    return denylist;
  };
  beforeAll(async () => {
    client = await ready(newClient());
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((d) => d.close()));
  });

  it('stores a jti revocation with a PX that matches exp plus leeway within a second', async () => {
    const keyPrefix = prefix();
    const denylist = await create({ mode: 'lookup', keyPrefix, leewaySeconds: 30 });
    const exp = nowS() + 120;
    await denylist.revoke('jti-ttl', exp);
    const [key] = await keysOf(client, keyPrefix);
    const pttl = await client.pttl(key as string);
    expect(Math.abs(pttl - ((exp + 30) * 1000 - Date.now()))).toBeLessThan(1000);
  });

  it('stores a subject revocation for the longest token lifetime plus leeway after `at`', async () => {
    const keyPrefix = prefix();
    const denylist = await create({ mode: 'lookup', keyPrefix, leewaySeconds: 30, maxTokenLifetimeSeconds: 600 });
    const at = nowS();
    await denylist.revokeSubject('user-ttl', at);
    const [key] = await keysOf(client, keyPrefix);
    const pttl = await client.pttl(key as string);
    expect(Math.abs(pttl - ((at + 600 + 30) * 1000 - Date.now()))).toBeLessThan(1000);
  });

  it('puts every key of an issuer under one hash tag and keeps issuers apart', async () => {
    const keyPrefix = prefix();
    const denylist = await create({ mode: 'lookup', keyPrefix });
    await denylist.revoke('j1', nowS() + 60);
    await denylist.revokeSubject('s1');
    await denylist.revoke('j1', nowS() + 60, 'https://tenant-b.example.test');
    const tags = (await keysOf(client, keyPrefix)).map((key) => /\{([^}]*)\}/.exec(key)?.[1]);
    expect(new Set(tags).size).toBe(2);
    expect(tags.filter((tag) => tag === Buffer.from(ISSUER).toString('base64url'))).toHaveLength(2);
  });

  it('loads entries written before it started (SCAN), for every issuer, then resolves ready()', async () => {
    const keyPrefix = prefix();
    const writer = await create({ mode: 'lookup', keyPrefix });
    for (let i = 0; i < 1500; i++)
      await writer.revoke(`jti-${i}`, nowS() + 60, i % 2 ? ISSUER : 'https://tenant-b.example.test');
    const at = nowS();
    await writer.revokeSubject('user-1', at);
    const events: DenylistEvent[] = [];
    const mirror = await create({ keyPrefix }, await ready(newClient()), events);
    expect(mirror.check({ jti: 'jti-1', iss: ISSUER })).toBe(true);
    expect(mirror.check({ jti: 'jti-2', iss: 'https://tenant-b.example.test' })).toBe(true);
    expect(mirror.check({ jti: 'jti-2', iss: ISSUER })).toBe(false);
    expect(mirror.check({ sub: 'user-1', iat: at - 1 })).toBe(true);
    expect(mirror.check({ sub: 'user-1', iat: at })).toBe(false);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'synced', reason: 'initial', loaded: 1501, restored: 0 }),
    );
    expect(mirror.stats()).toMatchObject({ mode: 'mirror', size: 1501, synced: true, unsureSinceMs: undefined });
  });

  it('two mirrors on their own connections see a revocation made through a third, within milliseconds', async () => {
    const keyPrefix = prefix();
    const writer = await create({ mode: 'lookup', keyPrefix }, await ready(newClient()));
    const mirrorA = await create({ keyPrefix }, await ready(newClient()));
    const mirrorB = await create({ keyPrefix }, await ready(newClient()));
    const trials = 100;
    const latencies: number[] = [];
    for (let i = 0; i < trials; i++) {
      const claims = { jti: `prop-${i}`, iss: ISSUER };
      const started = performance.now();
      await writer.revoke(claims.jti, nowS() + 60);
      const deadline = started + 5000;
      while (!(mirrorA.check(claims) && mirrorB.check(claims)) && performance.now() < deadline) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(mirrorA.check(claims)).toBe(true);
      expect(mirrorB.check(claims)).toBe(true);
      latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);
    const p = (q: number) => (latencies[Math.min(trials - 1, Math.ceil(q * trials) - 1)] as number).toFixed(2);
    console.log(
      `revocation seen by 2 mirrors (revoke() start → both see it), ${trials} trials: p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${p(1)} ms`,
    );
    expect(mirrorA.stats().lastLagMs).toBeDefined();
  });

  it('never quits the caller\u2019s client on close()', async () => {
    const own = await ready(newClient());
    const denylist = createRedisDenylist(own, { issuer: ISSUER, keyPrefix: prefix() });
    await denylist.ready();
    await denylist.close();
    expect(await own.ping()).toBe('PONG');
    expect(() => denylist.check({ jti: 'x' })).toThrow(expect.objectContaining({ code: 'ERR_DENYLIST_UNAVAILABLE' }));
    await expect(denylist.revoke('x', nowS() + 60)).rejects.toMatchObject({ code: 'ERR_REVOCATION_FAILED' });
  });

  it('validates options at creation with a TypeError naming the option', () => {
    const make = (options: Record<string, unknown>) => () =>
      createRedisDenylist(client, { issuer: ISSUER, ...options } as RedisDenylistOptions);
    expect(() => createRedisDenylist({} as Redis, { issuer: ISSUER })).toThrow(/client/);
    expect(make({ issuer: undefined })).toThrow(/option `issuer`/);
    expect(make({ mode: 'cache' })).toThrow(/option `mode`/);
    expect(make({ keyPrefix: 'a{b}' })).toThrow(/option `keyPrefix`/);
    expect(make({ maxStalenessMs: -1 })).toThrow(/option `maxStalenessMs`/);
    expect(make({ failOpen: 'yes' })).toThrow(/option `failOpen`/);
    expect(make({ checkIntervalMs: 0 })).toThrow(/option `checkIntervalMs`/);
    expect(make({ readBlockMs: 5 })).toThrow(/option `readBlockMs`/);
    expect(make({ lookupTimeoutMs: Infinity })).toThrow(/option `lookupTimeoutMs`/);
    expect(make({ writeTimeoutMs: 'x' })).toThrow(/option `writeTimeoutMs`/);
    expect(make({ onEvent: 1 })).toThrow(/option `onEvent`/);
    expect(make({ waitForReplicas: -1 })).toThrow(/option `waitForReplicas`/);
    expect(make({ waitForReplicas: 1.5 })).toThrow(/option `waitForReplicas`/);
  });

  it('waitForReplicas: a revocation no replica acknowledged rejects with ERR_REVOCATION_FAILED (a server without replicas)', async () => {
    const durable = createRedisDenylist(client, {
      issuer: ISSUER,
      mode: 'lookup',
      keyPrefix: `test:${randomBytes(6).toString('hex')}:`,
      waitForReplicas: 1,
      writeTimeoutMs: 300,
    });
    await expect(durable.revoke('no-replica', nowS() + 60)).rejects.toMatchObject({ code: 'ERR_REVOCATION_FAILED' });
    await durable.close();
  });
});
