import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import request from 'supertest';
import { createMemoryDenylist } from '@jwks-kit/denylist';
import { generateClientSecret, hashClientSecret, type KeyRing } from '@jwks-kit/issuer';
import { createMemoryRefreshTokenStore } from '@jwks-kit/issuer/sessions';
import type { TestRedis } from '@jwks-kit/test-kit';
import { createApp } from '../src/create-app.js';
import { createOAuthEndpointLimiters, type OAuthEndpointLimitersOptions } from '../src/oauth-endpoint-limiters.js';
import type { UserDirectory } from '../src/users.js';
import { startRedisReplicasFixture, type RedisReplicasFixture } from './support/redis-replicas-fixture.js';

const ISSUER = 'http://127.0.0.1:4000';
const cliSecret = generateClientSecret();
const ordersSecret = generateClientSecret();
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const prefix = () => `test:${randomBytes(6).toString('hex')}:oauth`;

describe('rate limits of POST /revoke and POST /introspect (RFC 7009, RFC 7662)', () => {
  let server: TestRedis;
  let redis: Redis;
  let users: UserDirectory;
  let keyRing: KeyRing;

  let fixture: RedisReplicasFixture;

  beforeAll(async () => {
    fixture = await startRedisReplicasFixture();
    ({ server, redis, users, keyRing } = fixture);
  });
  afterAll(() => fixture.stop());

  /** One auth-service replica; replicas built with the same Redis and prefix share the counters. */
  const replica = (limits: OAuthEndpointLimitersOptions) =>
    createApp({
      issuerUrl: ISSUER,
      keyRing,
      users,
      denylist: createMemoryDenylist({ issuer: ISSUER }),
      refreshStore: createMemoryRefreshTokenStore(),
      allowedOrigins: [ISSUER],
      ordersPort: 4001,
      profilePort: 4002,
      oauthClients: [
        { clientId: 'cli', secretHash: hashClientSecret(cliSecret) },
        { clientId: 'orders-service', secretHash: hashClientSecret(ordersSecret), audiences: ['orders'] },
      ],
      oauthEndpointLimiters: createOAuthEndpointLimiters(limits),
      log: () => {},
    });
  const introspect = (app: ReturnType<typeof createApp>, auth = basic('orders-service', ordersSecret)) =>
    request(app).post('/introspect').set('Authorization', auth).type('form').send({ token: 'not-a-token' });
  const revoke = (app: ReturnType<typeof createApp>, auth = basic('orders-service', ordersSecret)) =>
    request(app).post('/revoke').set('Authorization', auth).type('form').send({ token: 'not-a-token' });

  it('over Redis, two replicas count the same requests per client: the 4th of 3 allowed is 429 with Retry-After on either endpoint', async () => {
    const limits = { redis, keyPrefix: prefix(), maxRequestsPerClient: 3, requestWindowSeconds: 60 };
    const [a, b] = [replica(limits), replica(limits)];
    expect((await introspect(a)).status).toBe(200);
    expect((await revoke(b)).status).toBe(200);
    expect((await introspect(a)).body).toEqual({ active: false });
    const refused = await introspect(b);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('too_many_requests');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect((await revoke(a)).status).toBe(429);
    // the limit is per client: another client is still served
    expect((await revoke(b, basic('cli', cliSecret))).status).toBe(200);
    expect((await redis.keys(`${limits.keyPrefix}:*`)).sort()).toEqual([
      `${limits.keyPrefix}:request:client:cli`,
      `${limits.keyPrefix}:request:client:orders-service`,
    ]);
  });

  it('over Redis, failed authentications from one IP are counted across replicas: after 2, the 3rd is 429', async () => {
    const limits = { redis, keyPrefix: prefix(), maxFailuresPerIp: 2, failureWindowSeconds: 60 };
    const [a, b] = [replica(limits), replica(limits)];
    const wrong = basic('orders-service', generateClientSecret());
    expect((await introspect(a, wrong)).status).toBe(401);
    expect((await revoke(b, wrong)).status).toBe(401);
    const locked = await introspect(b, wrong);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await redis.keys(`${limits.keyPrefix}:failure:*`)).length).toBe(1);
  });

  it('in memory (no REDIS_URL), each replica counts alone', async () => {
    const limits = { maxRequestsPerClient: 2, requestWindowSeconds: 60 };
    const [a, b] = [replica(limits), replica(limits)];
    expect((await introspect(a)).status).toBe(200);
    expect((await introspect(a)).status).toBe(200);
    expect((await introspect(a)).status).toBe(429);
    expect((await introspect(b)).status).toBe(200);
  });

  it('refuses limits that are not positive integers, naming the option', () => {
    expect(() => createOAuthEndpointLimiters({ maxRequestsPerClient: 0 })).toThrow('`maxRequestsPerClient`');
    expect(() => createOAuthEndpointLimiters({ failureWindowSeconds: 1.5 })).toThrow('`failureWindowSeconds`');
    expect(() => createOAuthEndpointLimiters({ keyPrefix: '' })).toThrow('`keyPrefix`');
  });

  it('answers 503 with Retry-After when the limiter’s Redis is down: nothing is served uncounted', async () => {
    const app = replica({ redis, keyPrefix: prefix() });
    expect((await introspect(app)).status).toBe(200);
    await server.stop();
    try {
      for (const res of [await introspect(app), await revoke(app)]) {
        expect(res.status).toBe(503);
        expect(res.body.error).toBe('temporarily_unavailable');
        expect(res.headers['retry-after']).toBeDefined();
      }
    } finally {
      await server.restart();
    }
  });
});
