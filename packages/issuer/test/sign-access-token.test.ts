import { createClock } from '@jwks-kit/test-kit';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import {
  createAccessTokenSigner,
  createKeyRing,
  createMemoryKeyStore,
  type AccessTokenSignerOptions,
  type KeyRing,
} from '../src/index.js';

const ISSUER = 'https://auth.example.com';
const HOUR = 3_600_000;

describe('createAccessTokenSigner', () => {
  const clock = createClock();
  let ring: KeyRing;
  beforeAll(async () => {
    ring = await createKeyRing({
      store: createMemoryKeyStore(),
      maxJwksCacheAgeMs: 600_000,
      maxTokenLifetimeSeconds: HOUR / 1000,
      now: clock.now,
    });
  });
  const signer = (options: Partial<AccessTokenSignerOptions> = {}) =>
    createAccessTokenSigner({ issuer: ISSUER, keyRing: ring, defaultAudience: 'orders', now: clock.now, ...options });

  it('signs an RFC 9068 token that jose verifies against the published JWKS, with the exact header and claims', async () => {
    const signed = await signer().sign({
      sub: 'user-1',
      scope: ['orders:read', 'orders:write'],
      clientId: 'web',
      claims: { role: 'admin' },
    });
    const { payload, protectedHeader } = await jwtVerify(
      signed.token,
      createLocalJWKSet({ keys: [...ring.publicJwks().keys] }),
      {
        issuer: ISSUER,
        audience: 'orders',
        algorithms: ['RS256'],
        typ: 'at+jwt',
        currentDate: new Date(clock.now()),
      },
    );
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: ring.signingKey().kid });
    const iat = clock.nowSeconds();
    expect(payload).toEqual({
      iss: ISSUER,
      sub: 'user-1',
      aud: 'orders',
      exp: iat + 900,
      iat,
      jti: signed.jti,
      client_id: 'web',
      scope: 'orders:read orders:write',
      role: 'admin',
    });
    expect(signed).toMatchObject({ iat, exp: iat + 900, kid: ring.signingKey().kid });
    expect(Object.keys(payload).slice(0, 8)).toEqual(['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id', 'scope']);
  });

  it('gives every token a distinct 128-bit base64url jti', async () => {
    const s = signer();
    const jtis = new Set<string>();
    for (let i = 0; i < 200; i++) jtis.add((await s.sign({ sub: 'u' })).jti);
    expect(jtis.size).toBe(200);
    for (const jti of jtis) expect(jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('honours aud lists, a scope string, ttlSeconds, and omits client_id and scope when not given', async () => {
    const signed = await signer().sign({ sub: 'u', aud: ['orders', 'profile'], scope: 'a b', ttlSeconds: 60 });
    const { payload } = await jwtVerify(signed.token, createLocalJWKSet({ keys: [...ring.publicJwks().keys] }), {
      currentDate: new Date(clock.now()),
    });
    expect(payload.aud).toEqual(['orders', 'profile']);
    expect(payload.scope).toBe('a b');
    expect(payload.exp).toBe(clock.nowSeconds() + 60);
    const plain = await signer().sign({ sub: 'u' });
    const { payload: p2 } = await jwtVerify(plain.token, createLocalJWKSet({ keys: [...ring.publicJwks().keys] }), {
      currentDate: new Date(clock.now()),
    });
    expect(p2).not.toHaveProperty('client_id');
    expect(p2).not.toHaveProperty('scope');
  });

  it('signs with the new active key after a rotation', async () => {
    const own = await createKeyRing({
      store: createMemoryKeyStore(),
      maxJwksCacheAgeMs: 600_000,
      maxTokenLifetimeSeconds: HOUR / 1000,
    });
    const s = createAccessTokenSigner({ issuer: ISSUER, keyRing: own, defaultAudience: 'orders' });
    const before = await s.sign({ sub: 'u' });
    await own.rotate({ force: true });
    const after = await s.sign({ sub: 'u' });
    expect(after.kid).toBe(own.signingKey().kid);
    expect(after.kid).not.toBe(before.kid);
    expect(decodeProtectedHeader(after.token).kid).toBe(after.kid);
    const jwks = createLocalJWKSet({ keys: [...own.publicJwks().keys] });
    await jwtVerify(before.token, jwks);
    await jwtVerify(after.token, jwks);
  });

  it.each<readonly [string, object, string]>([
    ['a missing sub', { sub: undefined }, 'ERR_MISSING_SUB'],
    ['an empty sub', { sub: '' }, 'ERR_MISSING_SUB'],
    ['ttl 0', { ttlSeconds: 0 }, 'ERR_INVALID_TTL'],
    ['a negative ttl', { ttlSeconds: -10 }, 'ERR_INVALID_TTL'],
    ['a fractional ttl', { ttlSeconds: 1.5 }, 'ERR_INVALID_TTL'],
    ['a ttl over the maximum token lifetime', { ttlSeconds: 3601 }, 'ERR_INVALID_TTL'],
    ['an empty audience', { aud: [] }, 'ERR_MISSING_AUDIENCE'],
    ['a scope token with a quote', { scope: ['a"b'] }, 'ERR_INVALID_SCOPE'],
    ['a scope string with a double space', { scope: 'a  b' }, 'ERR_INVALID_SCOPE'],
    ['an empty scope list', { scope: [] }, 'ERR_INVALID_SCOPE'],
    ['an empty clientId', { clientId: '' }, 'ERR_INVALID_CLAIM'],
    ['claims that are not an object', { claims: ['x'] }, 'ERR_INVALID_CLAIM'],
    ['claims that cannot be serialised', { claims: { n: 1n } }, 'ERR_INVALID_CLAIM'],
    ['a jkt that is not a SHA-256 thumbprint', { jkt: 'abc' }, 'ERR_INVALID_CLAIM'],
    ['a jkt with a character outside base64url', { jkt: `${'a'.repeat(42)}=` }, 'ERR_INVALID_CLAIM'],
    ...['iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'jti', 'client_id', 'scope', 'typ', 'cnf'].map(
      (name) => [`a custom ${name} claim`, { claims: { [name]: 'x' } }, 'ERR_RESERVED_CLAIM'] as const,
    ),
  ])('refuses %s with a typed IssuerError', async (_what, input, code) => {
    await expect(signer().sign({ sub: 'u', ...input } as never)).rejects.toMatchObject({ name: 'IssuerError', code });
  });

  it('binds a token to a DPoP key as cnf.jkt (RFC 9449 §6)', async () => {
    const jkt = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
    const { token } = await signer().sign({ sub: 'u', jkt });
    expect(decodeJwt(token).cnf).toEqual({ jkt });
  });

  it('refuses a token without any audience', async () => {
    await expect(signer({ defaultAudience: undefined }).sign({ sub: 'u' })).rejects.toMatchObject({
      code: 'ERR_MISSING_AUDIENCE',
    });
  });

  it('refuses a token over the size cap and reports its exact size; a token exactly at the cap is signed', async () => {
    const input = { sub: 'u', claims: { groups: 'g'.repeat(300) } };
    const { token } = await signer().sign(input);
    await expect(signer({ maxTokenBytes: token.length }).sign(input)).resolves.toMatchObject({
      token: expect.any(String),
    });
    const error = await signer({ maxTokenBytes: token.length - 1 })
      .sign(input)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'IssuerError', code: 'ERR_TOKEN_TOO_LARGE' });
    expect((error as Error).message).toBe(
      `access token would be ${token.length} bytes, over the ${token.length - 1}-byte cap (maxTokenBytes)`,
    );
  });

  it('applies the 4096-byte cookie limit by default', async () => {
    await expect(signer().sign({ sub: 'u', claims: { permissions: 'p'.repeat(4000) } })).rejects.toMatchObject({
      code: 'ERR_TOKEN_TOO_LARGE',
    });
  });

  it.each<[string, Partial<AccessTokenSignerOptions>]>([
    ['issuer', { issuer: '' }],
    ['keyRing', { keyRing: {} as never }],
    ['defaultTtlSeconds', { defaultTtlSeconds: 0 }],
    ['defaultTtlSeconds', { defaultTtlSeconds: 7200 }],
    ['maxTokenBytes', { maxTokenBytes: 10 }],
    ['defaultAudience', { defaultAudience: '' }],
    ['now', { now: 'x' as never }],
  ])('rejects a bad %s option with a TypeError naming it', (name, bad) => {
    expect(() => signer(bad)).toThrow(TypeError);
    expect(() => signer(bad)).toThrow(`option \`${name}\``);
  });
});
