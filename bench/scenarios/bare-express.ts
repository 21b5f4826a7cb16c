import express from 'express';
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

const HANDED_ON = Object.freeze({ claims: Object.freeze({ sub: 'bench' }) });

/**
 * Scenario 36: bare Express with a one-line middleware in front that sets `req.auth` to a constant: what any
 * middleware that hands a result on the request costs under Express 5 before doing anything else (a second route
 * layer, and a property added to a request whose hidden class Express makes unique per request).
 */
export const authStoreScenario: HttpScenarioModule = {
  kind: 'http',
  createApp() {
    const app = express();
    app.get(
      '/',
      (req, _res, next) => {
        (req as { auth?: unknown }).auth = HANDED_ON;
        next();
      },
      (_req, res) => {
        res.json({ ok: true });
      },
    );
    return app;
  },
};
