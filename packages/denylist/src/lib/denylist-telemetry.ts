import type * as OtelApi from '@opentelemetry/api';
import { otel, outcomeAttributes } from '@jwks-kit/core/telemetry';
import type { RevocationClaims } from '../denylist.js';
import type { DenylistEvent } from '../denylist-events.js';
import type { DenylistLogger } from '../denylist-logger.js';

interface Instruments {
  readonly checks: OtelApi.Counter;
  readonly revocations: OtelApi.Counter;
  readonly lag: OtelApi.Histogram;
  readonly resyncs: OtelApi.Counter;
}

type CheckOutcome = 'revoked' | 'not_revoked' | 'unavailable';

/**
 * The denylist's metrics (through `@opentelemetry/api`, an optional peer: nothing is recorded without an
 * SDK) and its state-change logs (fail-closed, disconnected, current again: once per change).
 */
export function denylistTelemetry(logger: DenylistLogger | undefined) {
  let instruments: Instruments | null | undefined;
  const resolve = (): Instruments | null | undefined => {
    if (instruments !== undefined) return instruments;
    const o = otel('@jwks-kit/denylist', '0.1.0');
    if (!o) return (instruments = o);
    const { meter } = o;
    return (instruments = {
      checks: meter.createCounter('jwks_kit.denylist.checks', {
        description: 'Denylist checks, by outcome (revoked, not_revoked, unavailable).',
        unit: '{check}',
      }),
      revocations: meter.createCounter('jwks_kit.denylist.revocations', {
        description: 'Revocations written, by kind (jti, subject, session).',
        unit: '{revocation}',
      }),
      lag: meter.createHistogram('jwks_kit.denylist.mirror.lag', {
        description: 'Time from a revocation write to its arrival in this mirror.',
        unit: 's',
        advice: { explicitBucketBoundaries: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5] },
      }),
      resyncs: meter.createCounter('jwks_kit.denylist.mirror.resyncs', {
        description: 'Full loads of the mirror from Redis, by reason.',
        unit: '{sync}',
      }),
    });
  };
  let refusing = false;
  let unsure = false;
  const settle = (outcome: CheckOutcome, error?: unknown) => {
    resolve()?.checks.add(1, outcomeAttributes(outcome));
    if (logger === undefined) return;
    if (outcome === 'unavailable' && !refusing) {
      refusing = true;
      logger.error({ err: error }, 'denylist cannot answer: checks fail closed (503 denylist_unavailable)');
    } else if (outcome !== 'unavailable' && refusing) {
      refusing = false;
      logger.info({}, 'denylist answers again');
    }
  };
  return {
    /** Wraps `check` to count outcomes; returns `check` itself when there is nothing to record. */
    check<R extends boolean | Promise<boolean>>(check: (claims: RevocationClaims) => R) {
      return (claims: RevocationClaims): R => {
        if (resolve() === null && logger === undefined) return check(claims);
        let answer: R;
        try {
          answer = check(claims);
        } catch (error) {
          settle('unavailable', error);
          throw error;
        }
        if (typeof answer === 'boolean') settle(answer ? 'revoked' : 'not_revoked');
        else
          void (answer as Promise<boolean>).then(
            (revoked) => settle(revoked ? 'revoked' : 'not_revoked'),
            (error: unknown) => settle('unavailable', error),
          );
        return answer;
      };
    },
    revoked(kind: 'jti' | 'subject' | 'session') {
      resolve()?.revocations.add(1, { 'jwks_kit.revocation.kind': kind });
    },
    /** Records and logs the Redis store's events (mirror lag, resyncs, disconnects, recoveries). */
    event(event: DenylistEvent) {
      const i = resolve();
      if (event.type === 'revocation') i?.lag.record(Math.max(0, event.lagMs) / 1000);
      else if (event.type === 'synced') i?.resyncs.add(1, { 'jwks_kit.sync.reason': event.reason });
      else if (event.type === 'current') {
        if (unsure) logger?.info({ unsureForMs: event.unsureForMs }, 'denylist mirror current again');
        unsure = false;
      } else if (!unsure) {
        unsure = true;
        const fields = event.type === 'error' ? { err: event.error } : {};
        logger?.warn(
          fields,
          `denylist mirror ${event.type === 'error' ? 'failing' : 'disconnected'}: unsure of being current`,
        );
      }
    },
  };
}
