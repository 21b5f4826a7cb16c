import type { RequestHandler } from 'express';
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';

let exporter: PrometheusExporter | undefined;

/**
 * The examples' OpenTelemetry SDK: a MeterProvider registered globally (the jwks-kit packages record through
 * `@opentelemetry/api`), read by the Prometheus exporter. Register it before creating the verifier, denylist
 * or key ring. One per process (the one-process demo shares it); answers the `/metrics` handler.
 */
export function startMetrics(): RequestHandler {
  if (exporter === undefined) {
    exporter = new PrometheusExporter({ preventServerStart: true });
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));
  }
  const reader = exporter;
  return (req, res) => reader.getMetricsRequestHandler(req, res);
}
