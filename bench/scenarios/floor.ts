import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import express, { type RequestHandler } from 'express';
import { withReservedShape } from '../lib/reserved-shape.js';
import type { HttpScenarioModule, ScenarioContext } from '../lib/types.js';

interface Jwk {
  readonly kid?: string;
  readonly [name: string]: unknown;
}

/**
 * The floor: the middleware one would write by hand with nothing but Node's crypto — the JWKS fetched once,
 * one KeyObject per kid, synchronous `crypto.verify`, then iss, aud and exp. It checks less than
 * `requireAuth` (no typ, nbf, iat, lifetime, canonical encoding, header allow-list, size cap, freezing,
 * scopes, cache), so it is the lower bound of what any verifier can cost, not a peer.
 */
export async function floorMiddleware(
  ctx: Pick<ScenarioContext, 'jwksUri' | 'issuer' | 'audience'>,
  /**
   * Where the claims go: `res.locals.auth` (row 15; a null-prototype dictionary, so the store adds no hidden class) or
   * `req.auth` (row 37, as `requireAuth`, express-jwt and express-oauth2-jwt-bearer hand them on).
   */
  handOff: 'locals' | 'req' = 'locals',
): Promise<RequestHandler> {
  const { keys } = (await (await fetch(ctx.jwksUri)).json()) as { keys: Jwk[] };
  const byKid = new Map<string, KeyObject>();
  for (const jwk of keys) if (jwk.kid) byKid.set(jwk.kid, createPublicKey({ key: jwk as never, format: 'jwk' }));
  const refuse = (res: express.Response) => {
    res.status(401).json({ error: 'invalid_token' });
  };
  const auth: RequestHandler = (req, res, next) => {
    const header = req.headers.authorization;
    if (!header?.startsWith('Bearer ')) return refuse(res);
    const token = header.slice(7);
    const firstDot = token.indexOf('.');
    const secondDot = token.indexOf('.', firstDot + 1);
    if (firstDot < 0 || secondDot < 0 || token.indexOf('.', secondDot + 1) !== -1) return refuse(res);
    try {
      const head = JSON.parse(Buffer.from(token.slice(0, firstDot), 'base64url').toString()) as Record<string, unknown>;
      const key = typeof head.kid === 'string' ? byKid.get(head.kid) : undefined;
      if (head.alg !== 'RS256' || key === undefined) return refuse(res);
      const signature = Buffer.from(token.slice(secondDot + 1), 'base64url');
      if (!verify('sha256', Buffer.from(token.slice(0, secondDot)), key, signature)) return refuse(res);
      const claims = JSON.parse(Buffer.from(token.slice(firstDot + 1, secondDot), 'base64url').toString()) as Record<
        string,
        unknown
      >;
      if (claims.iss !== ctx.issuer || claims.aud !== ctx.audience) return refuse(res);
      if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) return refuse(res);
      if (handOff === 'req') (req as { auth?: unknown }).auth = claims;
      else res.locals.auth = claims;
    } catch {
      return refuse(res);
    }
    next();
  };
  return auth;
}

/**
 * Scenario 15 (claims on `res.locals`) or 37 (claims on `req.auth`): {@link floorMiddleware} in front of `{ ok: true }`;
 * with `shaped`, scenario 40: behind the `request` listener `requireAuth` prepends (the Express shape).
 */
export function floorScenario(handOff: 'locals' | 'req', shaped = false): HttpScenarioModule {
  return {
    kind: 'http',
    async createApp(ctx) {
      const auth = await floorMiddleware(ctx, handOff);
      const app = express();
      app.get('/', auth, (_req, res) => {
        res.json({ ok: true });
      });
      return shaped ? withReservedShape(app) : app;
    },
  };
}

/** Scenario 15. */
export const scenario = floorScenario('locals');
