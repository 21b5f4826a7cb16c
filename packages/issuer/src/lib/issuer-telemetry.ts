import type * as OtelApi from '@opentelemetry/api';

let api: typeof OtelApi | undefined;
import('@opentelemetry/api').then(
  (module) => void (api = module),
  () => undefined,
);

interface Instruments {
  readonly meter: OtelApi.Meter;
  readonly tracer: OtelApi.Tracer | undefined;
  readonly counters: Map<string, OtelApi.Counter>;
}

let instruments: Instruments | null | undefined;

/** The issuer's meter and tracer once `@opentelemetry/api` loaded and an SDK is registered; `null` without one. */
function resolve(): Instruments | null | undefined {
  if (instruments !== undefined || api === undefined) return instruments;
  const meterProvider = api.metrics.getMeterProvider();
  const tracerProvider = api.trace.getTracerProvider() as OtelApi.TracerProvider & {
    getDelegate?: () => OtelApi.TracerProvider;
  };
  const metering = meterProvider.constructor.name !== 'NoopMeterProvider';
  const tracing = (tracerProvider.getDelegate?.() ?? tracerProvider).constructor.name !== 'NoopTracerProvider';
  if (!metering && !tracing) return (instruments = null);
  instruments = {
    meter: meterProvider.getMeter('@jwks-kit/issuer', '0.1.0'),
    tracer: tracing ? api.trace.getTracer('@jwks-kit/issuer', '0.1.0') : undefined,
    counters: new Map(),
  };
  return instruments;
}

const COUNTERS = {
  'jwks_kit.issuer.tokens.signed': ['Access tokens signed, by kid.', '{token}'],
  'jwks_kit.issuer.refresh.outcomes': [
    'Refresh-token presentations, by outcome (rotated, replayed in the grace window, reused: theft detected, expired, invalid).',
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
    counter = i.meter.createCounter(name, { description, unit });
    i.counters.set(name, counter);
  }
  counter.add(1, attributes);
}

/** Runs `task` in a span (signing, refresh rotation) when tracing is on; the error code marks a failure. */
export async function traced<T>(name: string, attributes: OtelApi.Attributes, task: () => Promise<T>): Promise<T> {
  const tracer = resolve()?.tracer;
  if (tracer === undefined || api === undefined) return task();
  const { SpanStatusCode } = api;
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await task();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      span.setStatus({ code: SpanStatusCode.ERROR, message: typeof code === 'string' ? code : undefined });
      throw error;
    } finally {
      span.end();
    }
  });
}
