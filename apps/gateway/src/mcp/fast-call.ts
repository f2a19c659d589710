import type { ServerResponse } from 'node:http';
import { isInputRequiredResult } from '@modelcontextprotocol/server';
import type { VirtualServerRouter, Visibility } from '@switchboard/core/federation/router';
import type { HeaderReader } from './admission.ts';
import type { CallAuditor } from './call-audit.ts';
import { toProtocolError } from './errors.ts';
import { CLIENT_CAPABILITIES, downstreamResult, isHopMetaKey, upstreamCapabilities } from './forwarding.ts';
import { LOG_LEVEL_META, type LogLevel, upstreamLogLevel, wants } from './logging.ts';

/**
 * The part of a fast `tools/call` both protocol eras share (fast-path.ts for 2025-era
 * sessions, modern-fast-path.ts for 2026-07-28 requests): route under the caller's
 * visibility, forward, project, audit, and map a failure to the same JSON-RPC error the
 * SDK path gives. Progress and logs go out on the response as an event stream, opened only
 * once there is something to stream.
 */

/** What a fast path reads of a POST: its headers, and its body, read on demand (at most once). */
export interface FastPost {
  header: HeaderReader;
  /** The body as text, or the answer when it cannot be had (413 too large, 400 unreadable). */
  body(): Promise<string | Response>;
}

/** A JSON body from a client that takes both answer forms (JSON or an event stream), as the SDK's handlers require. */
export function plainJsonPost(header: HeaderReader): boolean {
  const accept = header('accept') ?? '';
  return accept.includes('application/json') && accept.includes('text/event-stream') && (header('content-type') ?? '').startsWith('application/json');
}

/** Where a fast call sends what it has to say: nothing is written until the first message. */
export class FastReply {
  private streaming = false;

  constructor(
    private readonly res: ServerResponse,
    /** Headers of every answer (a 2025-era session's `Mcp-Session-Id`). */
    private readonly headers: Record<string, string> = {},
  ) {}

  /** A notification before the answer: opens the event stream on first use. */
  send(payload: unknown): void {
    if (!this.streaming) {
      this.streaming = true;
      this.res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...this.headers });
    }
    this.res.write(`event: message\ndata: ${JSON.stringify(payload)}\n\n`);
  }

  /** The answer: one JSON body with a length (cheaper at both ends), or the stream's last event. */
  end(payload: unknown): void {
    const data = JSON.stringify(payload);
    if (this.streaming) this.res.end(`event: message\ndata: ${data}\n\n`);
    else this.res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...this.headers }).end(data);
  }
}

export interface FastToolCall {
  id: string | number;
  params: Record<string, unknown>;
  /** What the client can answer; travels upstream in the 2026-07-28 envelope. */
  clientCapabilities: Record<string, unknown>;
  /** Which log messages the client gets (see logging.ts). */
  logThreshold: LogLevel | 'all' | 'none';
  signal: AbortSignal;
  /** The era's own projection of a tool result (structured content fallbacks). */
  project(result: Record<string, unknown>, outputSchema: Record<string, unknown> | undefined): Record<string, unknown>;
  /** 2026-07-28: an `input_required` result is the answer; a 2025-era client cannot take one. */
  relayInputRequired: boolean;
}

/** Forwards one `tools/call` and returns the JSON-RPC response to send. */
export async function relayToolCall(
  router: VirtualServerRouter,
  visible: Visibility | undefined,
  audit: CallAuditor | undefined,
  call: FastToolCall,
  reply: FastReply,
): Promise<Record<string, unknown>> {
  const { id, params, logThreshold } = call;
  const meta = (params._meta ?? {}) as Record<string, unknown>;
  const progressToken = meta.progressToken as string | number | undefined;
  let upstreamName: string | undefined;
  const audited = audit?.start('tool', params.name as string, params.arguments);
  try {
    const route = router.toolRoute(params.name as string, visible);
    upstreamName = route.upstreamName;
    // The params as they go upstream, built in one pass (no entries arrays, no spread copies).
    // (`__proto__`, an own key only JSON.parse can make, would set the prototype by assignment)
    const forwardedMeta: Record<string, unknown> = {};
    for (const key in meta) if (key !== '__proto__' && !isHopMetaKey(key)) forwardedMeta[key] = meta[key];
    const level = upstreamLogLevel(logThreshold);
    if (level) forwardedMeta[LOG_LEVEL_META] = level;
    // The upstream asks for input only if this client could give it.
    forwardedMeta[CLIENT_CAPABILITIES] = upstreamCapabilities(call.clientCapabilities);
    const forwarded: Record<string, unknown> = {};
    for (const key in params) if (key !== '_meta' && key !== '__proto__') forwarded[key] = params[key];
    forwarded.name = route.name;
    forwarded._meta = forwardedMeta;
    const result = await router.forwardToolCall(route, forwarded, {
      signal: call.signal,
      onProgress:
        progressToken === undefined
          ? undefined
          : (p) => reply.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken, ...p } }),
      onLog:
        logThreshold === 'none'
          ? undefined
          : (p) => {
              if (wants(logThreshold, p.level)) reply.send({ jsonrpc: '2.0', method: 'notifications/message', params: p });
            },
    });
    if (isInputRequiredResult(result)) {
      if (!call.relayInputRequired) throw new Error('the upstream asked for input this client cannot give');
      audited?.ok(result);
      return { jsonrpc: '2.0', id, result: downstreamResult(result) };
    }
    const outputSchema = route.tool.outputSchema as Record<string, unknown> | undefined;
    const projected = call.project(result, outputSchema);
    audited?.ok(projected);
    return { jsonrpc: '2.0', id, result: downstreamResult(projected) };
  } catch (error) {
    audited?.failed(error);
    const failure = toProtocolError(error, upstreamName) as { code?: unknown; message?: string; data?: unknown };
    const code = typeof failure.code === 'number' ? failure.code : -32603;
    const message = typeof failure.code === 'number' ? failure.message : 'internal error';
    return { jsonrpc: '2.0', id, error: { code, message, ...(failure.data !== undefined && { data: failure.data }) } };
  }
}

/** Aborts `controller` when the client goes away before its answer was written. */
export function abortOnClientGone(res: ServerResponse, controller: AbortController): void {
  res.once('close', () => {
    if (!res.writableFinished) controller.abort(new Error('client went away'));
  });
}
