import type { ServerResponse } from 'node:http';
import { isInputRequiredResult, type Server } from '@modelcontextprotocol/server';
import type { VirtualServerRouter, Visibility } from '@switchboard/core/federation/router';
import type { CallAuditor } from './call-audit.ts';
import { toProtocolError } from './errors.ts';
import { CLIENT_CAPABILITIES, downstreamResult, isHopMetaKey } from './forwarding.ts';
import { LOG_LEVEL_META, type LogLevel, upstreamLogLevel, wants } from './logging.ts';

/** What the fast path needs of a 2025-era session. */
export interface FastSession {
  id: string;
  server: Server;
  state: { logLevel?: LogLevel };
  /** Calls this session has in flight on the fast path, so a cancel can find them. */
  calls: Map<string | number, AbortController>;
}

export type FastPathOutcome = { handled: true } | { handled: false; parsedBody?: unknown };

const SUPPORTED_VERSIONS = new Set(['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05']);

/**
 * The hot path of a gateway: `tools/call` on an open 2025-era session, relayed as a lean
 * JSON-RPC exchange written straight to the socket — no per-request SDK transport, stream
 * or Server dispatch (measured: those cost more than the upstream call itself). Anything
 * the SDK must handle (batches, other methods, clients that can answer elicitation or
 * sampling, unusual headers) falls back with the body already parsed. Same router, same
 * visibility rule, same error mapping and result projection as the SDK path.
 */
export async function tryFastToolCall(
  request: Request,
  outgoing: ServerResponse | undefined,
  session: FastSession,
  router: VirtualServerRouter,
  visible?: Visibility,
  audit?: CallAuditor,
): Promise<FastPathOutcome> {
  const accept = request.headers.get('accept') ?? '';
  const version = request.headers.get('mcp-protocol-version');
  if (
    !outgoing ||
    !accept.includes('text/event-stream') ||
    !accept.includes('application/json') ||
    !(request.headers.get('content-type') ?? '').startsWith('application/json') ||
    (version !== null && !SUPPORTED_VERSIONS.has(version))
  ) {
    return { handled: false };
  }
  const text = await request.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const message = body as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: Record<string, unknown> } | undefined;
  const caps = (session.server.getClientCapabilities() ?? {}) as Record<string, unknown>;
  // A cancel for a call the SDK never saw: abort it here (the upstream gets notifications/cancelled).
  const cancelled = message?.method === 'notifications/cancelled' ? session.calls.get(message.params?.requestId as string | number) : undefined;
  if (cancelled && message?.id === undefined) {
    cancelled.abort(new Error(String(message?.params?.reason ?? 'cancelled by the client')));
    outgoing.writeHead(202).end();
    return { handled: true };
  }
  if (
    !message ||
    typeof message !== 'object' ||
    Array.isArray(message) ||
    message.jsonrpc !== '2.0' ||
    message.method !== 'tools/call' ||
    !(typeof message.id === 'string' || typeof message.id === 'number') ||
    typeof message.params?.name !== 'string' ||
    caps.elicitation ||
    caps.sampling
  ) {
    return { handled: false, parsedBody: body ?? text };
  }

  const id = message.id;
  const params = message.params;
  const meta = (params._meta ?? {}) as Record<string, unknown>;
  const progressToken = meta.progressToken as string | number | undefined;
  const threshold = session.state.logLevel ?? 'all';
  // The headers wait for the first thing to send: a call that streams nothing (no progress,
  // no logs) is answered as one JSON body with a length, cheaper at both ends than a stream.
  let streaming = false;
  const write = (payload: unknown) => {
    if (!streaming) {
      streaming = true;
      outgoing.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'mcp-session-id': session.id });
    }
    outgoing.write(`event: message\ndata: ${JSON.stringify(payload)}\n\n`);
  };

  const aborted = new AbortController();
  session.calls.set(id, aborted);
  outgoing.once('close', () => {
    if (!outgoing.writableFinished) aborted.abort(new Error('client went away'));
  });

  let reply: unknown;
  let upstreamName: string | undefined;
  const audited = audit?.start('tool', params.name as string, params.arguments);
  try {
    const route = router.toolRoute(params.name as string, visible);
    upstreamName = route.upstreamName;
    // The params as they go upstream, built in one pass (no entries arrays, no spread copies).
    // (`__proto__`, an own key only JSON.parse can make, would set the prototype by assignment)
    const forwardedMeta: Record<string, unknown> = {};
    for (const key in meta) if (key !== '__proto__' && !isHopMetaKey(key)) forwardedMeta[key] = meta[key];
    const level = upstreamLogLevel(threshold);
    if (level) forwardedMeta[LOG_LEVEL_META] = level;
    // The upstream asks for input only if this client could give it (here: it cannot).
    forwardedMeta[CLIENT_CAPABILITIES] = caps;
    const forwarded: Record<string, unknown> = {};
    for (const key in params) if (key !== '_meta' && key !== '__proto__') forwarded[key] = params[key];
    forwarded.name = route.name;
    forwarded._meta = forwardedMeta;
    const result = await router.forwardToolCall(
      route,
      forwarded,
      {
        signal: aborted.signal,
        onProgress:
          progressToken === undefined
            ? undefined
            : (p) => write({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken, ...p } }),
        onLog: (p) => {
          if (wants(threshold, p.level)) write({ jsonrpc: '2.0', method: 'notifications/message', params: p });
        },
      },
    );
    if (isInputRequiredResult(result)) throw new Error('the upstream asked for input this client cannot give');
    const outputSchema = route.tool.outputSchema as Record<string, unknown> | undefined;
    const projected = session.server.projectCallToolResult(result as never, outputSchema) as Record<string, unknown>;
    audited?.ok(projected);
    reply = { jsonrpc: '2.0', id, result: downstreamResult(projected) };
  } catch (error) {
    audited?.failed(error);
    const failure = toProtocolError(error, upstreamName) as { code?: unknown; message?: string; data?: unknown };
    const code = typeof failure.code === 'number' ? failure.code : -32603;
    const messageText = typeof failure.code === 'number' ? failure.message : 'internal error';
    reply = { jsonrpc: '2.0', id, error: { code, message: messageText, ...(failure.data !== undefined && { data: failure.data }) } };
  }
  session.calls.delete(id);
  const data = JSON.stringify(reply);
  if (streaming) outgoing.end(`event: message\ndata: ${data}\n\n`);
  else {
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), 'mcp-session-id': session.id };
    outgoing.writeHead(200, headers).end(data);
  }
  return { handled: true };
}
