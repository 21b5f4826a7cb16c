import { createPrivateKey, sign } from 'node:crypto';
import { promisify } from 'node:util';
import { createAccessTokenSigner, createKeyRing, createMemoryKeyStore } from '@jwks-kit/issuer';
import type { MicroScenarioModule } from '../lib/types.js';

/**
 * Scenario 10: access tokens signed per second by the issuer's signer (claims, JSON, base64url,
 * RS256 through the ring's Signer on libuv's threadpool) against raw `crypto.sign` in its callback form (the baseline) and its sync form over a signing input of the
 * same size with the same key.
 */
export const scenario: MicroScenarioModule = {
  kind: 'micro',
  async setup(ctx) {
    const store = createMemoryKeyStore();
    const keyRing = await createKeyRing({
      store,
      maxJwksCacheAgeMs: 600_000,
      maxTokenLifetimeSeconds: 3600,
    });
    const signer = createAccessTokenSigner({ issuer: ctx.issuer, keyRing, defaultAudience: ctx.audience });
    const input = { sub: 'user-42', scope: 'orders:read profile:read', clientId: 'bench-client' };
    const sample = await signer.sign(input);
    const signingInput = Buffer.from(sample.token.slice(0, sample.token.lastIndexOf('.')));
    const stored = (await store.load())?.keys.find((key) => key.kid === sample.kid);
    if (!stored) throw new Error('the signing key is not in the store');
    const privateKey = createPrivateKey({ key: { ...stored }, format: 'jwk' });
    const signAsync = promisify(sign);
    return {
      variants: [
        { name: 'signer', run: () => signer.sign(input) },
        { name: 'crypto.sign', run: () => signAsync('sha256', signingInput, privateKey) },
        { name: 'crypto.sign (sync)', run: () => sign('sha256', signingInput, privateKey) },
      ],
    };
  },
};
