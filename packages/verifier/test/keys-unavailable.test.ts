import express, { type Express } from 'express';
import supertest from 'supertest';
import { createClock, createTestKeyPair, freePort, type TestKeyPair } from '@jwks-kit/test-kit';
import { authErrorHandler, KeySetError, RemoteKeySet, requireAuth, type RequireAuthHandler } from '../src/index.js';
import { accessToken, AUDIENCE, ISSUER } from './lib/craft-token.js';
import { startJwksServer, type JwksServer } from './remote-key-set-server.js';

let pair: TestKeyPair;
let other: TestKeyPair;
const handlers: RequireAuthHandler[] = [];
const servers: JwksServer[] = [];

beforeAll(async () => {
  [pair, other] = await Promise.all([createTestKeyPair(), createTestKeyPair()]);
});

afterEach(async () => {
  await Promise.all(handlers.splice(0).map((handler) => handler.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function appFor(jwksUri: string): { app: Express; authenticate: RequireAuthHandler } {
  const authenticate = requireAuth({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUri,
    jwks: { cooldownMs: 0, backoffInitialMs: 1, backoffMaxMs: 1 },
  });
  handlers.push(authenticate);
  const app = express();
  app.get('/orders', authenticate, (_req, res) => {
    res.json({ ok: true });
  });
  app.use(authErrorHandler());
  return { app, authenticate };
}

/** A valid token signed by `keys`, at the real time (the key cache runs on real time). */
const tokenOf = (keys: TestKeyPair) => accessToken(keys, createClock(Date.now()));

it('answers 503 keys_unavailable with Retry-After while the JWKS has never loaded (unreachable issuer)', async () => {
  const { app, authenticate } = appFor(`http://127.0.0.1:${await freePort()}/jwks.json`);
  const res = await supertest(app)
    .get('/orders')
    .set('Authorization', `Bearer ${tokenOf(pair)}`)
    .expect(503);
  expect(res.body).toEqual({
    error: 'temporarily_unavailable',
    code: 'keys_unavailable',
    error_description: 'Signing keys are temporarily unavailable',
  });
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(res.headers['www-authenticate']).toBeUndefined();
  const failure = await authenticate.ready().then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(KeySetError);
  expect(failure).toMatchObject({ code: 'ERR_JWKS_NETWORK' });
});

it('keeps 401 for an unknown kid while the key set is healthy and fresh', async () => {
  const server = await startJwksServer([pair.publicJwk]);
  servers.push(server);
  const { app, authenticate } = appFor(server.url);
  await authenticate.ready();
  const res = await supertest(app)
    .get('/orders')
    .set('Authorization', `Bearer ${tokenOf(other)}`)
    .expect(401);
  expect(res.body).toMatchObject({
    code: 'invalid_token',
    error_description: 'The access token signing key is unknown',
  });
  await supertest(app)
    .get('/orders')
    .set('Authorization', `Bearer ${tokenOf(pair)}`)
    .expect(200);
});

it('answers 503 for an unknown kid once the last fetch failed, and still serves the known keys', async () => {
  const server = await startJwksServer([pair.publicJwk]);
  servers.push(server);
  const { app, authenticate } = appFor(server.url);
  await authenticate.ready();
  server.handle((_req, res) => {
    res.statusCode = 500;
    res.end('down');
  });
  const res = await supertest(app)
    .get('/orders')
    .set('Authorization', `Bearer ${tokenOf(other)}`)
    .expect(503);
  expect(res.body).toMatchObject({ code: 'keys_unavailable', error: 'temporarily_unavailable' });
  await supertest(app)
    .get('/orders')
    .set('Authorization', `Bearer ${tokenOf(pair)}`)
    .expect(200);
  // the issuer recovers: the unknown kid is the token's fault again
  server.handle(undefined);
  await new Promise((resolve) => setTimeout(resolve, 5));
  await supertest(app)
    .get('/orders')
    .set('Authorization', `Bearer ${tokenOf(other)}`)
    .expect(401);
});

it('hands out the key set it created for jwksUri, so the operator can follow its fetches and failures', async () => {
  const server = await startJwksServer([pair.publicJwk]);
  servers.push(server);
  const { app, authenticate } = appFor(server.url);
  const keySet = authenticate.keySets.get(ISSUER);
  expect(keySet).toBeInstanceOf(RemoteKeySet);
  const seen: string[] = [];
  (keySet as RemoteKeySet).on('fetched', (event) => seen.push(`fetched ${event.status}`));
  (keySet as RemoteKeySet).on('fetchFailed', (error) => seen.push(`failed ${error.code}`));
  (keySet as RemoteKeySet).on('unknownKid', (_kid, { refetched }) => seen.push(`unknown kid, refetched ${refetched}`));
  await authenticate.ready();
  server.handle((_req, res) => {
    res.statusCode = 500;
    res.end('down');
  });
  await supertest(app)
    .get('/orders')
    .set('Authorization', `Bearer ${tokenOf(other)}`)
    .expect(503);
  expect(seen).toEqual(['fetched 200', 'failed ERR_JWKS_HTTP_STATUS', 'unknown kid, refetched true']);
  expect(authenticate.health().keySets[ISSUER]).toMatchObject({ state: 'stale', consecutiveFailures: 1 });
});
