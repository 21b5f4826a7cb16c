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
    // Distinct tokens: the pool cycles (a loop runs ~40,000 calls a second, more than can be signed), and the cache's
    // frequency admission would keep part of it and serve hits. A cache of one entry runs the same lookup and
    // admission code on every call and, among 4,000 tokens, serves next to no hit.
    const distinctAuth = requireAuth({
      issuer: ctx.issuer,
      audience: ctx.audience,
      jwksUri: jwks.jwksUri,
      verifiedTokenCacheSize: 1,
    });
    await Promise.all([auth.ready(), distinctAuth.ready()]);
    const floorAuth = await floorMiddleware({ ...ctx, jwksUri: jwks.jwksUri });
    const repeatedRequest = () => requestWith(repeated);
    // one cursor per variant: a token comes back only after 4,000 calls
    const distinct = () => {
      let cursor = 0;
      return () => requestWith(pool[cursor++ % pool.length]!);
    };
    return {
      variants: [
        variant('requireAuth, repeated token', auth, repeatedRequest),
        variant('requireAuth, distinct tokens', distinctAuth, distinct()),
        variant('floor, distinct tokens', floorAuth, distinct()),
        variant('request objects only', () => undefined, distinct()),
      ],
      async close() {
        await Promise.all([auth.close(), distinctAuth.close()]);
        await jwks.close();
      },
    };
  },
};
