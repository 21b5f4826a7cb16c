import express, { type RequestHandler } from 'express';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { HttpScenarioModule } from '../lib/types.js';

/** Scenario 9: the middleware people write by hand with jose's createRemoteJWKSet + jwtVerify. */
export const scenario: HttpScenarioModule = {
  kind: 'http',
  createApp(ctx) {
    const jwks = createRemoteJWKSet(new URL(ctx.jwksUri));
    const auth: RequestHandler = (req, res, next) => {
      const header = req.headers.authorization;
      if (!header?.startsWith('Bearer ')) {
        res.status(401).json({ error: 'invalid_token' });
        return;
      }
      jwtVerify(header.slice(7), jwks, {
        issuer: ctx.issuer,
        audience: ctx.audience,
        algorithms: ['RS256'],
        typ: 'at+jwt',
      }).then(
        ({ payload }) => {
          res.locals.auth = payload;
          next();
        },
        () => {
          res.status(401).json({ error: 'invalid_token' });
        },
      );
    };
    const app = express();
    app.get('/', auth, (_req, res) => {
      res.json({ ok: true });
    });
    return app;
  },
};
