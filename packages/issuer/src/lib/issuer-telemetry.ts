import type * as OtelApi from '@opentelemetry/api';
import { inSpan, otel, type Otel } from '@jwks-kit/core/telemetry';

interface Instruments {
  readonly o: Otel;
  readonly counters: Map<string, OtelApi.Counter>;
}

let instruments: Instruments | null | undefined;

/** The issuer's meter and tracer once `@opentelemetry/api` loaded and an SDK is registered; `null` without one. */
function resolve(): Instruments | null | undefined {
  if (instruments !== undefined) return instruments;
  const o = otel('@jwks-kit/issuer', '0.1.0');
  return (instruments = o && { o, counters: new Map() });
}

const COUNTERS = {
  'jwks_kit.issuer.tokens.signed': ['Access tokens signed, by kid.', '{token}'],
  'jwks_kit.issuer.refresh.outcomes': [
    'Refresh-token presentations, by outcome (rotated, replayed in the grace window, reused: theft detected, expired, binding_refused).',
    '{refresh}',
  ],
  'jwks_kit.issuer.key_ring.transitions': ['Key-ring transitions of a key (from → to state).', '{transition}'],
} as const;

/** Adds 1 to one of the issuer's counters (nothing without an SDK). Attributes: kid, outcome, states only. */
export function count(name: keyof typeof COUNTERS, attributes: OtelApi.Attributes): void {
  const i = resolve();
  if (!i) return;
  let counter = i.counters.get(name);
  if (counter === undefined) {
    const [description, unit] = COUNTERS[name];
    counter = i.o.meter.createCounter(name, { description, unit });
    i.counters.set(name, counter);
  }
  counter.add(1, attributes);
}

/** Runs `task` in a span (signing, refresh rotation) when tracing is on; the error code marks a failure. */
export function traced<T>(name: string, attributes: OtelApi.Attributes, task: () => Promise<T>): Promise<T> {
  return inSpan(resolve()?.o, name, attributes, task);
}

/** Adds `attributes` to the active span (the rotation's, say) when tracing is on. Outcome codes only. */
export function annotateSpan(attributes: OtelApi.Attributes): void {
  const o = resolve()?.o;
  if (o?.tracing) o.api.trace.getActiveSpan()?.setAttributes(attributes);
}
