import { ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { AuditSink } from '../audit/audit-writer.ts';
import { ATTR, CALL_METHODS, targetAttributes } from '../tracing/attributes.ts';
import { upstreamTraceHeaders } from '../tracing/propagation.ts';
import type { CallHandler, CallResult, McpCall, Stage } from './call.ts';
import { CallFailure } from './errors.ts';
import { classifyFailure, outcomeOf } from './outcome.ts';

/**
 * Spans around the pipeline's stages, applied where the pipeline is assembled (pipeline.ts)
 * and only when tracing is on: with it off the pipeline has none of these wrappers, so a
 * call creates no span, not even a no-op one. No stage knows it is traced; a new stage
 * gets its span by being wrapped in `spanned` there.
 */

/** Marks a span failed with the call's stable error code (never the message: it can carry data). */
function fail(span: Span, error: unknown) {
  const { outcome, errorCode } = error instanceof CallFailure ? error : classifyFailure(error);
  span.setAttributes({ [ATTR.outcome]: outcome, [ATTR.errorType]: errorCode });
  if (error instanceof CallFailure) span.setAttribute(ATTR.rpcStatusCode, String(error.code));
  span.setStatus({ code: SpanStatusCode.ERROR });
}

function succeed(span: Span, call: McpCall, result: CallResult) {
  const outcome = outcomeOf(call.kind, result);
  span.setAttribute(ATTR.outcome, outcome);
  // a tool that reports an error is a failed execution for the GenAI conventions
  if (outcome !== 'ok') span.setAttributes({ [ATTR.errorType]: outcome });
}

/** Hands the call to `handler`, marking `span` with how it went. */
async function marked(span: Span, call: McpCall, handler: CallHandler): Promise<CallResult> {
  try {
    const result = await handler(call);
    succeed(span, call, result);
    return result;
  } catch (error) {
    fail(span, error);
    throw error;
  }
}

/**
 * The outermost stage: names the call on the request's server span (mcp/entry.ts, passed as
 * `call.trace`) — the virtual server, the upstream the name routed to, the era and the
 * outcome. A call with no span around it (the console playground) gets an internal span
 * of its own, the parent of its stages' spans.
 */
export function callSpan(tracer: Tracer, virtualServerId: string): Stage {
  const annotate = async (span: Span, call: McpCall, next: CallHandler) => {
    span.setAttributes({ [ATTR.virtualServer]: virtualServerId, [ATTR.era]: call.era });
    try {
      return await marked(span, call, next);
    } finally {
      if (call.route) span.setAttribute(ATTR.upstream, call.route.upstreamName);
    }
  };
  return (call, next) => {
    const request = call.trace && trace.getSpan(call.trace);
    if (request) return annotate(request, call, next);
    const method = CALL_METHODS[call.kind];
    const { attributes, target } = targetAttributes(method, call.name);
    const parent = call.trace ?? ROOT_CONTEXT;
    const span = tracer.startSpan(target ? `${method} ${target}` : method, { attributes: { ...attributes, [ATTR.mcpMethod]: method } }, parent);
    call.trace = trace.setSpan(parent, span);
    return annotate(span, call, next).finally(() => span.end());
  };
}

/**
 * `stage` inside a child span named `name` that covers the stage's own work only: the span
 * ends when the stage hands the call on, and what follows is a child of the request's span
 * too, so policy, credentials and the upstream call are siblings, not nested.
 */
export function spanned(tracer: Tracer, name: string, stage: Stage): Stage {
  return (call, next) => {
    const span = tracer.startSpan(name, undefined, call.trace);
    let open = true;
    const close = () => {
      if (open) {
        open = false;
        span.end();
      }
    };
    const onward: CallHandler = (c) => {
      close();
      return next(c);
    };
    return stage(call, onward).then(
      (result) => {
        close();
        return result;
      },
      (error: unknown) => {
        // a refusal by this stage (not a failure further on) marks its span
        if (open) fail(span, error);
        close();
        throw error;
      },
    );
  };
}

/**
 * The upstream call as a client span. Its context is what the upstream receives
 * (`call.upstreamTrace`): in `_meta` for every upstream (upstream-params.ts) and as HTTP
 * headers for HTTP upstreams (forward.ts), so the upstream's spans join the caller's trace.
 */
export function tracedForward(tracer: Tracer, forward: CallHandler): CallHandler {
  return async (call) => {
    const method = CALL_METHODS[call.kind];
    const route = call.route!;
    const { attributes, target } = targetAttributes(method, route.item);
    const options = { kind: SpanKind.CLIENT, attributes: { ...attributes, [ATTR.mcpMethod]: method, [ATTR.upstream]: route.upstreamName } };
    const span = tracer.startSpan(target ? `${method} ${target}` : method, options, call.trace);
    call.upstreamTrace = upstreamTraceHeaders(trace.setSpan(call.trace ?? ROOT_CONTEXT, span));
    try {
      return await marked(span, call, forward);
    } finally {
      span.end();
    }
  };
}

/**
 * The audit stage (`stage`, given its sink) with its hand-off to the audit writer — a
 * queue: the database write follows in batches — as a child span of the call's request.
 */
export function tracedAudit(tracer: Tracer, sink: AuditSink, stage: (sink: AuditSink) => Stage): Stage {
  return (call, next) =>
    stage({
      record(event) {
        const span = tracer.startSpan('audit write', { attributes: { [ATTR.outcome]: event.outcome } }, call.trace);
        try {
          sink.record(event);
        } finally {
          span.end();
        }
      },
    })(call, next);
}
