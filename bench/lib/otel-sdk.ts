import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { otelLoaded } from '@jwks-kit/core/telemetry';

/**
 * "SDK on", as the example services run it: a global MeterProvider with a Prometheus reader (its HTTP server
 * not started: the bench scrapes nothing, so the cost measured is the recording on the request path).
 * Resolves once `@opentelemetry/api` is loaded by jwks-kit, so that what is created afterwards records.
 */
export async function registerMetricsSdk(): Promise<MeterProvider> {
  await otelLoaded;
  const provider = new MeterProvider({ readers: [new PrometheusExporter({ preventServerStart: true })] });
  metrics.setGlobalMeterProvider(provider);
  return provider;
}
