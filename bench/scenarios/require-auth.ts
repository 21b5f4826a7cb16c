import express from 'express';
import { Redis } from 'ioredis';
import { authErrorHandler, requireAuth, type RequireAuthHandler, type RequireAuthOptions } from '@jwks-kit/verifier';
import { createRedisDenylist, type RedisDenylist } from '@jwks-kit/denylist/redis';
import { withReservedShape } from '../lib/reserved-shape.js';
import type { HttpScenarioModule, ScenarioContext } from '../lib/types.js';

/** Where revocations are checked: nowhere, an in-process Redis mirror (of the small or the large denylist), or one Redis MGET per request. */
export type DenylistMode = 'none' | 'mirror' | 'mirror-large' | 'lookup';

/**
 * The verified-token cache stays at its default (10,000) unless the distinct-token pool is too
 * small to overflow it (quick runs): then it is half the pool, so every distinct request misses.
 */
export const cacheSizeFor = (ctx: ScenarioContext) => Math.min(10_000, Math.floor(ctx.poolSize / 2));

/**
 * `requireAuth` as every bench row builds it (the run's issuer, audience and remote JWKS, the cache of
 * {@link cacheSizeFor}), plus `extra`, once its key set is ready.
 */
export async function readyRequireAuth(
  ctx: ScenarioContext,
  extra: Partial<RequireAuthOptions> = {},
): Promise<RequireAuthHandler> {
  const auth = requireAuth({
    issuer: ctx.issuer,
    audience: ctx.audience,
    jwksUri: ctx.jwksUri,
    verifiedTokenCacheSize: cacheSizeFor(ctx),
    ...extra,
  });
  await auth.ready();
  return auth;
}

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
      const auth = await readyRequireAuth(ctx, denylist ? { denylist } : {});
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

/**
 * Scenario 42: bare Express behind the reserved shape (row 39) in a process that also holds a ready `requireAuth`
 * (remote JWKS fetched, caches made), mounted on another route only: what loading the verifier costs the process
 * when `/` never runs it, so that row 2's gap to row 39 can be split into footprint and per-request path.
 */
export function verifierLoadedScenario(): HttpScenarioModule {
  return {
    kind: 'http',
    async createApp(ctx) {
      const auth = await readyRequireAuth(ctx);
      const app = express();
      app.get('/', (_req, res) => {
        res.json({ ok: true });
      });
      app.get('/authenticated', auth, (_req, res) => {
        res.json({ ok: true });
      });
      app.use(authErrorHandler());
      return withReservedShape(app);
    },
  };
}
