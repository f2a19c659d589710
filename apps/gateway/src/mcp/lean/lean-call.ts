import { INTERNAL_ERROR, ProtocolError } from '@modelcontextprotocol/server';
import type { CallHandler, McpCall } from '../../pipeline/call.ts';
import type { LogThreshold } from '../logging.ts';
import { wants } from '../logging.ts';
import type { LeanReply } from './reply.ts';

export type JsonRpcId = string | number;

/** The call's downstream hooks on the lean path: progress and logs as notifications on the reply's stream. */
export function leanHooks(reply: LeanReply, meta: Record<string, unknown> | undefined, threshold: LogThreshold, signal: AbortSignal): McpCall['downstream']['hooks'] {
  const progressToken = meta?.progressToken as string | number | undefined;
  return {
    signal,
    onProgress:
      progressToken === undefined
        ? undefined
        : (p) => reply.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken, ...p } }),
    onLog:
      threshold === 'none'
        ? undefined
        : (p) => {
            if (wants(threshold, p.level)) reply.send({ jsonrpc: '2.0', method: 'notifications/message', params: p });
          },
  };
}

/** Runs one call through the pipeline and frames the outcome as a JSON-RPC response (the lean adapter's encode). */
export async function leanResponse(pipeline: CallHandler, call: McpCall, id: JsonRpcId): Promise<Record<string, unknown>> {
  try {
    return { jsonrpc: '2.0', id, result: await pipeline(call) };
  } catch (error) {
    // the pipeline's error stage hands out ProtocolErrors only
    const failure = error instanceof ProtocolError ? error : new ProtocolError(INTERNAL_ERROR, 'internal error');
    return { jsonrpc: '2.0', id, error: { code: failure.code, message: failure.message, ...(failure.data !== undefined && { data: failure.data }) } };
  }
}
