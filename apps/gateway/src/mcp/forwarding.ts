import type { ServerContext } from '@modelcontextprotocol/server';
import type { ForwardOptions } from '@switchboard/core/upstream/types';
import { type LogThreshold, wants } from './logging.ts';

/**
 * The SDK adapter's side of a call's downstream hooks: cancellation, progress and log
 * messages of the SDK request, wired to the upstream one.
 */
export function sdkHooks(ctx: ServerContext, logThreshold: LogThreshold): Omit<ForwardOptions, 'timeoutMs'> {
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
