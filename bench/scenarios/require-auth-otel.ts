import { registerMetricsSdk } from '../lib/otel-sdk.js';
import type { HttpScenarioModule } from '../lib/types.js';
import { requireAuthScenario } from './require-auth.js';

const plain = requireAuthScenario('none');

/** Scenario 19 over HTTP: row 2 (`requireAuth`, repeated token) in a process with the metrics SDK on. */
export const scenario: HttpScenarioModule = {
  ...plain,
  async createApp(ctx) {
    await registerMetricsSdk();
    return plain.createApp(ctx);
  },
};
