import { CLIENT_CAPABILITIES_META_KEY, LOG_LEVEL_META_KEY } from '@modelcontextprotocol/server';
import { upstreamLogLevel } from '../mcp/logging.ts';
import type { McpCall } from './call.ts';

/**
 * Request `_meta` keys that belong to the hop between the client and the gateway (the
 * client's progress token, the 2026-07-28 envelope): the upstream connection sets its own.
 * Everything else (e.g. trace context) travels on.
 */
export function isHopMetaKey(key: string) {
  return key === 'progressToken' || key.startsWith('io.modelcontextprotocol/');
}

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
 * The call's params as they go upstream, built in one pass: the upstream's own name (or URI), the
 * hop's `_meta` keys dropped, the end client's capabilities (so an upstream asks for input
 * exactly when the person's client can answer) and wanted log level in the 2026-07-28
 * envelope. (`__proto__`, an own key only JSON.parse can make, would set the prototype
 * by assignment: skipped.)
 */
export function upstreamParams(call: McpCall): Record<string, unknown> {
  const { params, downstream } = call;
  const meta = params._meta as Record<string, unknown> | undefined;
  const forwardedMeta: Record<string, unknown> = {};
  let metaKeys = 0;
  if (meta) {
    for (const key in meta) {
      if (key !== '__proto__' && !isHopMetaKey(key)) {
        forwardedMeta[key] = meta[key];
        metaKeys++;
      }
    }
  }
  if (downstream.clientCapabilities) {
    forwardedMeta[CLIENT_CAPABILITIES_META_KEY] = upstreamCapabilities(downstream.clientCapabilities);
    metaKeys++;
  }
  // the upstream call's span is the upstream's parent (set only when tracing is on)
  const trace = call.upstreamTrace;
  if (trace?.traceparent) {
    forwardedMeta.traceparent = trace.traceparent;
    if (trace.tracestate) forwardedMeta.tracestate = trace.tracestate;
    else delete forwardedMeta.tracestate;
    metaKeys++;
  }
  const level = upstreamLogLevel(downstream.logThreshold);
  if (level) {
    forwardedMeta[LOG_LEVEL_META_KEY] = level;
    metaKeys++;
  }
  const forwarded: Record<string, unknown> = {};
  for (const key in params) if (key !== '_meta' && key !== '__proto__') forwarded[key] = params[key];
  // (a resources/subscribe has no route: the router maps its URI itself)
  if (call.route) forwarded[call.kind === 'resource' ? 'uri' : 'name'] = call.route.item;
  if (metaKeys > 0) forwarded._meta = forwardedMeta;
  // A legacy client answering a bridged elicitation re-enters with the answers.
  if (downstream.inputResponses !== undefined && !('inputResponses' in forwarded)) forwarded.inputResponses = downstream.inputResponses;
  return forwarded;
}

/** An upstream result with its hop-specific `_meta` (the upstream's serverInfo, …) removed. */
export function downstreamResult<T extends Record<string, unknown>>(result: T): T {
  const meta = result._meta as Record<string, unknown> | undefined;
  if (!meta) return result;
  let hop = false;
  for (const key in meta) if (isHopMetaKey(key)) hop = true;
  if (!hop) return result;
  const kept = Object.fromEntries(Object.entries(meta).filter(([k]) => !isHopMetaKey(k)));
  const { _meta, ...rest } = result;
  return (Object.keys(kept).length ? { ...rest, _meta: kept } : rest) as T;
}
