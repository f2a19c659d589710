import type { ServerResponse } from 'node:http';
import type { Server } from '@modelcontextprotocol/server';
import type { VirtualServerRouter, Visibility } from '@switchboard/core/federation/router';
import type { CallAuditor } from './call-audit.ts';
import { abortOnClientGone, type FastPost, FastReply, plainJsonPost, relayToolCall } from './fast-call.ts';
import type { LogLevel } from './logging.ts';

/** What the fast path needs of a 2025-era session. */
export interface FastSession {
  id: string;
  server: Server;
  state: { logLevel?: LogLevel };
  /** Calls this session has in flight on the fast path, so a cancel can find them. */
  calls: Map<string | number, AbortController>;
}

/** Handled; or not, with the body as read so far (`parsedBody`) or the answer to give (`response`: too large). */
export type FastPathOutcome = { handled: true } | { handled: false; parsedBody?: unknown } | { handled: false; response: Response };

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
  post: FastPost,
  outgoing: ServerResponse,
  session: FastSession,
  router: VirtualServerRouter,
  visible?: Visibility,
  audit?: CallAuditor,
): Promise<FastPathOutcome> {
  const version = post.header('mcp-protocol-version');
  if (!plainJsonPost(post.header) || (version !== null && !SUPPORTED_VERSIONS.has(version))) return { handled: false };
  const text = await post.body();
  if (text instanceof Response) return { handled: false, response: text };
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
  const aborted = new AbortController();
  session.calls.set(id, aborted);
  abortOnClientGone(outgoing, aborted);
  const reply = new FastReply(outgoing, { 'mcp-session-id': session.id });
  const response = await relayToolCall(
    router,
    visible,
    audit,
    {
      id,
      params: message.params,
      clientCapabilities: caps,
      logThreshold: session.state.logLevel ?? 'all',
      signal: aborted.signal,
      project: (result, outputSchema) => session.server.projectCallToolResult(result as never, outputSchema) as Record<string, unknown>,
      relayInputRequired: false,
    },
    reply,
  );
  session.calls.delete(id);
  reply.end(response);
  return { handled: true };
}
