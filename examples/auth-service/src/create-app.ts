import { fileURLToPath } from 'node:url';
import cookieParser from 'cookie-parser';
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { createDpopNonces, type DpopReplayStore } from '@jwks-kit/core';
import type { Denylist } from '@jwks-kit/denylist';
import {
  createAccessTokenSigner,
  createClientAuthenticator,
  discoveryHandler,
  introspectionHandler,
  isIssuerError,
  jwksHandler,
  revocationHandler,
  type KeyRing,
  type OAuthClient,
} from '@jwks-kit/issuer';
import {
  clearSessionCookies,
  createRefreshHandler,
  createRefreshTokenService,
  createTokenEndpointDpop,
  isDpopTokenRequestError,
  sendDpopTokenRequestError,
  sendSessionGrant,
  type IssuerLogger,
  type RefreshTokenStore,
} from '@jwks-kit/issuer/sessions';
import {
  authErrorHandler,
  createAccessTokenVerifier,
  createLocalKeySet,
  readinessHandler,
  requireAuth,
  requireScopes,
  type HealthSource,
} from '@jwks-kit/verifier';
import { ACCEPTED_ALGORITHMS } from '../../shared/src/accepted-algorithms.js';
import { ACCESS_COOKIE, AUDIENCES, RFC9068_REQUIRED_CLAIMS } from '../../shared/src/audiences.js';
import { HttpError } from '../../shared/src/http-error.js';
import { jsonErrorHandler } from '../../shared/src/json-error-handler.js';
import { createLoginRateLimiter, type LoginRateLimiter } from './login-rate-limiter.js';
import { createOAuthEndpointLimiters, type OAuthEndpointLimiters } from './oauth-endpoint-limiters.js';
import { parseCredentials } from './parse-credentials.js';
import { createReplayDemoRouter } from './replay-demo-routes.js';
import { requireSameOrigin } from './same-origin.js';
import { createSessionDeadlineBook } from './session-deadlines.js';
import type { UserDirectory } from './users.js';

/** Everything the auth service app needs; `server.ts` builds it from the environment, tests build it in memory. */
export type AuthAppDeps = Readonly<{
  /** `iss` of the tokens and base URL of the endpoints. */
  issuerUrl: string;
  keyRing: KeyRing;
  users: UserDirectory;
  /** Shared with the resource services (same object in one process, Redis otherwise). */
  denylist: Denylist;
  refreshStore: RefreshTokenStore;
  /** Origins of the page (CSRF check of the cookie endpoints). */
  allowedOrigins: readonly string[];
  /** Ports of the resource services, told to the page. */
  ordersPort: number;
  profilePort: number;
  /** Access-token lifetime. @default 300 */
  accessTokenTtlSeconds?: number;
  /** Window in which a rotated refresh token still yields the same successor. @default 10000 */
  refreshGraceMs?: number;
  /** A session (refresh family) ends when not refreshed for this long. @default 1209600000 (14 days) */
  refreshIdleTimeoutMs?: number;
  /** A session ends this long after login, however often it is refreshed. @default 2592000000 (30 days) */
  refreshAbsoluteLifetimeMs?: number;
  /** Mounts the page's refresh-replay demo routes (see `replay-demo-routes.ts`). @default false */
  demoTourRoutes?: boolean;
  /** Clients of `POST /revoke` (RFC 7009) and `POST /introspect` (RFC 7662); none → both endpoints absent. @default [] */
  oauthClients?: readonly OAuthClient[];
  /**
   * Request and failure limiters of `/revoke` and `/introspect`; pass ones over Redis when replicas share them.
   * @default createOAuthEndpointLimiters() (this process only)
   */
  oauthEndpointLimiters?: OAuthEndpointLimiters;
  /**
   * Where the `jkt:jti` of each DPoP proof at `/token` is recorded once; `createRedisDpopReplayStore` when
   * replicas share Redis. @default createMemoryDpopReplayStore() (this process only)
   */
  dpopReplayStore?: DpopReplayStore;
  /** Turns DPoP server nonces on at `/token` (RFC 9449 §8): the key every replica shares (32 bytes). @default undefined (no nonces) */
  dpopNonceSecret?: Uint8Array;
  /** Clock skew accepted when verifying tokens. @default 5 */
  clockLeewaySeconds?: number;
  /** Login throttling per username and per client IP; pass one over Redis when replicas share it. @default createLoginRateLimiter() (this process only) */
  loginRateLimiter?: LoginRateLimiter;
  /**
   * Express `trust proxy`: which `X-Forwarded-For` hops to believe for the client IP (`req.ip`) that the
   * IP rule of the login limiter counts. `false` takes the TCP peer's address. @default false
   */
  trustProxy?: boolean | number | string | readonly string[];
  /** Clock in ms since the epoch, for every time-dependent part. @default Date.now */
  now?: () => number;
  /** Serves `/metrics` (Prometheus text) when given: see `startMetrics()`. */
  metricsHandler?: RequestHandler;
  /** pino logger for the refresh service (reuse detections). @default silent */
  logger?: IssuerLogger;
  /** Log sink for unexpected errors. @default console.error */
  log?: (message: string) => void;
}>;

