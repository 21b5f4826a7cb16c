import { describeRedis, readRedisConnection, redisRetryStrategy } from '../src/redis-connection.js';

describe('redisRetryStrategy', () => {
  it('spreads reconnect delays over [0, cap], the cap doubling from 50 ms to 2 s', () => {
    for (const [attempt, cap] of [
      [1, 50],
      [3, 200],
      [6, 1_600],
      [7, 2_000],
      [100, 2_000],
    ] as const) {
      const delays = Array.from({ length: 2_000 }, () => redisRetryStrategy(attempt));
      expect(delays.every((ms) => Number.isInteger(ms) && ms >= 0 && ms <= cap)).toBe(true);
      expect(Math.min(...delays)).toBeLessThanOrEqual(cap * 0.05);
      expect(Math.max(...delays)).toBeGreaterThanOrEqual(cap * 0.95);
    }
  });
});

describe('readRedisConnection', () => {
  it('reads one server from REDIS_URL, or nothing (embedded stores)', () => {
    expect(readRedisConnection({})).toBeUndefined();
    expect(readRedisConnection({ REDIS_URL: '' })).toBeUndefined();
    expect(
      readRedisConnection({ REDIS_URL: 'rediss://u:secret@r.example:6380/2', REDIS_WAIT_FOR_REPLICAS: '1' }),
    ).toEqual({
      kind: 'url',
      url: 'rediss://u:secret@r.example:6380/2',
      waitForReplicas: 1,
    });
  });

  it('reads a Sentinel deployment from REDIS_SENTINELS and REDIS_SENTINEL_NAME', () => {
    expect(
      readRedisConnection({
        REDIS_SENTINELS: '10.0.0.5:26379, sentinel-b:26380,[::1]:26381',
        REDIS_SENTINEL_NAME: 'auth-primary',
        REDIS_PASSWORD: 'data-password',
        REDIS_WAIT_FOR_REPLICAS: '2',
      }),
    ).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: '10.0.0.5', port: 26379 },
        { host: 'sentinel-b', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      name: 'auth-primary',
      password: 'data-password',
      waitForReplicas: 2,
    });
  });

  it('names the variable that is wrong, never echoing a value', () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ REDIS_URL: 'http://r:6379' }, /REDIS_URL/],
      [{ REDIS_SENTINELS: 'r:6379', REDIS_URL: 'redis://r' }, /either REDIS_URL or REDIS_SENTINELS/],
      [{ REDIS_SENTINELS: 'r:26379' }, /REDIS_SENTINEL_NAME is required/],
      [{ REDIS_SENTINELS: 'r', REDIS_SENTINEL_NAME: 'm' }, /REDIS_SENTINELS must be/],
      [{ REDIS_SENTINELS: 'r:70000', REDIS_SENTINEL_NAME: 'm' }, /REDIS_SENTINELS must be/],
      [{ REDIS_SENTINELS: 'a:1,,b:2', REDIS_SENTINEL_NAME: 'm' }, /REDIS_SENTINELS must be/],
      [{ REDIS_SENTINEL_NAME: 'm' }, /REDIS_SENTINEL_NAME needs REDIS_SENTINELS/],
      [{ REDIS_URL: 'redis://r', REDIS_WAIT_FOR_REPLICAS: '-1' }, /REDIS_WAIT_FOR_REPLICAS/],
      [{ REDIS_WAIT_FOR_REPLICAS: '1' }, /REDIS_WAIT_FOR_REPLICAS needs/],
    ];
    for (const [env, message] of bad) expect(() => readRedisConnection(env)).toThrow(message);
  });

  it('describes a connection for a log line without its password', () => {
    expect(describeRedis({ kind: 'url', url: 'redis://user:secret@r:6379/0', waitForReplicas: 0 })).toBe(
      'redis://r:6379/0',
    );
    expect(
      describeRedis({
        kind: 'sentinel',
        sentinels: [
          { host: 'a', port: 1 },
          { host: 'b', port: 2 },
        ],
        name: 'm',
        password: 'secret',
        waitForReplicas: 1,
      }),
    ).toBe('Sentinel primary "m" via a:1,b:2');
  });
});
