import { requireAuth } from '@jwks-kit/verifier';
import { otelLoaded } from '@jwks-kit/core/telemetry';
import { middlewareVariant, requestWith } from '../lib/middleware-variant.js';
import { registerMetricsSdk } from '../lib/otel-sdk.js';
import { startOwnIssuer } from '../lib/own-issuer.js';
import type { MicroScenarioModule } from '../lib/types.js';

/**
 * Scenario 19: what the OpenTelemetry instrumentation costs the verifier's hot path — `requireAuth` called
 * alone (no HTTP) with a repeated token (verified-token cache hit), SDK off and SDK on, in one process, in
 * alternating 200 ms slices. "SDK off": a middleware created once `@opentelemetry/api` has loaded, with no
 * SDK registered (the application without an SDK; it runs the same branch as one without the API installed).
 * "SDK on": a second middleware created after a MeterProvider with a Prometheus reader is registered
 * (a counter add and a histogram record per call, and an outcome attribute on the active span, if any).
 */
export const scenario: MicroScenarioModule = {
  kind: 'micro',
  async setup(ctx) {
    const { jwks, repeated } = await startOwnIssuer(ctx);
    const make = async () => {
      const auth = requireAuth({ issuer: ctx.issuer, audience: ctx.audience, jwksUri: jwks.jwksUri });
      await auth.ready();
      return auth;
    };
    await otelLoaded;
    const off = await make();
    const provider = await registerMetricsSdk();
    const on = await make();
    const request = () => requestWith(repeated);
    return {
      variants: [middlewareVariant('SDK off', off, request), middlewareVariant('SDK on', on, request)],
      async close() {
        await Promise.all([off.close(), on.close(), provider.shutdown()]);
        await jwks.close();
      },
    };
  },
};
