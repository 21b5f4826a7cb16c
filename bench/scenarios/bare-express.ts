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
