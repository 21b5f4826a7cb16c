import { createRequire } from 'node:module';
import express, { type RequestHandler } from 'express';
import { jsonErrorHandler } from '../lib/error-handler.js';
import type { HttpScenarioModule } from '../lib/types.js';

/**
 * The part of express-oauth2-jwt-bearer's API this scenario uses. Loaded through `require` so that
 * its global `Express.Request.auth` declaration does not enter the project's type check (it would
 * clash with the verifier's own `req.auth`).
 */
interface OAuth2JwtBearer {
  auth(options: { issuer: string; audience: string; jwksUri: string; tokenSigningAlg: string }): RequestHandler;
}

const require = createRequire(import.meta.url);

/** Scenario 7: Auth0's express-oauth2-jwt-bearer `auth()` with an explicit issuer and JWKS URI. */
export const scenario: HttpScenarioModule = {
  kind: 'http',
  createApp(ctx) {
    const { auth } = require('express-oauth2-jwt-bearer') as OAuth2JwtBearer;
    const app = express();
    app.use(auth({ issuer: ctx.issuer, audience: ctx.audience, jwksUri: ctx.jwksUri, tokenSigningAlg: 'RS256' }));
    app.get('/', (_req, res) => {
      res.json({ ok: true });
    });
    app.use(jsonErrorHandler);
    return app;
  },
};
