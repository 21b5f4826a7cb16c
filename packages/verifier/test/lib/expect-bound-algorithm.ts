import { createClock, createTestKeyPair, type JwkVector, type JwkVectors } from '@jwks-kit/test-kit';
import { createAccessTokenVerifier, type AccessTokenAlgorithm, type KeySet } from '../../src/index.js';
import { AUDIENCE, craftToken, ISSUER, validParts } from './craft-token.js';

/**
 * For every accepted JWK vector with a private key: signs a token under each pinned algorithm and
 * expects the verifier (over the key set `keySetOf` builds) to accept exactly the key's bound one.
 */
export async function expectBoundAlgorithmOnly(
  vectors: JwkVectors,
  keySetOf: (vector: JwkVector) => Promise<KeySet>,
): Promise<void> {
  const clock = createClock();
  const { header, claims } = validParts(await createTestKeyPair(), clock);
  for (const vector of vectors.keys) {
    if (!('alg' in vector.expected) || vector.privateKey === undefined) continue;
    const algorithms = vector.algorithms as AccessTokenAlgorithm[];
    const keySet = await keySetOf(vector);
    const verifier = createAccessTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      keySet,
      algorithms,
      now: clock.now,
    });
    for (const alg of algorithms) {
      const token = craftToken({ ...header, alg, kid: vector.jwk.kid }, claims, { jws: alg, key: vector.privateKey });
      const outcome = await verifier.verify(token).then(
        () => 'accepted',
        (error: { message: string }) => error.message,
      );
      expect({ name: vector.name, alg, outcome }).toEqual({
        name: vector.name,
        alg,
        outcome: alg === vector.expected.alg ? 'accepted' : 'The access token signature is invalid',
      });
    }
    await verifier.close();
  }
}
