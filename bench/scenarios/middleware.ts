import { requireAuth } from '@jwks-kit/verifier';
import { createTokenPool } from '../lib/token-pool.js';
import { floorMiddleware } from './floor.js';
import { startOwnIssuer } from '../lib/own-issuer.js';
import { middlewareVariant as variant, requestWith } from '../lib/middleware-variant.js';
import type { MicroScenarioModule } from '../lib/types.js';

/**
 * Scenario 18: the middleware alone, no HTTP and no Express — `requireAuth` for a repeated token and for
 * distinct tokens, and the hand-written floor of row 15 for distinct tokens — called in a loop on the
 * pinned core with requests shaped like Node's. It isolates what the middleware costs per request from
 * the 300 µs of an Express request, so that each hot-path change can be measured (ns per call).
 */
export const scenario: MicroScenarioModule = {
  kind: 'micro',
  async setup(ctx) {
    const { key, jwks, base, repeated } = await startOwnIssuer(ctx);
    const pool = await createTokenPool(key.privateJwk, key.kid, base, 4000);
    const auth = requireAuth({
      issuer: ctx.issuer,
      audience: ctx.audience,
      jwksUri: jwks.jwksUri,
      verifiedTokenCacheSize: 1000,
    });
    await auth.ready();
    const floorAuth = await floorMiddleware({ ...ctx, jwksUri: jwks.jwksUri });
    const repeatedRequest = () => requestWith(repeated);
    // one cursor per variant: a token comes back only after 4,000 calls, long evicted from the 1,000-entry cache
    const distinct = () => {
      let cursor = 0;
      return () => requestWith(pool[cursor++ % pool.length]!);
    };
    return {
      variants: [
        variant('requireAuth, repeated token', auth, repeatedRequest),
        variant('requireAuth, distinct tokens', auth, distinct()),
        variant('floor, distinct tokens', floorAuth, distinct()),
        variant('request objects only', () => undefined, distinct()),
      ],
      async close() {
        await auth.close();
        await jwks.close();
      },
    };
  },
};
