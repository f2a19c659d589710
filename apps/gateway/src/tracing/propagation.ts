import { type Context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';

/** W3C trace context as plain strings: what an upstream receives in headers and in `_meta`. */
export interface TraceHeaders {
  traceparent?: string;
  tracestate?: string;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * The caller's trace context: from the request's `params._meta` (traceparent/tracestate,
 * as the MCP conventions propagate it per message), else from the HTTP headers. Read by
 * the configured propagator (W3C trace context unless OTEL_PROPAGATORS says otherwise),
 * which ignores a malformed value.
 */
export function callerContext(header: (name: string) => string | null | undefined, meta: Record<string, unknown> | undefined): Context {
  const fromMeta = text(meta?.traceparent);
  const carrier: TraceHeaders = fromMeta
    ? { traceparent: fromMeta, tracestate: text(meta?.tracestate) }
    : { traceparent: header('traceparent') ?? undefined, tracestate: header('tracestate') ?? undefined };
  if (!carrier.traceparent) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, carrier);
}

/** The trace context an upstream request carries, with `context`'s span as its parent. */
export function upstreamTraceHeaders(context: Context): TraceHeaders {
  const carrier: Record<string, string> = {};
  propagation.inject(context, carrier);
  return { traceparent: carrier.traceparent, ...(carrier.tracestate && { tracestate: carrier.tracestate }) };
}
