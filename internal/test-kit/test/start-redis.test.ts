import { Redis } from 'ioredis';
import { startRedis, createClock } from '../src/index.js';

describe('startRedis', () => {
  it('spawns a redis-server it owns, which stops and restarts on the same port', async () => {
    const redis = await startRedis({ forceSpawn: true });
    expect(redis.owned).toBe(true);
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    try {
      await client.set('k', 'v');
      expect(await client.get('k')).toBe('v');
      await redis.stop();
      await expect(client.get('k')).rejects.toThrow();
      await redis.restart();
      await client.ping();
      // no persistence: the restarted server starts empty
      expect(await client.get('k')).toBeNull();
    } finally {
      client.disconnect();
      await redis.stop();
    }
  });
});

describe('createClock', () => {
  it('advances only when told and refuses to go backwards by advance()', () => {
    const clock = createClock(1_000);
    expect(clock.now()).toBe(1_000);
    clock.advance(2_500);
    expect(clock.nowSeconds()).toBe(3);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });
});
