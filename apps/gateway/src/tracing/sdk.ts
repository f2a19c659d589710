import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';

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
 * Called only when config.ts found a trace endpoint (see `tracingEnabled`), before the
 * gateway builds anything that takes a tracer.
 */
export function startTracingSdk(version: string): TracingSdk {
  const sdk = new NodeSDK({
    // OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES, detected at start, override these defaults
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': 'switchboard', 'service.version': version })),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
