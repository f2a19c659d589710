import { SynchronousContextManager } from './synchronous-context.ts';

export interface TracingSdk {
  /** Exports the spans still buffered, then stops the SDK. */
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK for traces. Everything about it is read by the SDK itself
 * from the standard `OTEL_*` variables (endpoint, headers, protocol, sampler, service name,
 * resource attributes, propagators, batch sizes): the gateway adds no settings of its own.
 * Traces only: metrics are Prometheus' (`/metrics`) and logs pino's, so the SDK's own
 * metric and log exporters (on by default) are switched off here. No auto-instrumentation:
 * the spans are the gateway's own (mcp/entry.ts, pipeline/pipeline.ts).
 *
 * Called only when config.ts found a trace endpoint (see Config.tracing), before the
 * gateway builds anything that takes a tracer. The SDK is imported here, not at module
 * load: with tracing off the process never loads it (measured: ~19 MB RSS and its exporters'
 * dependencies, e.g. gRPC and protobuf).
 */
export async function startTracingSdk(version: string): Promise<TracingSdk> {
  const [{ NodeSDK }, { defaultResource, resourceFromAttributes }] = await Promise.all([import('@opentelemetry/sdk-node'), import('@opentelemetry/resources')]);
  const sdk = new NodeSDK({
    // no AsyncLocalStorage: the gateway passes trace contexts explicitly (synchronous-context.ts)
    contextManager: new SynchronousContextManager(),
    // OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES, detected at start, override these defaults
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': 'switchboard', 'service.version': version })),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
