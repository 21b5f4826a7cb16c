import type { Counter, Histogram } from '@opentelemetry/api';
import { isVerifierError } from '../errors.js';
import { otel, outcomeAttributes, type Otel } from '@jwks-kit/core/telemetry';

/** Instrumentation scope of the verifier. */
export const SCOPE = '@jwks-kit/verifier';
export const SCOPE_VERSION = '0.1.0';

/** What the verifier records per request when an SDK is registered. */
export interface VerifierTelemetry {
  /** Counts the outcome (`ok` or the refusal code), records the duration, tags the active span. */
  settle(outcome: string, startedMs: number): void;
  cacheHit(): void;
  cacheMiss(): void;
  readonly o: Otel;
  readonly spanPerRequest: boolean;
}

/** The outcome code of a thrown value (`invalid_token` for anything that is not a VerifierError). */
export function outcomeOf(error: unknown): string {
  return isVerifierError(error) ? error.code : 'invalid_token';
}

/** Instruments of a verifier, or `null` without an SDK, `undefined` while `@opentelemetry/api` loads. */
export function verifierTelemetry(spanPerRequest: boolean): VerifierTelemetry | null | undefined {
  const o = otel(SCOPE, SCOPE_VERSION);
  if (!o) return o;
  const verifications: Counter = o.meter.createCounter('jwks_kit.verifier.verifications', {
    description: 'Access-token verifications, by outcome (ok or the refusal code).',
    unit: '{verification}',
  });
  const duration: Histogram = o.meter.createHistogram('jwks_kit.verifier.verification.duration', {
    description: 'Time to verify an access token (cache hits included).',
    unit: 's',
    advice: { explicitBucketBoundaries: [0.00001, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.01, 0.1, 1] },
  });
  const hits = o.meter.createCounter('jwks_kit.verifier.token_cache.hits', {
    description: 'Verified-token cache hits (the signature check was skipped).',
    unit: '{lookup}',
  });
  const misses = o.meter.createCounter('jwks_kit.verifier.token_cache.misses', {
    description: 'Verified-token cache misses.',
    unit: '{lookup}',
  });
  const { trace } = o.api;
  return {
    o,
    spanPerRequest,
    settle(outcome, startedMs) {
      const attributes = outcomeAttributes(outcome);
      verifications.add(1, attributes);
      duration.record((performance.now() - startedMs) / 1000, attributes);
      trace.getActiveSpan()?.setAttribute('jwks_kit.outcome', outcome);
    },
    cacheHit: () => hits.add(1),
    cacheMiss: () => misses.add(1),
  };
}
