import express from 'express';
import { Redis } from 'ioredis';
import { authErrorHandler, requireAuth } from '@jwks-kit/verifier';
import { createRedisDenylist, type RedisDenylist } from '@jwks-kit/denylist/redis';
import type { HttpScenarioModule, ScenarioContext } from '../lib/types.js';

/** Where revocations are checked: nowhere, an in-process Redis mirror (of the small or the large denylist), or one Redis MGET per request. */
export type DenylistMode = 'none' | 'mirror' | 'mirror-large' | 'lookup';

/**
 * The verified-token cache stays at its default (10,000) unless the distinct-token pool is too
 * small to overflow it (quick runs): then it is half the pool, so every distinct request misses.
 */
export const cacheSizeFor = (ctx: ScenarioContext) => Math.min(10_000, Math.floor(ctx.poolSize / 2));

/** Full loads of the mirror so far and how long the last one took (for the p99-during-load phase). */
interface LoadFigures {
  loads: number;
  lastLoadMs: number;
  lastLoaded: number;
  /** Background loads started by `control('load')` that finished, and how long the last one took. */
  backgroundLoads: number;
  backgroundLoadMs: number;
}

async function createDenylist(
  ctx: ScenarioContext,
  mode: Exclude<DenylistMode, 'none'>,
  figures: LoadFigures,
): Promise<RedisDenylist> {
  if (!ctx.redisUrl) throw new Error('this scenario needs Redis');
  const client = new Redis(ctx.redisUrl, { lazyConnect: true, enableOfflineQueue: false });
  await client.connect();
  const denylist = createRedisDenylist(client, {
    issuer: ctx.issuer,
    keyPrefix: mode === 'mirror-large' ? ctx.largeKeyPrefix : ctx.keyPrefix,
    mode: mode === 'lookup' ? 'lookup' : 'mirror',
    // a shared, loaded machine can hold a round trip past the default 250 ms: a 503 would fail the whole slice
    lookupTimeoutMs: 2000,
  });
  denylist.on('synced', (event) => {
    figures.loads += 1;
    figures.lastLoadMs = event.durationMs;
    figures.lastLoaded = event.loaded;
  });
  await denylist.ready();
  return denylist;
}

/** Scenarios 2–5 and 16: `requireAuth` with a remote JWKS (served outside this process) and a denylist mode. */
export function requireAuthScenario(mode: DenylistMode): HttpScenarioModule {
  const figures: LoadFigures = {
    loads: 0,
    lastLoadMs: Number.NaN,
    lastLoaded: 0,
    backgroundLoads: 0,
    backgroundLoadMs: Number.NaN,
  };
  let denylist: RedisDenylist | undefined;
  let context: ScenarioContext | undefined;
  return {
    kind: 'http',
    async createApp(ctx) {
      context = ctx;
      if (mode !== 'none') denylist = await createDenylist(ctx, mode, figures);
      const auth = requireAuth({
        issuer: ctx.issuer,
        audience: ctx.audience,
        jwksUri: ctx.jwksUri,
        verifiedTokenCacheSize: cacheSizeFor(ctx),
        ...(denylist ? { denylist } : {}),
      });
      await auth.ready();
      const app = express();
      app.get('/', auth, (_req, res) => {
        res.json({ ok: true });
      });
      app.use(authErrorHandler());
      return app;
    },
    stats() {
      return { ...figures, size: denylist?.stats().size ?? 0 };
    },
    /**
     * `load`: a second mirror of the large denylist starts its full load in this process while it serves
     * requests (the work of a resync, on fresh tables: the worst case); `figures` records when it is done.
     */
    async control(action) {
      if (action !== 'load' || mode !== 'mirror-large' || !context) throw new Error(`unknown control ${action}`);
      const started = performance.now();
      void createDenylist(context, 'mirror-large', figures).then(async (second) => {
        figures.backgroundLoadMs = performance.now() - started;
        figures.backgroundLoads += 1;
        await second.close();
      });
    },
  };
}
