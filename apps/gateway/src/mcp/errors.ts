import { ProtocolError } from '@modelcontextprotocol/server';
import { RoutingError } from '@switchboard/core/federation/router';
import { UpstreamError } from '@switchboard/core/upstream/types';

const REQUEST_TIMEOUT = -32001;
const INTERNAL_ERROR = -32603;

/**
 * What the client sees when a forwarded request fails: the upstream's own JSON-RPC error
 * unchanged, or a clear gateway error naming the upstream — never a stack or internals.
 */
export function toProtocolError(error: unknown, upstreamName?: string): unknown {
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
  return error;
}

/** Runs a forwarded request and translates its failure. */
export async function forwarding<T>(upstreamName: string | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toProtocolError(error, upstreamName);
  }
}

/** An HTTP response carrying a JSON-RPC error not tied to a request id (transport-level failures). */
export const rpcErrorResponse = (status: number, code: number, message: string, headers?: Record<string, string>) =>
  Response.json({ jsonrpc: '2.0', error: { code, message }, id: null }, { status, headers });
