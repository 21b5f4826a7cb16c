import cookieParser from 'cookie-parser';
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from './logger.js';
import type { Denylist } from '@jwks-kit/denylist';
import {
  authErrorHandler,
  protectedResourceMetadataHandler,
  protectedResourceMetadataUrl,
  readinessHandler,
  requireAuth,
  type HealthSource,
  type KeySet,
  type RequireAuthHandler,
} from '@jwks-kit/verifier';
import { ACCEPTED_ALGORITHMS } from './accepted-algorithms.js';
import { ACCESS_COOKIE, RFC9068_REQUIRED_CLAIMS } from './audiences.js';
import { cors } from './cors.js';
import { jsonErrorHandler } from './json-error-handler.js';

/** What a resource service (orders, profile) needs: where tokens come from and how they are checked. */
export type ResourceAppDeps = Readonly<{
  /** Expected `iss` (the auth service). */
  issuerUrl: string;
  /** The auth service's public keys: `createRemoteKeySet(...)` on its JWKS in production. */
  keySet: KeySet;
  /** Revocations (shared memory store in the one-process demo, Redis mirror otherwise). */
  denylist: Denylist;
  /** Page origins allowed by CORS and by the cookie Origin check. */
  allowedOrigins: readonly string[];
  /**
   * The service's public base URL (its RFC 9728 resource identifier). When set, it serves
   * `/.well-known/oauth-protected-resource` and its 401 challenges point there. @default undefined
   */
  resourceUrl?: string;
  /** Clock skew accepted when verifying tokens. @default 5 */
  clockLeewaySeconds?: number;
  /** Clock in ms since the epoch. @default Date.now */
  now?: () => number;
  /** Serves `/metrics` (Prometheus text) when given: see `startMetrics()`. */
  metricsHandler?: RequestHandler;
  /** pino logger handed to requireAuth (refusals at debug). @default silent */
  logger?: Logger;
  /** Log sink for unexpected errors. @default console.error */
  log?: (message: string) => void;
}>;

/**
 * The frame every resource service shares: exact-origin CORS, `/healthz` (liveness: the process answers),
 * `/readyz` (readiness: 503 while the JWKS never loaded or is stale past its bound, or the denylist mirror is
 * past its staleness bound), cookie parsing, a
 * `requireAuth` for `audience` (header or the access cookie, RFC 9068 claims required), and the
 * error handlers after the routes that `mountRoutes` adds.
 */
export function createResourceApp(
  deps: ResourceAppDeps,
  audience: string,
  mountRoutes: (app: Express, authenticate: RequireAuthHandler) => void,
  scopesSupported: readonly string[] = [],
): Express {
  const metadataUrl = deps.resourceUrl === undefined ? undefined : protectedResourceMetadataUrl(deps.resourceUrl);
  const authenticate = requireAuth({
    resourceMetadataUrl: metadataUrl,
    issuer: deps.issuerUrl,
    audience,
    keySet: deps.keySet,
    algorithms: ACCEPTED_ALGORITHMS,
    denylist: deps.denylist,
    cookieName: ACCESS_COOKIE,
    // RFC 9068 §2.2: an access token carries sub, client_id, iat and jti; refuse one that lacks any.
    requiredClaims: RFC9068_REQUIRED_CLAIMS,
    allowedOrigins: deps.allowedOrigins,
    leewaySeconds: deps.clockLeewaySeconds ?? 5,
    now: deps.now,
    logger: deps.logger,
  });
  const app = express();
  app.disable('x-powered-by');
  app.use(cors({ allowedOrigins: deps.allowedOrigins }));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const checks: Record<string, HealthSource> = { jwks: authenticate };
  if (deps.denylist.health) checks.denylist = deps.denylist as HealthSource;
  app.get('/readyz', readinessHandler(checks));
  if (deps.resourceUrl !== undefined && metadataUrl !== undefined) {
    app.get(
      new URL(metadataUrl).pathname,
      protectedResourceMetadataHandler({
        resource: deps.resourceUrl,
        authorizationServers: [deps.issuerUrl],
        scopesSupported,
        bearerMethodsSupported: ['header'],
      }),
    );
  }
  if (deps.metricsHandler) app.get('/metrics', deps.metricsHandler);
  app.use(cookieParser());
  mountRoutes(app, authenticate);
  app.use(authErrorHandler());
  app.use(jsonErrorHandler(deps.log));
  return app;
}
