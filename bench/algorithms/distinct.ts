import express from 'express';
import { authErrorHandler, requireAuth } from '@jwks-kit/verifier';
import { expectStatus, PreflightError } from '../lib/preflight.js';
import type { HttpScenarioModule, LoadPlan } from '../lib/types.js';
import { createAlgorithmKeys, signPool, type BenchAlgorithm } from './keys.js';

/** Tokens each per-algorithm server signs for itself (at most; fewer with a smaller `--pool`). */
const ALGORITHM_POOL = 20_000;

/** Where the server under test hands its token pool to the orchestrator (before timing; never timed). */
export const POOL_PATH = '/__bench/pool';

/**
 * `requireAuth` with a distinct token per request, per algorithm: the server makes its own key ring
 * of `alg` (or HS256 secret), signs a pool larger than the verified-token cache and trusts its keys
 * through a local key set (the hot path is the same map lookup as with a remote JWKS). Compared with
 * bare Express in the same rounds, like row 3 (RS256 through the remote JWKS).
 */
export function algorithmDistinctScenario(alg: BenchAlgorithm): HttpScenarioModule {
  return {
    kind: 'http',
    async createApp(ctx) {
      const keys = await createAlgorithmKeys(alg, ctx);
      // Signed here, per process, and handed over as JSON: capped, so these rows' tokens come back to the server
      // after ALGORITHM_POOL requests.
      const pool = await signPool(keys.signer, Math.min(ctx.poolSize, ALGORITHM_POOL));
      const auth = requireAuth({
        issuer: ctx.issuer,
        audience: ctx.audience,
        ...keys.trust,
        ...(alg === 'HS256' ? {} : { algorithms: [alg] }),
        // off: the pool cycles, and the cache's frequency admission would serve part of it from the cache
        verifiedTokenCacheSize: 0,
      });
      const app = express();
      app.get(POOL_PATH, (_req, res) => {
        res.json(pool);
      });
      app.get('/', auth, (_req, res) => {
        res.json({ ok: true });
      });
      app.use(authErrorHandler());
      return app;
    },
  };
}

/**
 * Pre-flight: fetches the server's pool, then 200 for its first and last token, 401 for a token whose
 * signature belongs to another token (same key) and for no token. Loads with the server's own pool.
 */
export async function prepareAlgorithmDistinct(baseUrl: string): Promise<LoadPlan> {
  const pool = (await (await fetch(`${baseUrl}${POOL_PATH}`)).json()) as string[];
  if (!Array.isArray(pool) || pool.length < 2) throw new PreflightError('the server handed no token pool');
  const url = `${baseUrl}/`;
  for (const token of [pool[0]!, pool[pool.length - 1]!])
    await expectStatus(url, { authorization: `Bearer ${token}` }, 200, 'pool token');
  const [h, p] = pool[0]!.split('.');
  const spliced = `${h}.${p}.${pool[1]!.split('.')[2]}`;
  await expectStatus(url, { authorization: `Bearer ${spliced}` }, 401, 'signature of another token');
  await expectStatus(url, {}, 401, 'no token');
  return { path: '/', headers: {}, rotateTokens: true, pool };
}
