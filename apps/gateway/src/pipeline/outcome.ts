import { ProtocolError } from '@modelcontextprotocol/server';
import { RoutingError } from '@switchboard/core/federation/router';
import { UpstreamError } from '@switchboard/core/upstream/types';
import { CredentialRequired } from '../credentials/types.ts';

/**
 * How a call ended, as the audit trail, the playground and (later) metrics name it:
 * defined once here, for every path a call can take.
 */
export type Outcome = 'ok' | 'tool_error' | 'denied' | 'upstream_failure' | 'timeout';

/** No tool, prompt or resource by that name on this virtual server (route stage). */
export class UnknownName extends RoutingError {}

/**
 * The name exists but the access policy hides it from this caller (policy stage). The
 * caller is told exactly what an unknown name gets, so policy never reveals what exists.
 */
export class PolicyDenied extends RoutingError {}

/** A failed call's outcome and a short, stable error code (never a message: they can carry data). */
export function classifyFailure(error: unknown): { outcome: Outcome; errorCode: string } {
  if (error instanceof CredentialRequired) return { outcome: 'denied', errorCode: 'credential_required' };
  if (error instanceof PolicyDenied) return { outcome: 'denied', errorCode: 'policy' };
  if (error instanceof UnknownName) return { outcome: 'denied', errorCode: 'not_found' };
  if (error instanceof UpstreamError) {
    if (error.code === 'upstream_timeout') return { outcome: 'timeout', errorCode: 'timeout' };
    if (error.code === 'upstream_cancelled') return { outcome: 'upstream_failure', errorCode: 'cancelled' };
    if (error.code === 'upstream_error') return { outcome: 'upstream_failure', errorCode: `rpc_${error.rpcCode ?? 'unknown'}` };
    return { outcome: 'upstream_failure', errorCode: 'unavailable' };
  }
  if (error instanceof RoutingError) return { outcome: 'upstream_failure', errorCode: `rpc_${error.rpcCode}` };
  if (error instanceof ProtocolError) {
    const reason = (error.data as { reason?: unknown } | undefined)?.reason;
    if (reason === 'timeout') return { outcome: 'timeout', errorCode: 'timeout' };
    if (typeof reason === 'string') return { outcome: 'upstream_failure', errorCode: reason };
    return { outcome: 'upstream_failure', errorCode: `rpc_${error.code}` };
  }
  return { outcome: 'upstream_failure', errorCode: 'internal' };
}

/** A successful answer's outcome: a tool that reports an error is still an answer. */
export const outcomeOf = (kind: string, result: Record<string, unknown>): Outcome =>
  kind === 'tool' && result.isError === true ? 'tool_error' : 'ok';
