import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { requireAuth } from '@jwks-kit/verifier';
import { createTestKeyPair } from '@jwks-kit/test-kit';
import { startJwksServer } from '../lib/jwks-server.js';
import { claimsFor } from '../lib/claims.js';
import { createTokenPool, signToken } from '../lib/token-pool.js';
import type { MicroScenarioModule, MicroVariant } from '../lib/types.js';

/** A request as Node's HTTP parser hands it to Express, reduced to what a bearer middleware reads. */
const requestWith = (token: string) =>
  ({
    method: 'GET',
    headers: { host: '127.0.0.1', authorization: `Bearer ${token}`, connection: 'keep-alive' },
    rawHeaders: ['Host', '127.0.0.1', 'Authorization', `Bearer ${token}`, 'Connection', 'keep-alive'],
  }) as unknown as Request;

/**
 * Scenario 18: the middleware alone, no HTTP and no Express — `requireAuth` for a repeated token and for
 * distinct tokens, and the hand-written floor of row 15 for distinct tokens — called in a loop on the
 * pinned core with requests shaped like Node's. It isolates what the middleware costs per request from
 * the 300 µs of an Express request, so that each hot-path change can be measured (ns per call).
 */
export const scenario: MicroScenarioModule = {
  kind: 'micro',
  async setup(ctx) {
    const key = await createTestKeyPair();
    const jwks = await startJwksServer([key.publicJwk]);
    const base = { issuer: ctx.issuer, audience: ctx.audience };
    const pool = await createTokenPool(key.privateJwk, key.kid, base, 4000);
    const repeated = signToken(key.privateKey, key.kid, claimsFor(base, 999_999, Math.floor(Date.now() / 1000)));
    const auth = requireAuth({
      issuer: ctx.issuer,
      audience: ctx.audience,
      jwksUri: jwks.jwksUri,
      verifiedTokenCacheSize: 1000,
    });
    await auth.ready();
    const { scenario: floor } = await import('./floor.js');
    const floorApp = await floor.createApp({ ...ctx, jwksUri: jwks.jwksUri });
    // the floor's middleware is the first handler of its only route
    const floorAuth = (
      floorApp as unknown as { router: { stack: { route?: { stack: { handle: RequestHandler }[] } }[] } }
    ).router.stack.find((layer) => layer.route)!.route!.stack[0]!.handle;
    const res = { status: () => res, json: () => res, locals: {} } as unknown as Response;
    let failed: unknown;
    const next: NextFunction = (error?: unknown) => {
      if (error !== undefined) failed = error;
    };
    const repeatedRequest = () => requestWith(repeated);
    // one cursor per variant: a token comes back only after 4,000 calls, long evicted from the 1,000-entry cache
    const distinct = () => {
      let cursor = 0;
      return () => requestWith(pool[cursor++ % pool.length]!);
    };
    const variant = (name: string, handler: RequestHandler, request: () => Request): MicroVariant => ({
      name,
      run: () => {
        handler(request(), res, next);
        if (failed !== undefined) throw new Error(`${name}: ${String(failed)}`);
      },
    });
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
