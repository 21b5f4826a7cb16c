import type * as OtelApi from '@opentelemetry/api';

/** `@opentelemetry/api`, an optional peer: loaded once, asynchronously; `undefined` until then or when absent. */
let api: typeof OtelApi | undefined;
let settled = false;
/** Settles once the optional `@opentelemetry/api` has loaded or is known to be absent. */
export const otelLoaded: Promise<void> = import('@opentelemetry/api').then(
  (module) => {
    api = module;
    settled = true;
  },
  () => {
    settled = true;
  },
);

/** What instruments are made from: `undefined` while the API is loading, `null` when there is no SDK (for good). */
export interface Otel {
  readonly api: typeof OtelApi;
  readonly meter: OtelApi.Meter;
  readonly tracer: OtelApi.Tracer;
  /** True when a tracer provider is registered (spans would be recorded). */
  readonly tracing: boolean;
}

/**
 * The meter and tracer of `scope` when the application registered an OpenTelemetry SDK, `null` when it did
 * not (or the API is not installed): the package then records nothing and the request path pays one check.
 */
export function otel(scope: string, version: string): Otel | null | undefined {
  if (!settled) return undefined;
  if (api === undefined) return null;
  const meterProvider = api.metrics.getMeterProvider();
  const tracerProvider = api.trace.getTracerProvider() as OtelApi.TracerProvider & {
    getDelegate?: () => OtelApi.TracerProvider;
  };
  const metering = meterProvider.constructor.name !== 'NoopMeterProvider';
  const tracing = (tracerProvider.getDelegate?.() ?? tracerProvider).constructor.name !== 'NoopTracerProvider';
  if (!metering && !tracing) return null;
  return { api, meter: meterProvider.getMeter(scope, version), tracer: api.trace.getTracer(scope, version), tracing };
}

/** Runs `task` in a span named `name` when tracing is on (error status and exception on rejection). */
export async function inSpan<T>(
  o: Otel | null | undefined,
  name: string,
  attributes: OtelApi.Attributes,
  task: () => Promise<T>,
): Promise<T> {
  if (!o?.tracing) return task();
  return o.tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await task();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: o.api.SpanStatusCode.ERROR, message: (error as { code?: string }).code });
      throw error;
    } finally {
      span.end();
    }
  });
}
