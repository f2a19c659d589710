import type { ServerResponse } from 'node:http';
import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  LOG_LEVEL_META_KEY,
  PROTOCOL_VERSION_META_KEY,
  SERVER_INFO_META_KEY,
} from '@modelcontextprotocol/server';
import type { CallerContext, CallHandler } from '../../pipeline/call.ts';
import { modernProjection } from '../../pipeline/project.ts';
import { isLogLevel, logThreshold } from '../logging.ts';
import type { McpPost } from '../mcp-post.ts';
import { leanHooks, leanResponse } from './lean-call.ts';
import { abortOnClientGone, LeanReply } from './reply.ts';

/**
 * The stateless revisions the SDK's modern handler serves (its list is not exported; a
 * revision it adds later simply takes the SDK path until named here).
 */
const MODERN_VERSIONS = new Set(['2026-07-28']);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether a request may take the modern lean path at all, from its headers alone. */
export function isModernToolCall(post: Pick<McpPost, 'method' | 'header'>): boolean {
  const version = post.header('mcp-protocol-version');
  return (
    post.method === 'POST' &&
    version !== null &&
    MODERN_VERSIONS.has(version) &&
    post.header('mcp-method') === 'tools/call' &&
    post.header('mcp-session-id') === null
  );
}

/**
 * The lean adapter for 2026-07-28 `tools/call`: decoded without the SDK's per-request
 * Server, transport and schema passes, through the call pipeline, encoded as the SDK's
 * 2026 codec would. Only the plain, well-formed case is taken (headers and envelope agree
 * exactly as SEP-2243 requires, one request, a valid envelope); anything else returns
 * false, having written nothing, and the SDK's strict handler owns its error answer.
 */
export async function serveModernLean(
  post: McpPost,
  res: ServerResponse,
  caller: CallerContext,
  pipeline: CallHandler,
  serverInfo: { name: string; version: string },
): Promise<boolean> {
  if (!post.plain || !isModernToolCall(post)) return false;
  const message = post.parsed as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };
  if (
    !isPlainObject(message) ||
    message.jsonrpc !== '2.0' ||
    message.method !== 'tools/call' ||
    !(typeof message.id === 'string' || typeof message.id === 'number') ||
    !isPlainObject(message.params)
  ) {
    return false;
  }
  const params = message.params;
  const meta = params._meta;
  if (!isPlainObject(meta)) return false;
  const clientInfo = meta[CLIENT_INFO_META_KEY];
  const capabilities = meta[CLIENT_CAPABILITIES_META_KEY];
  const level = meta[LOG_LEVEL_META_KEY];
  if (
    typeof params.name !== 'string' ||
    post.header('mcp-name') !== params.name ||
    !(params.arguments === undefined || isPlainObject(params.arguments)) ||
    meta[PROTOCOL_VERSION_META_KEY] !== post.header('mcp-protocol-version') ||
    !isPlainObject(clientInfo) ||
    typeof clientInfo.name !== 'string' ||
    typeof clientInfo.version !== 'string' ||
    !isPlainObject(capabilities) ||
    (level !== undefined && !isLogLevel(level))
  ) {
    return false;
  }

  const aborted = new AbortController();
  abortOnClientGone(res, aborted);
  const reply = new LeanReply(res, post.answerHeaders);
  const threshold = logThreshold(meta, undefined);
  const response = await leanResponse(
    pipeline,
    {
      kind: 'tool',
      name: params.name,
      params,
      era: 'modern',
      caller,
      trace: post.trace,
      downstream: {
        clientCapabilities: capabilities,
        logThreshold: threshold,
        inputRequired: 'relay',
        project: modernProjection,
        hooks: leanHooks(reply, meta, threshold, aborted.signal),
      },
    },
    message.id,
  );
  reply.end(encodeModern(response, serverInfo));
  return true;
}

/** The SDK's 2026 result encoding: `resultType` stamped, serverInfo in `_meta`; its error-code mapping. */
function encodeModern(response: Record<string, unknown>, serverInfo: { name: string; version: string }): Record<string, unknown> {
  const error = response.error as { code: number } | undefined;
  // -32002 (resource not found) is not a 2026-07-28 code: invalid params there
  if (error) return error.code === -32002 ? { ...response, error: { ...error, code: -32602 } } : response;
  const result = response.result as Record<string, unknown>;
  const meta = isPlainObject(result._meta) ? result._meta : undefined;
  return {
    ...response,
    result: {
      ...result,
      resultType: result.resultType ?? 'complete',
      _meta: meta?.[SERVER_INFO_META_KEY] !== undefined ? meta : { ...meta, [SERVER_INFO_META_KEY]: serverInfo },
    },
  };
}
