import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { startLineProcess, startRedis, type LineProcess, type TestRedis } from '@jwks-kit/test-kit';
import { DenylistError } from '../src/index.js';
import { createRedisDpopReplayStore } from '../src/redis.js';

const here = dirname(fileURLToPath(import.meta.url));
const JKT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
const prefix = () => `test:${randomUUID()}:`;

async function rejection(promise: Promise<unknown>): Promise<DenylistError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DenylistError);
    return error as DenylistError;
  }
  throw new Error('expected a rejection');
}

describe('Redis DPoP replay store', () => {
  let redis: TestRedis;
  const clients: Redis[] = [];
  const newClient = (options: { queueForever?: boolean } = {}) => {
    const client = new Redis(redis.url, {
      enableOfflineQueue: options.queueForever ?? false,
      maxRetriesPerRequest: options.queueForever ? null : 0,
      retryStrategy: () => 50,
    });
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  };
  const ready = async (client: Redis) => {
    if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
    return client;
  };

  beforeAll(async () => {
    redis = await startRedis({ forceSpawn: true });
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await redis.stop();
  });

  it('accepts a proof once, refuses it again from another client, and keeps other keys and jtis apart', async () => {
    const keyPrefix = prefix();
    const a = createRedisDpopReplayStore(await ready(newClient()), { keyPrefix });
    const b = createRedisDpopReplayStore(await ready(newClient()), { keyPrefix });
    expect(await a.useOnce(`${JKT}:jti-1`, 60_000)).toBe(true);
    expect(await a.useOnce(`${JKT}:jti-1`, 60_000)).toBe(false);
    expect(await b.useOnce(`${JKT}:jti-1`, 60_000)).toBe(false);
    expect(await b.useOnce(`${JKT}:jti-2`, 60_000)).toBe(true);
    expect(await b.useOnce(`other-jkt:jti-1`, 60_000)).toBe(true);
    // another prefix is another store
    expect(await createRedisDpopReplayStore(clients[0]!, { keyPrefix: prefix() }).useOnce(`${JKT}:jti-1`, 1000)).toBe(
      true,
    );
  });

  it('of 50 concurrent uses of one proof exactly one is accepted', async () => {
    const store = createRedisDpopReplayStore(await ready(newClient()), { keyPrefix: prefix() });
    const answers = await Promise.all(Array.from({ length: 50 }, () => store.useOnce(`${JKT}:race`, 60_000)));
    expect(answers.filter(Boolean)).toHaveLength(1);
  });

  it('stores `<prefix>{<base64url jkt>}:p:<jti>` = 1 with a PX of the ttl given, not longer', async () => {
    const keyPrefix = prefix();
    const client = await ready(newClient());
    const store = createRedisDpopReplayStore(client, { keyPrefix });
    await store.useOnce(`${JKT}:a:b}{c`, 90_000.4);
    const key = `${keyPrefix}{${Buffer.from(JKT).toString('base64url')}}:p:a:b}{c`;
    expect(await client.keys(`${keyPrefix}*`)).toEqual([key]);
    expect(await client.get(key)).toBe('1');
    const pttl = await client.pttl(key);
    expect(pttl).toBeGreaterThan(80_000);
    expect(pttl).toBeLessThanOrEqual(90_001);
  });

  it('in real time: refused until the ttl has passed, accepted again after it', async () => {
    const store = createRedisDpopReplayStore(await ready(newClient()), { keyPrefix: prefix() });
    const started = Date.now();
    expect(await store.useOnce(`${JKT}:expiring`, 1500)).toBe(true);
    expect(await store.useOnce(`${JKT}:expiring`, 1500)).toBe(false);
    let acceptedAt: number | undefined;
    while (Date.now() - started < 15_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (await store.useOnce(`${JKT}:expiring`, 1500)) {
        acceptedAt = Date.now();
        break;
      }
    }
    expect(acceptedAt).toBeDefined();
    // never before the ttl (Redis expires keys on access at the millisecond): a generous upper bound only
    expect(acceptedAt! - started).toBeGreaterThanOrEqual(1500);
  });

  it('refuses keys and ttls outside their bounds, and options with a TypeError naming them', async () => {
    const store = createRedisDpopReplayStore(await ready(newClient()), { keyPrefix: prefix() });
    for (const [key, ttl] of [
      ['', 1000],
      ['x'.repeat(1025), 1000],
      [42, 1000],
      ['k', 0],
      ['k', Number.NaN],
      ['k', 86_400_001],
      ['k', '1000'],
    ] as const) {
      expect((await rejection(store.useOnce(key as string, ttl as number))).code).toBe('ERR_INVALID_REPLAY_KEY');
    }
    expect(() => createRedisDpopReplayStore({} as Redis)).toThrow('client must be an ioredis');
    expect(() => createRedisDpopReplayStore(clients[0]!, { keyPrefix: 'a{b' })).toThrow('option `keyPrefix`');
    expect(() => createRedisDpopReplayStore(clients[0]!, { commandTimeoutMs: 0 })).toThrow('option `commandTimeoutMs`');
  });

  describe('two Node processes sharing one Redis', () => {
    const replicas: LineProcess[] = [];
    afterAll(() => replicas.forEach((replica) => replica.stop()));
    const startReplica = async (keyPrefix: string) => {
      const replica = await startLineProcess(
        join(here, 'fixtures/replay-process.ts'),
        [redis.url, keyPrefix],
        join(here, '..'),
      );
      replicas.push(replica);
      return replica;
    };

    it('each proof is accepted by exactly one of them; the other refuses its second use', async () => {
      const keyPrefix = prefix();
      const [first, second] = await Promise.all([startReplica(keyPrefix), startReplica(keyPrefix)]);
      const keys = Array.from({ length: 200 }, (_, i) => `${JKT}:${randomUUID()}-${i}`);
      first.send(JSON.stringify(keys));
      second.send(JSON.stringify(keys));
      const [a, b] = (await Promise.all([first.next(), second.next()])).map(
        (text) => JSON.parse(text) as { pid: number; accepted: boolean[] },
      );
      expect(a!.pid).not.toBe(b!.pid);
      keys.forEach((_, i) => expect([a!.accepted[i], b!.accepted[i]].filter(Boolean)).toHaveLength(1));
      // and once both are done, this process refuses every one of them too
      const third = createRedisDpopReplayStore(await ready(newClient()), { keyPrefix });
      expect(await Promise.all(keys.map((key) => third.useOnce(key, 60_000)))).toEqual(keys.map(() => false));
    }, 60_000);
  });

  describe('when Redis is stopped', () => {
    afterAll(async () => {
      await redis.restart();
    });

    it('rejects with ERR_REPLAY_STORE_UNAVAILABLE (fail closed), bounded by commandTimeoutMs when the client queues, and works again after a restart', async () => {
      const keyPrefix = prefix();
      const failFast = await ready(newClient());
      const queued = await ready(newClient({ queueForever: true }));
      const store = createRedisDpopReplayStore(failFast, { keyPrefix });
      const slow = createRedisDpopReplayStore(queued, { keyPrefix, commandTimeoutMs: 300 });
      expect(await store.useOnce(`${JKT}:before`, 60_000)).toBe(true);

      await redis.stop();
      const error = await rejection(store.useOnce(`${JKT}:during`, 60_000));
      expect(error.code).toBe('ERR_REPLAY_STORE_UNAVAILABLE');
      expect(error.retryAfterSeconds).toBe(1);
      expect(error.cause).toBeInstanceOf(Error);
      const started = performance.now();
      const timedOut = await rejection(slow.useOnce(`${JKT}:during`, 60_000));
      expect(timedOut.code).toBe('ERR_REPLAY_STORE_UNAVAILABLE');
      // a client that queues commands while disconnected would wait forever: the store's own bound answers
      expect((timedOut.cause as Error).message).toBe('Redis did not answer within 300 ms');
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
      expect(performance.now() - started).toBeLessThan(10_000);

      await redis.restart();
      await ready(failFast);
      // a server restarted without persistence forgot `before`: the ttl-bound window is all the rule relies on
      expect(await store.useOnce(`${JKT}:after`, 60_000)).toBe(true);
      expect(await store.useOnce(`${JKT}:after`, 60_000)).toBe(false);
    }, 60_000);
  });
});
