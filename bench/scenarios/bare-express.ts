import express from 'express';
import { withReservedShape } from '../lib/reserved-shape.js';
import type { HttpScenarioModule } from '../lib/types.js';

/** Scenario 1: Express 5 answering `{ ok: true }`, the ceiling every other scenario is compared to. */
export const scenario: HttpScenarioModule = {
  kind: 'http',
  createApp() {
    const app = express();
    app.get('/', (_req, res) => {
      res.json({ ok: true });
    });
    return app;
  },
};

/** Scenario 39: scenario 1 behind the `request` listener `requireAuth` prepends (the Express shape), and nothing else. */
export function shapedBareScenario(): HttpScenarioModule {
  return { kind: 'http', createApp: (ctx) => withReservedShape(scenario.createApp(ctx) as express.Application) };
}

const HANDED_ON = Object.freeze({ claims: Object.freeze({ sub: 'bench' }) });

/**
 * Bare Express with a one-line middleware in front that hands a constant on, either on `req.auth` (scenario 36)
 * or on `res.locals.auth`: what any middleware that hands a result on costs under Express 5 before doing anything
 * else (a second route layer, and for `req`, a property added to a request whose hidden class Express makes unique
 * per request; `res.locals` is a null-prototype dictionary, so a write there adds no hidden class). With `shaped`,
 * scenario 41: the `req.auth` store behind the `request` listener `requireAuth` prepends (row 39 plus the middleware).
 */
export function authStoreScenario(handOff: 'req' | 'locals', shaped = false): HttpScenarioModule {
  return {
    kind: 'http',
    createApp() {
      const app = express();
      app.get(
        '/',
        (req, res, next) => {
          if (handOff === 'req') (req as { auth?: unknown }).auth = HANDED_ON;
          else res.locals.auth = HANDED_ON;
          next();
        },
        (_req, res) => {
          res.json({ ok: true });
        },
      );
      return shaped ? withReservedShape(app) : app;
    },
  };
}