const REFRESH_PATH = '/refresh';
const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));

const asyncRoute =
  (handler: (req: Request, res: Response) => Promise<void>): RequestHandler =>
  (req, res, next: NextFunction) => {
    handler(req, res).catch(next);
  };

/**
 * The auth service: password login (cookies for the page, JSON for clients), refresh rotation with
 * reuse detection, logout, admin revocation and key rotation, JWKS and discovery, and the demo page.
 */
export function createApp(deps: AuthAppDeps): Express {
  const now = deps.now ?? Date.now;
  const ttlSeconds = deps.accessTokenTtlSeconds ?? 300;
  const limiter = deps.loginRateLimiter ?? createLoginRateLimiter();
  const issuer = deps.issuerUrl;
  const signer = createAccessTokenSigner({
    issuer,
    keyRing: deps.keyRing,
    defaultAudience: [AUDIENCES.auth, AUDIENCES.orders, AUDIENCES.profile],
    defaultTtlSeconds: ttlSeconds,
    now,
  });
  const graceMs = deps.refreshGraceMs ?? 10_000;
  const absoluteLifetimeMs = deps.refreshAbsoluteLifetimeMs ?? 30 * 86_400_000;
  const idleTimeoutMs = deps.refreshIdleTimeoutMs ?? Math.min(14 * 86_400_000, absoluteLifetimeMs);
  // What the page draws of a session; display only (the refresh-token store decides).
  const deadlines = createSessionDeadlineBook({ absoluteLifetimeMs, now });
  const service = createRefreshTokenService({
    store: deps.refreshStore,
    denylist: deps.denylist,
    logger: deps.logger,
    graceMs,
    absoluteLifetimeMs,
    idleTimeoutMs,
    now,
    signAccessToken: (input) =>
      signer.sign({
        sub: input.sub,
        scope: input.scope,
        clientId: input.clientId,
        jkt: input.jkt,
        claims: { sid: input.familyId },
      }),
  });
  service.on('ended', (event) => deadlines.ended(event.familyId));
  service.on('expired', (event) => deadlines.ended(event.familyId));
  const sessions: typeof service = {
    ...service,
    start: async (input) => {
      const grant = await service.start(input);
      deadlines.started(grant);
      return grant;
    },
    rotate: async (token, input) => {
      const grant = await service.rotate(token, input);
      deadlines.rotated(grant);
      return grant;
    },
  };
  // The service verifies its own tokens (admin, session, logout) against its key ring's public keys: no HTTP round trip.
  const publicKeys = () => ({ keys: deps.keyRing.publicJwks().keys.map((key) => ({ ...key })) });
  const keySet = createLocalKeySet(publicKeys(), { algorithms: ACCEPTED_ALGORITHMS });
  deps.keyRing.on('change', () => keySet.replaceKeys(publicKeys()));
  const authenticate = requireAuth({
    issuer,
    audience: AUDIENCES.auth,
    keySet,
    algorithms: ACCEPTED_ALGORITHMS,
    denylist: deps.denylist,
    cookieName: ACCESS_COOKIE,
    // RFC 9068 §2.2: an access token carries sub, client_id, iat and jti; refuse one that lacks any.
    requiredClaims: RFC9068_REQUIRED_CLAIMS,
    allowedOrigins: deps.allowedOrigins,
    leewaySeconds: deps.clockLeewaySeconds ?? 5,
    now,
  });
  // RFC 7009 / RFC 7662 for registered clients: tokens of every demo audience, revocations and logouts honoured.
  const oauthClients = deps.oauthClients ?? [];
  const tokenEndpoints =
    oauthClients.length === 0
      ? undefined
      : (() => {
          const verifier = createAccessTokenVerifier({
            issuer,
            audience: Object.values(AUDIENCES),
            keySet,
            denylist: deps.denylist,
            requiredClaims: RFC9068_REQUIRED_CLAIMS,
            leewaySeconds: deps.clockLeewaySeconds ?? 5,
            now,
          });
          return {
            issuer,
            clients: createClientAuthenticator({
              clients: oauthClients,
              ...(deps.oauthEndpointLimiters ?? createOAuthEndpointLimiters()),
            }),
            verifyAccessToken: async (token: string) => (await verifier.verify(token)).claims,
            refreshTokens: sessions,
          };
        })();
  // DPoP at the token endpoint (RFC 9449 §5): an optional proof binds the grant (cnf.jkt) and its refresh family.
  const dpop = createTokenEndpointDpop({
    url: `${issuer}/token`,
    replayStore: deps.dpopReplayStore,
    nonces: deps.dpopNonceSecret ? createDpopNonces({ secret: deps.dpopNonceSecret }) : undefined,
    now,
  });
  const sameOrigin = requireSameOrigin(deps.allowedOrigins);
  // Cookies are always Secure with prefixed names: browsers accept them over https and from http://localhost or 127.0.0.1.
  const cookies = { refreshPath: REFRESH_PATH, secure: true } as const;
  // Browsers send the refresh cookie (Path=/refresh); CLI clients send refresh_token in the body and get JSON.
  const refresh = createRefreshHandler(sessions, { ...cookies, allowedOrigins: deps.allowedOrigins, now });
  // `/token` takes DPoP proofs (htu = `${issuer}/token`); the browser's `/refresh` does not, so bound families refresh only here.
  const tokenRefresh = createRefreshHandler(sessions, { ...cookies, allowedOrigins: deps.allowedOrigins, now, dpop });
  const checkPassword = async (req: Request) => {
    const { username, password } = parseCredentials(req.body);
    // With trust proxy off this is the TCP peer; behind a proxy, the hop that `trustProxy` names (README).
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const decision = await limiter.attempt(username, ip).catch((error: unknown) => {
      // Fail closed: without the shared counters a replica would count alone.
      (deps.log ?? console.error)(
        `login throttling unavailable: ${error instanceof Error ? error.message : String(error)}`,
      );
      throw new HttpError(503, {
        error: 'temporarily_unavailable',
        description: 'Login throttling is unavailable; retry shortly.',
        headers: { 'Retry-After': '1' },
      });
    });
    if (!decision.allowed) {
      throw new HttpError(429, {
        error: 'too_many_requests',
        description: 'Too many failed logins; try again later.',
        headers: { 'Retry-After': String(decision.retryAfterSeconds) },
      });
    }
    const user = await deps.users.verifyPassword(username, password);
    if (!user) {
      throw new HttpError(401, {
        error: 'invalid_grant',
        code: 'invalid_credentials',
        description: 'Invalid username or password.',
      });
    }
    await limiter.succeeded(username, ip);
    return user;
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? false);
  app.use(cookieParser());
  app.use(express.json({ limit: '8kb' }));
  app.use(express.urlencoded({ extended: false, limit: '8kb' }));

  // Liveness: 200 whenever the process serves, whatever its key store (a process waiting for Redis is fine, and an
  // orchestrator would restart it for nothing). The active kid is the ring's last view, read without the freshness
  // check; readiness (/readyz, its keyRing check) is where a stale ring shows.
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', kid: deps.keyRing.keys().find((key) => key.state === 'active')?.kid });
  });
  // The key ring too: over Redis a ring that has not read the store within its safety margin signs nothing (every
  // login and refresh 503), so the service is not ready then, whatever the state of its Redis connection.
  const readinessChecks: Record<string, HealthSource> = { keyRing: deps.keyRing };
  if (deps.refreshStore.health) readinessChecks.refreshStore = deps.refreshStore as HealthSource;
  if (deps.denylist.health) readinessChecks.denylist = deps.denylist as HealthSource;
  app.get('/readyz', readinessHandler(readinessChecks));
  if (deps.metricsHandler) app.get('/metrics', deps.metricsHandler);
  app.get('/.well-known/jwks.json', jwksHandler(deps.keyRing));
  app.get(
    '/.well-known/openid-configuration',
    discoveryHandler({
      issuer,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      tokenEndpoint: `${issuer}/token`,
      grantTypesSupported: ['password', 'refresh_token'],
      scopesSupported: ['orders:read', 'orders:write', 'profile:read', 'admin'],
      revocationEndpoint: tokenEndpoints ? `${issuer}/revoke` : undefined,
      introspectionEndpoint: tokenEndpoints ? `${issuer}/introspect` : undefined,
      dpopSigningAlgorithms: dpop.algorithms,
    }),
  );
  if (tokenEndpoints) {
    app.post('/revoke', revocationHandler({ ...tokenEndpoints, denylist: deps.denylist }));
    app.post('/introspect', introspectionHandler(tokenEndpoints));
  }

  app.post(
    '/login',
    sameOrigin,
    asyncRoute(async (req, res) => {
      const user = await checkPassword(req);
      const grant = await sessions.start({ sub: user.username, scope: user.scope, clientId: 'web' });
      sendSessionGrant(res, grant, { mode: 'cookie', ...cookies, nowMs: now() });
    }),
  );

  app.post('/token', (req, res, next) => {
    const grantType = (req.body as Record<string, unknown> | undefined)?.grant_type;
    if (grantType === 'refresh_token') {
      tokenRefresh(req, res, next);
      return;
    }
    if (grantType !== 'password') {
      next(
        new HttpError(400, {
          error: 'unsupported_grant_type',
          description: 'grant_type must be password or refresh_token.',
        }),
      );
      return;
    }
    // The proof first: a client retrying with a DPoP nonce does not spend a second login attempt.
    dpop
      .check(req)
      .then(async (jkt) => {
        const user = await checkPassword(req);
        const grant = await sessions.start({ sub: user.username, scope: user.scope, clientId: 'cli', jkt });
        res.set(dpop.responseHeaders());
        sendSessionGrant(res, grant, { mode: 'json', ...cookies, nowMs: now() });
      })
      .catch((error: unknown) => {
        if (isDpopTokenRequestError(error)) sendDpopTokenRequestError(res, error);
        else next(error);
      });
  });

  app.post(REFRESH_PATH, refresh);
  if (deps.demoTourRoutes === true) {
    const mountPath = `${REFRESH_PATH}/demo`;
    app.use(mountPath, createReplayDemoRouter({ mountPath, refresh, sameOrigin, sessions }));
  }

  app.post(
    '/logout',
    sameOrigin,
    authenticate,
    asyncRoute(async (req, res) => {
      const claims = req.auth?.claims;
      const [jti, exp, sid] = [claims?.jti, claims?.exp, claims?.sid];
      if (typeof jti === 'string' && typeof exp === 'number') await deps.denylist.revoke(jti, exp);
      if (typeof sid === 'string') await sessions.revokeFamily(sid);
      const presented = (req.body as Record<string, unknown> | undefined)?.refresh_token;
      if (typeof presented === 'string') await sessions.logout(presented);
      clearSessionCookies(res, cookies);
      res.set('Cache-Control', 'no-store').status(204).end();
    }),
  );

  // What the page shows of its session, all of it non-secret: claims, signing kid, deadlines, the server's clock.
  app.get('/session', authenticate, (req, res) => {
    const sid = req.auth?.claims.sid;
    const known = typeof sid === 'string' ? deadlines.get(sid) : undefined;
    res.set('Cache-Control', 'no-store').json({
      claims: req.auth?.claims,
      kid: req.auth?.kid,
      server_time_ms: now(),
      session: known
        ? {
            started_at_ms: known.startedAtMs,
            refresh_expires_at_ms: known.refreshExpiresAtMs,
            absolute_expires_at_ms: known.absoluteExpiresAtMs,
          }
        : null,
    });
  });

  app.post(
    '/admin/revoke',
    authenticate,
    requireScopes(['admin']),
    asyncRoute(async (req, res) => {
      const { jti, sub, sid } = (req.body ?? {}) as Record<string, unknown>;
      const valid = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= 256;
      if ([jti, sub, sid].filter(valid).length !== 1 || [jti, sub, sid].some((v) => v !== undefined && !valid(v)))
        throw new HttpError(400, { error: 'invalid_request', description: 'Send exactly one of jti, sub or sid.' });
      if (valid(sid)) {
        // One session: its refresh family ends and every access token it issued is denied.
        res.json({ revoked: { sid }, session_ended: await sessions.revokeFamily(sid as string) });
        return;
      }
      if (valid(jti)) {
        // The admin does not know the token's exp: keep the entry for the longest lifetime a token can have.
        await deps.denylist.revoke(jti as string, Math.ceil(now() / 1000) + deps.keyRing.maxTokenLifetimeSeconds);
        res.json({ revoked: { jti } });
        return;
      }
      const families = await sessions.revokeAllForSubject(sub as string);
      res.json({ revoked: { sub }, sessions_ended: families });
    }),
  );

  app.post(
    '/admin/rotate-keys',
    authenticate,
    requireScopes(['admin']),
    asyncRoute(async (req, res) => {
      const previous = deps.keyRing.signingKey().kid;
      // `{"force": true}`: rotate now even before the next key is ready (suspected compromise).
      const force = (req.body as { force?: unknown } | undefined)?.force === true;
      try {
        await deps.keyRing.rotate({ force });
      } catch (error) {
        if (isIssuerError(error) && error.code === 'ERR_KEYS_MANAGED_EXTERNALLY') {
          throw new HttpError(409, {
            error: 'keys_managed_externally',
            description: 'The signing keys live with the remote signing service: rotate them there.',
          });
        }
        if (isIssuerError(error) && error.code === 'ERR_NEXT_KEY_NOT_READY') {
          const next = deps.keyRing.keys().find((key) => key.state === 'next');
          const waitS = Math.max(1, Math.ceil(((next?.activatesAtMs ?? now()) - now()) / 1000));
          throw new HttpError(409, {
            error: 'next_key_not_ready',
            description: 'The next key is not published long enough yet.',
            headers: { 'Retry-After': String(waitS) },
          });
        }
        throw error;
      }
      res.json({ previous_kid: previous, kid: deps.keyRing.signingKey().kid });
    }),
  );

  app.get('/web-config.json', (_req, res) => {
    res.json({
      ordersPort: deps.ordersPort,
      profilePort: deps.profilePort,
      refreshGraceMs: graceMs,
      demoTourRoutes: deps.demoTourRoutes === true,
    });
  });
  const connectSrc = deps.allowedOrigins.flatMap((origin) => {
    const url = new URL(origin);
    return [deps.ordersPort, deps.profilePort].map((port) => `${url.protocol}//${url.hostname}:${port}`);
  });
  app.use((_req, res, next) => {
    res.set(
      'Content-Security-Policy',
      // No 'unsafe-inline' anywhere: the page's styles and scripts are files of its own origin.
      `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self' ${connectSrc.join(' ')}; ` +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    next();
  });
  app.use(express.static(WEB_DIR, { index: 'index.html' }));
  app.use(authErrorHandler());
  app.use(jsonErrorHandler(deps.log));
  return app;
}
