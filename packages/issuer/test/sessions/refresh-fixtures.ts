import { randomUUID } from 'node:crypto';
import { SignJWT, compactVerify, jwtVerify, type JWTPayload } from 'jose';
import { createMemoryDenylist } from '@jwks-kit/denylist';
import { createTestKeyPair, type TestClock, type TestKeyPair } from '@jwks-kit/test-kit';
import type { RefreshAccessTokenInput, RefreshAccessTokenResult, RefreshDenylist } from '../../src/sessions.js';

/**
 * The real memory denylist of `@jwks-kit/denylist` on the test clock, with `isRevoked(claims)` as the
 * verifier would ask it.
 */
export function createTestDenylist(clock: TestClock) {
  const memory = createMemoryDenylist({ issuer: 'https://auth.test', now: clock.now, sweepIntervalMs: 0 });
  const denylist: RefreshDenylist & { isRevoked(claims: JWTPayload): boolean } = {
    revokeSubject: (sub, at) => memory.revokeSubject(sub, at),
    revokeSession: (sid, before) => memory.revokeSession(sid, before),
    isRevoked: (claims) => memory.check(claims),
  };
  return denylist;
}

/** A real RS256 at+jwt signer with the shape the issuer's signer returns, and a verifier for its tokens. */
export async function createTestSigner(clock: TestClock, lifetimeSeconds = 300, keys?: TestKeyPair) {
  const key = keys ?? (await createTestKeyPair());
  const signed: string[] = [];
  const sign = async (input: RefreshAccessTokenInput): Promise<RefreshAccessTokenResult> => {
    const iat = clock.nowSeconds();
    const jti = randomUUID();
    const exp = iat + lifetimeSeconds;
    const token = await new SignJWT({
      ...(input.scope ? { scope: input.scope } : {}),
      ...(input.clientId ? { client_id: input.clientId } : {}),
      sid: input.familyId,
      ...(input.jkt ? { cnf: { jkt: input.jkt } } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: key.kid })
      .setSubject(input.sub)
      .setIssuer('https://auth.test')
      .setAudience('https://api.test')
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(jti)
      .sign(key.privateKey);
    signed.push(token);
    return { token, jti, exp };
  };
  const verify = async (token: string) =>
    (
      await jwtVerify(token, key.publicKey, {
        algorithms: ['RS256'],
        typ: 'at+jwt',
        currentDate: new Date(clock.now()),
      })
    ).payload;
  /** Claims of a token signed by this key, whatever the time (revocation outlives expiry checks). */
  const claimsOf = async (token: string) =>
    JSON.parse(new TextDecoder().decode((await compactVerify(token, key.publicKey)).payload)) as JWTPayload;
  return { sign, verify, claimsOf, signed, lifetimeSeconds };
}
