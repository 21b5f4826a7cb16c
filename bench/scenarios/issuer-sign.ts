import { sign } from 'node:crypto';
import { createAccessTokenSigner, createKeyRing, createMemoryKeyStore } from '@jwks-kit/issuer';
import type { MicroScenarioModule } from '../lib/types.js';

/**
 * Scenario 10: access tokens signed per second by the issuer's signer (claims, JSON, base64url,
 * RS256 with the ring's cached KeyObject) against raw `crypto.sign` over a signing input of the
 * same size with the same key.
 */
export const scenario: MicroScenarioModule = {
  kind: 'micro',
  async setup(ctx) {
    const keyRing = await createKeyRing({
      store: createMemoryKeyStore(),
      maxJwksCacheAgeMs: 600_000,
      maxTokenLifetimeMs: 3_600_000,
    });
    const signer = createAccessTokenSigner({ issuer: ctx.issuer, keyRing, defaultAudience: ctx.audience });
    const input = { sub: 'user-42', scope: 'orders:read profile:read', clientId: 'bench-client' };
    const sample = await signer.sign(input);
    const signingInput = Buffer.from(sample.token.slice(0, sample.token.lastIndexOf('.')));
    const { privateKey } = keyRing.signingKey();
    return {
      variants: [
        { name: 'signer', run: () => signer.sign(input) },
        { name: 'crypto.sign', run: () => sign('sha256', signingInput, privateKey) },
      ],
    };
  },
};
