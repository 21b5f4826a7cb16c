import { createAccessTokenSigner, type KeyRing } from '@jwks-kit/issuer';
import { AUDIENCES } from '../shared/src/audiences.js';

/**
 * Returns a function that signs, with the issuer's active key, a token whose lifetime ended ten
 * minutes ago: the signer's clock is simply set twenty minutes back. This is what an old token in a
 * forgotten tab looks like; the tour uses it instead of waiting for a real token to expire.
 */
export function expiredTokenMinter(issuer: string, keyRing: KeyRing): (sub: string, scope: string) => Promise<string> {
  const signer = createAccessTokenSigner({
    issuer,
    keyRing,
    defaultAudience: [AUDIENCES.auth, AUDIENCES.orders, AUDIENCES.profile],
    now: () => Date.now() - 20 * 60_000,
  });
  return async (sub, scope) => {
    await keyRing.reload();
    return (
      await signer.sign({
        sub,
        scope,
        clientId: 'web',
        ttlSeconds: Math.min(600, keyRing.maxTokenLifetimeSeconds),
      })
    ).token;
  };
}
