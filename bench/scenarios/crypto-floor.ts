import { sign, verify } from 'node:crypto';
import { createTestKeyPair } from '@jwks-kit/test-kit';
import { claimsFor } from '../lib/claims.js';
import type { MicroScenarioModule } from '../lib/types.js';

/**
 * Scenario 13: the physical floor. One RS256 `crypto.verify` with a ready KeyObject over the
 * signing input of a real access token: no parsing, no claims, no HTTP.
 */
export const scenario: MicroScenarioModule = {
  kind: 'micro',
  async setup(ctx) {
    const key = await createTestKeyPair();
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'at+jwt', kid: key.kid })).toString('base64url');
    const payload = Buffer.from(JSON.stringify(claimsFor(ctx, 0, Math.floor(Date.now() / 1000)))).toString('base64url');
    const input = Buffer.from(`${header}.${payload}`);
    const signature = sign('sha256', input, key.privateKey);
    return {
      variants: [
        {
          name: 'crypto.verify',
          run: () => {
            if (!verify('sha256', input, key.publicKey, signature)) throw new Error('signature did not verify');
          },
        },
      ],
    };
  },
};
