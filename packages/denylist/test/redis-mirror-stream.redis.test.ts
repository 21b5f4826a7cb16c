import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
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

const ISSUER = 'https://auth.example.test';
let redis: TestRedis;
const clients: Redis[] = [];
const newClient = async (name?: string) => {
  const client = new Redis(redis.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: () => 20,
    ...(name ? { connectionName: name } : {}),
  });
  client.on('error', () => undefined);
  clients.push(client);
  if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
  return client;
};
const prefix = () => `test:${randomUUID()}:`;
const nowS = () => Math.floor(Date.now() / 1000);
type Entry = [string, string[]];

/** Waits until `condition()` answers true (a mirror's check() answers synchronously). */
async function eventually(condition: () => unknown, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (condition() !== true) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(5);
  }
}

/** Calls of `command` so far on the server, from INFO commandstats. */
async function calls(client: Redis, command: string): Promise<number> {
  const info = await client.info('commandstats');
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
}

beforeAll(async () => {
  redis = await startRedis({ forceSpawn: true });
});
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await redis.stop();
});

describe('Redis mirror through the revocation streams', () => {
  let admin: Redis;
  const opened: RedisDenylist[] = [];
  const create = async (
    options: Partial<RedisDenylistOptions> & { keyPrefix: string },
    on?: Redis,
    events?: DenylistEvent[],
  ) => {
    const denylist = createRedisDenylist(on ?? (await newClient()), { issuer: ISSUER, ...options });
    if (events) collectEvents(denylist, events);
    opened.push(denylist);
    await denylist.ready();
    return denylist;
  };
  beforeAll(async () => {
    admin = await newClient();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((d) => d.close()));
  });

  it('appends every write (jti, subject, session) to the issuer stream in the same script, numbered from 1', async () => {
    const keyPrefix = prefix();
    const keys = createRedisKeys(keyPrefix);
    const writer = await create({ keyPrefix, mode: 'lookup' });
    await writer.revoke('jti-1', nowS() + 60);
    await writer.revokeSubject('user-1', nowS());
    await writer.revokeSession('sid-1', nowS());
    await writer.revoke('jti-1', nowS() + 30); // weaker than the stored one: no write, no entry
    const entries = (await admin.xrange(keys.stream(ISSUER), '-', '+')) as Entry[];
    expect(entries.map(([, fields]) => [fields[1], fields[3]])).toEqual([
      ['1', keys.key({ kind: 'jti', ns: ISSUER, id: 'jti-1' })],
      ['2', keys.key({ kind: 'subject', ns: ISSUER, id: 'user-1' })],
      ['3', keys.key({ kind: 'session', ns: ISSUER, id: 'sid-1' })],
    ]);
    // the stream shares the issuer's hash tag (one slot on a Cluster) and is announced on the registry
    expect(keys.stream(ISSUER)).toContain(`{${Buffer.from(ISSUER).toString('base64url')}}`);
    const announced = (await admin.xrange(keys.registry, '-', '+')) as Entry[];
    expect(announced.map(([, fields]) => fields[1])).toEqual([keys.stream(ISSUER)]);
  });

  it('trims entries past their lifetime with MINID (real time)', async () => {
    const keyPrefix = prefix();
    const keys = createRedisKeys(keyPrefix);
    // retention = 2 × 1 s lifetime + 0 s leeway
    const writer = await create({ keyPrefix, mode: 'lookup', maxTokenLifetimeSeconds: 1, leewaySeconds: 0 });
    await writer.revokeSubject('old');
    await delay(2100);
    await writer.revokeSubject('new');
    const entries = (await admin.xrange(keys.stream(ISSUER), '-', '+')) as Entry[];
    expect(entries.map(([, fields]) => fields[1])).toEqual(['2']);
  });

  it('a mirror follows the stream of an issuer that appears after it started', async () => {
    const keyPrefix = prefix();
    const mirror = await create({ keyPrefix });
    expect(mirror.stats().streams).toBe(0);
    const writer = await create({ keyPrefix, mode: 'lookup' });
    const issuers = ['https://a.example.test', 'https://b.example.test', 'https://c.example.test'];
    for (const iss of issuers) await writer.revoke('late', nowS() + 60, iss);
    await eventually(() => issuers.every((iss) => mirror.check({ jti: 'late', iss })), 'every new issuer');
    expect(mirror.stats()).toMatchObject({ streams: 3, syncs: 1, gaps: 0 });
  });

  it('resumes from its last id after its reader connection is killed, without a full load', async () => {
    const keyPrefix = prefix();
    const name = `mirror-${randomUUID()}`;
    const mirror = await create({ keyPrefix }, await newClient(name));
    const writer = await create({ keyPrefix, mode: 'lookup' });
    await writer.revoke('before', nowS() + 60);
    await eventually(() => mirror.check({ jti: 'before' }), 'the first revocation');
    const scansBefore = await calls(admin, 'scan');
    const list = await admin.client('LIST');
    const readers = String(list)
      .split('\n')
      .filter((line) => line.includes(`name=${name}`) && line.includes('cmd=xread'))
      .map((line) => /id=(\d+)/.exec(line)?.[1] as string);
    expect(readers.length).toBe(2); // the registry and the issuer's stream
    for (const id of readers) await admin.client('KILL', 'ID', id);
    for (let i = 0; i < 20; i++) await writer.revoke(`during-${i}`, nowS() + 60);
    await eventually(
      () => Array.from({ length: 20 }, (_, i) => mirror.check({ jti: `during-${i}` })).every(Boolean),
      'the revocations written while the reader was away',
    );
    expect(mirror.stats()).toMatchObject({ syncs: 1, gaps: 0 });
    expect(await calls(admin, 'scan')).toBe(scansBefore);
  });

  it('detects entries trimmed past its position, counts it, and reloads everything', async () => {
    const keyPrefix = prefix();
    const keys = createRedisKeys(keyPrefix);
    const events: DenylistEvent[] = [];
    const mirror = await create({ keyPrefix }, undefined, events);
    const writer = await create({ keyPrefix, mode: 'lookup' });
    await writer.revoke('seen', nowS() + 60);
    await eventually(() => mirror.check({ jti: 'seen' }), 'the first revocation');
    // entries 2 and 3 land and the stream is trimmed to entry 3 in the same atomic step: no reader sees entry 2
    const missed = keys.key({ kind: 'jti', ns: ISSUER, id: 'missed' });
    const after = keys.key({ kind: 'jti', ns: ISSUER, id: 'after' });
    const expiresAtMs = String(Date.now() + 60_000);
    await admin.eval(
      `redis.call('SET', KEYS[1], ARGV[1], 'PX', 60000)
       redis.call('SET', KEYS[3], ARGV[1], 'PX', 60000)
       redis.call('XADD', KEYS[2], '*', 'n', '2', 'k', KEYS[1], 'v', ARGV[1], 't', ARGV[2])
       local third = redis.call('XADD', KEYS[2], '*', 'n', '3', 'k', KEYS[3], 'v', ARGV[1], 't', ARGV[2])
       redis.call('XTRIM', KEYS[2], 'MINID', third)
       return 1`,
      3,
      missed,
      keys.stream(ISSUER),
      after,
      expiresAtMs,
      String(Date.now()),
    );
    await eventually(() => mirror.stats().syncs === 2, 'the reload');
    expect(mirror.check({ jti: 'missed' })).toBe(true);
    expect(mirror.stats()).toMatchObject({ syncs: 2, gaps: 1 });
    expect(events).toContainEqual(expect.objectContaining({ type: 'synced', reason: 'gap', restored: 0 }));
  });

  it('a periodic check (one XREVRANGE per stream, never a SCAN) catches a stream Redis lost while idle', async () => {
    const keyPrefix = prefix();
    const keys = createRedisKeys(keyPrefix);
    const mirror = await create({ keyPrefix, checkIntervalMs: 100 });
    const writer = await create({ keyPrefix, mode: 'lookup' });
    await writer.revoke('known', nowS() + 60);
    await eventually(() => mirror.check({ jti: 'known' }), 'the revocation');
    const scansBefore = await calls(admin, 'scan');
    const checksBefore = mirror.stats().checks;
    await eventually(() => mirror.stats().checks >= checksBefore + 3, 'three checks');
    expect(await calls(admin, 'scan')).toBe(scansBefore);
    expect(mirror.stats()).toMatchObject({ syncs: 1, gaps: 0 });

    // Redis loses the issuer's data (a failover to a replica that never got it): no write follows
    const knownKey = keys.key({ kind: 'jti', ns: ISSUER, id: 'known' });
    await admin
      .multi()
      .del(keys.stream(ISSUER), knownKey)
      .set(keys.key({ kind: 'jti', ns: ISSUER, id: 'silent' }), String(Date.now() + 60_000), 'PX', 60_000)
      .exec();
    await eventually(() => mirror.stats().syncs === 2, 'the check to trigger a reload');
    expect(mirror.check({ jti: 'silent' })).toBe(true);
    expect(mirror.stats()).toMatchObject({ syncs: 2, gaps: 1, restored: 1 });
    // what the mirror knew was written back (and logged again)
    expect(await admin.exists(knownKey)).toBe(1);
    expect(await admin.xlen(keys.stream(ISSUER))).toBe(1);
  });

  it('a mirror that starts after the writes and reads nothing new passes its checks (no reload)', async () => {
    const keyPrefix = prefix();
    const writer = await create({ keyPrefix, mode: 'lookup' });
    for (let i = 0; i < 5; i++) await writer.revoke(`old-${i}`, nowS() + 60);
    const mirror = await create({ keyPrefix, checkIntervalMs: 50 });
    expect(mirror.check({ jti: 'old-4' })).toBe(true);
    await eventually(() => mirror.stats().checks >= 5, 'five checks');
    expect(mirror.stats()).toMatchObject({ syncs: 1, gaps: 0 });
    // and it still notices a gap after adopting the stream's tail as its baseline
    await writer.revoke('new-1', nowS() + 60);
    await eventually(() => mirror.check({ jti: 'new-1' }), 'the next revocation');
    await eventually(() => mirror.stats().checks >= 8, 'three more checks');
    expect(mirror.stats()).toMatchObject({ syncs: 1, gaps: 0 });
  });

  it('loads 20,000 revocations chunk by chunk, finds the stream in the same SCAN and follows it', async () => {
    const keyPrefix = prefix();
    const keys = createRedisKeys(keyPrefix);
    const expiresAtMs = Date.now() + 120_000;
    for (let start = 0; start < 20_000; start += 1000) {
      const pipeline = admin.pipeline();
      for (let i = start; i < start + 1000; i++)
        pipeline.set(keys.key({ kind: 'jti', ns: ISSUER, id: `bulk-${i}` }), String(expiresAtMs), 'PX', 120_000);
      await pipeline.exec();
    }
    const writer = await create({ keyPrefix, mode: 'lookup' });
    await writer.revoke('streamed', nowS() + 60); // creates the stream, found by the SCAN
    const events: DenylistEvent[] = [];
    const mirror = await create({ keyPrefix }, undefined, events);
    expect(mirror.stats()).toMatchObject({ size: 20_001, streams: 1 });
    const initial = events.find((event) => event.type === 'synced' && event.reason === 'initial');
    expect(initial).toMatchObject({ loaded: 20_001 });
    console.log(`initial load of 20,001 revocations: ${JSON.stringify(initial)}`);
    await writer.revoke('after-load', nowS() + 60);
    await eventually(() => mirror.check({ jti: 'after-load' }), 'a revocation after the load');
    expect(mirror.check({ jti: 'bulk-19999' })).toBe(true);
  });
});
