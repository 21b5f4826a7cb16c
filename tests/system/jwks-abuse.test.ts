import { randomBytes } from 'node:crypto';
import express from 'express';
import { SignJWT } from 'jose';
import { createClock, createTestKeyPair, type TestKeyPair } from '@jwks-kit/test-kit';
import {
  authErrorHandler,
  createAccessTokenVerifier,
  createRemoteKeySet,
  requireAuth,
  type RemoteKeySet,
  type RemoteKeySetOptions,
} from '@jwks-kit/verifier';
import { listen, type RunningServer } from '@jwks-kit/examples/shared/listen';
import { startJwksServer, type JwksServer } from './support/jwks-server.js';
import { codeOf, createHttpClient } from './support/http-client.js';
import { mapConcurrent } from './support/map-concurrent.js';

const ISSUER = 'https://issuer.test';
const AUDIENCE = 'urn:test:api';
const COOLDOWN_MS = 30_000;

describe('JWKS endpoint abuse against a verifier (real sockets)', () => {
  const clock = createClock(Date.now());
  let key: TestKeyPair;
  let other: TestKeyPair;
  let jwks: JwksServer;
  const keySets: RemoteKeySet[] = [];

  const sign = (signer: TestKeyPair, kid = signer.kid) =>
    new SignJWT({ sub: 'alice', scope: 'orders:read', jti: randomBytes(8).toString('hex') })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(clock.nowSeconds())
      .setExpirationTime(clock.nowSeconds() + 3600)
      .sign(signer.privateKey);
  const keySetOn = async (options: Partial<RemoteKeySetOptions> = {}) => {
    const keySet = createRemoteKeySet({
      jwksUri: jwks.url,
      cooldownMs: COOLDOWN_MS,
      minCacheMs: 3_600_000,
      maxCacheMs: 3_600_000,
      now: clock.now,
      ...options,
    });
    keySets.push(keySet);
    await keySet.ready();
    return keySet;
  };
  const verifierOn = (keySet: RemoteKeySet) =>
    createAccessTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      keySet,
      now: clock.now,
      verifiedTokenCacheSize: 0,
    });

  beforeAll(async () => {
    [key, other] = await Promise.all([createTestKeyPair(), createTestKeyPair()]);
    jwks = await startJwksServer({ keys: [key.publicJwk] });
  });
  beforeEach(() => jwks.setMode({ kind: 'serve', body: { keys: [key.publicJwk] } }));
  afterAll(async () => {
    for (const keySet of keySets) keySet.close();
    await jwks.close();
  });

  it('a flood of 10,000 requests with random kids costs at most one JWKS fetch per cooldown', async () => {
    const keySet = await keySetOn();
    const app = express();
    app.get('/r', requireAuth({ issuer: ISSUER, audience: AUDIENCE, keySet, now: clock.now }), (_req, res) => {
      res.json({ ok: true });
    });
    app.use(authErrorHandler());
    const server: RunningServer = await listen(app, 0);
    const client = createHttpClient(32);
    try {
      const before = jwks.requests();
      const startMs = clock.now();
      // Random kids, each signed by a real key (the signature is never reached: the kid is unknown).
      const tokens = await Promise.all(
        Array.from({ length: 50 }, () => sign(other, randomBytes(16).toString('base64url'))),
      );
      const statuses = await mapConcurrent(
        Array.from({ length: 10_000 }, (_, i) => i),
        32,
        async (i) => {
          if (i % 500 === 499) clock.advance(5_000); // 100 simulated seconds over the flood
          const reply = await client.get(`${server.url}/r`, { authorization: `Bearer ${tokens[i % tokens.length]}` });
          return `${reply.status} ${codeOf(reply)}`;
        },
      );
      const elapsedMs = clock.now() - startMs;
      const fetches = jwks.requests() - before;
      console.log(
        `random-kid flood: ${statuses.length} requests over ${elapsedMs / 1000} simulated s, ${fetches} JWKS fetches (cooldown ${COOLDOWN_MS / 1000} s)`,
      );
      expect(statuses.filter((s) => s !== '401 invalid_token')).toEqual([]);
      expect(fetches).toBeGreaterThanOrEqual(1);
      expect(fetches).toBeLessThanOrEqual(Math.floor(elapsedMs / COOLDOWN_MS) + 1);
      // The flood did not cost the real key its place.
      const good = await fetch(`${server.url}/r`, { headers: { authorization: `Bearer ${await sign(key)}` } });
      expect(good.status).toBe(200);
    } finally {
      client.close();
      await server.close();
    }
  }, 120_000);

  it('a trickling JWKS server times the fetch out and the cached keys stay in service', async () => {
    const keySet = await keySetOn({ timeoutMs: 600 });
    const verifier = verifierOn(keySet);
    jwks.setMode({ kind: 'trickle', intervalMs: 50 });
    await expect(keySet.refresh()).rejects.toMatchObject({ code: 'ERR_JWKS_TIMEOUT' });
    jwks.setMode({ kind: 'silent' });
    await expect(keySet.refresh()).rejects.toMatchObject({ code: 'ERR_JWKS_TIMEOUT' });
    await expect(verifier.verify(await sign(key))).resolves.toMatchObject({ kid: key.kid });
  });

  it.each([
    ['with a declared Content-Length', true],
    ['streamed without a length', false],
  ])('a 5 MB JWKS %s is refused by the byte cap and the cached keys stay', async (_label, declareLength) => {
    const keySet = await keySetOn();
    const verifier = verifierOn(keySet);
    jwks.setMode({ kind: 'huge', bytes: 5 * 1024 * 1024, declareLength });
    await expect(keySet.refresh()).rejects.toMatchObject({ code: 'ERR_JWKS_TOO_LARGE' });
    await expect(verifier.verify(await sign(key))).resolves.toMatchObject({ kid: key.kid });
  });

  it('a JWKS carrying private key members is refused as a whole; the cached keys stay and the new key is not trusted', async () => {
    const keySet = await keySetOn();
    const verifier = verifierOn(keySet);
    jwks.setMode({ kind: 'serve', body: { keys: [key.publicJwk, { ...other.privateJwk }] } });
    await expect(keySet.refresh()).rejects.toMatchObject({ code: 'ERR_JWKS_PRIVATE_KEY' });
    await expect(verifier.verify(await sign(key))).resolves.toMatchObject({ kid: key.kid });
    // The smuggled key is not trusted; while the last fetch failed its kid cannot be judged: 503, not 200.
    await expect(verifier.verify(await sign(other))).rejects.toMatchObject({ code: 'keys_unavailable', status: 503 });
    // A verifier that never saw a good set starts with no key at all.
    const fresh = createRemoteKeySet({ jwksUri: jwks.url, now: clock.now });
    keySets.push(fresh);
    await expect(fresh.ready()).rejects.toMatchObject({ code: 'ERR_JWKS_PRIVATE_KEY' });
  });

  it.each([301, 302, 303, 307, 308])(
    'a %d redirect is not followed: the target gets no request and the cached keys stay',
    async (status) => {
      const target = await startJwksServer({ keys: [other.publicJwk] });
      try {
        const keySet = await keySetOn();
        const verifier = verifierOn(keySet);
        jwks.setMode({ kind: 'redirect', status, location: target.url });
        await expect(keySet.refresh()).rejects.toMatchObject({ code: 'ERR_JWKS_REDIRECT' });
        expect(target.requests()).toBe(0);
        // The redirect target's key is not trusted (503 while the last fetch failed, never 200).
        await expect(verifier.verify(await sign(other))).rejects.toMatchObject({ code: 'keys_unavailable' });
        await expect(verifier.verify(await sign(key))).resolves.toMatchObject({ kid: key.kid });
      } finally {
        await target.close();
      }
    },
  );
});
