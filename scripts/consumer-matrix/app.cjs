// The plain CommonJS JavaScript consumer app (require, no TypeScript).
const express = require('express');
const { authErrorHandler, requireAuth } = require('@jwks-kit/verifier');
const { createMemoryDenylist } = require('@jwks-kit/denylist');
const { createRedisDenylist } = require('@jwks-kit/denylist/redis');
const { createKeyRing } = require('@jwks-kit/issuer');
const { createRefreshTokenService } = require('@jwks-kit/issuer/sessions');
const { createRedisRefreshTokenStore } = require('@jwks-kit/issuer/redis');
const { run } = require('@jwks-kit/cli');

exports.surface = [
  createMemoryDenylist,
  createRedisDenylist,
  createKeyRing,
  createRefreshTokenService,
  createRedisRefreshTokenStore,
  run,
];

exports.createApi = function createApi(issuer, audience) {
  const app = express();
  app.get('/me', requireAuth({ issuer: issuer.issuer, audience, jwksUri: issuer.jwksUri }), (req, res) => {
    res.json({ sub: req.auth.claims.sub, kid: req.auth.kid, scopes: [...req.auth.scopes], claims: req.auth.claims });
  });
  app.use(authErrorHandler());
  return app;
};
