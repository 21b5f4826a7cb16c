// The plain ESM JavaScript consumer app (type: module, no TypeScript).
import express from 'express';
import { authErrorHandler, requireAuth } from '@jwks-kit/verifier';
import { createMemoryDenylist } from '@jwks-kit/denylist';
import { createRedisDenylist } from '@jwks-kit/denylist/redis';
import { createKeyRing } from '@jwks-kit/issuer';
import { createRefreshTokenService } from '@jwks-kit/issuer/sessions';
import { createRedisRefreshTokenStore } from '@jwks-kit/issuer/redis';
import { run } from '@jwks-kit/cli';

export const surface = [
  createMemoryDenylist,
  createRedisDenylist,
  createKeyRing,
  createRefreshTokenService,
  createRedisRefreshTokenStore,
  run,
];

export function createApi(issuer, audience) {
  const app = express();
  app.get('/me', requireAuth({ issuer: issuer.issuer, audience, jwksUri: issuer.jwksUri }), (req, res) => {
    res.json({ sub: req.auth.claims.sub, kid: req.auth.kid, scopes: [...req.auth.scopes], claims: req.auth.claims });
  });
  app.use(authErrorHandler());
  return app;
}
