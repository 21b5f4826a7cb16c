import type * as OtelApi from '@opentelemetry/api';

/** `@opentelemetry/api`, an optional peer: loaded once, asynchronously; `undefined` until then or when absent. */
let api: typeof OtelApi | undefined;
let settled = false;

/** Settles once the optional `@opentelemetry/api` has loaded or is known to be absent (it never rejects). */
export const otelLoaded: Promise<void> = import('@opentelemetry/api').then(
  (module) => {
    api = module;
    settled = true;
  },
  () => {
    settled = true;
  },
);

/** What a package makes its instruments from: its meter and tracer, and whether spans would be recorded. */
export interface Otel {
  readonly api: typeof OtelApi;
  readonly meter: OtelApi.Meter;
  readonly tracer: OtelApi.Tracer;
  /** True when a tracer provider is registered (spans would be recorded). */
  readonly tracing: boolean;
}

/** The provider behind the API's proxy (the proxy stays in place when the application registers none). */
const delegateOf = (provider: OtelApi.TracerProvider): OtelApi.TracerProvider =>
  (provider as { getDelegate?: () => OtelApi.TracerProvider }).getDelegate?.() ?? provider;

/**
 * The meter and tracer of the instrumentation scope `scope` when the application registered an OpenTelemetry
 * SDK (a meter provider, a tracer provider or both); `null` when it registered none or `@opentelemetry/api` is
 * not installed (the caller then records nothing, and its request path pays one check); `undefined` while the
 * API is still loading (a few ticks after start: ask again later, or await {@link otelLoaded}).
 */
export function otel(scope: string, version: string): Otel | null | undefined {
  if (!settled) return undefined;
  if (api === undefined) return null;
  const meterProvider = api.metrics.getMeterProvider();
  const metering = meterProvider.constructor.name !== 'NoopMeterProvider';
  const tracing = delegateOf(api.trace.getTracerProvider()).constructor.name !== 'NoopTracerProvider';
  if (!metering && !tracing) return null;
  return { api, meter: meterProvider.getMeter(scope, version), tracer: api.trace.getTracer(scope, version), tracing };
}

/**
 * Runs `task` inside an active span `name` with `attributes` when tracing is on, and plainly otherwise. A
 * rejection sets the span's status to error with the error's `code` as message and as `error.type`; the
 * exception itself (its message, its stack) is not recorded, so nothing of a token or claim reaches a span.
 */
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
      const code = (error as { code?: unknown } | null)?.code;
      const type = typeof code === 'string' ? code : 'error';
      span.setAttribute('error.type', type);
      span.setStatus({ code: o.api.SpanStatusCode.ERROR, message: type });
      throw error;
    } finally {
      span.end();
    }
  });
}

const outcomes = new Map<string, OtelApi.Attributes>();

/** The frozen attribute set `{ 'jwks_kit.outcome': outcome }`, made once per outcome (no allocation per call). */
export function outcomeAttributes(outcome: string): OtelApi.Attributes {
  let attributes = outcomes.get(outcome);
  if (attributes === undefined) {
    attributes = Object.freeze({ 'jwks_kit.outcome': outcome });
    outcomes.set(outcome, attributes);
  }
  return attributes;
}
