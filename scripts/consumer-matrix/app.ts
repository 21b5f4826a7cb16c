// The TypeScript consumer app, compiled unchanged in every TypeScript project of the matrix (nodenext and
// node16 in an ESM package, node16 in a CommonJS package, bundler, NestJS-style commonjs + node10).
// The express import is the one line that differs: consumer-matrix.sh rewrites it to `import * as express`
// for the NestJS-style project (no esModuleInterop). Typechecked only there, against the installed tarballs.
import express from 'express';
import { authErrorHandler, isVerifierError, requireAuth, type RequestAuth } from '@jwks-kit/verifier';
import { createMemoryDenylist, isDenylistError } from '@jwks-kit/denylist';
import type { createRedisDenylist } from '@jwks-kit/denylist/redis';
import { createKeyRing, createMemoryKeyStore, isIssuerError } from '@jwks-kit/issuer';
import { createMemoryRefreshTokenStore, isRefreshTokenError } from '@jwks-kit/issuer/sessions';
import type { createRedisRefreshTokenStore } from '@jwks-kit/issuer/redis';
import { isCliError, run } from '@jwks-kit/cli';
import type { MockIssuer } from '@jwks-kit/testing';

/** Every subpath resolves, with types, in this module system. */
export const surface: ReadonlyArray<unknown> = [
  createMemoryDenylist,
  createKeyRing,
  createMemoryKeyStore,
  createMemoryRefreshTokenStore,
  run,
  [isVerifierError, isDenylistError, isIssuerError, isRefreshTokenError, isCliError],
  null as unknown as typeof createRedisDenylist | typeof createRedisRefreshTokenStore,
];

/** The service under test: one route behind requireAuth, answering with the verified claims. */
export function createApi(issuer: Pick<MockIssuer, 'issuer' | 'jwksUri'>, audience: string): express.Express {
  const app = express();
  app.get('/me', requireAuth({ issuer: issuer.issuer, audience, jwksUri: issuer.jwksUri }), (req, res) => {
    // @ts-expect-error req.auth is optional (absent on optional-auth requests): typed, not any.
    const unchecked: string = req.auth.claims.sub;
    void unchecked;
    const auth: RequestAuth = req.auth!;
    const kid: string = auth.kid;
    const scopes: ReadonlySet<string> = auth.scopes;
    res.json({ sub: auth.claims.sub, kid, scopes: [...scopes], claims: auth.claims });
  });
  app.use(authErrorHandler());
  return app;
}
