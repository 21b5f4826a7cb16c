import { metrics, type Attributes } from '@opentelemetry/api';
import { DataPointType, MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';

/** A reader collected on demand (cumulative), as a Prometheus scrape would. */
class OnDemandReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** One data point as a test reads it: its attributes, and the sum (counter, gauge) or count (histogram). */
export interface TestDataPoint {
  readonly attributes: Attributes;
  /** Counter sum, gauge value, or histogram count. */
  readonly value: number;
}

/** A real OpenTelemetry MeterProvider, registered globally, collected on demand. */
export interface TestMetrics {
  readonly provider: MeterProvider;
  /** Every metric recorded so far, by instrument name. */
  collect(): Promise<Map<string, MetricData>>;
  /** The data points of `name` (`[]` when it recorded nothing), optionally only those whose attributes include `match`. */
  points(name: string, match?: Attributes): Promise<TestDataPoint[]>;
  /** Sum of the values of `points(name, match)`: a counter's total, or a histogram's number of recordings. */
  total(name: string, match?: Attributes): Promise<number>;
  /** Unregisters the provider. */
  stop(): Promise<void>;
}

/**
 * Registers a `MeterProvider` with an on-demand reader as the global OpenTelemetry meter provider, as an
 * application would. Call it before creating the code under test: jwks-kit resolves its meter once.
 */
export function startTestMetrics(): TestMetrics {
  const reader = new OnDemandReader();
  const provider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(provider);
  const collect = async () => {
    const { resourceMetrics } = await reader.collect();
    return new Map(
      resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics.map((m) => [m.descriptor.name, m] as const)),
    );
  };
  const points = async (name: string, match: Attributes = {}): Promise<TestDataPoint[]> => {
    const metric = (await collect()).get(name);
    if (metric === undefined) return [];
    const wanted = Object.entries(match);
    return metric.dataPoints
      .filter((point) => wanted.every(([key, value]) => point.attributes[key] === value))
      .map((point) => ({
        attributes: point.attributes,
        value:
          metric.dataPointType === DataPointType.HISTOGRAM ||
          metric.dataPointType === DataPointType.EXPONENTIAL_HISTOGRAM
            ? (point.value as { count: number }).count
            : (point.value as number),
      }));
  };
  return {
    provider,
    collect,
    points,
    total: async (name, match) => (await points(name, match)).reduce((sum, point) => sum + point.value, 0),
    async stop() {
      await provider.shutdown();
      metrics.disable();
    },
  };
}
