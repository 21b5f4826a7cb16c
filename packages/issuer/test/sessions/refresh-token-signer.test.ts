import { createLocalJWKSet, jwtVerify } from 'jose';
import { createClock } from '@jwks-kit/test-kit';
import { createMemoryDenylist } from '@jwks-kit/denylist';
import { createAccessTokenSigner, createKeyRing, createMemoryKeyStore } from '../../src/index.js';
import { createMemoryRefreshTokenStore, createRefreshTokenService, RefreshTokenError } from '../../src/sessions.js';

describe('createRefreshTokenService wired to the issuer’s signer and the memory denylist', () => {
  it('issues verifiable at+jwt access tokens with the family as sid, and reuse revokes them in the denylist', async () => {
    const clock = createClock();
    const ring = await createKeyRing({
      store: createMemoryKeyStore(),
      maxJwksCacheAgeMs: 3_600_000,
      maxTokenLifetimeSeconds: 3600,
      rotationIntervalMs: 30 * 86_400_000,
      now: clock.now,
    });
    const signer = createAccessTokenSigner({
      issuer: 'https://auth.example.com',
      keyRing: ring,
      defaultAudience: 'api',
      defaultTtlSeconds: 600,
      now: clock.now,
    });
    const denylist = createMemoryDenylist({ issuer: 'https://auth.example.com', now: clock.now });
    const sessions = createRefreshTokenService({
      store: createMemoryRefreshTokenStore(),
      denylist,
      now: clock.now,
      signAccessToken: ({ sub, scope, clientId, familyId }) =>
        signer.sign({ sub, scope, clientId, claims: { sid: familyId } }),
    });
    const jwks = createLocalJWKSet({ keys: [...ring.publicJwks().keys] });
    const verify = async (token: string) =>
      (
        await jwtVerify(token, jwks, {
          issuer: 'https://auth.example.com',
          audience: 'api',
          algorithms: ['RS256'],
          typ: 'at+jwt',
          currentDate: new Date(clock.now()),
        })
      ).payload;

    const first = await sessions.start({ sub: 'dana', scope: 'orders:read', clientId: 'web' });
    const claims = await verify(first.accessToken);
    expect(claims).toMatchObject({
      sub: 'dana',
      scope: 'orders:read',
      client_id: 'web',
      sid: first.familyId,
      exp: first.accessTokenExp,
    });
    clock.advance(30_000);
    const second = await sessions.rotate(first.refreshToken);
    const secondClaims = await verify(second.accessToken);
    expect(await denylist.check(secondClaims)).toBe(false);

    clock.advance(10_000);
    const error = await sessions.rotate(first.refreshToken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefreshTokenError);
    expect((error as RefreshTokenError).code).toBe('ERR_REFRESH_TOKEN_REUSED');
    expect(await denylist.check(secondClaims)).toBe(true);
    expect(await denylist.check(claims)).toBe(true);
    await denylist.close();
  });
});
