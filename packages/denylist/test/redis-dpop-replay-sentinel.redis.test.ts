import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { startRedisSentinel, type TestRedisSentinel } from '@jwks-kit/test-kit';
import { DenylistError } from '../src/index.js';
import { createRedisDpopReplayStore } from '../src/redis.js';

describe('DPoP replay store through Sentinel', () => {
  let sentinel: TestRedisSentinel;
  const clients: Redis[] = [];
  /** A Sentinel client as a service makes it: fail fast while disconnected. */
  const connect = async () => {
    const client = new Redis({
      sentinels: [...sentinel.sentinels],
      name: sentinel.name,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: () => 100,
      sentinelRetryStrategy: () => 100,
      lazyConnect: true,
    });
    client.on('error', () => undefined);
    await client.connect();
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    sentinel = await startRedisSentinel();
  }, 60_000);
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await sentinel?.stop();
  });

  it('refuses a replay across clients, fails closed while the primary is dead, and records on the promoted primary', async () => {
    const keyPrefix = `test:${randomUUID()}:`;
    const a = createRedisDpopReplayStore(await connect(), { keyPrefix });
    const b = createRedisDpopReplayStore(await connect(), { keyPrefix });
    expect(await a.useOnce('jkt-1:before', 60_000)).toBe(true);
    expect(await b.useOnce('jkt-1:before', 60_000)).toBe(false);

    const dead = await sentinel.killPrimary();
    const error = await a.useOnce('jkt-1:during', 60_000).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DenylistError);
    expect((error as DenylistError).code).toBe('ERR_REPLAY_STORE_UNAVAILABLE');

    await sentinel.waitForFailover(dead, 30_000);
    // the clients find the promoted primary on their own: retry until each answers
    const once = async (store: typeof a, key: string) => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const answer = await store.useOnce(key, 60_000).catch(() => undefined);
        if (answer !== undefined || Date.now() > deadline) return answer;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    expect(await once(a, 'jkt-1:after')).toBe(true);
    const replay = await once(b, 'jkt-1:after');
    expect(replay).toBe(false);
  }, 120_000);
});
