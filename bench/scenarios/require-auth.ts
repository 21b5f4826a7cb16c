import express from 'express';
import { Redis } from 'ioredis';
import { authErrorHandler, requireAuth, type RevocationCheck } from '@jwks-kit/verifier';
import { createRedisDenylist } from '@jwks-kit/denylist/redis';
import type { HttpScenarioModule, ScenarioContext } from '../lib/types.js';

/** Where revocations are checked: nowhere, an in-process Redis mirror, or one Redis MGET per request. */
export type DenylistMode = 'none' | 'mirror' | 'lookup';

/**
 * The verified-token cache stays at its default (10,000) unless the distinct-token pool is too
 * small to overflow it (quick runs): then it is half the pool, so every distinct request misses.
 */
export const cacheSizeFor = (ctx: ScenarioContext) => Math.min(10_000, Math.floor(ctx.poolSize / 2));

async function createDenylist(ctx: ScenarioContext, mode: Exclude<DenylistMode, 'none'>): Promise<RevocationCheck> {
  if (!ctx.redisUrl) throw new Error('this scenario needs Redis');
  const client = new Redis(ctx.redisUrl, { lazyConnect: true, enableOfflineQueue: false });
  await client.connect();
  const denylist = createRedisDenylist(client, { issuer: ctx.issuer, keyPrefix: ctx.keyPrefix, mode });
  await denylist.ready();
  return denylist;
}

/** Scenarios 2–5: `requireAuth` with a remote JWKS (served outside this process) and a denylist mode. */
export function requireAuthScenario(mode: DenylistMode): HttpScenarioModule {
  return {
    kind: 'http',
    async createApp(ctx) {
      const auth = requireAuth({
        issuer: ctx.issuer,
        audience: ctx.audience,
        jwksUri: ctx.jwksUri,
        verifiedTokenCacheSize: cacheSizeFor(ctx),
        ...(mode === 'none' ? {} : { denylist: await createDenylist(ctx, mode) }),
      });
      await auth.ready();
      const app = express();
      app.get('/', auth, (_req, res) => {
        res.json({ ok: true });
      });
      app.use(authErrorHandler());
      return app;
    },
  };
}
