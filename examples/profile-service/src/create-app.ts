import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import type { Denylist } from '@jwks-kit/denylist';
import { authErrorHandler, requireAuth, requireScopes, type KeySet } from '@jwks-kit/verifier';
import { ACCESS_COOKIE, AUDIENCES, RFC9068_REQUIRED_CLAIMS } from '../../shared/src/audiences.js';
import { cors } from '../../shared/src/cors.js';
import { jsonErrorHandler } from '../../shared/src/json-error-handler.js';

/** What the profile service needs: where tokens come from and how they are checked. */
export type ProfileAppDeps = Readonly<{
  /** Expected `iss` (the auth service). */
  issuerUrl: string;
  /** The auth service's public keys: `createRemoteKeySet(...)` on its JWKS in production. */
  keySet: KeySet;
  /** Revocations (shared memory store in the one-process demo, Redis mirror otherwise). */
  denylist: Denylist;
  /** Page origins allowed by CORS and by the cookie Origin check. */
  allowedOrigins: readonly string[];
  /** Clock skew accepted when verifying tokens. @default 5 */
  clockLeewaySeconds?: number;
  /** Clock in ms since the epoch. @default Date.now */
  now?: () => number;
  /** Log sink for unexpected errors. @default console.error */
  log?: (message: string) => void;
}>;

const DISPLAY_NAMES: Readonly<Record<string, string>> = { alice: 'Alice Liddell', bob: 'Bob Builder', admin: 'Administrator' };

/** The profile service: `GET /me` needs `profile:read` and answers from the verified claims. */
export function createApp(deps: ProfileAppDeps): Express {
  const authenticate = requireAuth({
    issuer: deps.issuerUrl,
    audience: AUDIENCES.profile,
    keySet: deps.keySet,
    denylist: deps.denylist,
    cookieName: ACCESS_COOKIE,
    // RFC 9068 §2.2: an access token carries sub, client_id, iat and jti; refuse one that lacks any.
    requiredClaims: RFC9068_REQUIRED_CLAIMS,
    allowedOrigins: deps.allowedOrigins,
    leewaySeconds: deps.clockLeewaySeconds ?? 5,
    now: deps.now,
  });
  const app = express();
  app.disable('x-powered-by');
  app.use(cors({ allowedOrigins: deps.allowedOrigins }));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(cookieParser());
  app.get('/me', authenticate, requireScopes(['profile:read']), (req, res) => {
    const claims = req.auth?.claims;
    const sub = String(claims?.sub);
    res.json({ sub, name: DISPLAY_NAMES[sub] ?? sub, scope: claims?.scope, token_expires_at: claims?.exp });
  });
  app.use(authErrorHandler());
  app.use(jsonErrorHandler(deps.log));
  return app;
}
