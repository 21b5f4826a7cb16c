import express from 'express';
import supertest from 'supertest';
import { createClock, createTestKeyPair, type TestClock, type TestKeyPair } from '@jwks-kit/test-kit';
import { createMemoryDenylist } from '@jwks-kit/denylist';
import {
  authErrorHandler,
  createAccessTokenVerifier,
  createLocalKeySet,
  RefusalDetail,
  requireAuth,
  VerifierError,
  type AccessTokenVerifierOptions,
} from '../src/index.js';
import { accessToken, AUDIENCE, craftToken, ISSUER, validParts } from './lib/craft-token.js';

let pair: TestKeyPair;
let other: TestKeyPair;
let clock: TestClock;

beforeAll(async () => {
  [pair, other] = await Promise.all([createTestKeyPair(), createTestKeyPair()]);
});

beforeEach(() => {
  clock = createClock();
});

const options = (extra: Partial<AccessTokenVerifierOptions> = {}): AccessTokenVerifierOptions =>
  ({
    issuer: ISSUER,
    audience: AUDIENCE,
    keySet: createLocalKeySet({ keys: [pair.publicJwk] }),
    now: clock.now,
    ...extra,
  }) as AccessTokenVerifierOptions;

async function detailOf(token: string, extra?: Partial<AccessTokenVerifierOptions>): Promise<RefusalDetail> {
  const error = await createAccessTokenVerifier(options(extra))
    .verify(token)
    .then(
      () => undefined,
      (caught: unknown) => caught,
    );
  expect(error).toBeInstanceOf(VerifierError);
  const cause = (error as VerifierError).cause;
  expect(cause).toBeInstanceOf(RefusalDetail);
  return cause as RefusalDetail;
}

describe('every refusal carries expected vs actual on its cause', () => {
  it('issuer: the trusted list, the token value, and a trailing-slash hint', async () => {
    const detail = await detailOf(accessToken(pair, clock, { claims: { iss: `${ISSUER}/` } }));
    expect(detail).toMatchObject({ check: 'issuer', expected: [ISSUER], actual: `${ISSUER}/`, kid: pair.kid });
    expect(detail.message).toContain('only by a trailing slash');
  });

  it('audience: accepted audiences and the token aud', async () => {
    const detail = await detailOf(accessToken(pair, clock, { claims: { aud: 'https://profile.example.com' } }));
    expect(detail).toMatchObject({ check: 'audience', expected: [AUDIENCE], actual: 'https://profile.example.com' });
  });

  it('alg: the pinned algorithms and the token alg', async () => {
    const { header, claims } = validParts(pair, clock);
    const token = craftToken({ ...header, alg: 'HS256' }, claims, { hmacSecret: 'x' });
    expect(await detailOf(token)).toMatchObject({
      check: 'alg',
      expected: ['RS256', 'ES256', 'EdDSA'],
      actual: 'HS256',
    });
  });

  it('kid: the kids the key set serves and the unknown kid', async () => {
    const detail = await detailOf(accessToken(other, clock));
    expect(detail).toMatchObject({ check: 'key', expected: [pair.kid], actual: other.kid, iss: ISSUER });
  });

  it('exp: how far past expiry (leeway included)', async () => {
    const token = accessToken(pair, clock);
    clock.advance((300 + 5 + 42) * 1000);
    expect(await detailOf(token)).toMatchObject({ check: 'exp', expiredForSeconds: 42 });
  });

  it('signature, typ, lifetime, missing claim, not yet valid, revoked', async () => {
    const { header, claims } = validParts(pair, clock);
    const forged = craftToken(header, claims, { rsa: 'RS256', key: other.privateKey });
    expect(await detailOf(forged)).toMatchObject({ check: 'signature', kid: pair.kid, alg: 'RS256' });
    expect(await detailOf(accessToken(pair, clock, { header: { typ: 'JWT' } }))).toMatchObject({
      check: 'typ',
      actual: 'JWT',
    });
    const long = accessToken(pair, clock, { claims: { exp: clock.nowSeconds() + 90_000 } });
    expect(await detailOf(long)).toMatchObject({ check: 'lifetime', expected: 86_400 });
    expect(await detailOf(accessToken(pair, clock), { requiredClaims: ['tenant'] })).toMatchObject({
      check: 'claims',
      claim: 'tenant',
    });
    const future = accessToken(pair, clock, { claims: { nbf: clock.nowSeconds() + 65 } });
    expect(await detailOf(future)).toMatchObject({ check: 'not_yet_valid', validInSeconds: 60 });
    const denylist = createMemoryDenylist({ issuer: ISSUER, now: clock.now, sweepIntervalMs: 0 });
    await denylist.revoke('jti-gone', clock.nowSeconds() + 300);
    expect(await detailOf(accessToken(pair, clock, { claims: { jti: 'jti-gone' } }), { denylist })).toMatchObject({
      check: 'revoked',
      actual: 'jti-gone',
    });
  });

  it('cuts long token values and escapes them in the message (one log line)', async () => {
    const iss = `https://evil.example.com/\n${'x'.repeat(1_000)}`;
    const detail = await detailOf(accessToken(pair, clock, { claims: { iss } }));
    expect(String(detail.actual).length).toBeLessThanOrEqual(257);
    expect(detail.message).not.toContain('\n');
  });
});

it('never puts the detail in the response body or headers', async () => {
  const app = express();
  app.get(
    '/orders',
    requireAuth(options({ audience: ['https://secret-audience.internal'] })),
    (_req, res) => void res.json({}),
  );
  app.use(authErrorHandler());
  const tokens = [
    accessToken(pair, clock, { claims: { iss: `${ISSUER}/` } }),
    accessToken(pair, clock),
    accessToken(other, clock),
  ];
  for (const token of tokens) {
    const res = await supertest(app).get('/orders').set('Authorization', `Bearer ${token}`).expect(401);
    const shown = JSON.stringify(res.body) + JSON.stringify(res.headers);
    for (const secret of ['secret-audience', ISSUER, pair.kid, other.kid, 'expected', 'trailing'])
      expect(shown).not.toContain(secret);
  }
});
