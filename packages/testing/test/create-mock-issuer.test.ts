import express from 'express';
import request from 'supertest';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { authErrorHandler, createRemoteKeySet, requireAuth, type AccessTokenAlgorithm } from '@jwks-kit/verifier';
import {
  createMockIssuer,
  createTestClock,
  type MockIssuer,
  type RejectedTokenFactory,
  type TestAlgorithm,
} from '../src/index.js';

const AUDIENCE = 'https://api.example.test';
const REJECTIONS = [
  'expired',
  'notYetValid',
  'wrongAudience',
  'wrongIssuer',
  'wrongKey',
  'unknownKid',
  'algMismatch',
  'hmacWithPublicKey',
  'unsigned',
  'tampered',
  'wrongType',
] as const satisfies readonly (keyof RejectedTokenFactory)[];

function appFor(issuer: MockIssuer, algorithms: readonly AccessTokenAlgorithm[], now?: () => number) {
  const app = express();
  const keySet = createRemoteKeySet({ jwksUri: issuer.jwksUri, algorithms, cooldownMs: 0 });
  app.get('/me', requireAuth({ issuer: issuer.issuer, audience: AUDIENCE, keySet, algorithms, now }), (req, res) => {
    res.json({ sub: req.auth!.claims.sub, kid: req.auth!.kid });
  });
  app.use(authErrorHandler());
  return { app, keySet };
}

describe.each(['RS256', 'PS256', 'ES256', 'EdDSA'] as const)('a %s mock issuer, checked by jose', (algorithm) => {
  let issuer: MockIssuer;
  beforeAll(async () => {
    issuer = await createMockIssuer({ algorithm });
  });
  afterAll(() => issuer.close());

  const verify = (token: string) =>
    jwtVerify(token, createRemoteJWKSet(new URL(issuer.jwksUri)), {
      issuer: issuer.issuer,
      audience: AUDIENCE,
      typ: 'at+jwt',
      algorithms: [algorithm],
    });

  it('serves its public key (kid, alg, use; no private member) and signs tokens jose accepts', async () => {
    const { keys } = issuer.jwks();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kid: issuer.kid, alg: algorithm, use: 'sig' });
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(keys[0]).not.toHaveProperty(member);
    const { payload, protectedHeader } = await verify(issuer.sign({ sub: 'alice', scope: 'orders:read' }));
    expect(protectedHeader).toEqual({ alg: algorithm, typ: 'at+jwt', kid: issuer.kid });
    expect(payload).toMatchObject({ iss: issuer.issuer, aud: AUDIENCE, sub: 'alice', scope: 'orders:read' });
    expect(typeof payload.jti).toBe('string');
  });

  it.each(REJECTIONS)('makes a %s token that jose refuses too', async (kind) => {
    await expect(verify(issuer.reject[kind]())).rejects.toThrow();
  });
});

describe.each(['RS256', 'PS256'] as const)('a %s mock issuer in front of requireAuth', (algorithm) => {
  let issuer: MockIssuer;
  beforeAll(async () => {
    issuer = await createMockIssuer({ algorithm });
  });
  afterAll(() => issuer.close());

  it('gets 200 with the claims for a token it signs', async () => {
    const { app, keySet } = appFor(issuer, [algorithm]);
    const res = await request(app)
      .get('/me')
      .set('Authorization', `Bearer ${issuer.sign({ sub: 'alice' })}`);
    keySet.close();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sub: 'alice', kid: issuer.kid });
  });

  it.each(REJECTIONS.map((kind) => [kind, kind === 'expired' ? 'token_expired' : 'invalid_token'] as const))(
    'gets 401 for a %s token (code %s)',
    async (kind, code) => {
      const { app, keySet } = appFor(issuer, [algorithm]);
      const res = await request(app).get('/me').set('Authorization', `Bearer ${issuer.reject[kind]()}`);
      keySet.close();
      expect(res.status).toBe(401);
      expect(res.body.code).toBe(code);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
    },
  );
});

