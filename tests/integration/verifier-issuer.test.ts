import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import supertest from 'supertest';
import { createClock, nextEvent, type TestClock } from '@jwks-kit/test-kit';
import {
  createAccessTokenSigner,
  createKeyRing,
  createMemoryKeyStore,
  jwksHandler,
  type AccessTokenSigner,
  type KeyRing,
} from '@jwks-kit/issuer';
import { authErrorHandler, createRemoteKeySet, requireAuth, type RemoteKeySet } from '@jwks-kit/verifier';

const ISSUER = 'http://127.0.0.1/auth';
const AUDIENCE = 'orders';
const CACHE_AGE_MS = 60_000;
const SAFETY_MS = 60_000;

let clock: TestClock;
let keyRing: KeyRing;
let signer: AccessTokenSigner;
let issuerServer: Server;
let port: number;
let jwksRequests: number;
let keySet: RemoteKeySet;
let api: express.Express;

async function startIssuer(listenPort = 0): Promise<void> {
  const app = express();
  app.get('/.well-known/jwks.json', (req, res, next) => {
    jwksRequests += 1;
    jwksHandler(keyRing)(req, res, next);
  });
  issuerServer = app.listen(listenPort, '127.0.0.1');
  await once(issuerServer, 'listening');
  port = (issuerServer.address() as AddressInfo).port;
}

async function stopIssuer(): Promise<void> {
  issuerServer.closeAllConnections();
  await new Promise((resolve) => issuerServer.close(resolve));
}

const get = (token: string) => supertest(api).get('/orders').set('Authorization', `Bearer ${token}`);

beforeEach(async () => {
  clock = createClock(Date.UTC(2026, 0, 1));
  jwksRequests = 0;
  keyRing = await createKeyRing({
    store: createMemoryKeyStore(),
    maxJwksCacheAgeMs: CACHE_AGE_MS,
    maxTokenLifetimeSeconds: 600,
    rotationIntervalMs: 0,
    safetyMarginMs: SAFETY_MS,
    checkIntervalMs: SAFETY_MS / 2,
    now: clock.now,
  });
  signer = createAccessTokenSigner({ issuer: ISSUER, keyRing, defaultAudience: AUDIENCE, now: clock.now });
  await startIssuer();
  keySet = createRemoteKeySet({ jwksUri: `http://127.0.0.1:${port}/.well-known/jwks.json`, now: clock.now });
  await keySet.ready();
  api = express();
  api.get('/orders', requireAuth({ issuer: ISSUER, audience: AUDIENCE, keySet, now: clock.now }), (req, res) => {
    res.json({ sub: req.auth?.claims.sub, kid: req.auth?.kid });
  });
  api.use(authErrorHandler());
});

afterEach(async () => {
  keySet.close();
  if (issuerServer.listening) await stopIssuer();
});

it('verifies tokens of the real issuer through its JWKS, fetched once', async () => {
  const { token, kid } = await signer.sign({ sub: 'alice', scope: ['orders:read'] });
  await get(token).expect(200, { sub: 'alice', kid });
  await get(token).expect(200);
  expect(jwksRequests).toBe(1);
});

it('follows a key rotation without a single failed request', async () => {
  const before = await signer.sign({ sub: 'alice' });
  await get(before.token).expect(200);
  // the next key was published before it signs: the verifier's first fetch already holds it
  const nextKid = keyRing.keys().find((key) => key.state === 'next')?.kid;
  expect(keySet.kids).toContain(nextKid);
  clock.advance(CACHE_AGE_MS + SAFETY_MS);
  await keyRing.rotate();
  const after = await signer.sign({ sub: 'bob' });
  expect(after.kid).toBe(nextKid);
  // past the cache age, the first lookup starts a background refresh; no request waits for it or fails
  const fetched = nextEvent(keySet, 'fetched');
  const statuses: number[] = [];
  for (const token of [after.token, before.token, after.token]) statuses.push((await get(token)).status);
  expect(statuses).toEqual([200, 200, 200]);
  await fetched;
  expect(jwksRequests).toBe(2);
  expect(keySet.kids.sort()).toEqual(
    keyRing
      .publicJwks()
      .keys.map((key) => key.kid)
      .sort(),
  );
  await get((await signer.sign({ sub: 'carol' })).token).expect(200);
});

it('drops cached verifications when the issuer withdraws a key', async () => {
  const old = await signer.sign({ sub: 'alice' });
  await get(old.token).expect(200);
  clock.advance(CACHE_AGE_MS + SAFETY_MS);
  await keyRing.rotate();
  await keyRing.removeKey(old.kid!);
  await keySet.refresh();
  const res = await get(old.token).expect(401);
  expect(res.body).toMatchObject({
    code: 'invalid_token',
    error_description: 'The access token signing key is unknown',
  });
});

it('keeps serving from the last good keys while the issuer is down', async () => {
  const { token } = await signer.sign({ sub: 'alice' });
  await get(token).expect(200);
  await stopIssuer();
  clock.advance(CACHE_AGE_MS + 1_000);
  const failed = nextEvent(keySet, 'fetchFailed');
  await get(token).expect(200);
  await failed;
  // a new token signed with the same (stale) key is verified; an unknown kid cannot be judged while the
  // last fetch failed: 503 keys_unavailable (the client did nothing wrong), not 401
  await get((await signer.sign({ sub: 'bob' })).token).expect(200);
  const forged = (await signer.sign({ sub: 'eve' })).token.replace(
    /^[^.]+/,
    Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'at+jwt', kid: 'unknown' })).toString('base64url'),
  );
  const unavailable = await get(forged).expect(503);
  expect(unavailable.body).toMatchObject({ code: 'keys_unavailable' });
  expect(unavailable.headers['retry-after']).toMatch(/^\d+$/);
  // the issuer comes back on the same port: the next attempt succeeds
  await startIssuer(port);
  clock.advance(120_000);
  const fetched = nextEvent(keySet, 'fetched');
  await get(token).expect(200);
  await fetched;
});
