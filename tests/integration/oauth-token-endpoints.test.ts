import express from 'express';
import request from 'supertest';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { createMemoryDenylist } from '@jwks-kit/denylist';
import { createClock } from '@jwks-kit/test-kit';
import { createAccessTokenVerifier, createLocalKeySet } from '@jwks-kit/verifier';
import {
  createAccessTokenSigner,
  createClientAuthenticator,
  createKeyRing,
  createMemoryKeyStore,
  discoveryHandler,
  generateClientSecret,
  hashClientSecret,
  introspectionHandler,
  revocationHandler,
} from '@jwks-kit/issuer';
import { createMemoryRefreshTokenStore, createRefreshTokenService } from '@jwks-kit/issuer/sessions';

const ISSUER = 'http://127.0.0.1:4100';
const ORDERS = 'urn:test:orders';
const PROFILE = 'urn:test:profile';
const WEB_SECRET = generateClientSecret();
const ORDERS_SECRET = generateClientSecret();

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function setup(options: { failureLimiter?: RateLimiterMemory } = {}) {
  const clock = createClock(Date.now());
  const keyRing = await createKeyRing({
    store: createMemoryKeyStore(),
    maxJwksCacheAgeMs: 60_000,
    maxTokenLifetimeSeconds: 3600,
    now: clock.now,
  });
  const signer = createAccessTokenSigner({
    issuer: ISSUER,
    keyRing,
    defaultAudience: [ORDERS],
    defaultTtlSeconds: 300,
    now: clock.now,
  });
  const denylist = createMemoryDenylist({ issuer: ISSUER, now: clock.now, sweepIntervalMs: 0 });
  const sessions = createRefreshTokenService({
    store: createMemoryRefreshTokenStore(),
    denylist,
    now: clock.now,
    signAccessToken: (input) =>
      signer.sign({ sub: input.sub, scope: input.scope, clientId: input.clientId, claims: { sid: input.familyId } }),
  });
  const verifier = createAccessTokenVerifier({
    issuer: ISSUER,
    audience: [ORDERS, PROFILE],
    keySet: createLocalKeySet({ keys: keyRing.publicJwks().keys.map((key) => ({ ...key })) }),
    denylist,
    now: clock.now,
  });
  const clients = createClientAuthenticator({
    clients: [
      { clientId: 'web', secretHash: hashClientSecret(WEB_SECRET) },
      { clientId: 'orders-api', secretHash: hashClientSecret(ORDERS_SECRET), audiences: [ORDERS] },
    ],
    failureLimiter: options.failureLimiter,
  });
  const endpointOptions = {
    issuer: ISSUER,
    clients,
    verifyAccessToken: async (token: string) => (await verifier.verify(token)).claims,
    refreshTokens: sessions,
  };
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.post('/revoke', revocationHandler({ ...endpointOptions, denylist }));
  app.post('/introspect', introspectionHandler(endpointOptions));
  const accessToken = async (claims: { aud?: string; clientId?: string; jkt?: string } = {}) =>
    (
      await signer.sign({
        sub: 'alice',
        scope: 'orders:read',
        clientId: claims.clientId ?? 'web',
        aud: claims.aud,
        jkt: claims.jkt,
      })
    ).token;
  return { app, clock, verifier, sessions, accessToken };
}

type Setup = Awaited<ReturnType<typeof setup>>;
const introspect = (s: Setup, token: string, auth = basic('orders-api', ORDERS_SECRET)) =>
  request(s.app).post('/introspect').set('Authorization', auth).type('form').send({ token });
const revoke = (s: Setup, token: string, auth = basic('web', WEB_SECRET), hint?: string) =>
  request(s.app)
    .post('/revoke')
    .set('Authorization', auth)
    .type('form')
    .send(hint ? { token, token_type_hint: hint } : { token });

describe('POST /introspect (RFC 7662)', () => {
  let s: Setup;
  beforeEach(async () => {
    s = await setup();
  });

  it('answers active with the claims for a valid token meant for the client’s audience, never cached', async () => {
    const res = await introspect(s, await s.accessToken());
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({
      active: true,
      token_type: 'Bearer',
      iss: ISSUER,
      sub: 'alice',
      aud: ORDERS,
      scope: 'orders:read',
      client_id: 'web',
    });
  });

  it('says DPoP for a token bound to a key (cnf.jkt) and returns its cnf', async () => {
    const res = await introspect(s, await s.accessToken({ jkt: 'a'.repeat(43) }));
    expect(res.body).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: 'a'.repeat(43) } });
  });

  it('answers only { active: false } for another audience’s token, an expired, tampered, foreign or garbage token', async () => {
    const other = await s.accessToken({ aud: PROFILE });
    const valid = await s.accessToken();
    const [h, p, sig] = valid.split('.') as [string, string, string];
    const tampered = `${h}.${Buffer.from(JSON.stringify({ sub: 'mallory', aud: ORDERS })).toString('base64url')}.${sig}`;
    const expiring = await s.accessToken();
    const cases = [other, tampered, 'not-a-token', `${h}.${p}.`];
    for (const token of cases) expect((await introspect(s, token)).body).toEqual({ active: false });
    s.clock.advance(400_000);
    expect((await introspect(s, expiring)).body).toEqual({ active: false });
  });

  it('answers a live refresh token as active only to the client it was issued to', async () => {
    const grant = await s.sessions.start({ sub: 'alice', scope: 'orders:read', clientId: 'orders-api' });
    const own = await introspect(s, grant.refreshToken);
    expect(own.body).toMatchObject({
      active: true,
      token_type: 'refresh_token',
      sub: 'alice',
      client_id: 'orders-api',
    });
    expect(own.body.exp).toBe(Math.floor(grant.refreshTokenExpiresAtMs / 1000));
    const foreign = await introspect(s, grant.refreshToken, basic('web', WEB_SECRET));
    expect(foreign.body).toEqual({ active: false });
    await s.sessions.rotate(grant.refreshToken);
    expect((await introspect(s, grant.refreshToken)).body).toEqual({ active: false });
  });

  it.each([
    ['no Authorization header', undefined],
    ['a wrong secret', basic('orders-api', WEB_SECRET)],
    ['an unknown client', basic('nobody', ORDERS_SECRET)],
    ['a Bearer token instead of client credentials', 'Bearer abc'],
    ['a Basic header without a colon', `Basic ${Buffer.from('orders-api').toString('base64')}`],
  ])('refuses %s with 401 invalid_client and a Basic challenge', async (_case, auth) => {
    const req = request(s.app).post('/introspect').type('form');
    if (auth) req.set('Authorization', auth);
    const res = await req.send({ token: await s.accessToken() });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
  });

  it('refuses a request without a token with 400 invalid_request', async () => {
    const res = await request(s.app)
      .post('/introspect')
      .set('Authorization', basic('orders-api', ORDERS_SECRET))
      .type('form')
      .send({});
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });
});