describe('key rotation, Cache-Control and outages', () => {
  let issuer: MockIssuer;
  beforeEach(async () => {
    issuer = await createMockIssuer();
  });
  afterEach(() => issuer.close());

  it('rotates on demand: the verifier follows the new kid, and tokens of the kept old key still pass', async () => {
    const { app, keySet } = appFor(issuer, ['RS256']);
    const oldToken = issuer.sign();
    expect((await request(app).get('/me').set('Authorization', `Bearer ${oldToken}`)).status).toBe(200);
    const oldKid = issuer.kid;
    const newKid = await issuer.rotate();
    expect(newKid).not.toBe(oldKid);
    expect(issuer.jwks().keys.map((key) => key.kid)).toEqual([newKid, oldKid]);
    const fresh = await request(app).get('/me').set('Authorization', `Bearer ${issuer.sign()}`);
    expect(fresh.body.kid).toBe(newKid);
    expect((await request(app).get('/me').set('Authorization', `Bearer ${oldToken}`)).status).toBe(200);
    keySet.close();
  });

  it('removes the old key when asked: its tokens are then refused', async () => {
    const oldToken = issuer.sign();
    await issuer.rotate({ keepPrevious: false });
    const { app, keySet } = appFor(issuer, ['RS256']);
    const res = await request(app).get('/me').set('Authorization', `Bearer ${oldToken}`);
    keySet.close();
    expect(res.status).toBe(401);
    expect(issuer.jwks().keys).toHaveLength(1);
  });

  it('can rotate to another algorithm (RS256 → ES256)', async () => {
    await issuer.rotate({ algorithm: 'ES256' });
    expect(issuer.algorithm).toBe('ES256');
    expect(issuer.jwks().keys.map((key) => key.alg)).toEqual(['ES256', 'RS256']);
  });

  it('answers with the Cache-Control it is given, counts requests, and fails on demand', async () => {
    const first = await fetch(issuer.jwksUri);
    expect(first.headers.get('cache-control')).toBe('public, max-age=60');
    issuer.setCacheControl('no-store');
    expect((await fetch(issuer.jwksUri)).headers.get('cache-control')).toBe('no-store');
    issuer.setCacheControl(null);
    expect((await fetch(issuer.jwksUri)).headers.get('cache-control')).toBeNull();
    issuer.failJwks(503);
    expect((await fetch(issuer.jwksUri)).status).toBe(503);
    issuer.failJwks(null);
    expect((await fetch(issuer.jwksUri)).status).toBe(200);
    expect(issuer.jwksRequests).toBe(5);
  });

  it('serves discovery documents naming its JWKS', async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const body = (await (await fetch(`${issuer.issuer}${path}`)).json()) as Record<string, unknown>;
      expect(body).toMatchObject({ issuer: issuer.issuer, jwks_uri: issuer.jwksUri });
    }
  });

  it('stops cleanly: the port no longer answers', async () => {
    const url = issuer.jwksUri;
    await issuer.close();
    await expect(fetch(url)).rejects.toThrow();
    issuer = await createMockIssuer(); // for afterEach
  });
});

describe('a shared clock', () => {
  it('moves the issuer and the verifier together: a token expires when the clock passes exp', async () => {
    const clock = createTestClock(Date.now());
    const issuer = await createMockIssuer({ now: clock.now, ttlSeconds: 60 });
    const { app, keySet } = appFor(issuer, ['RS256'], clock.now);
    const token = issuer.sign();
    expect((await request(app).get('/me').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    clock.advance(120_000);
    const res = await request(app).get('/me').set('Authorization', `Bearer ${token}`);
    keySet.close();
    await issuer.close();
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('token_expired');
  });

  it('refuses a clock that goes backwards or a non-finite start', () => {
    const clock = createTestClock();
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => createTestClock(Number.NaN)).toThrow(TypeError);
  });

  // Claims are whole seconds, so a token of ttlSeconds N lives between N - 1 and N seconds of real time: with N = 1
  // a token signed late in a second could expire before its first request (a CI run saw that 401).
  it('expires in real time too: a 2 s token is refused once 3.2 s have passed (leeway 0)', async () => {
    const issuer = await createMockIssuer({ ttlSeconds: 2 });
    const keySet = createRemoteKeySet({ jwksUri: issuer.jwksUri });
    const app = express();
    const authenticate = requireAuth({ issuer: issuer.issuer, audience: AUDIENCE, keySet, leewaySeconds: 0 });
    app.get('/me', authenticate, (_req, res) => res.json({}));
    app.use(authErrorHandler());
    await authenticate.ready();
    const token = issuer.sign();
    expect((await request(app).get('/me').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 3_200));
    const res = await request(app).get('/me').set('Authorization', `Bearer ${token}`);
    keySet.close();
    await issuer.close();
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('token_expired');
  });
});

describe('options', () => {
  it.each([
    [{ algorithm: 'HS256' as TestAlgorithm }, /option `algorithm` must be one of/],
    [{ ttlSeconds: 0 }, /option `ttlSeconds` must be a positive integer/],
    [{ now: 5 as unknown as () => number }, /option `now` must be a function/],
  ])('refuses %o with a TypeError naming the option', async (options, message) => {
    await expect(createMockIssuer(options)).rejects.toThrow(message);
  });
});
