import express from 'express';
import { expressjwt } from 'express-jwt';
import jwksRsa from 'jwks-rsa';
import { jsonErrorHandler } from '../lib/error-handler.js';
import type { HttpScenarioModule } from '../lib/types.js';

/** Scenario 6: express-jwt with a jwks-rsa secret provider, as its README configures it. */
export const scenario: HttpScenarioModule = {
  kind: 'http',
  createApp(ctx) {
    const app = express();
    app.use(
      expressjwt({
        secret: jwksRsa.expressJwtSecret({
          jwksUri: ctx.jwksUri,
          cache: true,
          rateLimit: true,
          jwksRequestsPerMinute: 10,
        }),
        algorithms: ['RS256'],
        issuer: ctx.issuer,
        audience: ctx.audience,
      }),
    );
    app.get('/', (_req, res) => {
      res.json({ ok: true });
    });
    app.use(jsonErrorHandler);
    return app;
  },
};
