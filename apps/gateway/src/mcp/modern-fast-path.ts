import type { ServerResponse } from 'node:http';
import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  PROTOCOL_VERSION_META_KEY,
  SERVER_INFO_META_KEY,
} from '@modelcontextprotocol/server';
import type { VirtualServerRouter, Visibility } from '@switchboard/core/federation/router';
import type { CallAuditor } from './call-audit.ts';
import type { HeaderReader } from './admission.ts';
import { abortOnClientGone, type FastPost, FastReply, plainJsonPost, relayToolCall } from './fast-call.ts';
import { LOG_LEVEL_META, type LogLevel } from './logging.ts';

/**
 * The stateless revisions the SDK's modern handler serves (its list is not exported; a
 * revision it adds later simply takes the SDK path until named here).
 */
const MODERN_VERSIONS = new Set(['2026-07-28']);
const LOG_LEVELS = new Set<unknown>(['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency']);

/** What a 2026-07-28 request needs for the fast path; anything else falls back (with the body already read). */
export type ModernFastOutcome = { handled: true } | { handled: false; body: string; parsed?: unknown } | { handled: false; response: Response };

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether `request` may take the fast path at all, from its headers alone (the body is not read). */
export function isModernToolCall(method: string, header: HeaderReader): boolean {
  const version = header('mcp-protocol-version');
  return (
    method === 'POST' &&
    version !== null &&
    MODERN_VERSIONS.has(version) &&
    header('mcp-method') === 'tools/call' &&
    header('mcp-session-id') === null
  );
}

/**
 * `tools/call` from a 2026-07-28 client, relayed without the SDK's per-request Server,
 * transport and schema passes (measured: they cost several times the upstream call; see
 * bench/README.md). Only the plain, well-formed case is taken: the headers and the body's
 * envelope agree exactly as SEP-2243 requires, one request, a valid envelope. Everything
 * else — mismatches, batches, encoded `Mcp-Name` values, unknown keys in odd places —
 * goes to the SDK's strict handler, which owns those error answers. The answer is what
 * that handler would send: `resultType`, the gateway's serverInfo in `_meta`, in-band
 * errors with HTTP 200, and an `input_required` result relayed as the answer.
 */
export async function tryModernFastToolCall(
  post: FastPost,
  outgoing: ServerResponse,
  router: VirtualServerRouter,
  serverInfo: { name: string; version: string },
  visible?: Visibility,
  audit?: CallAuditor,
): Promise<ModernFastOutcome> {
  const body = await post.body();
  if (body instanceof Response) return { handled: false, response: body };
  if (!plainJsonPost(post.header)) return { handled: false, body };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { handled: false, body };
  }
  const message = parsed as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };
  if (
    !isPlainObject(message) ||
    message.jsonrpc !== '2.0' ||
    message.method !== 'tools/call' ||
    !(typeof message.id === 'string' || typeof message.id === 'number') ||
    !isPlainObject(message.params)
  ) {
    return { handled: false, body, parsed };
  }
  const params = message.params;
  const meta = params._meta;
  const clientInfo = isPlainObject(meta) ? meta[CLIENT_INFO_META_KEY] : undefined;
  const capabilities = isPlainObject(meta) ? meta[CLIENT_CAPABILITIES_META_KEY] : undefined;
  const logLevel = isPlainObject(meta) ? meta[LOG_LEVEL_META] : undefined;
  if (
    typeof params.name !== 'string' ||
    post.header('mcp-name') !== params.name ||
    !(params.arguments === undefined || isPlainObject(params.arguments)) ||
    !isPlainObject(meta) ||
    meta[PROTOCOL_VERSION_META_KEY] !== post.header('mcp-protocol-version') ||
    !isPlainObject(clientInfo) ||
    typeof clientInfo.name !== 'string' ||
    typeof clientInfo.version !== 'string' ||
    !isPlainObject(capabilities) ||
    (logLevel !== undefined && !LOG_LEVELS.has(logLevel))
  ) {
    return { handled: false, body, parsed };
  }

  const aborted = new AbortController();
  abortOnClientGone(outgoing, aborted);
  const reply = new FastReply(outgoing);
  const response = await relayToolCall(
    router,
    visible,
    audit,
    {
      id: message.id,
      params,
      clientCapabilities: capabilities,
      // a 2026-07-28 request without a level wants no log messages
      logThreshold: (logLevel as LogLevel | undefined) ?? 'none',
      signal: aborted.signal,
      project: withTextFallback,
      relayInputRequired: true,
    },
    reply,
  );
  reply.end(encodeModern(response, serverInfo));
  return { handled: true };
}

/**
 * 2026-07-28 tool results: structured content that is not an object also travels as text
 * when the result has none (what the SDK's 2026 codec does for every tool result).
 */
function withTextFallback(result: Record<string, unknown>): Record<string, unknown> {
  const structured = result.structuredContent;
  if (structured === undefined || isPlainObject(structured)) return result;
  const content = (result.content ?? []) as Array<{ type?: unknown }>;
  if (content.some((c) => c.type === 'text')) return result;
  return { ...result, content: [...content, { type: 'text', text: JSON.stringify(structured) }] };
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
