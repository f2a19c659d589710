import type { VirtualServerRouter } from '@switchboard/core/federation/router';
import type { CallHandler } from './call.ts';
import { upstreamParams } from './upstream-params.ts';

const METHODS = { tool: 'tools/call', prompt: 'prompts/get', resource: 'resources/read' } as const;

/** Forward: the one request to the upstream that serves the call (the pipeline's last stage). */
export function forward(options: { router: () => VirtualServerRouter }): CallHandler {
  return (call) => {
    const { hooks, timeoutMs } = call.downstream;
    // (the common case, a shared upstream and no timeout of the caller's, copies nothing)
    const sent = call.credential || timeoutMs !== undefined ? { ...hooks, timeoutMs, credential: call.credential } : hooks;
    return options.router().forward(call.route!.upstreamId, METHODS[call.kind], upstreamParams(call), sent);
  };
}
