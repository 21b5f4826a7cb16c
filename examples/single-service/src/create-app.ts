import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { createAccessTokenSigner } from '@jwks-kit/issuer';
import { authErrorHandler, requireAuth, requireScopes } from '@jwks-kit/verifier';
import { parseCredentials } from '../../auth-service/src/parse-credentials.js';
import type { UserDirectory } from '../../auth-service/src/users.js';
import { HttpError } from '../../shared/src/http-error.js';
import { jsonErrorHandler } from '../../shared/src/json-error-handler.js';

/** What the single service needs; `server.ts` builds it from the environment, tests in memory. */
export type SingleServiceDeps = Readonly<{
  /** `iss` of its tokens, and their only audience: the service signs for itself. */
  issuerUrl: string;
  /** The HS256 secret (≥ 32 bytes). The signer and the verifier each take it through their own `secret` option. */
  secret: Uint8Array;
  users: UserDirectory;
  /** Access-token lifetime. @default 300 */
  accessTokenTtlSeconds?: number;
  /** Clock in ms since the epoch. @default Date.now */
  now?: () => number;
  /** Log sink for unexpected errors. @default console.error */
  log?: (message: string) => void;
}>;

const asyncRoute =
  (handler: (req: Request, res: Response) => Promise<void>): RequestHandler =>
  (req, res, next: NextFunction) => {
    handler(req, res).catch(next);
  };

/**
 * One service that signs and verifies its own tokens with HS256: `POST /login` (password → access
 * token), `GET /me` and `GET /notes` (protected). Nothing is published: there is no JWKS, and no other
 * service could verify these tokens without holding the secret, which would let it sign them too.
 * As soon as a second service must verify, use the auth service's key ring (RS256 or ES256) instead.
 */
export function createApp(deps: SingleServiceDeps): Express {
  const now = deps.now ?? Date.now;
  const ttlSeconds = deps.accessTokenTtlSeconds ?? 300;
  const signer = createAccessTokenSigner({
    issuer: deps.issuerUrl,
    secret: deps.secret,
    defaultAudience: deps.issuerUrl,
    defaultTtlSeconds: ttlSeconds,
    maxTokenLifetimeSeconds: ttlSeconds,
    now,
  });
  const authenticate = requireAuth({
    issuer: deps.issuerUrl,
    audience: deps.issuerUrl,
    secret: deps.secret,
    requiredClaims: ['sub', 'jti', 'iat'],
    now,
  });

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '4kb' }));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.post(
    '/login',
    asyncRoute(async (req, res) => {
      const { username, password } = parseCredentials(req.body);
      const user = await deps.users.verifyPassword(username, password);
      if (!user)
        throw new HttpError(401, {
          error: 'invalid_grant',
          code: 'invalid_credentials',
          description: 'Invalid username or password.',
        });
      const signed = await signer.sign({ sub: user.username, scope: user.scope, clientId: 'single-service' });
      res.setHeader('Cache-Control', 'no-store');
      res.json({ access_token: signed.token, token_type: 'Bearer', expires_in: signed.exp - signed.iat });
    }),
  );
  app.get('/me', authenticate, (req, res) => {
    res.json({ sub: req.auth?.claims.sub, scope: req.auth?.claims.scope });
  });
  app.get('/notes', authenticate, requireScopes('orders:read'), (req, res) => {
    res.json({ notes: [`a note for ${String(req.auth?.claims.sub)}`] });
  });
  app.use(authErrorHandler());
  app.use(jsonErrorHandler(deps.log));
  return app;
}