describe('POST /revoke (RFC 7009)', () => {
  let s: Setup;
  beforeEach(async () => {
    s = await setup();
  });

  it('denylists an access token revoked by its client: the resource servers refuse it afterwards', async () => {
    const token = await s.accessToken();
    await expect(s.verifier.verify(token)).resolves.toBeDefined();
    const res = await revoke(s, token);
    expect(res.status).toBe(200);
    await expect(s.verifier.verify(token)).rejects.toMatchObject({ code: 'token_revoked' });
    expect((await introspect(s, token)).body).toEqual({ active: false });
  });

  it('leaves alone an access token of another client, with the same 200', async () => {
    const token = await s.accessToken({ clientId: 'someone-else' });
    expect((await revoke(s, token)).status).toBe(200);
    await expect(s.verifier.verify(token)).resolves.toBeDefined();
  });

  it('ends the family of a refresh token and every access token of its session', async () => {
    const grant = await s.sessions.start({ sub: 'alice', scope: 'orders:read', clientId: 'web' });
    const res = await revoke(s, grant.refreshToken, basic('web', WEB_SECRET), 'refresh_token');
    expect(res.status).toBe(200);
    await expect(s.sessions.rotate(grant.refreshToken)).rejects.toThrow();
    s.clock.advance(1_000);
    await expect(s.verifier.verify(grant.accessToken)).rejects.toMatchObject({ code: 'token_revoked' });
  });

  it('ignores a wrong hint (the hint is only a hint)', async () => {
    const grant = await s.sessions.start({ sub: 'alice', clientId: 'web' });
    expect((await revoke(s, grant.refreshToken, basic('web', WEB_SECRET), 'access_token')).status).toBe(200);
    await expect(s.sessions.rotate(grant.refreshToken)).rejects.toThrow();
  });

  it('answers 200 for an unknown token, and 401 for a client without credentials', async () => {
    expect((await revoke(s, 'no-such-token')).status).toBe(200);
    const res = await request(s.app).post('/revoke').type('form').send({ token: 'x' });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });
});

describe('client authentication', () => {
  it('rate limits failed authentications per IP with 429 and Retry-After (rate-limiter-flexible)', async () => {
    const s = await setup({ failureLimiter: new RateLimiterMemory({ points: 2, duration: 60 }) });
    const bad = basic('web', ORDERS_SECRET);
    expect((await revoke(s, 'x', bad)).status).toBe(401);
    expect((await revoke(s, 'x', bad)).status).toBe(401);
    const limited = await revoke(s, 'x', bad);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('refuses short secrets, hashes not made by hashClientSecret, and duplicate client ids', () => {
    expect(() => hashClientSecret('short-secret')).toThrow(/at least 43 characters/);
    expect(() => createClientAuthenticator({ clients: [{ clientId: 'a', secretHash: WEB_SECRET }] })).toThrow(
      /clients\[0\]\.secretHash/,
    );
    const hash = hashClientSecret(WEB_SECRET);
    expect(hash).not.toContain(WEB_SECRET);
    expect(() =>
      createClientAuthenticator({
        clients: [
          { clientId: 'a', secretHash: hash },
          { clientId: 'a', secretHash: hash },
        ],
      }),
    ).toThrow(/names a twice/);
  });
});

describe('discovery', () => {
  it('lists the revocation and introspection endpoints with their auth method', async () => {
    const app = express();
    app.get(
      '/.well-known/openid-configuration',
      discoveryHandler({
        issuer: ISSUER,
        jwksUri: `${ISSUER}/.well-known/jwks.json`,
        revocationEndpoint: `${ISSUER}/revoke`,
        introspectionEndpoint: `${ISSUER}/introspect`,
      }),
    );
    const res = await request(app).get('/.well-known/openid-configuration');
    expect(res.body).toMatchObject({
      revocation_endpoint: `${ISSUER}/revoke`,
      revocation_endpoint_auth_methods_supported: ['client_secret_basic'],
      introspection_endpoint: `${ISSUER}/introspect`,
      introspection_endpoint_auth_methods_supported: ['client_secret_basic'],
    });
  });
});
