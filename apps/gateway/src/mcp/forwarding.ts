import type { ServerContext } from '@modelcontextprotocol/server';
import type { ForwardOptions } from '@switchboard/core/upstream/types';
import { LOG_LEVEL_META, type LogLevel, wants } from './logging.ts';

/**
 * Request `_meta` keys that belong to the hop between the client and the gateway (the
 * client's progress token, the 2026-07-28 envelope): the upstream connection sets its own.
 * Everything else (e.g. trace context) travels on.
 */
export function isHopMetaKey(key: string) {
  return key === 'progressToken' || key.startsWith('io.modelcontextprotocol/');
}

export const CLIENT_CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities';

/**
 * The end client's capabilities as an upstream is told them: without `roots`. A client's
 * roots name directories on the client's machine, while upstreams run on or behind the
 * gateway; and servers take roots as their access boundary (server-filesystem replaces
 * the directories it was configured with by the client's roots), so passing them on would
 * let any user redraw what the administrator configured. The gateway's own connections
 * never declare roots either (upstream-client.ts).
 */
export function upstreamCapabilities(capabilities: Record<string, unknown>): Record<string, unknown> {
  if (!('roots' in capabilities)) return capabilities;
  const { roots: _, ...rest } = capabilities;
  return rest;
}

/**
 * The downstream request's params as they go upstream. The end client's capabilities
 * travel in the 2026-07-28 envelope, so an upstream asks for input (elicitation, sampling)
 * exactly when the person's client can answer it.
 */
export function upstreamParams(
  params: Record<string, unknown> | undefined,
  ctx: ServerContext,
  clientCapabilities?: Record<string, unknown>,
  logLevel?: LogLevel,
): Record<string, unknown> {
  const { _meta, ...rest } = params ?? {};
  const meta = Object.fromEntries(Object.entries((_meta as Record<string, unknown> | undefined) ?? {}).filter(([k]) => !isHopMetaKey(k)));
  const declared = (_meta as Record<string, unknown> | undefined)?.[CLIENT_CAPABILITIES] as Record<string, unknown> | undefined;
  const capabilities = declared ?? clientCapabilities;
  if (capabilities) meta[CLIENT_CAPABILITIES] = upstreamCapabilities(capabilities);
  if (logLevel) meta[LOG_LEVEL_META] = logLevel;
  const forwarded: Record<string, unknown> = { ...rest, ...(Object.keys(meta).length ? { _meta: meta } : {}) };
  // A legacy client answering a bridged elicitation re-enters with the answers on the context.
  if (ctx.mcpReq.inputResponses && !('inputResponses' in forwarded)) forwarded.inputResponses = ctx.mcpReq.inputResponses;
  return forwarded;
}

/** Cancellation, progress and log messages of the downstream request, wired to the upstream one. */
export function forwardOptions(ctx: ServerContext, logThreshold: LogLevel | 'all' | 'none' = 'none'): ForwardOptions {
  const progressToken = ctx.mcpReq._meta?.progressToken;
  return {
    onLog:
      logThreshold === 'none'
        ? undefined
        : (params) => {
            if (wants(logThreshold, params.level)) {
              ctx.mcpReq.notify({ method: 'notifications/message', params }).catch(() => {});
            }
          },
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
