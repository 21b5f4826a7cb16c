import express from 'express';
import supertest from 'supertest';
import { createClock, createTestKeyPair, freePort, type TestKeyPair } from '@jwks-kit/test-kit';
import { createMemoryDenylist } from '@jwks-kit/denylist';
import { authErrorHandler, readinessHandler, requireAuth, type RequireAuthHandler } from '../src/index.js';
import { accessToken, AUDIENCE, ISSUER } from './lib/craft-token.js';
import { startJwksServer, type JwksServer } from './remote-key-set-server.js';

let pair: TestKeyPair;
const handlers: RequireAuthHandler[] = [];
const servers: JwksServer[] = [];

beforeAll(async () => {
  pair = await createTestKeyPair();
});

afterEach(async () => {
  await Promise.all(handlers.splice(0).map((handler) => handler.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A service with `/orders` behind requireAuth and `/readyz` reporting its key set and denylist. */
function service(jwksUri: string, jwks: Record<string, number> = {}) {
  const authenticate = requireAuth({ issuer: ISSUER, audience: AUDIENCE, jwksUri, jwks });
  handlers.push(authenticate);
  const denylist = createMemoryDenylist({ issuer: ISSUER });
  const app = express();
  app.get('/readyz', readinessHandler({ jwks: authenticate, denylist }));
  app.get('/orders', authenticate, (_req, res) => void res.json({ ok: true }));
  app.use(authErrorHandler());
  return { app: supertest(app), authenticate };
}

const bearer = () => `Bearer ${accessToken(pair, createClock(Date.now()))}`;

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

it('is not ready while the JWKS has never loaded, with the fetch error and no secret in the report', async () => {
  const { app, authenticate } = service(`http://127.0.0.1:${await freePort()}/jwks.json`);
  await authenticate.ready().catch(() => undefined);
  const res = await app.get('/readyz').expect(503).expect('Cache-Control', 'no-store');
  expect(res.body).toMatchObject({
    status: 'not_ready',
    checks: {
      jwks: {
        state: 'failing',
        keySets: {
          [ISSUER]: { state: 'failing', kids: 0, lastError: { name: 'KeySetError', code: 'ERR_JWKS_NETWORK' } },
        },
      },
      denylist: { state: 'ok', mode: 'memory' },
    },
  });
});

it('is ready with fresh keys, stays ready (stale) during an outage, and is not ready past maxStaleMs (real time)', async () => {
  const server = await startJwksServer([pair.publicJwk]);
  servers.push(server);
  server.cacheControl = 'max-age=1';
  const { app, authenticate } = service(server.url, {
    minCacheMs: 1_000,
    maxStaleMs: 1_500,
    backoffInitialMs: 50,
    backoffMaxMs: 100,
  });
  await authenticate.ready();
  const fresh = await app.get('/readyz').expect(200);
  expect(fresh.body.checks.jwks.keySets[ISSUER]).toMatchObject({ state: 'ok', kids: 1, consecutiveFailures: 0 });
  expect(fresh.body.checks.jwks.keySets[ISSUER].keyAgeMs).toBeGreaterThanOrEqual(0);

  server.handle((_req, res) => {
    res.statusCode = 503;
    res.end();
  });
  // past the refresh point the background fetch fails: the last good keys keep serving, health says stale
  await until(async () => (await app.get('/readyz')).body.checks.jwks.state === 'stale');
  const stale = await app.get('/readyz').expect(200);
  expect(stale.body.checks.jwks.keySets[ISSUER].lastError).toMatchObject({ code: 'ERR_JWKS_HTTP_STATUS' });
  await app.get('/orders').set('Authorization', bearer()).expect(200);

  // past cache age + maxStaleMs no key is served: requests get 503 keys_unavailable, readiness 503
  await until(async () => (await app.get('/readyz')).status === 503);
  const refused = await app.get('/orders').set('Authorization', bearer()).expect(503);
  expect(refused.body).toMatchObject({ code: 'keys_unavailable' });
  expect(refused.headers['retry-after']).toMatch(/^\d+$/);

  // the issuer recovers: ready again, requests pass
  server.handle(undefined);
  await until(async () => (await app.get('/readyz')).status === 200);
  await app.get('/orders').set('Authorization', bearer()).expect(200);
});

it('counts a health() that throws as failing, and validates its checks at creation', async () => {
  const app = express();
  app.get(
    '/readyz',
    readinessHandler({
      broken: {
        health: () => {
          throw new Error('boom');
        },
      },
    }),
  );
  const res = await supertest(app).get('/readyz').expect(503);
  expect(res.body).toEqual({
    status: 'not_ready',
    checks: { broken: { state: 'failing', lastError: { name: 'Error', message: 'boom' } } },
  });
  expect(() => readinessHandler({ nothing: {} as never })).toThrow(/`nothing` must have a health\(\) method/);
});
