import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import request from 'supertest';
import { createMemoryDenylist } from '@jwks-kit/denylist';
import { createRedisDpopReplayStore } from '@jwks-kit/denylist/redis';
import type { KeyRing } from '@jwks-kit/issuer';
import { createRedisRefreshTokenStore } from '@jwks-kit/issuer/redis';
import { craftDpopProof, createDpopKey, type TestRedis } from '@jwks-kit/test-kit';
import { createApp } from '../src/create-app.js';
import type { UserDirectory } from '../src/users.js';
import { startRedisReplicasFixture, type RedisReplicasFixture } from './support/redis-replicas-fixture.js';

const ISSUER = 'http://127.0.0.1:4000';
const TOKEN_URL = `${ISSUER}/token`;

describe('two auth-service replicas over one Redis: DPoP proofs single use and nonces across them', () => {
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

  const replicas = (nonceSecret?: Buffer) => {
    const keyPrefix = `test:${randomBytes(6).toString('hex')}:`;
    const build = () =>
      createApp({
        issuerUrl: ISSUER,
        keyRing,
        users,
        denylist: createMemoryDenylist({ issuer: ISSUER }),
        refreshStore: createRedisRefreshTokenStore(redis, { keyPrefix: `${keyPrefix}refresh:` }),
        allowedOrigins: [ISSUER],
        ordersPort: 4001,
        profilePort: 4002,
        dpopReplayStore: createRedisDpopReplayStore(redis, { keyPrefix: `${keyPrefix}dpop:` }),
        ...(nonceSecret ? { dpopNonceSecret: nonceSecret } : {}),
        log: () => {},
      });
    return [build(), build()] as const;
  };
  const proof = (key = createDpopKey('ES256'), nonce?: string) =>
    craftDpopProof(key, {
      method: 'POST',
      url: TOKEN_URL,
      iat: Math.floor(Date.now() / 1000),
      ...(nonce ? { nonce } : {}),
    });
  const password = (app: ReturnType<typeof createApp>, dpop: string) =>
    request(app)
      .post('/token')
      .type('form')
      .set('DPoP', dpop)
      .send({ grant_type: 'password', username: 'alice', password: 'alice-pass' });

  it('a proof used at one replica is refused at the other; a family bound at one rotates at the other with the same key only', async () => {
    const [a, b] = replicas();
    const key = createDpopKey('ES256');
    const used = proof(key);
    const login = await password(a, used);
    expect(login.body.token_type).toBe('DPoP');
    const replayed = await password(b, used);
    expect([replayed.status, replayed.body.code]).toEqual([400, 'dpop_proof_replayed']);
    const refresh = (app: ReturnType<typeof createApp>, dpop: string) =>
      request(app)
        .post('/token')
        .type('form')
        .set('DPoP', dpop)
        .send({ grant_type: 'refresh_token', refresh_token: login.body.refresh_token });
    const wrongKey = await refresh(b, proof());
    expect([wrongKey.status, wrongKey.body.code]).toEqual([400, 'dpop_key_mismatch']);
    const rotated = await refresh(b, proof(key));
    expect([rotated.status, rotated.body.token_type]).toEqual([200, 'DPoP']);
  });

  it('the nonce one replica hands out is accepted by the other (one DPOP_NONCE_SECRET)', async () => {
    const [a, b] = replicas(randomBytes(32));
    const key = createDpopKey('EdDSA');
    const challenged = await password(a, proof(key));
    expect(challenged.body.error).toBe('use_dpop_nonce');
    const login = await password(b, proof(key, challenged.headers['dpop-nonce'] as string));
    expect([login.status, login.body.token_type]).toEqual([200, 'DPoP']);
  });

  it('answers 503 with Retry-After when the replay store’s Redis is down: no proof is accepted unrecorded', async () => {
    const [a] = replicas();
    await server.stop();
    try {
      const res = await password(a, proof());
      expect([res.status, res.body.error]).toEqual([503, 'temporarily_unavailable']);
      expect(res.headers['retry-after']).toBe('1');
    } finally {
      await server.restart();
    }
  });
});
