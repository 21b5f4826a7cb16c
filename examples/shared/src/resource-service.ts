import cookieParser from 'cookie-parser';
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from './logger.js';
import type { DpopReplayStore } from '@jwks-kit/core';
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
import { ACCEPTED_ALGORITHMS, DPOP_ALGORITHMS } from './accepted-algorithms.js';
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
   * The service's public base URL (its RFC 9728 resource identifier), an origin without a path. When set, it
   * serves `/.well-known/oauth-protected-resource` and its 401 challenges point there, and it accepts DPoP-bound
   * tokens (RFC 9449) whose proofs name this origin in `htu`: every replica of a service gets the same value.
   * Without it the service takes Bearer tokens only (a DPoP-bound token is refused either way). @default undefined
   */
  resourceUrl?: string;
  /**
   * Where each DPoP proof's `jti` is used once: one store shared by every replica of the service (the Redis store
   * with `REDIS_URL`, an embedded memory store in the one-process demo). A store that fails gives 503.
   * @default a memory store of this app only
   */
  dpopReplayStore?: DpopReplayStore;
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
 * `requireAuth` for `audience` (header or the access cookie, RFC 9068 claims required; DPoP-bound tokens with a
 * proof when `resourceUrl` is known), and the
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
    dpop:
      deps.resourceUrl === undefined
        ? undefined
        : { publicOrigin: deps.resourceUrl, algorithms: DPOP_ALGORITHMS, replayStore: deps.dpopReplayStore },
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
        dpopSigningAlgValuesSupported: DPOP_ALGORITHMS,
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
