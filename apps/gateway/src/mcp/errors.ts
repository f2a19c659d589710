import { toProtocolError } from '../pipeline/errors.ts';

/** Runs a forwarded request that is not a pipeline call (subscribe, completion) and translates its failure the same way. */
export async function forwarding<T>(upstreamName: string | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toProtocolError(error, upstreamName) ?? error;
  }
}

/** An HTTP response carrying a JSON-RPC error not tied to a request id (transport-level failures). */
export const rpcErrorResponse = (status: number, code: number, message: string, headers?: Record<string, string>) =>
  Response.json({ jsonrpc: '2.0', error: { code, message }, id: null }, { status, headers });
