import type { ServerContext } from '@modelcontextprotocol/server';
import type { ForwardOptions } from '@switchboard/core/upstream/types';

/**
 * Request `_meta` keys that belong to the hop between the client and the gateway (the
 * client's progress token, the 2026-07-28 envelope): the upstream connection sets its own.
 * Everything else (e.g. trace context) travels on.
 */
function isHopMetaKey(key: string) {
  return key === 'progressToken' || key.startsWith('io.modelcontextprotocol/');
}

/** The downstream request's params as they go upstream. */
export function upstreamParams(params: Record<string, unknown> | undefined, ctx: ServerContext): Record<string, unknown> {
  const { _meta, ...rest } = params ?? {};
  const meta = Object.fromEntries(Object.entries((_meta as Record<string, unknown> | undefined) ?? {}).filter(([k]) => !isHopMetaKey(k)));
  const forwarded: Record<string, unknown> = { ...rest, ...(Object.keys(meta).length ? { _meta: meta } : {}) };
  // A legacy client answering a bridged elicitation re-enters with the answers on the context.
  if (ctx.mcpReq.inputResponses && !('inputResponses' in forwarded)) forwarded.inputResponses = ctx.mcpReq.inputResponses;
  return forwarded;
}

/** Cancellation and progress of the downstream request, wired to the upstream one. */
export function forwardOptions(ctx: ServerContext): ForwardOptions {
  const progressToken = ctx.mcpReq._meta?.progressToken;
  return {
    signal: ctx.mcpReq.signal,
    onProgress:
      progressToken === undefined
        ? undefined
        : (progress) => {
            ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken, ...progress } }).catch(() => {});
          },
  };
}

/** An upstream result with its hop-specific `_meta` (the upstream's serverInfo, …) removed. */
export function downstreamResult<T extends Record<string, unknown>>(result: T): T {
  const meta = result._meta as Record<string, unknown> | undefined;
  if (!meta) return result;
  const kept = Object.fromEntries(Object.entries(meta).filter(([k]) => !isHopMetaKey(k)));
  const { _meta, ...rest } = result;
  return (Object.keys(kept).length ? { ...rest, _meta: kept } : rest) as T;
}
