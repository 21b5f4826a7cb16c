import type { Attributes, Counter, Histogram } from '@opentelemetry/api';
import type { RemoteKeySet } from '../remote-key-set.js';
import { inSpan, otel, otelLoaded, type Otel } from '@jwks-kit/core/telemetry';
import { SCOPE, SCOPE_VERSION } from './verifier-telemetry.js';

interface Instruments {
  readonly o: Otel;
  readonly fetches: Counter;
  readonly duration: Histogram;
  readonly refetches: Counter;
  readonly cooldownRefusals: Counter;
}

/** What a {@link RemoteKeySet} records: its fetches (span, outcome, duration), key age, unknown-kid misses. */
export interface KeySetTelemetry {
  /** Runs one fetch inside a `jwks_kit.jwks.fetch` span (with its outcome) and counts it (`200`, `304` or the error code). */
  traceFetch(fetch: () => Promise<200 | 304 | undefined>): Promise<void>;
}

/** Instruments `keySet` once an SDK is registered (resolved lazily, at its next fetch or miss). */
export function keySetTelemetry(keySet: RemoteKeySet): KeySetTelemetry {
  const base: Attributes = Object.freeze({ 'jwks_kit.jwks_uri': keySet.jwksUri.href });
  let instruments: Instruments | null | undefined;
  const resolve = (): Instruments | null | undefined => {
    if (instruments !== undefined) return instruments;
    const o = otel(SCOPE, SCOPE_VERSION);
    if (!o) return (instruments = o);
    const { meter } = o;
    meter
      .createObservableGauge('jwks_kit.verifier.jwks.key_age', {
        description: 'Age of the served JWKS (time since the last successful fetch).',
        unit: 's',
      })
      .addCallback((result) => {
        const ageMs = keySet.health().keyAgeMs;
        if (ageMs !== undefined) result.observe(ageMs / 1000, base);
      });
    instruments = {
      o,
      fetches: meter.createCounter('jwks_kit.verifier.jwks.fetches', {
        description: 'JWKS fetches, by outcome (200, 304, or the KeySetError code).',
        unit: '{fetch}',
      }),
      duration: meter.createHistogram('jwks_kit.verifier.jwks.fetch.duration', {
        description: 'Duration of a JWKS fetch (request, parsing and key import).',
        unit: 's',
        advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] },
      }),
      refetches: meter.createCounter('jwks_kit.verifier.jwks.unknown_kid_refetches', {
        description: 'Fetches started because a token named an unknown kid.',
        unit: '{fetch}',
      }),
      cooldownRefusals: meter.createCounter('jwks_kit.verifier.jwks.cooldown_refusals', {
        description: 'Unknown kids that did not cause a fetch (cooldown or backoff in force).',
        unit: '{lookup}',
      }),
    };
    return instruments;
  };
  keySet.on('unknownKid', (_kid, { refetched }) => {
    const i = resolve();
    if (i) (refetched ? i.refetches : i.cooldownRefusals).add(1, base);
  });
  return {
    async traceFetch(fetch) {
      if (instruments === undefined) await otelLoaded; // a first fetch at start-up is recorded too
      const i = resolve();
      if (!i) {
        await fetch();
        return;
      }
      const startedMs = performance.now();
      let outcome = 'ERR_JWKS_INVALID';
      try {
        await inSpan(i.o, 'jwks_kit.jwks.fetch', base, async () => {
          const status = await fetch();
          outcome = status === undefined ? 'closed' : String(status);
          i.o.api.trace.getActiveSpan()?.setAttribute('jwks_kit.outcome', outcome);
        });
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (typeof code === 'string') outcome = code;
        throw error;
      } finally {
        const attributes = { ...base, 'jwks_kit.outcome': outcome };
        i.fetches.add(1, attributes);
        i.duration.record((performance.now() - startedMs) / 1000, attributes);
      }
    },
  };
}
