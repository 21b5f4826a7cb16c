import express, { type RequestHandler } from 'express';
import supertest from 'supertest';
import {
  BUILT_IN_NAMES,
  createClock,
  createTestKeyPair,
  whilePrototypePolluted,
  type TestKeyPair,
} from '@jwks-kit/test-kit';
import { authErrorHandler, createLocalKeySet, requireAuth, requireClaim, requireScopes } from '../src/index.js';
import { accessToken, AUDIENCE, craftToken, ISSUER, validParts } from './lib/craft-token.js';

let pair: TestKeyPair;
const clock = createClock();
beforeAll(async () => {
  pair = await createTestKeyPair();
});

/** An API behind requireAuth (with `requiredClaims`) and `guard`, answering the claims it saw. */
function api(guard: RequestHandler, requiredClaims: readonly string[] = []) {
  const server = express();
  const auth = requireAuth({
    issuer: ISSUER,
    audience: AUDIENCE,
    keySet: createLocalKeySet({ keys: [pair.publicJwk] }),
    requiredClaims,
    now: clock.now,
  });
  server.get('/r', auth, guard, (req, res) => {
    res.json({ sub: req.auth?.claims.sub ?? null, scopes: [...(req.auth?.scopes ?? [])] });
  });
  server.use(authErrorHandler());
  return server;
}
const pass: RequestHandler = (_req, _res, next) => next();
const call = (server: express.Express, token: string) =>
  supertest(server).get('/r').set('Authorization', `Bearer ${token}`);

/** Runs `task` while `Object.prototype[name]` is `value` (a polluted process), then cleans up. */
async function withPollutedPrototype(name: string, value: unknown, task: () => Promise<void>): Promise<void> {
  Object.defineProperty(Object.prototype, name, { value, configurable: true, writable: true });
  try {
    await task();
  } finally {
    delete (Object.prototype as Record<string, unknown>)[name];
  }
}

describe('claims are read as own properties only', () => {
  it('a scope inherited from a polluted Object.prototype grants nothing: 403 insufficient_scope', async () => {
    const token = accessToken(pair, clock, { claims: { scope: undefined } });
    await withPollutedPrototype('scope', 'admin', async () => {
      const res = await call(api(requireScopes(['admin'])), token);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('insufficient_scope');
    });
  });

  it('a sub inherited from a polluted Object.prototype does not satisfy requiredClaims: 401', async () => {
    const token = accessToken(pair, clock, { claims: { sub: undefined } });
    await withPollutedPrototype('sub', 'admin', async () => {
      const res = await call(api(pass, ['sub']), token);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('invalid_token');
    });
  });

  it('a "__proto__" member in the payload is a claim of that name, never the source of sub or scope', async () => {
    const { header, claims } = validParts(pair, clock);
    const { sub: _sub, scope: _scope, ...rest } = claims;
    const json = JSON.stringify(rest).replace(/}$/, ',"__proto__":{"sub":"admin","scope":"admin"}}');
    const token = craftToken(header, json, { rsa: 'RS256', key: pair.privateKey });
    expect((await call(api(requireScopes(['admin'])), token)).status).toBe(403);
    expect((await call(api(pass, ['sub']), token)).status).toBe(401);
    const seen = await call(api(pass), token);
    expect(seen.status).toBe(200);
    expect(seen.body).toEqual({ sub: null, scopes: [] });
  });

  // Each registered claim the verifier checks, absent from the token while a polluted Object.prototype answers for it
  // with a getter: the status says whether the inherited value was taken as the claim, the count whether the token's
  // payload (marked by an own `marker` claim) ever asked its prototype for it, refusal details included.
  const inFuture = () => Math.floor(clock.now() / 1000) + 3600;
  it.each([
    { name: 'iss', polluted: () => ISSUER, status: 401 },
    { name: 'exp', polluted: inFuture, status: 401 },
    { name: 'aud', polluted: () => AUDIENCE, status: 401 },
    { name: 'nbf', polluted: inFuture, status: 200 },
    { name: 'iat', polluted: inFuture, status: 200 },
    { name: 'sub', polluted: () => 42, status: 200 },
    { name: 'jti', polluted: () => 42, status: 200 },
    { name: 'scope', polluted: () => 42, status: 200 },
  ])('a $name inherited from a polluted Object.prototype is neither read nor taken as the claim', async (row) => {
    const token = accessToken(pair, clock, { claims: { [row.name]: undefined, marker: 'payload' } });
    const server = express();
    const auth = requireAuth({
      issuer: ISSUER,
      audience: AUDIENCE,
      keySet: createLocalKeySet({ keys: [pair.publicJwk] }),
      now: clock.now,
    });
    server.get('/r', auth, (_req, res) => {
      res.json({ ok: true });
    });
    server.use(authErrorHandler());
    const { outcome: res, reads } = await whilePrototypePolluted(row.name, row.polluted, () => call(server, token));
    expect(res.status).toBe(row.status);
    expect(reads).toBe(0);
  });

  // The header members that decide the checks, absent from the token while a polluted Object.prototype answers for
  // each with the value that would pass: refused, and the header (marked by an own `marker` member) never asked.
  it.each([
    { name: 'typ', polluted: () => 'at+jwt' },
    { name: 'alg', polluted: () => 'RS256' },
    { name: 'kid', polluted: () => pair.kid },
  ])('a header without $name is refused although a polluted Object.prototype answers it', async (row) => {
    const token = accessToken(pair, clock, { header: { [row.name]: undefined, marker: 'header' } });
    const server = api(pass);
    const { outcome: res, reads } = await whilePrototypePolluted(row.name, row.polluted, () => call(server, token));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_token');
    expect(reads).toBe(0);
    expect((await call(server, accessToken(pair, clock, { header: { marker: 'header' } }))).status).toBe(200);
  });

  it.each(BUILT_IN_NAMES)('a token without a %s claim fails requiredClaims and requireClaim', async (name) => {
    const token = accessToken(pair, clock);
    const required = await call(api(pass, [name]), token);
    expect(required.status).toBe(401);
    expect(required.body.code).toBe('invalid_token');
    const guarded = await call(api(requireClaim(name, (value) => value !== undefined)), token);
    expect(guarded.status).toBe(403);
    expect(guarded.body.code).toBe('insufficient_claims');
  });

  it.each(BUILT_IN_NAMES)(
    'a token that carries %s as its own claim passes requiredClaims and requireClaim',
    async (name) => {
      const { header, claims } = validParts(pair, clock);
      const json = JSON.stringify(claims).replace(/}$/, `,${JSON.stringify(name)}:"present"}`);
      const token = craftToken(header, json, { rsa: 'RS256', key: pair.privateKey });
      expect((await call(api(pass, [name]), token)).status).toBe(200);
      expect((await call(api(requireClaim(name, (value) => value === 'present')), token)).status).toBe(200);
    },
  );
});
