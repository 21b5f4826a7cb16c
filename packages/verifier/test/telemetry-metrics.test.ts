import express from 'express';
import supertest from 'supertest';
import { createClock, createTestKeyPair, type TestKeyPair } from '@jwks-kit/test-kit';
import { startTestMetrics } from '@jwks-kit/test-kit/metrics';
import { authErrorHandler, createRemoteKeySet, requireAuth } from '../src/index.js';
import { accessToken, AUDIENCE, ISSUER } from './lib/craft-token.js';
import { startJwksServer, type JwksServer } from './remote-key-set-server.js';

// Registered before the verifier records anything, as an application registers its SDK first.
const metrics = startTestMetrics();

let pair: TestKeyPair;
let server: JwksServer;
const closers: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  pair = await createTestKeyPair();
  server = await startJwksServer([pair.publicJwk]);
});
afterEach(async () => {
  server.handle(undefined);
  for (const close of closers.splice(0)) await close();
});
afterAll(async () => {
  await server.close();
  await metrics.stop();
});

const outcome = (value: string) => ({ 'jwks_kit.outcome': value });

it('counts verifications by outcome with their duration, and verified-token cache hits and misses', async () => {
  const authenticate = requireAuth({ issuer: ISSUER, audience: AUDIENCE, jwksUri: server.url });
  closers.push(() => authenticate.close());
  await authenticate.ready();
  const app = express();
  app.get('/orders', authenticate, (_req, res) => {
    res.json({ ok: true });
  });
  app.use(authErrorHandler());
  const http = supertest(app);
  const clock = createClock(Date.now());
  const good = accessToken(pair, clock);
  const expired = accessToken(pair, clock, {
    claims: { exp: clock.nowSeconds() - 3600, iat: clock.nowSeconds() - 7200 },
  });
  // a token enters the cache on its second verification: miss, miss, hit
  for (let i = 0; i < 3; i++) await http.get('/orders').set('authorization', `Bearer ${good}`).expect(200);
  await http.get('/orders').set('authorization', `Bearer ${expired}`).expect(401);
  await http.get('/orders').set('authorization', 'Bearer not.a.token').expect(401);

  expect(await metrics.total('jwks_kit.verifier.verifications', outcome('ok'))).toBe(3);
  expect(await metrics.total('jwks_kit.verifier.verifications', outcome('token_expired'))).toBe(1);
  expect(await metrics.total('jwks_kit.verifier.verifications', outcome('invalid_token'))).toBe(1);
  expect(await metrics.total('jwks_kit.verifier.verification.duration', outcome('ok'))).toBe(3);
  expect(await metrics.total('jwks_kit.verifier.verification.duration')).toBe(5);
  expect(await metrics.total('jwks_kit.verifier.token_cache.hits')).toBe(1);
  expect(await metrics.total('jwks_kit.verifier.token_cache.misses')).toBe(4);
  // attributes: the outcome code only (no token, claim or kid on the per-request instruments)
  const attributes = (await metrics.points('jwks_kit.verifier.verifications')).map((p) => p.attributes);
  expect(attributes).toEqual(expect.arrayContaining([outcome('ok'), outcome('token_expired')]));
  for (const a of attributes) expect(Object.keys(a)).toEqual(['jwks_kit.outcome']);
});

it('counts JWKS fetches by outcome with their duration and key age, unknown-kid refetches and cooldown refusals', async () => {
  const uri = { 'jwks_kit.jwks_uri': server.url };
  const before = {
    ok: await metrics.total('jwks_kit.verifier.jwks.fetches', { ...uri, ...outcome('200') }),
    durations: await metrics.total('jwks_kit.verifier.jwks.fetch.duration', uri),
    refetches: await metrics.total('jwks_kit.verifier.jwks.unknown_kid_refetches', uri),
    refusals: await metrics.total('jwks_kit.verifier.jwks.cooldown_refusals', uri),
  };
  const eager = createRemoteKeySet({ jwksUri: server.url, cooldownMs: 0 });
  const patient = createRemoteKeySet({ jwksUri: server.url, cooldownMs: 60_000 });
  closers.push(
    () => eager.close(),
    () => patient.close(),
  );
  await Promise.all([eager.ready(), patient.ready()]);
  expect(await metrics.total('jwks_kit.verifier.jwks.fetches', { ...uri, ...outcome('200') })).toBe(before.ok + 2);
  expect(await metrics.total('jwks_kit.verifier.jwks.fetch.duration', uri)).toBe(before.durations + 2);
  const ages = await metrics.points('jwks_kit.verifier.jwks.key_age', uri);
  expect(ages.length).toBeGreaterThanOrEqual(1);
  for (const age of ages) expect(age.value).toBeGreaterThanOrEqual(0);

  // an unknown kid: a refetch where the cooldown allows it, a refusal where it does not (the patient
  // set's first unknown kid refetched, so its second one is in cooldown)
  expect(await eager.resolveKey('kid-the-issuer-never-published')).toBeUndefined();
  expect(await patient.resolveKey('kid-the-issuer-never-published')).toBeUndefined();
  expect(await patient.resolveKey('another-kid-the-issuer-never-published')).toBeUndefined();
  expect(await metrics.total('jwks_kit.verifier.jwks.unknown_kid_refetches', uri)).toBe(before.refetches + 2);
  expect(await metrics.total('jwks_kit.verifier.jwks.cooldown_refusals', uri)).toBe(before.refusals + 1);

  // a failed fetch is counted under its KeySetError code
  server.handle((_req, res) => {
    res.statusCode = 500;
    res.end('down');
  });
  const failing = createRemoteKeySet({ jwksUri: server.url, backoffInitialMs: 60_000 });
  closers.push(() => failing.close());
  const code = await failing.ready().then(
    () => 'loaded',
    (error: { code: string }) => error.code,
  );
  expect(code).toMatch(/^ERR_JWKS_/);
  expect(await metrics.total('jwks_kit.verifier.jwks.fetches', { ...uri, ...outcome(code) })).toBe(1);
});
