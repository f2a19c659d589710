import type { VirtualServerRouter } from '@switchboard/core/federation/router';
import type { CallHandler } from './call.ts';
import { upstreamParams } from './upstream-params.ts';

const METHODS = { tool: 'tools/call', prompt: 'prompts/get', resource: 'resources/read' } as const;

/** Forward: the one request to the upstream that serves the call (the pipeline's last stage). */
export function forward(options: { router: () => VirtualServerRouter }): CallHandler {
  return (call) => {
    const { hooks, timeoutMs } = call.downstream;
    // (one object per call only when something is added to the caller's hooks)
    const forwardOptions = timeoutMs === undefined && !call.upstreamTrace ? hooks : { ...hooks, timeoutMs, headers: call.upstreamTrace };
    return options.router().forward(call.route!.upstreamId, METHODS[call.kind], upstreamParams(call), forwardOptions);
  };
}
