import { isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type Logger } from 'pino';

/** The active span's ids on a log line (what a tracing backend joins logs and traces by). */
function traceIds(): Record<string, string> {
  const span = trace.getActiveSpan()?.spanContext();
  return span && isSpanContextValid(span) ? { trace_id: span.traceId, span_id: span.spanId, trace_flags: `0${span.traceFlags.toString(16)}` } : {};
}

/**
 * JSON logs. Credentials are redacted by path as a second line of defence; the first is
 * never putting them in a log call.
 */
export function createLogger(level: string, options: { traceIds?: boolean } = {}): Logger {
  return pino({
    level,
    // only with tracing on: otherwise no log line pays for looking up a span
    ...(options.traceIds && { mixin: traceIds }),
    base: { service: 'switchboard' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token', '*.secret', 'headers.authorization'],
      censor: '[redacted]',
    },
  });
}
