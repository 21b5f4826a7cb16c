import { setImmediate as nextTurn } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { startRedis, type TestRedis } from '@jwks-kit/test-kit';
import { STREAM_READ_COUNT, StreamReader } from '../src/lib/stream-reader.js';

let redis: TestRedis;
let admin: Redis;

beforeAll(async () => {
  redis = await startRedis({ forceSpawn: true });
  admin = new Redis(redis.url);
});
afterAll(async () => {
  admin.disconnect();
  await redis.stop();
});

describe('StreamReader', () => {
  it('reads a backlog larger than one read in bounded replies, in order, with the event loop turning between them', async () => {
    const key = 'test:backlog';
    const backlog = STREAM_READ_COUNT * 2 + 500;
    for (let start = 0; start < backlog; start += 500) {
      const batch = admin.pipeline();
      for (let i = start; i < start + 500; i++) batch.xadd(key, '*', 'i', String(i));
      await batch.exec();
    }
    // the entries each turn of the event loop handled: one reply is handled synchronously, within one turn
    const perTurn: number[] = [];
    let thisTurn = 0;
    let turning = true;
    const turns = (async () => {
      while (turning) {
        await nextTurn();
        perTurn.push(thisTurn);
        thisTurn = 0;
      }
    })();
    const seen: number[] = [];
    let resolveAll: () => void = () => undefined;
    const all = new Promise<void>((resolve) => (resolveAll = resolve));
    const reader = new StreamReader({
      connection: admin.duplicate(),
      key,
      from: '0-0',
      blockMs: 1000,
      stepTimeoutMs: 2000,
      retryDelayMs: 50,
      onEntry: (_id, fields) => {
        seen.push(Number(fields[1]));
        thisTurn += 1;
        if (seen.length === backlog) resolveAll();
      },
      afterReconnect: async () => undefined,
      onLiveChange: () => undefined,
      onError: () => undefined,
    });
    await all;
    turning = false;
    await turns;
    perTurn.push(thisTurn);
    await reader.close();
    expect(seen).toEqual(Array.from({ length: backlog }, (_, i) => i));
    expect(Math.max(...perTurn)).toBeLessThanOrEqual(STREAM_READ_COUNT);
    expect(perTurn.filter((count) => count > 0).length).toBeGreaterThanOrEqual(3);
    expect(reader.position).toBe((await admin.xrevrange(key, '+', '-', 'COUNT', 1))[0]?.[0]);
  });
});
