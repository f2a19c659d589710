import type { ServerResponse } from 'node:http';
import { type Server, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/server';
import type { CallerContext, CallHandler } from '../../pipeline/call.ts';
import { legacyProjection } from '../../pipeline/project.ts';
import type { LogLevel } from '../logging.ts';
import type { McpPost } from '../mcp-post.ts';
import { leanHooks, leanResponse } from './lean-call.ts';
import { abortOnClientGone, LeanReply } from './reply.ts';

/** What the lean path needs of a 2025-era session. */
export interface LeanSession {
  id: string;
  server: Server;
  caller: CallerContext;
  state: { logLevel?: LogLevel };
  /** Calls this session has in flight on the lean path, so a cancel can find them. */
  leanCalls: Map<string | number, AbortController>;
}

const VERSIONS = new Set<string>(SUPPORTED_PROTOCOL_VERSIONS);

type Message = { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: Record<string, unknown> };

/**
 * The lean adapter for 2025-era sessions: a `tools/call` on an open session (and the
 * cancel of one it is running) decoded from the body the entry read, through the call
 * pipeline, answered straight on the socket — no per-request SDK transport, stream or
 * Server dispatch. Returns false, having written nothing, for anything the SDK transport
 * must serve (batches, other methods, clients that can answer elicitation or sampling).
 */
export async function serveLegacyLean(post: McpPost, res: ServerResponse, session: LeanSession, pipeline: CallHandler): Promise<boolean> {
  const version = post.header('mcp-protocol-version');
  if (!post.plain || (version !== null && !VERSIONS.has(version))) return false;
  const message = post.parsed as Message | undefined;
  if (!message || typeof message !== 'object' || Array.isArray(message) || message.jsonrpc !== '2.0') return false;
  // A cancel for a call the SDK never saw: abort it here (the upstream gets notifications/cancelled).
  if (message.method === 'notifications/cancelled' && message.id === undefined) {
    const running = session.leanCalls.get(message.params?.requestId as string | number);
    if (!running) return false;
    running.abort(new Error(String(message.params?.reason ?? 'cancelled by the client')));
    res.writeHead(202, post.answerHeaders).end();
    return true;
  }
  const caps = (session.server.getClientCapabilities() ?? {}) as Record<string, unknown>;
  const id = message.id;
  if (message.method !== 'tools/call' || !(typeof id === 'string' || typeof id === 'number') || typeof message.params?.name !== 'string') return false;
  if (caps.elicitation || caps.sampling) return false;

  const params = message.params;
  const aborted = new AbortController();
  session.leanCalls.set(id, aborted);
  abortOnClientGone(res, aborted);
  const reply = new LeanReply(res, [...post.answerHeaders, 'mcp-session-id', session.id]);
  const threshold = session.state.logLevel ?? 'all';
  const response = await leanResponse(
    pipeline,
    {
      kind: 'tool',
      name: params.name as string,
      params,
      era: 'legacy',
      caller: session.caller,
      trace: post.trace,
      downstream: {
        clientCapabilities: caps,
        logThreshold: threshold,
        inputRequired: 'refuse',
        project: legacyProjection(session.server),
        hooks: leanHooks(reply, params._meta as Record<string, unknown> | undefined, threshold, aborted.signal),
      },
    },
    id,
  );
  session.leanCalls.delete(id);
  reply.end(response);
  return true;
}
