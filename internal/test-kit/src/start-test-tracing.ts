import { context, trace, type AttributeValue } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';

/** A real OpenTelemetry tracer provider, registered globally, whose finished spans stay in memory. */
export interface TestTracing {
  readonly provider: BasicTracerProvider;
  /** The finished spans so far, oldest first. */
  spans(): ReadableSpan[];
  /** The finished spans named `name`. */
  spansNamed(name: string): ReadableSpan[];
  /** Forgets the finished spans. */
  reset(): void;
  /** Unregisters the provider and the context manager. */
  stop(): Promise<void>;
}

/**
 * Registers a `BasicTracerProvider` (with an in-memory exporter) and an AsyncLocalStorage context manager as
 * the global OpenTelemetry SDK, as an application would. Call it before the code under test first records
 * anything: jwks-kit resolves its tracer once.
 */
export function startTestTracing(): TestTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(provider);
  return {
    provider,
    spans: () => exporter.getFinishedSpans(),
    spansNamed: (name) => exporter.getFinishedSpans().filter((span) => span.name === name),
    reset: () => exporter.reset(),
    async stop() {
      await provider.shutdown();
      trace.disable();
      context.disable();
    },
  };
}

/**
 * Every value a span carries that an exporter would send: its name, attributes, status message, and the
 * attributes of its events and links, as strings (for asserting that no secret reaches telemetry).
 */
export function exportedSpanValues(span: ReadableSpan): string[] {
  const values = (attributes: Readonly<Record<string, AttributeValue | undefined>>) =>
    Object.values(attributes).flatMap((value) => (Array.isArray(value) ? value.map(String) : [String(value)]));
  return [
    span.name,
    ...values(span.attributes),
    ...(span.status.message === undefined ? [] : [span.status.message]),
    ...span.events.flatMap((event) => [event.name, ...values(event.attributes ?? {})]),
    ...span.links.flatMap((link) => values(link.attributes ?? {})),
  ];
}

/**
 * The secrets (tokens, refresh tokens, key material, claim values) found in any exported value of `spans`:
 * equal to it, or containing it when the secret has 8 characters or more; `[]` when none leaks.
 */
export function leakedSecrets(spans: readonly ReadableSpan[], secrets: readonly string[]): string[] {
  const exported = spans.flatMap(exportedSpanValues);
  return secrets.filter((secret) =>
    exported.some((value) => value === secret || (secret.length >= 8 && value.includes(secret))),
  );
}
