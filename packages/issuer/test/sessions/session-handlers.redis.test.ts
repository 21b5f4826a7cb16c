import express from 'express';
import request from 'supertest';
import { Redis } from 'ioredis';
import { createClock, hasRedisServer, startRedis, type TestRedis } from '@jwks-kit/test-kit';
import {
  createLogoutHandler,
  createRefreshHandler,
  createRefreshTokenService,
  type SessionHandlerOptions,
} from '../../src/sessions.js';
import { createRedisRefreshTokenStore } from '../../src/redis.js';
import { createTestDenylist, createTestSigner } from './refresh-fixtures.js';

let redis: TestRedis;
let client: Redis;

beforeAll(async () => {
  if (!hasRedisServer()) throw new Error('this suite needs redis-server on PATH (it stops and restarts Redis)');
  redis = await startRedis({ forceSpawn: true });
  client = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
});
afterAll(async () => {
  client.disconnect();
  await redis.stop();
});

describe('session handlers when the Redis store is unreachable', () => {
  it('answer 503 with Retry-After and keep the cookies; sessions work again once Redis is back', async () => {
    const clock = createClock();
    const signer = await createTestSigner(clock);
    const store = createRedisRefreshTokenStore(client, {
      keyPrefix: `session-test:${Date.now()}:`,
      commandTimeoutMs: 500,
    });
    const service = createRefreshTokenService({
      store,
      signAccessToken: signer.sign,
      denylist: createTestDenylist(clock),
      now: clock.now,
    });
    const options: SessionHandlerOptions = { refreshPath: '/auth', secure: true, retryAfterSeconds: 7, now: clock.now };
    const app = express();
    app.post('/auth/refresh', createRefreshHandler(service, options));
    app.post('/auth/logout', createLogoutHandler(service, options));
    const { refreshToken } = await service.start({ sub: 'carol' });
    const cookie = `__Secure-refresh_token=${refreshToken}`;

    await redis.stop();
    for (const path of ['/auth/refresh', '/auth/logout']) {
      const res = await request(app).post(path).set('Sec-Fetch-Site', 'same-origin').set('Cookie', cookie);
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('7');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.body).toEqual({
        error: 'temporarily_unavailable',
        code: 'refresh_store_unavailable',
        error_description: 'The session store is unavailable; try again later.',
      });
    }
    await redis.restart();
    while ((await client.ping().catch(() => '')) !== 'PONG') await new Promise((r) => setTimeout(r, 20));
    const fresh = await service.start({ sub: 'carol' });
    const res = await request(app)
      .post('/auth/refresh')
      .set('Sec-Fetch-Site', 'same-origin')
      .set('Cookie', `__Secure-refresh_token=${fresh.refreshToken}`);
    expect(res.status).toBe(200);
  });
});
