import { randomUUID } from 'node:crypto';
import { INTERNAL_ERROR, INVALID_REQUEST, inputRequired, ProtocolError, UrlElicitationRequiredError } from '@modelcontextprotocol/server';
import { RoutingError } from '@switchboard/core/federation/router';
import { UpstreamError } from '@switchboard/core/upstream/types';
import type { Logger } from 'pino';
import { CredentialRequired } from '../credentials/types.ts';
import type { CallResult, McpCall, Stage } from './call.ts';
import { classifyFailure, type Outcome } from './outcome.ts';

const REQUEST_TIMEOUT = -32001;

/**
 * What the client sees when a call fails: the upstream's own JSON-RPC error unchanged, or
 * a clear gateway error naming the upstream — never a stack or internals.
 */
export function toProtocolError(error: unknown, upstreamName?: string): ProtocolError | undefined {
  if (error instanceof ProtocolError) return error;
  if (error instanceof RoutingError) return new ProtocolError(error.rpcCode, error.message);
  if (error instanceof UpstreamError) {
    const where = upstreamName ? `upstream "${upstreamName}"` : 'the upstream';
    switch (error.code) {
      case 'upstream_error':
        return new ProtocolError(error.rpcCode ?? INTERNAL_ERROR, error.message, error.data);
      case 'upstream_timeout':
        return new ProtocolError(REQUEST_TIMEOUT, `${where} did not answer in time`, { upstream: upstreamName, reason: 'timeout' });
      case 'upstream_cancelled':
        return new ProtocolError(REQUEST_TIMEOUT, 'request cancelled', { upstream: upstreamName, reason: 'cancelled' });
      default:
        // The cause (often the upstream's stderr) stays in the log and the admin status:
        // a third-party server's output is not for clients.
        return new ProtocolError(INTERNAL_ERROR, `${where} is unavailable; try again shortly`, { upstream: upstreamName, reason: 'unavailable' });
    }
  }
  return undefined;
}

/**
 * A call that failed, as every adapter receives it: the JSON-RPC error for the client, and
 * the outcome and stable code the audit trail (and the playground) name it by.
 */
export class CallFailure extends ProtocolError {
  constructor(
    error: ProtocolError,
    readonly outcome: Outcome,
    readonly errorCode: string,
  ) {
    super(error.code, error.message, error.data);
  }
}

/**
 * Error mapping: every failure leaves the pipeline as a CallFailure, which each adapter
 * writes in its own framing. Anything unexpected is logged and answered as an internal
 * error, without its message.
 */
export function mapErrors(options: { logger: Logger }): Stage {
  return async (call, next) => {
    try {
      return await next(call);
    } catch (error) {
      if (error instanceof CredentialRequired) return credentialRequired(call, error);
      const { outcome, errorCode } = classifyFailure(error);
      const mapped = toProtocolError(error, call.route?.upstreamName);
      if (!mapped) options.logger.error({ err: error, kind: call.kind, name: call.name }, 'call failed unexpectedly');
      throw new CallFailure(mapped ?? new ProtocolError(INTERNAL_ERROR, 'internal error'), outcome, errorCode);
    }
  };
}

/** Whether the client said it can open a URL for the person (elicitation `url` mode, 2025-11-25 and later). */
const opensUrls = (call: McpCall) => {
  const elicitation = call.downstream.clientCapabilities?.elicitation as Record<string, unknown> | undefined;
  return typeof elicitation === 'object' && elicitation !== null && 'url' in elicitation;
};

/**
 * The person has not connected their credential for the upstream: a client that can open
 * URLs is asked to open the connect link — the URL-elicitation-required error (-32042) on
 * the 2025 era, an `input_required` result on 2026-07-28 (where that error does not
 * exist) — and retries the call once the person connected. Any other client gets a tool
 * error (or, for a resource or prompt, a JSON-RPC error) whose text gives the link.
 */
function credentialRequired(call: McpCall, error: CredentialRequired): CallResult {
  const refusal = { outcome: 'denied', errorCode: 'credential_required' } as const;
  const message = `${error.message}. Open ${error.connectUrl} to connect, then try again.`;
  if (opensUrls(call)) {
    if (call.era === 'legacy') {
      const elicitation = { mode: 'url' as const, elicitationId: randomUUID(), url: error.connectUrl, message };
      throw new CallFailure(new UrlElicitationRequiredError([elicitation], message), refusal.outcome, refusal.errorCode);
    }
    if (call.downstream.inputRequired === 'relay') {
      call.refusal = refusal;
      return inputRequired({ inputRequests: { [`connect-${error.upstreamName}`]: inputRequired.elicitUrl({ url: error.connectUrl, message }) } }) as CallResult;
    }
  }
  if (call.kind !== 'tool') {
    const data = { upstream: error.upstreamName, reason: 'credential_required', connectUrl: error.connectUrl };
    throw new CallFailure(new ProtocolError(INVALID_REQUEST, message, data), refusal.outcome, refusal.errorCode);
  }
  call.refusal = refusal;
  return { content: [{ type: 'text', text: message }], isError: true };
}
