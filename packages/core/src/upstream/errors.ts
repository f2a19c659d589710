/**
 * Maps whatever the SDK client throws onto the engine's one error type, so the router
 * can answer downstream clients without knowing SDK internals.
 */
import { ProtocolError, SdkError, SdkErrorCode, SdkHttpError } from '@modelcontextprotocol/client';
import { UpstreamError } from './types.ts';

const METHOD_NOT_FOUND = -32601;
const INTERNAL_ERROR = -32603;

export const unavailable = (message: string) => new UpstreamError('upstream_unavailable', message);

/**
 * The upstream no longer knows our session: HTTP 404 as the spec says, or 400 as many
 * servers answer (server-everything after a restart: "No valid session ID provided").
 * The request was not processed; the connection initializes a new session and sends it
 * once more (UpstreamConnection.request).
 */
export class SessionExpiredError extends UpstreamError {
  constructor(
    readonly status: number,
    /** What the upstream said, shortened. */
    readonly detail: string,
  ) {
    super('upstream_unavailable', `the upstream session expired (HTTP ${status}${detail ? `: ${detail}` : ''})`);
  }
}

/** The upstream's words in an error body: a JSON-RPC error's message, else the text, shortened. */
export function errorDetail(text: string): string {
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    if (typeof message === 'string') return message.slice(0, 200);
  } catch {
    // not JSON
  }
  return text.trim().slice(0, 200);
}

/**
 * @param aborted whether the caller's AbortSignal fired — the SDK reports an abort as
 *   a `RequestTimeout` SdkError carrying the abort reason, so only the caller's signal
 *   tells a cancellation from a timeout.
 */
export function toUpstreamError(error: unknown, aborted: boolean): UpstreamError {
  if (error instanceof UpstreamError) return error;
  if (aborted) return new UpstreamError('upstream_cancelled', 'request cancelled by the client');
  // the upstream answered with a JSON-RPC error: keep its code, message and data verbatim
  if (error instanceof ProtocolError) return new UpstreamError('upstream_error', error.message, error.code, error.data);
  // a request on the SDK's path that the upstream refused at the HTTP level for its session
  // (a 400 the SDK could not read as this request's JSON-RPC error, or a 404)
  if (error instanceof SdkHttpError && (error.status === 400 || error.status === 404)) {
    return new SessionExpiredError(error.status, errorDetail(String((error.data as { text?: unknown } | undefined)?.text ?? '')));
  }
  if (error instanceof SdkError) {
    switch (error.code) {
      case SdkErrorCode.RequestTimeout:
        return new UpstreamError('upstream_timeout', 'upstream did not answer in time');
      // e.g. `ping` or `logging/setLevel` toward a 2026-07-28 upstream: the method does
      // not exist in the era it speaks, which to a caller is "method not found"
      case SdkErrorCode.MethodNotSupportedByProtocolVersion:
      case SdkErrorCode.CapabilityNotSupported:
        return new UpstreamError('upstream_error', error.message, METHOD_NOT_FOUND);
      case SdkErrorCode.InvalidResult:
      case SdkErrorCode.UnsupportedResultType:
      case SdkErrorCode.InputRequiredRoundsExceeded:
        return new UpstreamError('upstream_error', error.message, INTERNAL_ERROR);
      default:
        return unavailable(withCause(error));
    }
  }
  // fetch failures (TypeError), "Not connected", spawn errors: the upstream is not reachable
  return unavailable(withCause(error));
}

/**
 * The message with what caused it: Node's fetch says only "fetch failed" and keeps the
 * reason (ECONNREFUSED, ENOTFOUND, a TLS verdict…) in `cause`, a level or two down.
 */
export function withCause(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  let cause = error instanceof Error ? error.cause : undefined;
  for (let depth = 0; cause && typeof cause === 'object' && depth < 3; depth++) {
    const { code, message: text } = cause as { code?: unknown; message?: unknown };
    const part = typeof text === 'string' && text ? text : typeof code === 'string' ? code : '';
    const withCode = typeof code === 'string' && part && !part.includes(code) ? `${part} (${code})` : part;
    if (withCode && !message.includes(withCode)) message = `${message}: ${withCode}`;
    cause = (cause as { cause?: unknown }).cause;
  }
  return message;
}

/**
 * Whether a failed connect may be the remembered era verdict's fault: the server answered
 * (initialize or a first request refused, negotiation failed) rather than being unreachable.
 * A crash or an outage says nothing about the era, so the verdict survives those.
 */
export function mayBeStaleVerdict(error: unknown): boolean {
  if (error instanceof UpstreamError) return error.code === 'upstream_error';
  if (error instanceof SdkError) return error.code === SdkErrorCode.EraNegotiationFailed;
  return error instanceof ProtocolError;
}

/** One short line for status.lastError / logs. */
export function describeError(error: unknown): string {
  const message = withCause(error);
  return message.split('\n')[0]!.slice(0, 300);
}
