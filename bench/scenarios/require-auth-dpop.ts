import express from 'express';
import { authErrorHandler } from '@jwks-kit/verifier';
import { craftDpopProof, type ProofKey } from '@jwks-kit/test-kit';
import { expectStatus } from '../lib/preflight.js';
import type { HttpScenarioModule, LoadPlan, ParentTokens } from '../lib/types.js';
import { readyRequireAuth } from './require-auth.js';

/** The public origin the DPoP route is configured with; proofs name it in `htu` (the port does not matter). */
export const DPOP_ORIGIN = 'https://orders.bench.example';

/**
 * Rows 33–34: one `requireAuth` route with the `dpop` option (memory replay store, ES256/EdDSA proofs), loaded
 * with a repeated DPoP-bound token and a fresh ES256 proof per request (row 33) or with a repeated Bearer token
 * (row 34): the same server code, so the ratio is the cost of the proof (one ES256 verify, a thumbprint, a
 * replay-store insert). The token itself is a verified-token cache hit in both.
 */
export const scenario: HttpScenarioModule = {
  kind: 'http',
  async createApp(ctx) {
    const auth = await readyRequireAuth(ctx, { dpop: { publicOrigin: DPOP_ORIGIN } });
    const app = express();
    app.get('/', auth, (_req, res) => {
      res.json({ ok: true });
    });
    app.use(authErrorHandler());
    return app;
  },
};

/** A fresh proof for `GET /` with `token`, signed now by `key` (single use). */
export function dpopHeaders(key: ProofKey, token: string): Record<string, string> {
  const proof = craftDpopProof(key, {
    method: 'GET',
    url: `${DPOP_ORIGIN}/`,
    iat: Math.floor(Date.now() / 1000),
    accessToken: token,
  });
  return { authorization: `DPoP ${token}`, dpop: proof };
}

/**
 * Pre-flight of the DPoP route: 200 with a fresh proof, 401 for the same proof again (replay), for the bound token
 * as Bearer (no downgrade), for a proof of another URL and for no token; 200 for a plain Bearer token.
 */
export async function prepareDpop(baseUrl: string, tokens: ParentTokens, scheme: 'DPoP' | 'Bearer'): Promise<LoadPlan> {
  const url = `${baseUrl}/`;
  const fresh = dpopHeaders(tokens.dpopKey, tokens.dpopBound);
  await expectStatus(url, fresh, 200, 'DPoP token with a fresh proof');
  await expectStatus(url, fresh, 401, 'replayed proof');
  await expectStatus(url, { authorization: `Bearer ${tokens.dpopBound}` }, 401, 'bound token as Bearer');
  const elsewhere = craftDpopProof(tokens.dpopKey, {
    method: 'GET',
    url: `${DPOP_ORIGIN}/other`,
    iat: Math.floor(Date.now() / 1000),
    accessToken: tokens.dpopBound,
  });
  await expectStatus(url, { authorization: `DPoP ${tokens.dpopBound}`, dpop: elsewhere }, 401, 'proof for another URL');
  await expectStatus(url, {}, 401, 'no token');
  await expectStatus(url, { authorization: `Bearer ${tokens.repeated}` }, 200, 'Bearer token');
  return scheme === 'DPoP'
    ? { path: '/', headers: {}, perRequestHeaders: () => dpopHeaders(tokens.dpopKey, tokens.dpopBound) }
    : { path: '/', headers: { authorization: `Bearer ${tokens.repeated}` } };
}
