import type { AddressInfo } from 'node:net';
import { createClock } from '@jwks-kit/test-kit';
import express from 'express';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import request from 'supertest';
import {
  createAccessTokenSigner,
  createKeyRing,
  createMemoryKeyStore,
  jwksHandler,
  type KeyRing,
} from '../src/index.js';

const PATH = '/.well-known/jwks.json';
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'];
const DAY = 86_400_000;

const appFor = (ring: KeyRing) => express().get(PATH, jwksHandler(ring));

describe('jwksHandler', () => {
  const clock = createClock();
  let ring: KeyRing;
  beforeAll(async () => {
    ring = await createKeyRing({
      store: createMemoryKeyStore(),
      maxJwksCacheAgeMs: 600_000,
      maxTokenLifetimeSeconds: 3600,
      rotationIntervalMs: DAY,
      now: clock.now,
    });
  });

  it('serves the public JWKS with its media type, Cache-Control max-age and a strong ETag', async () => {
    const res = await request(appFor(ring)).get(PATH).expect(200);
    expect(res.headers['content-type']).toBe('application/jwk-set+json');
    expect(res.headers['cache-control']).toBe('public, max-age=600');
    expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    const body = JSON.parse(res.text) as { keys: Record<string, unknown>[] };
    expect(body).toEqual(JSON.parse(JSON.stringify(ring.publicJwks())));
    for (const key of body.keys) expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
  });

  it('answers 304 without a body to a matching If-None-Match (exact, weak form, in a list, or *)', async () => {
    const app = appFor(ring);
    const { headers } = await request(app).get(PATH);
    const etag = headers.etag as string;
    for (const value of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const res = await request(app).get(PATH).set('If-None-Match', value).expect(304);
      expect(res.text).toBe('');
      expect(res.headers.etag).toBe(etag);
      expect(res.headers['cache-control']).toBe('public, max-age=600');
    }
    await request(app).get(PATH).set('If-None-Match', '"stale"').expect(200);
  });

  it('never publishes d, p, q, dp, dq, qi: for next, active and retired keys', async () => {
    const own = await createKeyRing({
      store: createMemoryKeyStore(),
      maxJwksCacheAgeMs: 600_000,
      maxTokenLifetimeSeconds: 3600,
      rotationIntervalMs: DAY,
      now: clock.now,
    });
    await own.rotate({ force: true });
    expect(new Set(own.keys().map((k) => k.state))).toEqual(new Set(['next', 'active', 'retired']));
    const res = await request(appFor(own)).get(PATH).expect(200);
    const body = JSON.parse(res.text) as { keys: Record<string, unknown>[] };
    expect(body.keys).toHaveLength(3);
    for (const key of body.keys) for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
    for (const member of PRIVATE_MEMBERS) expect(res.text).not.toContain(`"${member}"`);
  });

  it('serialises the body once per key-ring change and changes the ETag with the key set', async () => {
    const own = await createKeyRing({
      store: createMemoryKeyStore(),
      maxJwksCacheAgeMs: 600_000,
      maxTokenLifetimeSeconds: 3600,
      rotationIntervalMs: DAY,
      now: clock.now,
    });
    let serialisations = 0;
    const counted: KeyRing = Object.assign(Object.create(own) as KeyRing, {
      publicJwks: () => {
        serialisations += 1;
        return own.publicJwks();
      },
    });
    const app = appFor(counted);
    const first = await request(app).get(PATH);
    for (let i = 0; i < 5; i++) await request(app).get(PATH).expect(200);
    expect(serialisations).toBe(1);
    await own.rotate({ force: true });
    const second = await request(app).get(PATH).expect(200);
    await request(app).get(PATH).expect(200);
    expect(serialisations).toBe(2);
    expect(second.headers.etag).not.toBe(first.headers.etag);
    await request(app)
      .get(PATH)
      .set('If-None-Match', first.headers.etag as string)
      .expect(200);
  });

  it('answers HEAD with headers only and passes other methods on', async () => {
    const app = express()
      .use(PATH, jwksHandler(ring))
      .use((_req, res) => void res.status(405).end());
    const head = await request(app).head(PATH).expect(200);
    expect(head.headers['content-type']).toBe('application/jwk-set+json');
    await request(app).post(PATH).expect(405);
  });

  it('rejects a missing key ring with a TypeError', () => {
    expect(() => jwksHandler(undefined as never)).toThrow(TypeError);
  });

  it('tokens verify with jose createRemoteJWKSet against the handler on a real socket, with the exact header', async () => {
    const own = await createKeyRing({
      store: createMemoryKeyStore(),
      maxJwksCacheAgeMs: 600_000,
      maxTokenLifetimeSeconds: 3600,
    });
    const server = appFor(own).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const issuer = `http://127.0.0.1:${port}`;
      const signer = createAccessTokenSigner({ issuer, keyRing: own, defaultAudience: 'orders' });
      const { token, jti } = await signer.sign({ sub: 'alice', scope: 'orders:read', clientId: 'web' });
      const jwks = createRemoteJWKSet(new URL(`${issuer}${PATH}`));
      const { payload, protectedHeader } = await jwtVerify(token, jwks, {
        issuer,
        audience: 'orders',
        algorithms: ['RS256'],
        typ: 'at+jwt',
      });
      expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: own.signingKey().kid });
      expect(payload).toEqual({
        iss: issuer,
        sub: 'alice',
        aud: 'orders',
        exp: payload.iat! + 900,
        iat: payload.iat,
        jti,
        client_id: 'web',
        scope: 'orders:read',
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
