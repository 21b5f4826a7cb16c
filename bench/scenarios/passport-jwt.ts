import { createRequire } from 'node:module';
import express, { type RequestHandler } from 'express';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import jwksRsa from 'jwks-rsa';
import { jsonErrorHandler } from '../lib/error-handler.js';
import type { HttpScenarioModule } from '../lib/types.js';

/** The part of passport's API this scenario uses (bench has passport-jwt's types, not passport's). */
interface Passport {
  use(strategy: JwtStrategy): void;
  initialize(): RequestHandler;
  authenticate(strategy: 'jwt', options: { session: false }): RequestHandler;
}

const require = createRequire(import.meta.url);

/** Scenario 8: passport-jwt with a jwks-rsa secret provider, sessions off. */
export const scenario: HttpScenarioModule = {
  kind: 'http',
  createApp(ctx) {
    const passport = require('passport') as Passport;
    passport.use(
      new JwtStrategy(
        {
          jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
          secretOrKeyProvider: jwksRsa.passportJwtSecret({
            jwksUri: ctx.jwksUri,
            cache: true,
            rateLimit: true,
            jwksRequestsPerMinute: 10,
          }),
          issuer: ctx.issuer,
          audience: ctx.audience,
          algorithms: ['RS256'],
        },
        (payload: unknown, done: (err: unknown, user?: unknown) => void) => done(null, payload),
      ),
    );
    const app = express();
    app.use(passport.initialize());
    app.get('/', passport.authenticate('jwt', { session: false }), (_req, res) => {
      res.json({ ok: true });
    });
    app.use(jsonErrorHandler);
    return app;
  },
};
