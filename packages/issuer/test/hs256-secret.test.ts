import { randomBytes } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { createAccessTokenSigner, createKeyRing, createMemoryKeyStore, MIN_HS256_SECRET_BYTES } from '../src/index.js';

const ISSUER = 'https://orders.example.com';

describe('createAccessTokenSigner({ secret }): HS256 for a single service', () => {
  it('signs HS256 tokens without a kid that jose verifies with the same secret and no other', async () => {
    const secret = randomBytes(32);
    const signer = createAccessTokenSigner({ issuer: ISSUER, secret, defaultAudience: 'orders' });
    const signed = await signer.sign({ sub: 'user-1', scope: 'orders:read' });
    expect(decodeProtectedHeader(signed.token)).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    expect(signed.kid).toBeUndefined();
    expect(signed.token.split('.')[2]).toHaveLength(43);
    const { payload } = await jwtVerify(signed.token, secret, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: 'orders',
      typ: 'at+jwt',
    });
    expect(payload).toMatchObject({ sub: 'user-1', scope: 'orders:read', jti: signed.jti });
    await expect(jwtVerify(signed.token, randomBytes(32), { algorithms: ['HS256'] })).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
  });

  it('refuses a secret under 256 bits, a string secret, and a secret beside a key ring (TypeError naming the option)', async () => {
    expect(MIN_HS256_SECRET_BYTES).toBe(32);
    for (const secret of [randomBytes(31), Buffer.alloc(0), 'a-long-enough-string-secret-of-many-characters', 42]) {
      expect(() => createAccessTokenSigner({ issuer: ISSUER, secret: secret as Uint8Array })).toThrow(
        /option `secret` must be a Uint8Array of at least 32 bytes/,
      );
    }
    const keyRing = await createKeyRing({
      store: createMemoryKeyStore(),
      maxJwksCacheAgeMs: 600_000,
      maxTokenLifetimeSeconds: 3600,
      algorithm: 'ES256',
    });
    expect(() => createAccessTokenSigner({ issuer: ISSUER, keyRing, secret: randomBytes(32) })).toThrow(
      /options `keyRing` and `secret` exclude each other/,
    );
    expect(() => createAccessTokenSigner({ issuer: ISSUER })).toThrow(/option `keyRing` must be a KeyRing/);
    expect(() => createAccessTokenSigner({ issuer: ISSUER, keyRing, maxTokenLifetimeSeconds: 1 })).toThrow(
      /option `maxTokenLifetimeSeconds` is for secret mode/,
    );
  });

  it('caps lifetimes at maxTokenLifetimeSeconds (1 day by default)', async () => {
    const secret = randomBytes(32);
    const signer = createAccessTokenSigner({ issuer: ISSUER, secret, defaultAudience: 'orders' });
    await expect(signer.sign({ sub: 'u', ttlSeconds: 86_401 })).rejects.toMatchObject({ code: 'ERR_INVALID_TTL' });
    const short = createAccessTokenSigner({
      issuer: ISSUER,
      secret,
      defaultAudience: 'orders',
      maxTokenLifetimeSeconds: 60,
    });
    await expect(short.sign({ sub: 'u', ttlSeconds: 61 })).rejects.toMatchObject({ code: 'ERR_INVALID_TTL' });
    expect((await short.sign({ sub: 'u' })).exp - (await short.sign({ sub: 'u' })).iat).toBe(60);
  });

  it('refuses the retired maxTokenLifetimeMs instead of ignoring it (a 1-day default would replace the cap)', () => {
    expect(() =>
      createAccessTokenSigner({ issuer: ISSUER, secret: randomBytes(32), maxTokenLifetimeMs: 60_000 } as never),
    ).toThrow(/option `maxTokenLifetimeMs` was renamed: use `maxTokenLifetimeSeconds`/);
  });
});
